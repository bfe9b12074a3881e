from odoo import models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    def unlink(self):
        """A payment unreconciled may bring a lifted credit hold back (its to-dos again)."""
        lines = self.debit_move_id | self.credit_move_id
        result = super().unlink()
        self.env["account.move.line"]._ar_sync_holds_of_lines(lines.exists())
        return result
