"""Credit limit change requests (额度变更申请).

A limit above the writer's authority (``ar.credit.limit.tier``, see ``res_partner_limits``)
is not written on the customer: it is asked for here. The request climbs the tiers its
amount reaches above the requester's own authority, lowest first (the chain is recorded
step by step: who had to approve, who did, when); the last approval writes the limit on the
customer (superuser, after the caller was checked) and records it in the customer's credit
profile history with who asked and who approved.
"""

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..const import COLLECTIONS_USER_GROUP, CREDIT_MANAGER_GROUP

# written by the action methods only (after they checked the caller)
GUARDED_FIELDS = (
    "state",
    "name",
    "user_id",
    "approval_ids",
    "approved_date",
    "current_limit",
    "review_id",
    "scorecard_id",
)
# what is asked: fixed once the request is submitted
REQUEST_TERMS = ("partner_id", "requested_limit", "reason", "company_id")


class ArCreditLimitRequest(models.Model):
    _name = "ar.credit.limit.request"
    _description = "Credit Limit Change Request"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "create_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(readonly=True, copy=False, default=lambda self: self.env._("New"))
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True, domain="[('is_company', '=', True)]"
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users", string="Requested By", default=lambda self: self.env.user, readonly=True, index=True
    )
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
    refusal_reason = fields.Text(copy=False, tracking=True)
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

    @api.depends("approval_ids.state", "state")
    def _compute_next_approval_id(self):
        for request in self:
            pending = request.approval_ids.filtered(lambda step: step.state == "pending").sorted("sequence")
            request.next_approval_id = pending[:1] if request.state == "to_approve" else False

    # ------------------------------------------------------------------
    # CRUD guards
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        self._ar_check_requester()
        for vals in vals_list:
            self._ar_check_guarded_write(vals)
            if vals.get("partner_id"):
                vals["partner_id"] = self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id.id
        requests = super().create(vals_list)
        requests._ar_set_current_limit()
        return requests

    def write(self, vals):
        self.check_access("write")  # who may not write at all is told so first
        self._ar_check_guarded_write(vals)
        if not self.env.su and set(REQUEST_TERMS) & set(vals) and any(r.state != "draft" for r in self):
            raise UserError(self.env._("A submitted credit limit change request cannot be changed."))
        if not self.env.su and "refusal_reason" in vals and any(r.state != "to_approve" for r in self):
            raise UserError(self.env._("Only a credit limit change request awaiting approval can be refused."))
        if vals.get("partner_id"):
            vals["partner_id"] = self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id.id
        result = super().write(vals)
        if {"partner_id", "company_id"} & set(vals):
            self._ar_set_current_limit()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_submitted(self):
        if any(request.state not in ("draft", "cancelled") for request in self):
            raise UserError(self.env._("Only draft or cancelled credit limit change requests can be deleted."))

    def _ar_check_guarded_write(self, vals):
        """The state, the chain and the recorded current limit are written by the buttons
        only (superuser mode, after they checked the caller), whatever the context."""
        if not self.env.su and set(GUARDED_FIELDS) & set(vals):
            raise AccessError(
                self.env._("Credit limit change requests are submitted and approved with their buttons only.")
            )

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
    # Callers
    # ------------------------------------------------------------------
    @api.model
    def _ar_check_requester(self):
        if not self.env.su and not self.env.user.has_group(COLLECTIONS_USER_GROUP):
            raise AccessError(self.env._("Only a collections user may ask for a credit limit change."))

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
        return [{"group_id": self.env.ref(CREDIT_MANAGER_GROUP).id, "user_id": False}]

    def action_submit(self):
        """Submit the request to its approval chain."""
        self._ar_check_requester()
        for request in self:
            if request.state != "draft":
                raise UserError(self.env._("The request %(name)s was already submitted.", name=request.name))
            if request.user_id != self.env.user and not self.env.su:
                raise AccessError(self.env._("A credit limit change request is submitted by the person who asks."))
            if request.currency_id.compare_amounts(request.requested_limit, 0) <= 0:
                raise ValidationError(self.env._("The requested credit limit must be positive."))
            request._ar_set_current_limit()
            steps = [
                Command.create(dict(vals, sequence=index)) for index, vals in enumerate(request._ar_get_tiers(), 1)
            ]
            # sudo: the state, the name and the approval chain are guarded fields, written by
            # this button only (the caller was checked above)
            request.sudo().write(
                {
                    "state": "to_approve",
                    "name": self.env["ir.sequence"]
                    .sudo()
                    .with_company(request.company_id)
                    .next_by_code("ar.credit.limit.request")
                    or request.name,
                    "approval_ids": [Command.clear(), *steps],
                }
            )
            request._ar_ask_next_approval()
        return True

    def _ar_ask_next_approval(self):
        for request in self:
            step = request.next_approval_id
            users = step.user_id or step.group_id.users.filtered(
                lambda user, request=request: request.company_id in user.company_ids and user != request.user_id
            )
            for user in users:
                # sudo: the requester schedules an activity for the approvers
                request.sudo().activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=fields.Date.context_today(request),
                    summary=self.env._(
                        "Approve a credit limit of %(limit)s for %(partner)s",
                        limit=request.currency_id.format(request.requested_limit),
                        partner=request.partner_id.display_name,
                    ),
                    note=request.reason,
                    user_id=user.id,
                )

    def _ar_check_decider(self):
        """The caller decides the pending step of each request; nobody decides their own request."""
        for request in self:
            if request.state != "to_approve":
                raise UserError(self.env._("The request %(name)s is not awaiting approval.", name=request.name))
            if self.env.su:
                continue
            if request.user_id == self.env.user:
                raise AccessError(self.env._("Nobody approves or refuses their own credit limit change request."))
            step = request.next_approval_id
            if not step._ar_can_decide(self.env.user):
                raise AccessError(
                    self.env._(
                        "The request %(name)s awaits the approval of %(approver)s.",
                        name=request.name,
                        approver=step.display_name,
                    )
                )

    def _ar_decide_step(self, state):
        self.ensure_one()
        # sudo: the approval chain is a guarded record, written by the buttons only, once the
        # caller was checked (_ar_check_decider)
        self.next_approval_id.sudo().write(
            {"state": state, "approver_id": self.env.user.id, "decision_date": fields.Datetime.now()}
        )
        # sudo: the approver closes the approval activities of the step (any owner)
        self.sudo().activity_unlink(["mail.mail_activity_data_todo"])
        self.invalidate_recordset(["next_approval_id"])

    def action_approve(self):
        """Approve the pending step; the last approval applies the limit."""
        self._ar_check_decider()
        for request in self:
            request._ar_decide_step("approved")
            if request.next_approval_id:
                request._ar_ask_next_approval()
            else:
                request._ar_apply()
        return True

    def action_refuse(self):
        """Refuse the request (the refusal reason is required)."""
        self._ar_check_decider()
        for request in self:
            if not (request.refusal_reason or "").strip():
                raise UserError(self.env._("Give the reason for refusing the credit limit change."))
            request._ar_decide_step("refused")
            # sudo: see _ar_decide_step
            request.sudo().state = "refused"
        return True

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
