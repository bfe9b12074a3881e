from odoo import fields, models


class ArWriteOffApproval(models.Model):
    """One step of a write-off request's approval chain: who had to approve, who did, when
    (``ar.approval.step.mixin``)."""

    _name = "ar.write.off.approval"
    _inherit = ["ar.approval.step.mixin"]
    _description = "Write-Off Approval Step"
    _order = "request_id, sequence, id"

    request_id = fields.Many2one("ar.write.off.request", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="request_id.company_id", store=True, index=True)
