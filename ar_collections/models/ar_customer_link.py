"""The customer link (客户链接) of a letter, a reminder e-mail or a proposed repayment plan: an
access token for contacts without a portal account, bound to one document and its commercial
partner, valid for the company's number of days.

Nobody writes a link: ``_ar_get_links`` creates them (as superuser) when their documents are
printed or sent (``ar.customer.link.mixin``); ``_ar_find`` gives the link of a token only if it
matches (``consteq``), has not expired and its document still belongs to its partner. The
``_ar_submit_*`` methods create the customer's requests (never change amounts or states of
anything else), bounded in rate, recorded in the contact log (channel Portal) and the customer's
chatter, and notify the collector."""

import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import consteq

from ..const import CUSTOMER_LINK_MODELS, CUSTOMER_LINK_RATE_PER_PARTNER, CUSTOMER_LINK_RATE_PER_TOKEN
from .ar_collection_log import DISPUTE_REASONS

# the documents a link opens, as the users call them
DOCUMENT_LABELS = {
    "ar.dunning.letter": "Dunning Letter",
    "ar.dunning.message": "Reminder E-mail",
    "ar.repayment.plan": "Repayment Plan",
}


class ArCustomerLink(models.Model):
    _name = "ar.customer.link"
    _description = "Customer Link"
    _order = "id desc"

    token = fields.Char(required=True, readonly=True, index=True, copy=False, groups="base.group_system")
    res_model = fields.Selection(
        [(model, DOCUMENT_LABELS[model]) for model in CUSTOMER_LINK_MODELS],
        string="Document Type",
        required=True,
        readonly=True,
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
    def _ar_valid_links(self, documents):
        """The valid links of ``documents`` (of one model), as superuser: {document id: link}."""
        if not documents:
            return {}
        # sudo: links are readable by system administrators only; the caller holds the documents
        links = self.sudo().search(
            [
                ("res_model", "=", documents._name),
                ("res_id", "in", documents.ids),
                ("date_expiry", ">", fields.Datetime.now()),
            ],
            order="date_expiry",
        )
        partners = {document.id: document.partner_id.commercial_partner_id for document in documents}
        # the latest expiry wins; a link of a former customer of the document is not its link
        return {link.res_id: link for link in links if link.partner_id == partners.get(link.res_id)}

    @api.model
    def _ar_get_links(self, documents):
        """The valid link of each of ``documents`` (letters, reminder e-mails or plans, of one
        model), made for those without one: {document id: link}. Private: called when the
        documents are printed or sent (``ar.customer.link.mixin._ar_make_customer_links``), after
        their caller was checked."""
        if documents._name not in CUSTOMER_LINK_MODELS:
            raise UserError(self.env._("No customer link for this document."))
        documents = documents.filtered("partner_id")
        links = self._ar_valid_links(documents)
        missing = documents.filtered(lambda document: document.id not in links)
        now = fields.Datetime.now()
        # sudo: links are written by this method only, for each document's own customer
        new_links = self.sudo().create(
            [
                {
                    "token": secrets.token_urlsafe(32),
                    "res_model": document._name,
                    "res_id": document.id,
                    "partner_id": document.partner_id.commercial_partner_id.id,
                    "company_id": document.company_id.id,
                    "date_expiry": now + timedelta(days=document.company_id.ar_customer_link_days or 30),
                }
                for document in missing
            ]
        )
        links.update(zip(missing.ids, new_links))
        return links

    @api.model
    def _ar_get_link(self, document):
        """The valid link of ``document``, made if there is none (see ``_ar_get_links``)."""
        document.ensure_one()
        return self._ar_get_links(document).get(document.id, self.browse())

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
        """The customer's open invoices in the link's company (as superuser), oldest due first:
        by the due date of the aging query (an invoice paid in instalments is due since its
        oldest unpaid instalment, not its last one), as the reminder e-mail lists them."""
        return self._ar_open_invoices_due()[0]

    def _ar_open_invoices_due(self):
        """``(invoices, due dates)``: the open invoices oldest due first (see
        ``_ar_open_invoices``) and {invoice id: its due date}, from the one aging query."""
        self.ensure_one()
        invoices = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("commercial_partner_id", "=", self.partner_id.id),
                    ("company_id", "=", self.company_id.id),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                ]
            )
        )
        # sudo: the visitor has no rights; the due dates of the link's customer's own invoices
        aging = (
            self.env["ar.aging"]
            .sudo()
            ._get_invoice_aging(move_ids=invoices.ids or [0], company_ids=self.company_id.ids)
        )
        due_dates = {
            invoice.id: aging.get(invoice.id, {}).get("due_date") or invoice.invoice_date_due for invoice in invoices
        }
        invoices = invoices.sorted(lambda inv: (due_dates[inv.id] or inv.invoice_date, inv.id))
        return invoices, due_dates

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

    def _ar_record(self, contact, note, invoices):
        """The submission in the contact log (channel portal, bound to the link) and the
        customer's chatter; returns the log."""
        self.ensure_one()
        result = self.env.ref("ar_collections.ar_collection_result_portal_reply")
        # sudo: the visitor has no rights; the log records what the link's customer submitted,
        # and only this method binds a log to its link (the field is refused to everyone else)
        log = (
            self.env["ar.collection.log"]
            .sudo()
            .with_context(ar_log_no_followup=True)
            .create(
                {
                    "partner_id": self.partner_id.id,
                    "contact_id": contact.id,
                    "company_id": self.company_id.id,
                    "user_id": self._ar_collector().id,
                    "channel": "portal",
                    "result_id": result.id,
                    "invoice_ids": [fields.Command.set(invoices.ids)],
                    "customer_feedback": note,
                    "customer_link_id": self.id,
                }
            )
        )
        self.partner_id._ar_post_company_note(note, company=self.company_id)
        return log

    def _ar_create_request(self, model, invoices, vals, note, attachment=None):
        """Create the customer's request ``model`` (a promise, a dispute, an extension request)
        on ``invoices`` with ``vals``: for the link's customer, company and collector, bound to
        the contact log recording it (``_ar_record``), with ``note`` (and ``attachment``, a pair
        name, content) in its chatter and a to-do for the collector. Private: the submissions
        call it once they have checked what the customer posted."""
        self.ensure_one()
        contact = self._ar_contact()
        collector = self._ar_collector()
        log = self._ar_record(contact, note, invoices)
        # sudo: the visitor has no rights; the request is created in its first state (to
        # accept, open, to approve), decided by a collector or a credit manager
        record = (
            self.env[model]
            .sudo()
            .with_company(self.company_id)
            .create(
                {
                    "partner_id": self.partner_id.id,
                    "company_id": self.company_id.id,
                    "user_id": collector.id,
                    "invoice_ids": [fields.Command.set(invoices.ids)],
                    "log_id": log.id,
                    **vals,
                }
            )
        )
        attachments = self.env["ir.attachment"].sudo()
        if attachment:
            attachments = attachments.create(
                {"name": attachment[0], "raw": attachment[1], "res_model": record._name, "res_id": record.id}
            )
        record.message_post(
            body=note, author_id=contact.id, attachment_ids=attachments.ids, subtype_xmlid="mail.mt_note"
        )
        if collector:
            record.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=fields.Date.context_today(self),
                summary=self.env._("Customer request from the portal"),
                note=note,
                user_id=collector.id,
            )
        return record

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
        # the promise is in company currency, as the invoices' amounts owed on the ledger
        due = sum(invoices.mapped("amount_residual_signed"))
        currency = self.company_id.currency_id
        if not amount or amount <= 0 or currency.compare_amounts(amount, due) > 0:
            raise ValidationError(self.env._("Enter an amount above zero and at most what the invoices owe."))
        body = self.env._(
            "On the portal, %(contact)s promised to pay %(amount)s by %(date)s for %(invoices)s (to accept).",
            contact=self._ar_contact().name,
            amount=currency.format(amount),
            date=fields.Date.to_string(date),
            invoices=", ".join(invoices.mapped("name")),
        )
        return self._ar_create_request(
            "ar.payment.promise", invoices, {"date": date, "amount": amount, "note": note, "state": "to_accept"}, body
        )

    def _ar_submit_dispute(self, invoice_ids, reason, note=None, attachment=None):
        """A dispute of the invoices (their dunning pauses while it is open, as a collector's)."""
        self.ensure_one()
        self._ar_check_rate()
        invoices = self._ar_invoices_of(invoice_ids)
        if reason not in dict(DISPUTE_REASONS):
            raise ValidationError(self.env._("Choose the reason of the dispute."))
        body = self.env._(
            "On the portal, %(contact)s disputed %(invoices)s: %(reason)s. %(note)s",
            contact=self._ar_contact().name,
            invoices=", ".join(invoices.mapped("name")),
            reason=dict(self.env["ar.dispute"]._fields["reason"]._description_selection(self.env))[reason],
            note=note or "",
        )
        return self._ar_create_request(
            "ar.dispute", invoices, {"reason": reason, "description": note}, body, attachment=attachment
        )

    def _ar_submit_extension(self, invoice_ids, date, reason):
        """A request to pay later, through its approval by a Credit Manager."""
        self.ensure_one()
        self._ar_check_rate()
        invoices = self._ar_invoices_of(invoice_ids)
        self._ar_check_date(date)
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError(self.env._("Tell us why you need more time."))
        body = self.env._(
            "On the portal, %(contact)s asked to pay %(invoices)s by %(date)s: %(reason)s",
            contact=self._ar_contact().name,
            invoices=", ".join(invoices.mapped("name")),
            date=fields.Date.to_string(date),
            reason=reason,
        )
        vals = {"requested_date": date, "amount": sum(invoices.mapped("amount_residual_signed")), "reason": reason}
        return self._ar_create_request("ar.extension.request", invoices, vals, body)

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
