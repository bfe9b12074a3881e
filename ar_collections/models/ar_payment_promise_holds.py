# Side file of issue 14 part B (credit limits by tier, holds following events), kept apart from the
# model's main file for the merge; the integrator folds it in.
# pylint: disable=consider-merging-classes-inherited
from odoo import models


class ArPaymentPromise(models.Model):
    _inherit = "ar.payment.promise"

    def _ar_check(self, today=None):
        """A promise found kept, partially kept or broken: the credit holds of its customers
        follow at once (a broken promise reinstates a hold its extension had lifted)."""
        changed = super()._ar_check(today=today)
        for company, promises in changed.grouped("company_id").items():
            # sudo: see ar.collection.followup._ar_sync_holds
            self.env["ar.collection.followup"].sudo().with_company(company)._ar_sync_holds(
                promises.partner_id.commercial_partner_id.ids
            )
        return changed
