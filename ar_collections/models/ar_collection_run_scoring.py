import logging
import traceback

from odoo import models
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

_logger = logging.getLogger(__name__)


class ArCollectionRun(models.Model):
    _inherit = "ar.collection.run"

    def _ar_run_steps(self):
        return [*super()._ar_run_steps(), "_ar_step_score_customers", "_ar_step_danger_signals"]

    def _ar_step_score_customers(self):
        """Refresh the behaviour scores of every customer of the run's company (grouped
        queries, one upsert). A failure is logged on the run; the run goes on."""
        return self._ar_scoring_step(
            lambda: (
                self.env["ar.credit.score"].sudo().with_company(self.company_id)._ar_refresh(self.company_id, self.date)
            ),
            self.env._("Credit scores not refreshed"),
        )

    def _ar_step_danger_signals(self):
        """Raise the danger signals of the run's company, after the scores (the payments
        slowing signal reads them)."""
        return self._ar_scoring_step(
            lambda: (
                self.env["ar.credit.warning"]
                .sudo()
                .with_company(self.company_id)
                ._ar_detect(self.company_id, self.date)
            ),
            self.env._("Danger signals not raised"),
        )

    def _ar_scoring_step(self, func, failure):
        self.ensure_one()
        try:
            # sudo (in func): the run is started by the scheduler or a checked "Run Now"; the scores
            # and warnings are written by the system only
            with self.env.cr.savepoint():
                func()
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise
        except Exception:
            _logger.exception("Collections run %s: scoring step failed", self.id)
            self._ar_log_error(f"{failure}:\n{traceback.format_exc(limit=3)}")
        return True
