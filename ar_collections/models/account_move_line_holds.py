# Side file of issue 14 part B (credit limits by tier, holds following events), kept apart from the
# model's main file for the merge; the integrator folds it in.
# pylint: disable=consider-merging-classes-inherited
from odoo import models


def _flatten_plan(plan):
    for item in plan:
        if isinstance(item, models.BaseModel):
            yield item
        else:
            yield from _flatten_plan(item)


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def _reconcile_plan(self, reconciliation_plan):
        """Every reconciliation (payment registered, outstanding payment assigned, credit
        note, bank reconciliation) goes through here: once it is done, the credit holds of the
        customers touched follow it (``ar.collection.followup._ar_sync_holds``), one check
        for all of them."""
        result = super()._reconcile_plan(reconciliation_plan)
        lines = self.browse().union(*_flatten_plan(reconciliation_plan))
        self._ar_sync_holds_of_lines(lines)
        return result

    def _ar_sync_holds_of_lines(self, lines):
        receivable = lines.filtered(lambda line: line.account_id.account_type == "asset_receivable")
        if receivable:
            # sudo: the hold to-dos follow the payment, whoever reconciles it
            self.env["ar.collection.followup"].sudo()._ar_sync_holds(receivable.partner_id.commercial_partner_id.ids)
