"""The customer link (客户链接) of a letter, a reminder e-mail or a proposed repayment plan: an
access token for contacts without a portal account, bound to one document and its commercial
partner, valid for the company's number of days.

Nobody writes a link: ``_ar_get_link`` creates it (as superuser) for a document; ``_ar_find``
gives the link of a token only if it matches (``consteq``), has not expired and its document
still belongs to its partner. The ``_ar_submit_*`` methods create the customer's requests (never
change amounts or states of anything else), bounded in rate, recorded in the contact log
(channel Portal) and the customer's chatter, and notify the collector."""

import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import consteq

from ..const import CUSTOMER_LINK_MODELS, CUSTOMER_LINK_RATE_PER_PARTNER, CUSTOMER_LINK_RATE_PER_TOKEN
from .ar_collection_log import DISPUTE_REASONS


class ArCustomerLink(models.Model):
    _name = "ar.customer.link"
    _description = "Customer Link"
    _order = "id desc"

    token = fields.Char(required=True, readonly=True, index=True, copy=False, groups="base.group_system")
    res_model = fields.Selection(
        [(model, model) for model in CUSTOMER_LINK_MODELS], string="Document Model", required=True, readonly=True
    )
    res_id = fields.Integer(string="Document", required=True, readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    date_expiry = fields.Datetime(string="Valid Until", required=True, readonly=True)
    log_ids = fields.One2many("ar.collection.log", "customer_link_id", string="Submissions", readonly=True)

    _sql_constraints = [("token_unique", "UNIQUE(token)", "A customer link token is unique.")]

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(self.env._("Customer links are made by their letters and e-mails only."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            raise AccessError(self.env._("Customer links cannot be changed."))
        return super().write(vals)

    # ------------------------------------------------------------------
    # Making and finding a link
    # ------------------------------------------------------------------
    @api.model
    def _ar_get_link(self, document):
        """The valid link of ``document`` (a letter, a reminder e-mail or a plan), made if
        there is none. Private: called when the document is printed or sent."""
        document.ensure_one()
        if document._name not in CUSTOMER_LINK_MODELS:
            raise UserError(self.env._("No customer link for this document."))
        partner = document.partner_id.commercial_partner_id
        # sudo: links are written by this method only, for the document's own customer
        links = self.sudo()
        link = links.search(
            [
                ("res_model", "=", document._name),
                ("res_id", "=", document.id),
                ("partner_id", "=", partner.id),
                ("date_expiry", ">", fields.Datetime.now()),
            ],
            limit=1,
        )
        if not link:
            company = document.company_id
            link = links.create(
                {
                    "token": secrets.token_urlsafe(32),
                    "res_model": document._name,
                    "res_id": document.id,
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "date_expiry": fields.Datetime.now() + timedelta(days=company.ar_customer_link_days or 30),
                }
            )
        return link

    def _ar_url(self):
        self.ensure_one()
        return f"{self.get_base_url()}/ar/link/{self.sudo().token}"

    @api.model
    def _ar_find(self, token):
        """The link of ``token`` (as superuser) if it matches, is valid and its document still
        belongs to its customer; else an empty recordset."""
        empty = self.browse()
        if not token or not isinstance(token, str) or len(token) < 32:
            return empty
        # sudo: the visitor has no right on links; the token itself is checked below
        link = self.sudo().search([("token", "=", token)], limit=1)
        if not link or not consteq(link.token, token) or link.date_expiry <= fields.Datetime.now():
            return empty
        document = link._ar_document()
        if not document or document.partner_id.commercial_partner_id != link.partner_id:
            return empty
        return link

    def _ar_document(self):
        self.ensure_one()
        return self.env[self.res_model].sudo().browse(self.res_id).exists()

    # ------------------------------------------------------------------
    # What the customer sees
    # ------------------------------------------------------------------
    def _ar_open_invoices(self):
        """The customer's open invoices in the link's company (as superuser)."""
        self.ensure_one()
        return (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("commercial_partner_id", "=", self.partner_id.id),
                    ("company_id", "=", self.company_id.id),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                ],
                order="invoice_date_due, id",
            )
        )

    def _ar_plan(self):
        """The proposed repayment plan the link opens, if any."""
        self.ensure_one()
        document = self._ar_document()
        if self.res_model == "ar.repayment.plan" and document.state == "proposed":
            return document
        return self.env["ar.repayment.plan"]

    def _ar_can_pay_online(self):
        self.ensure_one()
        return bool(
            self.env["payment.provider"]
            .sudo()
            .search_count([("state", "in", ("enabled", "test")), ("company_id", "=", self.company_id.id)], limit=1)
        )

    def _ar_pay_url(self, invoice):
        """The invoice's own portal page (its access token), where it can be paid online."""
        return invoice.sudo()._get_share_url(redirect=False)

    # ------------------------------------------------------------------
    # What the customer submits
    # ------------------------------------------------------------------
    def _ar_invoices_of(self, invoice_ids):
        """The invoices ``invoice_ids`` if every one is an open invoice of the link's customer."""
        self.ensure_one()
        open_invoices = self._ar_open_invoices()
        invoices = open_invoices.filtered(lambda inv: inv.id in set(invoice_ids))
        if not invoice_ids or len(invoices) != len(set(invoice_ids)):
            raise ValidationError(self.env._("Choose one or more of your open invoices."))
        return invoices

    def _ar_check_rate(self):
        self.ensure_one()
        since = fields.Datetime.now() - timedelta(hours=1)
        logs = self.env["ar.collection.log"].sudo()
        by_token = logs.search_count([("customer_link_id", "=", self.id), ("create_date", ">=", since)])
        by_partner = logs.search_count(
            [("partner_id", "=", self.partner_id.id), ("channel", "=", "portal"), ("create_date", ">=", since)]
        )
        if by_token >= CUSTOMER_LINK_RATE_PER_TOKEN or by_partner >= CUSTOMER_LINK_RATE_PER_PARTNER:
            raise UserError(self.env._("Too many requests in the last hour: please try again later or call us."))

    def _ar_collector(self):
        self.ensure_one()
        partner = self.partner_id.sudo().with_company(self.company_id)
        document = self._ar_document()
        return partner.collector_id or document.user_id or self.company_id.ar_default_collector_id

    def _ar_check_date(self, date):
        if not date or date < fields.Date.context_today(self):
            raise ValidationError(self.env._("Choose a date from today on."))

    def _ar_record(self, contact, note, invoices, record=None, attachment=None):
        """The submission in the customer's chatter (and the record's), the contact log (channel
        portal, bound to the link) and a to-do for the collector; returns the log."""
        self.ensure_one()
        collector = self._ar_collector()
        result = self.env.ref("ar_collections.ar_collection_result_portal_reply")
        # sudo: the visitor has no rights; the log records what the link's customer submitted
        log = (
            self.env["ar.collection.log"]
            .sudo()
            .with_context(ar_log_no_followup=True)
            .create(
                {
                    "partner_id": self.partner_id.id,
                    "contact_id": contact.id,
                    "company_id": self.company_id.id,
                    "user_id": collector.id,
                    "channel": "portal",
                    "result_id": result.id,
                    "invoice_ids": [fields.Command.set(invoices.ids)],
                    "customer_feedback": note,
                    "customer_link_id": self.id,
                }
            )
        )
        self.partner_id._ar_post_company_note(note, company=self.company_id)
        if record:
            attachments = self.env["ir.attachment"].sudo()
            if attachment:
                attachments = attachments.create(
                    {"name": attachment[0], "raw": attachment[1], "res_model": record._name, "res_id": record.id}
                )
            record.sudo().message_post(
                body=note, author_id=contact.id, attachment_ids=attachments.ids, subtype_xmlid="mail.mt_note"
            )
            if collector and "activity_ids" in record._fields:
                record.sudo().activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=fields.Date.context_today(self),
                    summary=self.env._("Customer request from the portal"),
                    note=note,
                    user_id=collector.id,
                )
        return log

    def _ar_contact(self):
        """The contact the link was sent to (the document's), else the customer."""
        document = self._ar_document()
        contact = document._fields.get("contact_id") and document.contact_id
        return contact or self.partner_id

    def _ar_submit_promise(self, invoice_ids, date, amount, note=None):
        """A promise to pay, "to accept" by a collector (neither counts nor pauses dunning
        before). Private: the controller calls it after ``_ar_find``."""
        self.ensure_one()
        self._ar_check_rate()
        invoices = self._ar_invoices_of(invoice_ids)
        self._ar_check_date(date)
        due = sum(invoices.mapped("amount_residual"))
        currency = self.company_id.currency_id
        if not amount or amount <= 0 or currency.compare_amounts(amount, due) > 0:
            raise ValidationError(self.env._("Enter an amount above zero and at most what the invoices owe."))
        contact = self._ar_contact()
        # sudo: the visitor has no rights; the promise is created "to accept", the customer's word only
        promise = (
            self.env["ar.payment.promise"]
            .sudo()
            .with_company(self.company_id)
            .create(
                {
                    "partner_id": self.partner_id.id,
                    "company_id": self.company_id.id,
                    "user_id": self._ar_collector().id,
                    "invoice_ids": [fields.Command.set(invoices.ids)],
                    "date": date,
                    "amount": amount,
                    "note": note,
                    "state": "to_accept",
                }
            )
        )
        body = self.env._(
            "On the portal, %(contact)s promised to pay %(amount)s by %(date)s for %(invoices)s (to accept).",
            contact=contact.name,
            amount=currency.format(amount),
            date=fields.Date.to_string(date),
            invoices=", ".join(invoices.mapped("name")),
        )
        log = self._ar_record(contact, body, invoices, promise)
        promise.sudo().write({"log_id": log.id})
        return promise

    def _ar_submit_dispute(self, invoice_ids, reason, note=None, attachment=None):
        """A dispute of the invoices (their dunning pauses while it is open, as a collector's)."""
        self.ensure_one()
        self._ar_check_rate()
        invoices = self._ar_invoices_of(invoice_ids)
        if reason not in dict(DISPUTE_REASONS):
            raise ValidationError(self.env._("Choose the reason of the dispute."))
        contact = self._ar_contact()
        # sudo: the visitor has no rights; the dispute is created open, resolved by a collector
        dispute = (
            self.env["ar.dispute"]
            .sudo()
            .with_company(self.company_id)
            .create(
                {
                    "partner_id": self.partner_id.id,
                    "company_id": self.company_id.id,
                    "user_id": self._ar_collector().id,
                    "invoice_ids": [fields.Command.set(invoices.ids)],
                    "reason": reason,
                    "description": note,
                }
            )
        )
        body = self.env._(
            "On the portal, %(contact)s disputed %(invoices)s: %(reason)s. %(note)s",
            contact=contact.name,
            invoices=", ".join(invoices.mapped("name")),
            reason=dict(self.env["ar.dispute"]._fields["reason"]._description_selection(self.env))[reason],
            note=note or "",
        )
        log = self._ar_record(contact, body, invoices, dispute, attachment)
        dispute.sudo().write({"log_id": log.id})
        return dispute

    def _ar_submit_extension(self, invoice_ids, date, reason):
        """A request to pay later, through its approval by a Credit Manager."""
        self.ensure_one()
        self._ar_check_rate()
        invoices = self._ar_invoices_of(invoice_ids)
        self._ar_check_date(date)
        if not (reason or "").strip():
            raise ValidationError(self.env._("Tell us why you need more time."))
        contact = self._ar_contact()
        # sudo: the visitor has no rights; the request waits for its approval
        request = (
            self.env["ar.extension.request"]
            .sudo()
            .with_company(self.company_id)
            .create(
                {
                    "partner_id": self.partner_id.id,
                    "company_id": self.company_id.id,
                    "user_id": self._ar_collector().id,
                    "invoice_ids": [fields.Command.set(invoices.ids)],
                    "requested_date": date,
                    "amount": sum(invoices.mapped("amount_residual")),
                    "reason": reason.strip(),
                }
            )
        )
        body = self.env._(
            "On the portal, %(contact)s asked to pay %(invoices)s by %(date)s: %(reason)s",
            contact=contact.name,
            invoices=", ".join(invoices.mapped("name")),
            date=fields.Date.to_string(date),
            reason=reason.strip(),
        )
        log = self._ar_record(contact, body, invoices, request)
        request.sudo().write({"log_id": log.id})
        return request

    def _ar_submit_plan_acceptance(self):
        """The customer accepts the proposed plan the link opens."""
        self.ensure_one()
        self._ar_check_rate()
        plan = self._ar_plan()
        if not plan:
            raise UserError(self.env._("There is no proposed repayment plan to accept."))
        contact = self._ar_contact()
        plan._ar_accept_by_customer(self.partner_id)
        body = self.env._(
            "On the portal, %(contact)s accepted the repayment plan %(plan)s.", contact=contact.name, plan=plan.name
        )
        self._ar_record(contact, body, plan.invoice_ids)
        return plan
