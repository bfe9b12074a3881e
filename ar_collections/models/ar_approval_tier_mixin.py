"""The one definition of an approval ladder (审批权限), shared by the write-off tiers
(``ar.write.off.tier``) and the credit limit tiers (``ar.credit.limit.tier``).

A tier is a threshold of the company and one approver (a group: any member; or a user).
An amount *reaches* every tier whose threshold it passes (``_ar_get_reached_tiers``, lowest
first): each reached tier is one step of the approval chain. A write-off reaches a tier from
its threshold on (at least); a limit change above it (strictly: "up to 100,000 the credit
manager" is a tier of the finance manager above 100,000). The steps of a chain
(``ar.approval.step.mixin``) record who had to decide, who did, when, and what.
"""

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ArApprovalTierMixin(models.AbstractModel):
    _name = "ar.approval.tier.mixin"
    _description = "Approval Tier"
    _order = "company_id, amount_min, sequence, id"
    _check_company_auto = True
    # an amount equal to the threshold reaches the tier (write-offs) or not (limit changes)
    _ar_tier_strict = False

    sequence = fields.Integer(default=10)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_min = fields.Monetary(string="From Amount", currency_field="currency_id")
    group_id = fields.Many2one("res.groups", string="Approver Group", help="Any member of this group approves.")
    user_id = fields.Many2one("res.users", string="Approver", help="This user approves.")

    @api.constrains("group_id", "user_id", "amount_min")
    def _check_approver(self):
        for tier in self:
            if bool(tier.group_id) == bool(tier.user_id):
                raise ValidationError(self.env._("An approval tier names either a group or a user."))
            if tier.amount_min < 0:
                raise ValidationError(self.env._("The amount of an approval tier cannot be negative."))

    @api.depends("amount_min", "group_id", "user_id")
    def _compute_display_name(self):
        for tier in self:
            sign = ">" if self._ar_tier_strict else "≥"
            tier.display_name = "%s %s %s" % ((tier.user_id or tier.group_id).display_name or "", sign, tier.amount_min)

    @api.model
    def _ar_get_reached_tiers(self, company, amount):
        """The tier rule: the tiers of ``company`` that ``amount`` (company currency) reaches,
        lowest first (one step of the chain each)."""
        # sudo: the ladder decides who approves, whoever asks
        tiers = self.sudo().search([("company_id", "=", company.id)])
        currency = company.currency_id
        floor = 1 if self._ar_tier_strict else 0
        return tiers.filtered(lambda tier: currency.compare_amounts(amount, tier.amount_min) >= floor).sorted(
            lambda tier: (tier.amount_min, tier.sequence, tier.id)
        )

    def _ar_step_vals(self):
        """Values of the approval steps of the tiers of ``self``, in their order."""
        return [{"group_id": tier.group_id.id, "user_id": tier.user_id.id} for tier in self]

    def _ar_covers(self, user):
        """Whether ``user`` is the approver of the tier ``self``."""
        self.ensure_one()
        if self.user_id:
            return self.user_id == user
        # implied groups are part of groups_id
        return self.group_id in user.sudo().groups_id


class ArApprovalStepMixin(models.AbstractModel):
    """One step of an approval chain: who had to approve, who did, when."""

    _name = "ar.approval.step.mixin"
    _description = "Approval Step"

    sequence = fields.Integer()
    group_id = fields.Many2one("res.groups", string="Approver Group", readonly=True)
    user_id = fields.Many2one("res.users", string="Approver Required", readonly=True)
    state = fields.Selection(
        [("pending", "Pending"), ("approved", "Approved"), ("refused", "Refused")],
        default="pending",
        required=True,
        readonly=True,
    )
    approver_id = fields.Many2one("res.users", string="Decided By", readonly=True)
    decision_date = fields.Datetime(readonly=True)

    @api.depends("group_id", "user_id")
    def _compute_display_name(self):
        for step in self:
            step.display_name = (step.user_id or step.group_id).display_name or ""

    def _ar_can_decide(self, user):
        """May ``user`` decide this step?"""
        self.ensure_one()
        if self.user_id:
            return self.user_id == user
        # implied groups are part of groups_id
        return self.group_id in user.sudo().groups_id
