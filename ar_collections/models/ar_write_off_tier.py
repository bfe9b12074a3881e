from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ArWriteOffTier(models.Model):
    """One level of the write-off approval ladder (坏账核销审批权限): a request of at least
    ``amount_min`` needs the approval of this group or user, after the levels below it."""

    _name = "ar.write.off.tier"
    _description = "Write-Off Approval Tier"
    _order = "company_id, amount_min, sequence, id"
    _check_company_auto = True

    sequence = fields.Integer(default=10)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_min = fields.Monetary(
        string="From Amount",
        currency_field="currency_id",
        help="Requests of at least this amount need this approval.",
    )
    group_id = fields.Many2one("res.groups", string="Approver Group", help="Any member of this group approves.")
    user_id = fields.Many2one("res.users", string="Approver", help="This user approves.")

    @api.constrains("group_id", "user_id", "amount_min")
    def _check_approver(self):
        for tier in self:
            if bool(tier.group_id) == bool(tier.user_id):
                raise ValidationError(self.env._("A write-off approval tier names either a group or a user."))
            if tier.amount_min < 0:
                raise ValidationError(self.env._("The amount of a write-off approval tier cannot be negative."))

    @api.depends("amount_min", "group_id", "user_id")
    def _compute_display_name(self):
        for tier in self:
            tier.display_name = "%s ≥ %s" % ((tier.user_id or tier.group_id).display_name or "", tier.amount_min)
