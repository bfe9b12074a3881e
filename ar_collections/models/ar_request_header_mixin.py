"""The header shared by the requests and cases of credit control: credit limit change
requests (额度变更申请), write-off requests (坏账核销申请) and collection cases (催收案件).

``ar.request.header.mixin``: a number from the company's sequence, the customer (always a
commercial partner), the company and its currency, the chatter, who may create one, the
fields written by the record's checked methods only (the state, the number …), the terms
fixed once the record left its editable states, and the states in which it may be deleted.

``ar.approval.request.mixin``: a request that climbs an approval chain (the steps of
``ar.approval.step.mixin``, built from the tiers of ``ar.approval.tier.mixin``): requested by
its author, submitted by him, each pending step decided by its approver (never the
requester), refused with a reason, applied on the last approval.

Inheriting models declare what differs: the class attributes below, the ``state`` field (and,
for approval requests, ``approval_ids``, ``next_approval_id``, ``reason``), their own wording
(``_ar_header_message``) and the hooks (``_ar_check_write_values``, ``_ar_check_submit``,
``_ar_get_tiers``, ``_ar_apply`` …). The rules hold on every ``create``/``write`` (RPC
endpoints, whatever the context); the superuser (the checked methods writing with ``sudo()``)
is not held by them."""

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..const import COLLECTIONS_USER_GROUP, CREDIT_MANAGER_GROUP


class ArRequestHeaderMixin(models.AbstractModel):
    _name = "ar.request.header.mixin"
    _description = "Request Header"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _check_company_auto = True

    _ar_requester_group = None  # xmlid of the group that may create a record (None: no check)
    # written by the record's checked methods only, besides the state and the number
    _ar_guarded_fields = ()
    _ar_term_fields = ()  # fixed once the record left its editable states
    _ar_editable_states = ("draft",)
    _ar_deletable_states = None  # the states in which a record may be deleted (None: no guard)
    # the model's wording of its refusals, by key (lazy translations): see _ar_header_message
    _ar_messages = {}

    name = fields.Char(readonly=True, copy=False, default=lambda self: self.env._("New"))
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True, domain="[('is_company', '=', True)]"
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")

    def _ar_header_message(self, key, **params):
        """The model's wording (``_ar_messages``) of a refusal, for ``key``:

        - ``guarded``: a guarded field written directly
        - ``requester``: a record created by a user outside ``_ar_requester_group``
        - ``decided``: a term changed outside the editable states
        - ``delete``: a deletion outside the deletable states

        and for approval requests (``name`` of the request where it is one of the params):

        - ``refuse_state``: a refusal reason written on a request not awaiting approval
        - ``already_submitted`` (``name``), ``submitter``: a second submission, another's
        - ``not_awaiting`` (``name``), ``own``, ``awaits`` (``name``, ``approver``): a decision
          on a request not awaiting one, on one's own, on a step of another approver
        - ``refusal_reason``: a refusal without its reason
        """
        message = self.env._(self._ar_messages[key])
        return message % params if params else message

    # ------------------------------------------------------------------
    # CRUD: the requester, the guarded fields, the customer, the fixed terms
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        self._ar_check_requester()
        for vals in vals_list:
            self._ar_check_guarded_write(vals)
            if vals.get("partner_id"):
                vals["partner_id"] = self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id.id
        return super().create(vals_list)

    def write(self, vals):
        self._ar_check_guarded_write(vals)
        if not self.env.su:
            self._ar_check_write_values(vals)
        if vals.get("partner_id"):
            vals["partner_id"] = self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id.id
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_submitted(self):
        states = self._ar_deletable_states
        if states is not None and any(record.state not in states for record in self):
            raise UserError(self._ar_header_message("delete"))

    @api.model
    def _ar_check_requester(self):
        group = self._ar_requester_group
        if group and not self.env.su and not self.env.user.has_group(group):
            raise AccessError(self._ar_header_message("requester"))

    def _ar_check_guarded_write(self, vals):
        """The guarded fields are written by the record's checked methods only (superuser
        mode, after they checked the caller), whatever the context."""
        if not self.env.su and self._ar_get_guarded_fields() & set(vals):
            raise AccessError(self._ar_header_message("guarded"))

    def _ar_get_guarded_fields(self):
        return {"state", "name", *self._ar_guarded_fields}

    def _ar_check_write_values(self, vals):
        """What a user may write (overridable hook, not called in superuser mode): the terms
        are fixed once the record left its editable states."""
        if set(self._ar_term_fields) & set(vals) and any(
            record.state not in self._ar_editable_states for record in self
        ):
            raise UserError(self._ar_header_message("decided"))

    def _ar_next_number(self):
        """The next number of the record, from its company's own sequence of the model."""
        self.ensure_one()
        return self.company_id._ar_next_bad_debt_number(self._name)


