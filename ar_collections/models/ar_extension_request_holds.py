# Side file of issue 14 part B (credit limits by tier, holds following events), kept apart from the
# model's main file for the merge; the integrator folds it in.
# pylint: disable=consider-merging-classes-inherited
from odoo import models


class ArExtensionRequest(models.Model):
    _inherit = "ar.extension.request"

    def action_approve(self):
        """An extension approved by a Credit Manager lifts the hold of its invoices while its
        promise runs: the hold to-dos follow at once."""
        result = super().action_approve()
        for company, requests in self.grouped("company_id").items():
            # sudo: see ar.collection.followup._ar_sync_holds
            self.env["ar.collection.followup"].sudo().with_company(company)._ar_sync_holds(
                requests.partner_id.commercial_partner_id.ids
            )
        return result
