import logging
import traceback

from odoo import models
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

_logger = logging.getLogger(__name__)


class ArCollectionRun(models.Model):
    _inherit = "ar.collection.run"

    def _ar_run_steps(self):
        """The repayment plans are checked right after the promises, before the invoices
        are staged: the invoices of a plan broken tonight are dunned again the same night."""
        steps = super()._ar_run_steps()
        index = steps.index("_ar_step_check_promises") + 1 if "_ar_step_check_promises" in steps else 0
        return steps[:index] + ["_ar_step_check_repayment_plans"] + steps[index:]

    def _ar_step_check_repayment_plans(self):
        """Check the instalments of the active repayment plans of the run's company on the
        run's date (set-based: one payments query for all plans). A plan that cannot be
        checked is logged on the run and skipped; the others are checked."""
        self.ensure_one()
        company = self.company_id
        Plan = self.env["ar.repayment.plan"].with_company(company)
        plans = Plan.search([("company_id", "=", company.id), ("state", "=", "active")])
        try:
            with self.env.cr.savepoint():
                plans._ar_check(today=self.date)
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise
        except Exception:
            # one bad plan must not stop the others: check them one by one
            for plan in plans:
                try:
                    with self.env.cr.savepoint():
                        plan._ar_check(today=self.date)
                except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                    raise
                except Exception:
                    _logger.exception("Collections run %s: repayment plan %s failed", self.id, plan.id)
                    self._ar_log_error(
                        self.env._(
                            "Repayment plan %(plan)s (id %(id)s) not checked:\n%(error)s",
                            plan=plan.display_name,
                            id=plan.id,
                            error=traceback.format_exc(limit=3),
                        )
                    )
        return True

    def _ar_get_worst_stages(self, partner_ids):
        """A customer paying by an active plan with a broken instalment has no staged
        invoice (they are paused) but an escalated follow-up: it stays open in its stage
        (the collector chases the arrears; nothing is sent) instead of being closed as
        "nothing left to collect"."""
        worst = super()._ar_get_worst_stages(partner_ids)
        unstaged = [pid for pid in partner_ids if pid not in worst]
        if not unstaged:
            return worst
        in_arrears = (
            self.env["ar.repayment.plan"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("state", "=", "active"),
                    ("broken_count", ">", 0),
                    ("partner_id", "in", unstaged),
                ]
            )
            .partner_id
        )
        if in_arrears:
            followup = self.env["ar.collection.followup"].with_company(self.company_id)
            for activity in followup._get_open_activities(in_arrears):
                if activity.ar_stage_id:
                    worst[activity.res_id] = activity.ar_stage_id
        return worst
