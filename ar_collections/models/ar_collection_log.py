from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_datetime

CHANNELS = [
    ("phone", "Phone"),
    ("email", "Email"),
    ("sms", "SMS"),
    ("letter", "Letter"),
    ("fax", "Fax"),
    ("visit", "Visit"),
    ("portal", "Portal"),
]
DISPUTE_REASONS = [
    ("quality", "Quality"),
    ("quantity", "Quantity"),
    ("price", "Price"),
    ("invoice_missing", "Invoice Missing"),
    ("other", "Other"),
]
# What the contact was: changing any of these on a saved log is a correction, which
# needs a note (the change itself is tracked in the log's chatter).
LOCKED_FIELDS = (
    "date",
    "channel",
    "partner_id",
    "contact_id",
    "user_id",
    "invoice_ids",
    "amount_requested",
    "result_id",
    "notes",
    "customer_feedback",
    "promise_date",
    "promise_amount",
    "dispute_reason",
    "extension_date",
    "company_id",
)
# Written by the log itself when it is logged (superuser mode), never by its users.
INTERNAL_FIELDS = ("next_followup_date", "next_call_datetime", "automatic")
# Written only by the customer link's recording code (``ar.customer.link._ar_record``, superuser
# mode): a log bound to a link counts against that link's rate limit and is the customer's word.
LINK_FIELDS = ("customer_link_id",)


