from odoo import fields, models


class ArWriteOffTier(models.Model):
    """One level of the write-off approval ladder (坏账核销审批权限): a request of at least
    ``amount_min`` needs the approval of this group or user, after the levels below it
    (the rule: ``ar.approval.tier.mixin``)."""

    _name = "ar.write.off.tier"
    _inherit = ["ar.approval.tier.mixin"]
    _description = "Write-Off Approval Tier"
    _order = "company_id, amount_min, sequence, id"

    amount_min = fields.Monetary(help="Requests of at least this amount need this approval.")
