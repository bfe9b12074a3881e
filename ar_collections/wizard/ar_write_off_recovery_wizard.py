from odoo import api, fields, models


class ArWriteOffRecoveryWizard(models.TransientModel):
    _name = "ar.write.off.recovery.wizard"
    _description = "Record a Recovery After Write-Off"

    request_id = fields.Many2one("ar.write.off.request", string="Write-Off", required=True, ondelete="cascade")
    partner_id = fields.Many2one(related="request_id.partner_id")
    company_id = fields.Many2one(related="request_id.company_id")
    currency_id = fields.Many2one(related="request_id.currency_id")
    payment_line_id = fields.Many2one(
        "account.move.line",
        string="Payment",
        required=True,
        domain="[('company_id', '=', company_id), ('partner_id.commercial_partner_id', '=', partner_id), "
        "('account_id.account_type', '=', 'asset_receivable'), ('parent_state', '=', 'posted'), "
        "('reconciled', '=', False), ('balance', '<', 0)]",
        help="Unreconciled payment received from the customer.",
    )
    amount = fields.Monetary(string="Recovered Amount", currency_field="currency_id", required=True)

    @api.onchange("payment_line_id")
    def _onchange_payment_line_id(self):
        if self.payment_line_id:
            remaining = self.request_id.amount - self.request_id.recovered_amount
            self.amount = min(-self.payment_line_id.amount_residual, remaining)

    def action_confirm(self):
        self.ensure_one()
        self.request_id._ar_record_recovery(self.payment_line_id, self.amount)
        return {"type": "ir.actions.act_window_close"}
