from odoo import fields, models


class ArCreditLimitApproval(models.Model):
    """One step of a credit limit change request's approval chain: who had to approve, who
    did, when (``ar.approval.step.mixin``)."""

    _name = "ar.credit.limit.approval"
    _inherit = ["ar.approval.step.mixin"]
    _description = "Credit Limit Approval Step"
    _order = "request_id, sequence, id"

    request_id = fields.Many2one("ar.credit.limit.request", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="request_id.company_id", store=True, index=True)
