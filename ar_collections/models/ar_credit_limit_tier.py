from odoo import fields, models


class ArCreditLimitTier(models.Model):
    """One level of the credit limit ladder (额度审批权限): a limit change above ``amount_min``
    (the new limit, or the increase: the company's ``ar_limit_tier_basis``) needs the approval
    of this group or user, after the levels below it (the rule: ``ar.approval.tier.mixin``).

    E.g. credit managers above 0, the finance manager above 100,000, the general manager above
    500,000: a credit manager sets limits up to 100,000 himself; 300,000 needs the finance
    manager; 800,000 the finance manager, then the general manager."""

    _name = "ar.credit.limit.tier"
    _inherit = ["ar.approval.tier.mixin"]
    _description = "Credit Limit Approval Tier"
    _order = "company_id, amount_min, sequence, id"
    _ar_tier_strict = True

    amount_min = fields.Monetary(
        string="Above",
        help="A credit limit (or increase) above this amount needs this approval; up to it, the tiers below suffice.",
    )