class ArCollectionLog(models.Model):
    """One contact with a customer about its receivables (催收记录)."""

    _name = "ar.collection.log"
    _description = "Collection Contact Log"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _rec_name = "partner_id"
    _check_company_auto = True

    date = fields.Datetime(required=True, default=fields.Datetime.now, tracking=True, index=True)
    channel = fields.Selection(CHANNELS, required=True, default="phone", tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True, domain="[('is_company', '=', True)]"
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Person Reached",
        tracking=True,
        domain="['|', ('id', '=', partner_id), ('parent_id', '=', partner_id)]",
    )
    user_id = fields.Many2one(
        "res.users", string="Collector", required=True, default=lambda self: self.env.user, index=True, tracking=True
    )
    invoice_ids = fields.Many2many(
        "account.move",
        "ar_collection_log_invoice_rel",
        "log_id",
        "move_id",
        string="Invoices",
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), ('move_type', '=', 'out_invoice'), "
        "('state', '=', 'posted'), ('payment_state', 'not in', ('paid', 'in_payment', 'reversed'))]",
    )
    amount_requested = fields.Monetary(currency_field="currency_id", tracking=True)
    result_id = fields.Many2one(
        "ar.collection.result",
        required=True,
        tracking=True,
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
    )
    next_step = fields.Selection(related="result_id.next_step")
    instructions = fields.Text(compute="_compute_instructions", string="What to Say")
    notes = fields.Text()
    customer_feedback = fields.Text(string="Customer's Feedback")

    # What the customer committed to, when the result asks for it
    promise_date = fields.Date(string="Promised Date")
    promise_amount = fields.Monetary(string="Promised Amount", currency_field="currency_id")
    dispute_reason = fields.Selection(DISPUTE_REASONS)
    extension_date = fields.Date(string="Requested New Date")
    remittance_details = fields.Char(help="Date, amount, bank and reference of the payment the customer says it made.")

    customer_link_id = fields.Many2one("ar.customer.link", index="btree_not_null", readonly=True, copy=False)
    promise_ids = fields.One2many("ar.payment.promise", "log_id", string="Promises", readonly=True)
    dispute_ids = fields.One2many("ar.dispute", "log_id", string="Disputes", readonly=True)
    extension_ids = fields.One2many("ar.extension.request", "log_id", string="Extension Requests", readonly=True)
    next_followup_date = fields.Date(
        string="Next Follow-up",
        readonly=True,
        copy=False,
        help="When the customer is to be followed up next, as scheduled when the contact was logged.",
    )
    next_call_datetime = fields.Datetime(
        string="Next Call",
        readonly=True,
        copy=False,
        help="Calling time of the next follow-up when it is a phone call (good calling day and hour).",
    )
    automatic = fields.Boolean(
        readonly=True, copy=False, help="Sent by the collections run (automatic dunning), not by a person."
    )
    correction_note = fields.Text(
        tracking=True,
        copy=False,
        help="Why a saved contact log was changed (required to correct it).",
    )

    # ------------------------------------------------------------------
    # Computes and onchanges
    # ------------------------------------------------------------------
    @api.depends("result_id", "partner_id", "invoice_ids")
    def _compute_instructions(self):
        for log in self:
            parts = [log.result_id.instructions] if log.result_id.instructions else []
            if log.next_step == "restate_terms" and log.partner_id:
                parts.append(log._ar_terms_statement())
            log.instructions = "\n".join(parts) or False

    def _ar_terms_statement(self):
        """The agreed terms and the overdue figures, to restate them to the customer."""
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id.with_company(self.company_id)
        return self.env._(
            "Our agreed credit period is %(days)s days; %(amount)s is overdue, the oldest invoice by %(overdue)s days.",
            days=partner.ar_credit_days,
            amount=self.currency_id.format(partner.ar_overdue_amount),
            overdue=partner.ar_oldest_overdue_days,
        )

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.partner_id and self.contact_id and self.contact_id.commercial_partner_id != self.partner_id:
            self.contact_id = False

    @api.onchange("invoice_ids")
    def _onchange_invoice_ids(self):
        if self.invoice_ids:
            self.amount_requested = sum(self.invoice_ids.mapped("amount_residual_signed"))

    # ------------------------------------------------------------------
    # Create, write, delete
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not self.env.su and any(vals.get(fname) for fname in INTERNAL_FIELDS):
                raise AccessError(self.env._("The next follow-up of a contact log is scheduled when it is logged."))
            if not self.env.su and any(vals.get(fname) for fname in LINK_FIELDS):
                raise AccessError(self._ar_link_field_message())
            if vals.get("partner_id"):
                partner = self.env["res.partner"].browse(vals["partner_id"])
                vals["partner_id"] = partner.commercial_partner_id.id
        logs = super().create(vals_list)
        logs._ar_check_next_step_values()
        logs._ar_apply_next_step()
        if not self.env.context.get("ar_log_no_followup"):
            logs._ar_schedule_next_followup()
        return logs

    def write(self, vals):
        # A correction needs its note whatever the context; only superuser mode (the
        # addon's own bookkeeping, the demo data) writes without one.
        corrected = [fname for fname in LOCKED_FIELDS if fname in vals] if not self.env.su else []
        if not self.env.su and any(fname in vals for fname in INTERNAL_FIELDS):
            raise AccessError(self.env._("The next follow-up of a contact log is scheduled when it is logged."))
        if not self.env.su and any(fname in vals for fname in LINK_FIELDS):
            raise AccessError(self._ar_link_field_message())
        if corrected:
            if not (vals.get("correction_note") or "").strip():
                raise UserError(
                    self.env._(
                        "A contact log is a record of what happened: to correct it, explain why in the correction note."
                    )
                )
            if "partner_id" in vals or "company_id" in vals:
                raise UserError(self.env._("The customer and company of a contact log cannot be changed."))
        res = super().write(vals)
        if corrected:
            for log in self:
                log.message_post(body=self.env._("Corrected: %(note)s", note=vals["correction_note"]))
        return res

    def _ar_link_field_message(self):
        return self.env._("A contact log is bound to a customer link only by the customer's submission on that link.")

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        if not self.env.su:
            raise UserError(self.env._("Contact logs are never deleted: correct them with a note instead."))

    @api.constrains("amount_requested", "promise_amount")
    def _check_amounts(self):
        for log in self:
            if log.amount_requested < 0 or log.promise_amount < 0:
                raise ValidationError(self.env._("Amounts of a contact log cannot be negative."))

    @api.constrains("user_id", "company_id")
    def _check_user_company(self):
        for log in self:
            if log.company_id not in log.user_id.company_ids:
                raise ValidationError(
                    self.env._(
                        "%(user)s cannot log contacts in company %(company)s.",
                        user=log.user_id.name,
                        company=log.company_id.name,
                    )
                )

    # ------------------------------------------------------------------
    # Next steps of the result
    # ------------------------------------------------------------------
    def _ar_check_next_step_values(self):
        for log in self:
            step = log.next_step
            if step == "require_promise" and (not log.promise_date or log.promise_amount <= 0):
                raise UserError(
                    self.env._("Result %(result)s needs the promised date and amount.", result=log.result_id.name)
                )
            if step == "open_dispute" and (not log.dispute_reason or not log.invoice_ids):
                raise UserError(
                    self.env._(
                        "Result %(result)s needs the disputed invoices and the reason of the dispute.",
                        result=log.result_id.name,
                    )
                )
            if step == "request_extension" and not log.extension_date:
                raise UserError(
                    self.env._("Result %(result)s needs the new date the customer asks for.", result=log.result_id.name)
                )
            today = fields.Date.context_today(log)
            for fname in ("promise_date", "extension_date"):
                if step in ("require_promise", "request_extension") and log[fname] and log[fname] < today:
                    raise UserError(
                        self.env._("The promised or requested date (%(date)s) cannot be in the past.", date=log[fname])
                    )

    def _ar_default_invoices(self):
        """Invoices a promise or an extension covers when the collector chose none: the
        customer's overdue invoices (the one aging query)."""
        self.ensure_one()
        if self.invoice_ids:
            return self.invoice_ids
        overdue = self.env["ar.aging"]._get_overdue_invoices(
            partner_ids=self.partner_id.commercial_partner_id.ids, company_ids=self.company_id.ids
        )
        return self.env["account.move"].browse(sorted(overdue))

    def _ar_apply_next_step(self):
        """Create the promises, disputes and extension requests the results ask for."""
        promise_vals, dispute_vals, extension_vals = [], [], []
        for log in self:
            step = log.next_step
            if step == "require_promise":
                promise_vals.append(log._prepare_promise_vals())
            elif step == "open_dispute":
                dispute_vals.append(log._prepare_dispute_vals())
            elif step == "request_extension":
                extension_vals.append(log._prepare_extension_vals())
        if promise_vals:
            self.env["ar.payment.promise"].create(promise_vals)
        if dispute_vals:
            self.env["ar.dispute"].create(dispute_vals)
        if extension_vals:
            self.env["ar.extension.request"].create(extension_vals)

    def _prepare_promise_vals(self):
        self.ensure_one()
        return {
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "user_id": self.user_id.id,
            "log_id": self.id,
            "date": self.promise_date,
            "date_start": fields.Date.context_today(self, self.date),
            "amount": self.promise_amount,
            "invoice_ids": [fields.Command.set(self._ar_default_invoices().ids)],
        }

    def _prepare_dispute_vals(self):
        self.ensure_one()
        return {
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "user_id": self.user_id.id,
            "log_id": self.id,
            "reason": self.dispute_reason,
            "description": self.customer_feedback or self.notes or False,
            "invoice_ids": [fields.Command.set(self.invoice_ids.ids)],
        }

    def _prepare_extension_vals(self):
        self.ensure_one()
        invoices = self._ar_default_invoices()
        return {
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "user_id": self.user_id.id,
            "log_id": self.id,
            "requested_date": self.extension_date,
            "amount": self.promise_amount or sum(invoices.mapped("amount_residual_signed")),
            "reason": self.customer_feedback or self.notes or self.result_id.name,
            "invoice_ids": [fields.Command.set(invoices.ids)],
        }

    # ------------------------------------------------------------------
    # Next follow-up
    # ------------------------------------------------------------------
    def _ar_next_followup_date(self):
        """Date of the customer's next follow-up after this contact: the promised or
        requested date, the result's rule, else the cadence of the customer's stage;
        a phone follow-up is moved to a good calling day.

        :returns: (date, datetime of the call or False)
        """
        self.ensure_one()
        company = self.company_id
        today = fields.Date.context_today(self, self.date)
        result = self.result_id
        if self.next_step == "retry_next_business_day":
            day = today + timedelta(days=1)
            while day.weekday() >= 5:
                day += timedelta(days=1)
            return day, False
        max_delay = None
        if self.next_step == "require_promise" and self.promise_date:
            # a promise is not a payment: check the day after the promised date
            day, max_delay = self.promise_date + timedelta(days=1), 0
        elif self.next_step == "request_extension" and self.extension_date:
            day, max_delay = self.extension_date + timedelta(days=1), 0
        elif result.next_followup_days:
            day = today + timedelta(days=result.next_followup_days)
        else:
            day = today + timedelta(days=self._ar_stage_cadence_days())
        if self._ar_next_is_phone():
            call = company._ar_next_call_datetime(day, tz=self.user_id.tz, max_delay=max_delay)
            return fields.Date.context_today(self.with_context(tz=self.user_id.tz or "UTC"), call), call
        return day, False

    def _ar_stage(self):
        """The collection stage of the customer in the log's company."""
        self.ensure_one()
        partner = self.partner_id.with_company(self.company_id)
        followup = self.env["ar.collection.followup"].with_company(self.company_id)
        return partner.collection_stage_id or followup._get_open_activities(partner)[:1].ar_stage_id

    def _ar_stage_cadence_days(self):
        """Days between two follow-ups of the customer (the stage's cadence, else a week)."""
        self.ensure_one()
        return self._ar_stage().cadence_days or 7

    def _ar_next_is_phone(self):
        """Whether the next follow-up is a phone call: the stage's channels say so, else
        the channel of this contact."""
        self.ensure_one()
        if self.next_step == "retry_next_business_day":
            return self.channel == "phone"
        channels = self._ar_stage().channel_ids
        return "phone" in channels.mapped("code") if channels else self.channel == "phone"

    def _ar_schedule_next_followup(self):
        """Mark the customer's current collections follow-up done and schedule the next
        one (its owner stays; the date per the result's rule or the stage's cadence)."""
        for log in self:
            day, call = log._ar_next_followup_date()
            # sudo: the schedule is computed here from the contact just logged; users never write it
            log.sudo().write({"next_followup_date": day, "next_call_datetime": call})
            partner = log.partner_id.with_company(log.company_id)
            followup = self.env["ar.collection.followup"].with_company(log.company_id)
            current = followup._get_open_activities(partner)[:1]
            stage = partner.collection_stage_id or current.ar_stage_id
            if not stage:
                continue  # the customer is not followed up (nothing due)
            feedback = self.env._(
                "Contact logged (%(channel)s): %(result)s",
                channel=dict(CHANNELS)[log.channel],
                result=log.result_id.name,
            )
            note = log.customer_feedback or log.notes or ""
            if call:
                note = self.env._(
                    "Call on %(when)s. %(note)s",
                    when=format_datetime(self.env, call, tz=log.user_id.tz or "UTC", dt_format="EEEE d MMM HH:mm"),
                    note=note,
                )
            followup._reschedule(
                partner, stage=stage, deadline=day, user=current.user_id or None, note=note or None, feedback=feedback
            )

    @api.model
    def _ar_log_letter(self, partner, letter, channel, note):
        """A dunning letter sent or printed is a contact in the customer's history (it
        counts, and shows as the last contact); it does not reschedule the follow-up."""
        result = self.env.ref("ar_collections.ar_collection_result_letter_sent", raise_if_not_found=False)
        if not result:
            return self.browse()
        return self.with_context(ar_log_no_followup=True).create(
            {
                "partner_id": partner.commercial_partner_id.id,
                "company_id": letter.company_id.id,
                "user_id": self.env.user.id,
                "channel": channel,
                "result_id": result.id,
                "invoice_ids": [fields.Command.set(letter.invoice_ids.ids)],
                "amount_requested": letter.amount_due,
                "notes": note,
            }
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_log_contact(self):
        """Button of the "Log a Contact" dialog: the record is saved; open what the result
        asks to do next (the invoices to resend, the payments to check), else close."""
        self.ensure_one()
        if self.next_step == "resend_invoice" and self.invoice_ids:
            return self.invoice_ids.action_send_and_print()
        if self.next_step == "check_payments":
            return self.action_view_unreconciled_payments()
        if self.env.context.get("ar_log_from_worklist"):
            # the follow-up line it was logged from is closed: reopen the worklist, not that line
            action = self.env["ir.actions.act_window"]._for_xml_id("ar_collections.ar_collection_worklist_action")
            action["target"] = "main"
            return action
        return {"type": "ir.actions.act_window_close"}

    def action_view_unreconciled_payments(self):
        """Receivable credit lines of the customer not matched to an invoice yet."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_account_moves_all")
        action.update(
            {
                "name": self.env._("Unreconciled Payments of %(partner)s", partner=self.partner_id.name),
                "domain": [
                    ("partner_id", "child_of", self.partner_id.id),
                    ("company_id", "=", self.company_id.id),
                    ("account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                    ("balance", "<", 0),
                ],
                "context": {"search_default_group_by_partner": 0},
                "target": "current",
            }
        )
        return action
