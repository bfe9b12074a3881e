from odoo import api, fields, models
from odoo.exceptions import UserError


class ArCreditReleaseWizard(models.TransientModel):
    """Ask for, or approve, a one-time release of a credit hold on a sale order or a
    customer delivery."""

    _name = "ar.credit.release.wizard"
    _description = "Request or Approve a Credit Release"

    mode = fields.Selection(
        [("request", "Request a release"), ("approve", "Approve a release")], required=True, default="request"
    )
    sale_order_id = fields.Many2one("sale.order", readonly=True)
    picking_id = fields.Many2one("stock.picking", string="Delivery", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", compute="_compute_hold_reasons")
    hold_reasons = fields.Text(compute="_compute_hold_reasons")
    reason = fields.Text(help="Why the hold may be released (required to approve).")
    message = fields.Text(help="Anything the credit manager should know (optional).")
    expiry_date = fields.Date(string="Valid Until", help="Last day on which the release may be used. Empty: no end.")

    # one Many2one per kind of held document, named as the release's (see ``_ar_release_field``)
    @api.depends(lambda self: self.env["ar.credit.release"]._ar_document_fields())
    def _compute_hold_reasons(self):
        for wizard in self:
            document = wizard._get_document()
            wizard.partner_id = document.partner_id.commercial_partner_id if document else False
            wizard.hold_reasons = (
                "\n".join(reason["message"] for reason in document._ar_hold_reasons()) if document else False
            )

    def _get_document(self):
        """The document to release: the one the wizard was opened on (``None`` if none)."""
        self.ensure_one()
        fnames = self.env["ar.credit.release"]._ar_document_fields()
        return next((self[fname] for fname in fnames if self[fname]), None)

    def action_confirm(self):
        self.ensure_one()
        document = self._get_document()
        if not document:
            raise UserError(self.env._("Choose a sale order or a delivery to release."))
        Release = self.env["ar.credit.release"]
        if self.mode == "approve":
            Release._approve(document, self.reason, self.expiry_date)
        else:
            Release._request(document, self.message)
        return {"type": "ir.actions.act_window_close"}