class ArApprovalRequestMixin(models.AbstractModel):
    _name = "ar.approval.request.mixin"
    _description = "Request with an Approval Chain"
    _inherit = ["ar.request.header.mixin"]

    _ar_requester_group = COLLECTIONS_USER_GROUP
    # approved: the approver's to-do is marked done (True) or removed (False)
    _ar_approval_feedback = False

    user_id = fields.Many2one(
        "res.users", string="Requested By", default=lambda self: self.env.user, readonly=True, index=True
    )
    refusal_reason = fields.Text(copy=False, tracking=True)

    @api.depends("approval_ids.state", "state")
    def _compute_next_approval_id(self):
        for request in self:
            pending = request.approval_ids.filtered(lambda step: step.state == "pending").sorted("sequence")
            request.next_approval_id = pending[:1] if request.state == "to_approve" else False

    def _ar_get_guarded_fields(self):
        # the chain: who asked, its steps, when it was approved
        return super()._ar_get_guarded_fields() | {"user_id", "approval_ids", "approved_date"}

    def _ar_check_write_values(self, vals):
        result = super()._ar_check_write_values(vals)
        if "refusal_reason" in vals and any(request.state != "to_approve" for request in self):
            raise UserError(self._ar_header_message("refuse_state"))
        return result

    # ------------------------------------------------------------------
    # Approval chain
    # ------------------------------------------------------------------
    def _ar_get_tiers(self):
        """The values of the steps of the chain, lowest first (overridden by each model)."""
        raise NotImplementedError

    def _ar_default_steps(self):
        """The chain when no tier is left: one approval by a Credit Manager."""
        return [{"group_id": self.env.ref(CREDIT_MANAGER_GROUP).id, "user_id": False}]

    def _ar_check_submit(self):
        """More checks (and preparation) of a request being submitted (overridable hook)."""

    def action_submit(self):
        """Submit the request to its approval chain."""
        self._ar_check_requester()
        for request in self:
            if request.state != "draft":
                raise UserError(request._ar_header_message("already_submitted", name=request.name))
            if request.user_id != self.env.user and not self.env.su:
                raise AccessError(request._ar_header_message("submitter"))
            request._ar_check_submit()
            steps = [
                Command.create(dict(vals, sequence=index)) for index, vals in enumerate(request._ar_get_tiers(), 1)
            ]
            # sudo: the state, the name and the approval chain are guarded fields, written by
            # this button only (the caller was checked above)
            request.sudo().write(
                {
                    "state": "to_approve",
                    "name": request._ar_next_number(),
                    "approval_ids": [Command.clear(), *steps],
                }
            )
            request._ar_ask_next_approval()
        return True

    def _ar_get_next_approvers(self):
        """Who is asked to decide the pending step: its user, else the members of its group
        in the request's company (never the requester)."""
        self.ensure_one()
        step = self.next_approval_id
        return step.user_id or step.group_id.users.filtered(
            lambda user: self.company_id in user.company_ids and user != self.user_id
        )

    def _ar_ask_next_approval(self):
        for request in self:
            for user in request._ar_get_next_approvers():
                # sudo: the requester schedules an activity for the approvers
                request.sudo().activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=fields.Date.context_today(request),
                    summary=request._ar_approval_summary(),
                    note=request.reason,
                    user_id=user.id,
                )

    def _ar_approval_summary(self):
        """The summary of the approver's to-do (overridden by each model)."""
        raise NotImplementedError

    def _ar_check_decider(self):
        """The caller decides the pending step of each request; nobody decides their own request."""
        for request in self:
            if request.state != "to_approve":
                raise UserError(request._ar_header_message("not_awaiting", name=request.name))
            if self.env.su:
                continue
            if request.user_id == self.env.user:
                raise AccessError(request._ar_header_message("own"))
            step = request.next_approval_id
            if not step._ar_can_decide(self.env.user):
                raise AccessError(request._ar_header_message("awaits", name=request.name, approver=step.display_name))

    def _ar_decide_step(self, state):
        self.ensure_one()
        # sudo: the approval chain is a guarded record, written by the buttons only, once the
        # caller was checked (_ar_check_decider)
        self.next_approval_id.sudo().write(
            {"state": state, "approver_id": self.env.user.id, "decision_date": fields.Datetime.now()}
        )
        # sudo: the approver closes the approval activities of the step (any approver, any owner)
        if state == "approved" and self._ar_approval_feedback:
            self.sudo().activity_feedback(["mail.mail_activity_data_todo"], feedback=self.env._("Approved"))
        else:
            self.sudo().activity_unlink(["mail.mail_activity_data_todo"])
        self.invalidate_recordset(["next_approval_id"])

    def action_approve(self):
        """Approve the pending step; the last approval applies the request."""
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
                raise UserError(request._ar_header_message("refusal_reason"))
            request._ar_decide_step("refused")
            # sudo: see _ar_decide_step
            request.sudo().state = "refused"
        return True

    def _ar_apply(self):
        """What the last approval does (overridden by each model; called once the caller was
        checked)."""
        raise NotImplementedError
