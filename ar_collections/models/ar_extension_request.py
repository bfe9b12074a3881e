from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

CREDIT_MANAGER_GROUP = "ar_collections.group_ar_credit_manager"


# Written by the approval buttons only (and, on create, the contact log that records the request).
GUARDED_FIELDS = ("state", "approver_id", "decision_date", "promise_id", "log_id", "user_id", "company_id")
# What the customer asked for: fixed once the request is decided.
REQUEST_TERMS = ("partner_id", "invoice_ids", "requested_date", "amount", "reason", "refusal_reason")


class ArExtensionRequest(models.Model):
    """A customer asks to pay later (延期申请): a Credit Manager approves it (it becomes a
    promise to pay by the new date) or refuses it (the collector calls on the due date)."""

    _name = "ar.extension.request"
    _description = "Payment Extension Request"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "create_date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, domain="[('is_company', '=', True)]"
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users", string="Requested By", default=lambda self: self.env.user, index=True, readonly=True
    )
    log_id = fields.Many2one("ar.collection.log", string="Contact", index="btree_not_null", readonly=True)
    invoice_ids = fields.Many2many(
        "account.move",
        "ar_extension_request_invoice_rel",
        "request_id",
        "move_id",
        string="Invoices",
        required=True,
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), ('move_type', '=', 'out_invoice'), "
        "('state', '=', 'posted')]",
    )
    current_due_date = fields.Date(
        string="Current Due Date",
        compute="_compute_current_due_date",
        store=True,
        help="Earliest due date of the invoices concerned.",
    )
    requested_date = fields.Date(string="Requested New Date", required=True, tracking=True)
    amount = fields.Monetary(currency_field="currency_id", required=True, tracking=True)
    reason = fields.Text(required=True)
    state = fields.Selection(
        [("to_approve", "To Approve"), ("approved", "Approved"), ("refused", "Refused")],
        default="to_approve",
        required=True,
        tracking=True,
        index=True,
        readonly=True,
    )
    approver_id = fields.Many2one("res.users", string="Decided By", readonly=True, copy=False, tracking=True)
    decision_date = fields.Date(readonly=True, copy=False)
    refusal_reason = fields.Text(copy=False, tracking=True)
    promise_id = fields.Many2one("ar.payment.promise", string="Promise", readonly=True, copy=False)

    _sql_constraints = [
        ("amount_positive", "CHECK(amount > 0)", "The amount of an extension request must be positive."),
    ]

    @api.depends("invoice_ids.line_ids.date_maturity", "invoice_ids.line_ids.reconciled")
    def _compute_current_due_date(self):
        # line level: an invoice on instalments is due when its oldest unpaid instalment is
        # (``invoice_date_due`` is the last one's)
        for request in self:
            items = request.invoice_ids.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable" and line.date_maturity
            )
            dates = (items.filtered(lambda line: not line.reconciled) or items).mapped("date_maturity")
            request.current_due_date = min(dates) if dates else False

    @api.depends("partner_id", "requested_date")
    def _compute_display_name(self):
        for request in self:
            request.display_name = self.env._(
                "%(partner)s: pay by %(date)s", partner=request.partner_id.name or "", date=request.requested_date or ""
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._ar_check_guarded_write(vals, new=True)
            if vals.get("partner_id"):
                vals["partner_id"] = self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id.id
        requests = super().create(vals_list)
        requests._ar_check_request()
        for request in requests:
            request._ar_check_date_not_past(request.requested_date)
        requests._ar_ask_approval()
        return requests

    def _ar_check_guarded_write(self, vals, new=False):
        """The decision (state, approver, date, promise) is written by the approval buttons
        only, after they checked the caller (superuser mode), whatever the context."""
        if self.env.su:
            return
        guarded = set(GUARDED_FIELDS)
        if new:
            # who asks, for which company, on which contact: the contact log's values (checked below)
            guarded -= {"log_id", "user_id", "company_id"}
            if vals.get("state", "to_approve") == "to_approve":
                guarded.discard("state")
        if guarded & set(vals):
            raise AccessError(self.env._("Extension requests are approved or refused with their buttons only."))

    def _ar_check_request(self):
        """Rules of a request, on create and on every write."""
        for request in self:
            if not request.invoice_ids:
                raise ValidationError(self.env._("An extension request concerns at least one invoice."))
            if request.invoice_ids.commercial_partner_id != request.partner_id:
                raise ValidationError(
                    self.env._(
                        "The invoices of an extension request must be invoices of %(partner)s.",
                        partner=request.partner_id.name,
                    )
                )
            if request.log_id and request.log_id.partner_id != request.partner_id:
                raise ValidationError(
                    self.env._(
                        "An extension request of %(partner)s cannot be recorded on a contact with another customer.",
                        partner=request.partner_id.name,
                    )
                )

    def _ar_check_date_not_past(self, date):
        if date and fields.Date.to_date(date) < fields.Date.context_today(self):
            raise ValidationError(self.env._("The requested new date cannot be in the past."))

    def _ar_check_same_customer(self, partner_id):
        """The customer of a record is fixed (moving it would pause another customer's dunning)."""
        partner = self.env["res.partner"].browse(partner_id).commercial_partner_id
        if any(record.partner_id != partner for record in self):
            raise UserError(
                self.env._("The customer of an extension request cannot be changed: record a new request instead.")
            )

    def write(self, vals):
        self._ar_check_guarded_write(vals)
        if not self.env.su:
            if set(vals) & set(REQUEST_TERMS) and any(r.state != "to_approve" for r in self):
                raise UserError(self.env._("A decided extension request cannot be changed."))
            if "requested_date" in vals:
                self._ar_check_date_not_past(vals["requested_date"])
        if "partner_id" in vals:
            self._ar_check_same_customer(vals["partner_id"])
        res = super().write(vals)
        if {"partner_id", "invoice_ids"} & set(vals):
            self._ar_check_request()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        if not self.env.su:
            raise UserError(self.env._("Extension requests are never deleted."))

    # ------------------------------------------------------------------
    # Approval
    # ------------------------------------------------------------------
    def _ar_get_approver(self):
        """The Credit Manager who decides on the request (overridable): the company's
        credit manager, else the first Credit Manager of the company."""
        self.ensure_one()
        company = self.company_id
        if company.ar_credit_manager_user_id:
            return company.ar_credit_manager_user_id
        group = self.env.ref(CREDIT_MANAGER_GROUP)
        # sudo: the requester (a collector) may not read the group's members
        managers = group.sudo().users.filtered(
            lambda u: (
                company in u.company_ids and not u.share and u.active and u.id != self.env.ref("base.user_root").id
            )
        )
        return managers.sorted("id")[:1]

    def _ar_ask_approval(self):
        for request in self:
            approver = request._ar_get_approver()
            if not approver:
                continue
            # sudo: the collector schedules an activity for the credit manager
            request.sudo().activity_schedule(
                "ar_collections.mail_activity_type_ar_extension_approval",
                date_deadline=fields.Date.context_today(request),
                summary=self.env._("Approve the extension to %(date)s", date=request.requested_date),
                note=request.reason,
                user_id=approver.id,
            )

    def _ar_check_approver(self):
        if not self.env.su and not self.env.user.has_group(CREDIT_MANAGER_GROUP):
            raise AccessError(self.env._("Only a Credit Manager can approve or refuse an extension request."))
        for request in self:
            if request.state != "to_approve":
                raise UserError(
                    self.env._(
                        "The extension request %(request)s has already been decided.", request=request.display_name
                    )
                )

    def action_approve(self):
        """Approve: the extension becomes a promise to pay by the requested date."""
        self._ar_check_approver()
        today = fields.Date.context_today(self)
        # sudo: the promise is linked to its extension request (a guarded field) by the approval,
        # once the caller was checked (_ar_check_approver above); the creator stays the approver
        promises = (
            self.env["ar.payment.promise"]
            .sudo()
            .create(
                [
                    {
                        "partner_id": request.partner_id.id,
                        "company_id": request.company_id.id,
                        "user_id": request.user_id.id,
                        "log_id": request.log_id.id,
                        "extension_id": request.id,
                        "date_start": today,
                        "date": request.requested_date,
                        "amount": request.amount,
                        "invoice_ids": [fields.Command.set(request.invoice_ids.ids)],
                    }
                    for request in self
                ]
            )
        )
        for request, promise in zip(self, promises):
            # sudo: the decision is written here only, after _ar_check_approver (Credit Manager)
            request.sudo().write(
                {
                    "state": "approved",
                    "approver_id": self.env.user.id,
                    "decision_date": today,
                    "promise_id": promise.id,
                }
            )
            request._ar_close_approval_activity(self.env._("Approved."))
            request.message_post(
                body=self.env._(
                    "Extension approved: the customer has promised to pay %(amount)s by %(date)s.",
                    amount=request.currency_id.format(request.amount),
                    date=request.requested_date,
                ),
                partner_ids=request.user_id.partner_id.ids,
            )
        return True

    def action_refuse(self):
        """Refuse (a reason is required): the collector is asked to call the customer on
        the current due date (or today when it is past)."""
        self._ar_check_approver()
        for request in self:
            if not (request.refusal_reason or "").strip():
                raise UserError(self.env._("Give the reason for refusing the extension request."))
        today = fields.Date.context_today(self)
        for request in self:
            # sudo: see action_approve (the caller was checked by _ar_check_approver)
            request.sudo().write({"state": "refused", "approver_id": self.env.user.id, "decision_date": today})
            request._ar_close_approval_activity(self.env._("Refused: %(reason)s", reason=request.refusal_reason))
            # sudo: the credit manager schedules the call for the collector
            request.sudo().activity_schedule(
                "mail.mail_activity_data_call",
                date_deadline=max(request.current_due_date or today, today),
                summary=self.env._("Extension refused: call the customer"),
                note=request.refusal_reason,
                user_id=request.user_id.id,
            )
        return True

    def _ar_close_approval_activity(self, feedback):
        self.ensure_one()
        # sudo: the activity may be assigned to another credit manager
        self.sudo().activity_feedback(["ar_collections.mail_activity_type_ar_extension_approval"], feedback=feedback)
