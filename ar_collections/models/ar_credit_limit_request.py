"""Credit limit change requests (额度变更申请).

A limit above the writer's authority (``ar.credit.limit.tier``, see ``res_partner_limits``)
is not written on the customer: it is asked for here. The request climbs the tiers its
amount reaches above the requester's own authority, lowest first (the chain is recorded
step by step: who had to approve, who did, when); the last approval writes the limit on the
customer (superuser, after the caller was checked) and records it in the customer's credit
profile history with who asked and who approved.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.translate import LazyTranslate

from ..const import CREDIT_MANAGER_GROUP

_lt = LazyTranslate(__name__)


class ArCreditLimitRequest(models.Model):
    _name = "ar.credit.limit.request"
    _description = "Credit Limit Change Request"
    _inherit = ["ar.approval.request.mixin"]
    _order = "create_date desc, id desc"

    # written by the action methods only (after they checked the caller), besides the chain's
    _ar_guarded_fields = ("current_limit", "review_id", "scorecard_id")
    # what is asked: fixed once the request is submitted
    _ar_term_fields = ("partner_id", "requested_limit", "reason", "company_id")
    _ar_deletable_states = ("draft", "cancelled")
    _ar_messages = {
        "guarded": _lt("Credit limit change requests are submitted and approved with their buttons only."),
        "requester": _lt("Only a collections user may ask for a credit limit change."),
        "decided": _lt("A submitted credit limit change request cannot be changed."),
        "delete": _lt("Only draft or cancelled credit limit change requests can be deleted."),
        "refuse_state": _lt("Only a credit limit change request awaiting approval can be refused."),
        "already_submitted": _lt("The request %(name)s was already submitted."),
        "submitter": _lt("A credit limit change request is submitted by the person who asks."),
        "not_awaiting": _lt("The request %(name)s is not awaiting approval."),
        "own": _lt("Nobody approves or refuses their own credit limit change request."),
        "awaits": _lt("The request %(name)s awaits the approval of %(approver)s."),
        "refusal_reason": _lt("Give the reason for refusing the credit limit change."),
    }

    current_limit = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        copy=False,
        help="The customer's credit limit in the company when the request was made (0: none).",
    )
    requested_limit = fields.Monetary(currency_field="currency_id", required=True, tracking=True)
    reason = fields.Text(required=True, help="Why the customer needs this limit (orders expected, guarantees …).")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("to_approve", "To Approve"),
            ("approved", "Approved"),
            ("refused", "Refused"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    approval_ids = fields.One2many("ar.credit.limit.approval", "request_id", string="Approval Chain", readonly=True)
    next_approval_id = fields.Many2one(
        "ar.credit.limit.approval", string="Awaiting", compute="_compute_next_approval_id"
    )
    approved_date = fields.Datetime(string="Approved On", readonly=True, copy=False)
    review_id = fields.Many2one(
        "ar.credit.review",
        string="Credit Review",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The credit review whose approved limit was above the approver's authority.",
    )
    scorecard_id = fields.Many2one(
        "ar.credit.scorecard",
        string="5C Evaluation",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The 5C evaluation whose starting limit was above the approver's authority.",
    )

    _sql_constraints = [
        ("requested_limit_positive", "CHECK(requested_limit > 0)", "The requested credit limit must be positive."),
    ]

    def _ar_approval_summary(self):
        return self.env._(
            "Approve a credit limit of %(limit)s for %(partner)s",
            limit=self.currency_id.format(self.requested_limit),
            partner=self.partner_id.display_name,
        )

    # ------------------------------------------------------------------
    # CRUD guards
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        requests = super().create(vals_list)
        requests._ar_set_current_limit()
        return requests

    def write(self, vals):
        self.check_access("write")  # who may not write at all is told so first
        result = super().write(vals)
        if {"partner_id", "company_id"} & set(vals):
            self._ar_set_current_limit()
        return result

    def _ar_set_current_limit(self):
        for request in self:
            # sudo: the current limit is recorded whoever asks (a guarded field)
            request.sudo().current_limit = request._ar_partner_limit()

    def _ar_partner_limit(self):
        """The customer's credit limit in the request's company now (0: none)."""
        self.ensure_one()
        # sudo: the limit fields are restricted to accountants
        partner = self.partner_id.sudo().with_company(self.company_id)
        uses_limit, limit = partner._ar_get_credit_limits().get(partner.id, (False, 0.0))
        return limit if uses_limit else 0.0

    # ------------------------------------------------------------------
    # Approval chain
    # ------------------------------------------------------------------
    def _ar_tier_amount(self):
        """What the tiers compare: the requested limit, or its increase (company setting)."""
        self.ensure_one()
        if self.company_id.ar_limit_tier_basis == "increase":
            return self.requested_limit - self.current_limit
        return self.requested_limit

    def _ar_get_tiers(self):
        """The steps of the chain: the tiers the request reaches above the requester's own
        authority (the tiers he approves himself count as his), lowest first; when none is
        left (no tiers, or within his authority), one approval by another Credit Manager."""
        self.ensure_one()
        reached = self.env["ar.credit.limit.tier"]._ar_get_reached_tiers(self.company_id, self._ar_tier_amount())
        covered = [index for index, tier in enumerate(reached) if tier._ar_covers(self.user_id)]
        steps = reached[covered[-1] + 1 :] if covered else reached
        if steps:
            return steps._ar_step_vals()
        return self._ar_default_steps()

    def _ar_check_submit(self):
        if self.currency_id.compare_amounts(self.requested_limit, 0) <= 0:
            raise ValidationError(self.env._("The requested credit limit must be positive."))
        self._ar_set_current_limit()

    def action_cancel(self):
        """The requester (or a Credit Manager) withdraws a request not decided yet."""
        for request in self:
            if request.state not in ("draft", "to_approve"):
                raise UserError(self.env._("Only a pending request can be cancelled."))
            if (
                not self.env.su
                and request.user_id != self.env.user
                and not self.env.user.has_group(CREDIT_MANAGER_GROUP)
            ):
                raise AccessError(self.env._("Only the requester or a Credit Manager may cancel the request."))
            # sudo: the state is a guarded field (the caller was checked above)
            request.sudo().write({"state": "cancelled"})
            request.sudo().activity_unlink(["mail.mail_activity_data_todo"])
        return True

    def _ar_apply(self):
        """Write the approved limit on the customer (called by the last approval, caller checked)."""
        for request in self:
            request.partner_id._ar_apply_limit_request(request)
            # sudo: the state is a guarded field (the last approver was checked)
            request.sudo().write({"state": "approved", "approved_date": fields.Datetime.now()})
            request.sudo().message_post(
                body=self.env._(
                    "Approved: the credit limit of %(partner)s is now %(limit)s.",
                    partner=request.partner_id.display_name,
                    limit=request.currency_id.format(request.requested_limit),
                )
            )

    def _ar_approvers(self):
        """Users who approved the steps of the request, in their order."""
        self.ensure_one()
        return self.approval_ids.filtered(lambda step: step.state == "approved").sorted("sequence").approver_id
