from odoo import api, models


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _ar_get_paused_invoice_ids(self, company):
        """Also paused: the invoices covered by an active repayment plan (the plan's nightly
        check follows them; a plan cancelled or broken un-pauses them)."""
        return super()._ar_get_paused_invoice_ids(company) | self.env["ar.repayment.plan"]._ar_get_paused_invoice_ids(
            company
        )
