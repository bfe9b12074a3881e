from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..const import CREDIT_MANAGER_GROUP


class ArExtensionRequest(models.Model):
    """A customer asks to pay later (延期申请): a Credit Manager approves it (it becomes a
    promise to pay by the new date) or refuses it (the collector calls on the due date)."""

    _name = "ar.extension.request"
    _description = "Payment Extension Request"
    _inherit = ["ar.customer.request.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "create_date desc, id desc"
    _check_company_auto = True

    _ar_open_state = "to_approve"
    # written by the approval buttons only (and, on create, the contact log that records the request)
    _ar_guarded_fields = ("state", "approver_id", "decision_date", "promise_id", "log_id", "user_id", "company_id")
    # who asks, for which company, on which contact: the contact log's values (checked on create)
    _ar_create_fields = ("log_id", "user_id", "company_id")
    # what the customer asked for: fixed once the request is decided
    _ar_term_fields = ("partner_id", "invoice_ids", "requested_date", "amount", "reason", "refusal_reason")

    user_id = fields.Many2one(
        "res.users", string="Requested By", default=lambda self: self.env.user, index=True, readonly=True
    )
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
    promise_id = fields.Many2one("ar.payment.promise", readonly=True, copy=False)

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

    def _ar_request_message(self, key, **params):
        messages = {
            "guarded": lambda: self.env._("Extension requests are approved or refused with their buttons only."),
            "decided": lambda: self.env._("A decided extension request cannot be changed."),
            "customer_fixed": lambda: self.env._(
                "The customer of an extension request cannot be changed: record a new request instead."
            ),
            "no_invoice": lambda: self.env._("An extension request concerns at least one invoice."),
            "other_invoices": lambda: self.env._(
                "The invoices of an extension request must be invoices of %(partner)s.", **params
            ),
            "other_contact": lambda: self.env._(
                "An extension request of %(partner)s cannot be recorded on a contact with another customer.",
                **params,
            ),
            "never_deleted": lambda: self.env._("Extension requests are never deleted."),
        }
        return messages[key]()

    @api.model_create_multi
    def create(self, vals_list):
        requests = super().create(vals_list)
        for request in requests:
            request._ar_check_date_not_past(request.requested_date)
        requests._ar_ask_approval()
        return requests

    def _ar_check_date_not_past(self, date):
        if date and fields.Date.to_date(date) < fields.Date.context_today(self):
            raise ValidationError(self.env._("The requested new date cannot be in the past."))

    def _ar_check_write_values(self, vals):
        if "requested_date" in vals:
            self._ar_check_date_not_past(vals["requested_date"])

    # ------------------------------------------------------------------
    # Approval
    # ------------------------------------------------------------------
    def _ar_get_approver(self):
        """The Credit Manager who decides on the request (overridable): the first of the
        company's credit approvers (``res.company._ar_get_credit_approvers``)."""
        self.ensure_one()
        return self.company_id._ar_get_credit_approvers()[:1]

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
        # an extension approved lifts the hold of its invoices while its promise runs: the
        # hold to-dos follow at once
        for company, requests in self.grouped("company_id").items():
            # sudo: see ar.collection.followup._ar_sync_holds
            self.env["ar.collection.followup"].sudo().with_company(company)._ar_sync_holds(
                requests.partner_id.commercial_partner_id.ids
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
