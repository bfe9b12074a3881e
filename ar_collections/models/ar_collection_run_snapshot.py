from odoo import models


class ArCollectionRun(models.Model):
    _inherit = "ar.collection.run"

    def _ar_run_steps(self):
        """The aging snapshot of the run's company and day is taken as the last step."""
        return [*super()._ar_run_steps(), "_ar_step_snapshot_aging"]

    def _ar_step_snapshot_aging(self):
        """Snapshot of the receivable aging of the run's company as of the run's date (one
        set-based insert, replacing the snapshot of the same day if the run is redone)."""
        self.ensure_one()
        # sudo: the run is started by the scheduler or by a checked "Run Now"; snapshot rows
        # are written by the system only
        self.env["ar.aging.snapshot"].sudo()._ar_take_snapshot(self.company_id, self.date)
        return True
