"""Dunning letters (催款函): reminder, demand letter, final notice, lawyer letter.

A letter is a record so that its history can be read by auditors: number, date, level,
invoices, arrears and deadline are kept as sent. Sending it by email (mail template with
the PDF attached) or printing it from the letter logs it on the customer."""

import base64
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.pdf import merge_pdf
from odoo.tools.safe_eval import safe_eval, time

from ..const import COLLECTIONS_USER_GROUP, INTEREST_LETTER_FEES, LETTER_LEVELS


class ArDunningLetter(models.Model):
    _name = "ar.dunning.letter"
    _description = "Dunning Letter"
    _inherit = ["ar.customer.document.mixin", "ar.customer.link.mixin", "mail.thread"]
    _ar_sequence_code = "ar.dunning.letter"
    _ar_sequence_template = "ar_collections.seq_ar_dunning_letter"
    _ar_report_action = "ar_collections.ar_dunning_letter_report_action"
    # everything printed on the letter
    _ar_locked_fields = (
        "partner_id",
        "level",
        "invoice_ids",
        "date",
        "deadline_date",
        "company_id",
        "bank_account_id",
        "user_id",
        "note",
        "amount_invoiced",
        "amount_paid",
        "amount_due",
    )
    _ar_cancel_states = ("draft", "sent", "printed")
    _ar_amount_field = "amount_due"
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Number",
        readonly=True,
        copy=False,
        help="Given from the company's series when the letter is sent or printed; a draft has none.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
    )
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    level = fields.Selection(
        LETTER_LEVELS,
        required=True,
        tracking=True,
        compute="_compute_level",
        store=True,
        readonly=False,
        precompute=True,
        help="Reminder, demand letter, final notice or lawyer letter; by default from the customer's collection stage.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("sent", "Sent"), ("printed", "Printed"), ("cancel", "Cancelled")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
    )
    invoice_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        compute="_compute_invoice_ids",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('commercial_partner_id', '=', partner_id), ('payment_state', 'in', ('not_paid', 'partial'))]",
    )
    amount_invoiced = fields.Monetary(string="Invoiced", compute="_compute_amounts", store=True, readonly=True)
    amount_paid = fields.Monetary(
        string="Paid",
        compute="_compute_amounts",
        store=True,
        readonly=True,
        help="Partial payments received on the listed invoices.",
    )
    amount_due = fields.Monetary(
        string="Arrears",
        compute="_compute_amounts",
        store=True,
        readonly=True,
        help="Total still owed on the listed invoices.",
    )
    deadline_date = fields.Date(
        string="Payment Deadline",
        compute="_compute_deadline_date",
        store=True,
        readonly=False,
        precompute=True,
        help="Final date by which the customer must pay.",
    )
    bank_account_id = fields.Many2one(
        "res.partner.bank",
        compute="_compute_bank_account_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('partner_id', '=', company_partner_id)]",
        help="Account of the company to pay into, printed on the letter.",
    )
    company_partner_id = fields.Many2one(related="company_id.partner_id")
    user_id = fields.Many2one("res.users", string="Signed By", default=lambda self: self.env.user, tracking=True)
    note = fields.Text(string="Additional Text", help="Printed on the letter after the standard text.")

    _sql_constraints = [
        ("name_company_uniq", "unique(name, company_id)", "A dunning letter number must be unique per company."),
    ]

    # ------------------------------------------------------------------
    # Defaults and computes
    # ------------------------------------------------------------------
    @api.model
    def _ar_default_letter_level(self, partner):
        """Letter level for ``partner``: the one of the customer's collection stage, else a
        demand letter."""
        return partner.commercial_partner_id.collection_stage_id.letter_level or "demand"

    @api.model
    def _ar_deadline_days(self, level):
        """Days granted to pay, by letter level (overridable)."""
        return {"reminder": 10, "demand": 7, "final": 5, "lawyer": 5}.get(level, 7)

    @api.depends("partner_id")
    def _compute_level(self):
        for letter in self:
            if letter.partner_id and (not letter.level or letter.state == "draft"):
                letter.level = self._ar_default_letter_level(letter.partner_id)
            elif not letter.level:
                letter.level = "demand"

    @api.depends("partner_id", "company_id", "date")
    def _compute_invoice_ids(self):
        """Open overdue invoices of the customer that are dunned (not excluded, disputed or under
        an open promise), in one search per company for all letters."""
        drafts = self.filtered(lambda letter: letter.state == "draft" and letter.partner_id)
        for letter in self - drafts:
            letter.invoice_ids = letter.invoice_ids if letter.partner_id else False
        if not drafts:
            return
        # what the collections run would dun (not excluded, not disputed, not under an open
        # promise) among the customer's overdue invoices on the letter's date, from the one
        # aging query: one query per company and letter date
        Move = self.env["account.move"]
        Aging = self.env["ar.aging"]
        groups = defaultdict(lambda: self.browse())
        for letter in drafts:
            groups[letter.company_id, letter.date or fields.Date.context_today(letter)] |= letter
        for (company, date), letters in groups.items():
            overdue = Aging._get_overdue_invoices(
                partner_ids=letters.partner_id.commercial_partner_id.ids, date=date, company_ids=company.ids
            )
            invoices = Move.search(Move._ar_get_dunning_domain(company) + [("id", "in", list(overdue))])
            invoices = invoices.sorted(lambda m, overdue=overdue: (overdue[m.id]["due_date"], m.name or ""))
            for letter in letters:
                letter.invoice_ids = invoices.filtered(
                    lambda m, letter=letter: m.commercial_partner_id == letter.partner_id.commercial_partner_id
                )

    @api.depends("invoice_ids")
    def _compute_amounts(self):
        """Amounts of the invoices as they stand when they are put on the letter (company currency)."""
        # what the invoices still owe on the letter's date, from the one aging query (a payment
        # dated after it does not count yet): one query per company and letter date
        groups = defaultdict(lambda: self.browse())
        for letter in self.filtered("invoice_ids"):
            groups[letter.company_id, letter.date or fields.Date.context_today(letter)] |= letter
        residual = {}
        for (company, date), letters in groups.items():
            aging = self.env["ar.aging"]._get_invoice_aging(
                move_ids=letters.invoice_ids._origin.ids, date=date, company_ids=company.ids
            )
            for letter in letters:
                residual[letter] = sum(
                    aging.get(mid, {}).get("residual", 0.0) for mid in letter.invoice_ids._origin.ids
                )
        for letter in self:
            invoiced = sum(letter.invoice_ids.mapped("amount_total_signed"))
            due = residual.get(letter, 0.0)
            letter.amount_invoiced = invoiced
            letter.amount_due = due
            letter.amount_paid = invoiced - due

    @api.depends("date", "level")
    def _compute_deadline_date(self):
        for letter in self:
            if letter.state == "draft" or not letter.deadline_date:
                date = letter.date or fields.Date.context_today(letter)
                letter.deadline_date = fields.Date.add(date, days=self._ar_deadline_days(letter.level))

    @api.depends("company_id")
    def _compute_bank_account_id(self):
        for letter in self:
            if not letter.bank_account_id or letter.bank_account_id.partner_id != letter.company_id.partner_id:
                letter.bank_account_id = letter.company_id.partner_id.bank_ids[:1]

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    def _ar_locked_message(self):
        return self.env._("A dunning letter that was sent or printed cannot be changed.")

    # ------------------------------------------------------------------
    # Printing helpers
    # ------------------------------------------------------------------
    def _ar_get_letter_lines(self):
        """One dict per invoice: the invoice, its order/contract reference and date, amounts
        and days overdue on the letter date."""
        self.ensure_one()
        lines = []
        # due date and days of each invoice's oldest unpaid item on the letter date (one aging query)
        aging = self.env["ar.aging"]._get_invoice_aging(
            move_ids=self.invoice_ids.ids, date=self.date, company_ids=self.company_id.ids
        )

        def due_of(invoice):
            return aging.get(invoice.id, {}).get("due_date") or invoice.invoice_date_due

        for invoice in self.invoice_ids.sorted(lambda m: (due_of(m) or m.invoice_date, m.name)):
            orders = invoice.invoice_line_ids.sale_line_ids.order_id
            due = due_of(invoice)
            lines.append(
                {
                    "invoice": invoice,
                    "reference": ", ".join(
                        filter(
                            None,
                            [
                                *orders.mapped(lambda o: o.client_order_ref or o.name),
                            ],
                        )
                    )
                    or invoice.invoice_origin
                    or invoice.ref
                    or "",
                    "order_date": orders[:1].date_order.date() if orders else False,
                    "amount": invoice.amount_total_signed,
                    "paid": invoice.amount_total_signed - aging.get(invoice.id, {}).get("residual", 0.0),
                    "due": aging.get(invoice.id, {}).get("residual", 0.0),
                    "due_date": due,
                    "days_overdue": max((self.date - due).days, 0) if due else 0,
                }
            )
        return lines

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def _ar_check_sendable(self):
        result = super()._ar_check_sendable()
        for letter in self:
            if not letter.invoice_ids or letter.currency_id.is_zero(letter.amount_due):
                raise UserError(
                    self.env._("The dunning letter %(letter)s lists no unpaid invoice.", letter=letter.display_name)
                )
        return result

    def _ar_get_mail_template(self):
        """Mail template of the letter (overridable, e.g. per collection stage)."""
        return self.env.ref("ar_collections.mail_template_ar_dunning_letter", raise_if_not_found=False)

    def action_print_one_pdf(self):
        """Print the letters as one PDF to post them (bulk "Send / Print Letters"): checked,
        numbered, marked printed and logged as by ``action_print``. Each letter is rendered
        on its own and the PDFs merged: the patched-Qt wkhtmltopdf of the CI returns an empty
        file for several documents at once."""
        self._ar_check_caller()
        self._ar_check_sendable()
        drafts = self._ar_mark_sent("letter")
        self._ar_after_print(drafts)
        Report = self.env["ir.actions.report"]
        content = merge_pdf([Report._render_qweb_pdf(self._ar_report_action, letter.ids)[0] for letter in self])
        attachment = self.env["ir.attachment"].create(
            {
                "name": self.env._("Dunning letters %(date)s.pdf", date=fields.Date.context_today(self)),
                "raw": content,
                "mimetype": "application/pdf",
            }
        )
        return {"type": "ir.actions.act_url", "url": f"/web/content/{attachment.id}?download=true", "target": "self"}

    def _ar_sent_state(self, channel):
        return "printed" if channel == "letter" else "sent"

    def _ar_after_print(self, drafts):
        """A printed letter is noted on it; a reprint is a contact too. Its customer link is
        made before it is rendered."""
        self._ar_make_customer_links()
        for letter in self:
            letter.message_post(body=self.env._("Dunning letter printed to be sent by post."))
            if letter not in drafts:
                letter._ar_log_sent("letter")

    def _ar_email_sent(self):
        drafts = super()._ar_email_sent()
        (self - drafts)._ar_log_sent("email")  # a letter emailed again is a contact too
        return drafts

    def _ar_log_sent(self, channel):
        for letter in self:
            self._ar_log_letter_sent(letter.partner_id, letter, channel=channel)

    @api.model
    def _ar_log_letter_sent(self, partner, letter, channel="email"):
        """Log a sent or printed letter on the customer (the contact log extends this)."""
        body = self.env._(
            "%(level)s %(number)s (arrears %(amount)s, deadline %(deadline)s) %(how)s.",
            level=dict(self._fields["level"]._description_selection(self.env))[letter.level],
            number=letter.name,
            amount=letter.currency_id.format(letter.amount_due),
            deadline=fields.Date.to_string(letter.deadline_date),
            how=self._ar_sent_how(channel),
        )
        # a note of this company's collections only (a customer may be shared by companies)
        partner.commercial_partner_id._ar_post_company_note(body, company=letter.company_id)
        self.env["ar.collection.log"]._ar_log_letter(partner, letter, channel, body)

    def _ar_get_interest_lines(self):
        """Late-payment interest of the letter's invoices on the letter date (final notice
        and lawyer letter only)."""
        self.ensure_one()
        if self.level not in INTEREST_LETTER_FEES:
            return []
        rows = self.env["account.move"]._ar_get_accrued_interest(
            date=self.date, company=self.company_id, move_ids=self.invoice_ids.ids
        )
        return sorted(rows.values(), key=lambda row: (row["due_date"], row["invoice"].id))

    def _ar_get_letter_fee(self):
        self.ensure_one()
        fname = INTEREST_LETTER_FEES.get(self.level)
        return self.company_id[fname] if fname else 0.0

    def _ar_check_bulk_caller(self):
        """Only collectors and credit managers send letters in bulk, in their companies."""
        if not self.env.user.has_group(COLLECTIONS_USER_GROUP):
            raise AccessError(self.env._("Only collectors and credit managers can send dunning letters."))
        self._ar_check_caller()

    def action_email_letters(self):
        """E-mail each letter to its customer's invoicing contact (queued, the PDF attached),
        numbered, marked sent and logged. Refused as a whole (nothing sent) when a customer
        cannot be e-mailed or a letter cannot be sent."""
        self._ar_check_bulk_caller()
        self._ar_check_sendable()
        Message = self.env["ar.dunning.message"]
        reasons = dict(Message._fields["skip_reason"]._description_selection(self.env))
        contacts, problems = {}, []
        for letter in self:
            contact = Message._ar_invoicing_contact(letter.partner_id.commercial_partner_id)
            problem = Message._ar_address_problem(contact)
            if problem:
                problems.append(f"{letter.partner_id.display_name} ({reasons[problem]})")
            contacts[letter.id] = contact
        if problems:
            raise UserError(
                self.env._(
                    "These customers cannot be e-mailed, nothing was sent: %(customers)s.",
                    customers=", ".join(problems),
                )
            )
        template = self._ar_get_mail_template()
        if not template:
            raise UserError(self.env._("The dunning letter e-mail template is missing."))
        # the number and the customer link first: the e-mail and its PDF carry them
        self._ar_assign_number()
        self._ar_make_customer_links()
        # sudo: the caller is a collector of these companies (checked above); the e-mail is
        # queued for the customer's contact, whom he may not be able to read
        for letter in self:
            template.sudo().send_mail(
                letter.id,
                force_send=False,
                email_values={"recipient_ids": [fields.Command.link(contacts[letter.id].id)]},
            )
        drafts = self._ar_mark_sent("email")
        (self - drafts)._ar_log_sent("email")  # a letter e-mailed again is a contact too
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("%(count)s dunning letters e-mailed.", count=len(self)),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_send_email(self):
        """The composer renders the e-mail and its PDF when it opens: the letter's customer
        link is made first (after the caller's check)."""
        action = super().action_send_email()
        self._ar_make_customer_links()
        return action

    def _ar_get_pdf(self):
        """``(file name, base64 content)`` of the letter's PDF, rendered on its own, named as
        its report names it."""
        self.ensure_one()
        Report = self.env["ir.actions.report"]
        report = Report._get_report(self._ar_report_action)
        content = Report._render_qweb_pdf(report, self.ids)[0]
        name = safe_eval(report.print_report_name, {"object": self, "time": time}) if report.print_report_name else ""
        return f"{name or self.env._('Dunning Letter')}.pdf", base64.b64encode(content)

    def _ar_mark_emailed_with_reminder(self):
        """The letters go with the customer's reminder: the drafts are numbered and marked
        sent. Their contact is the reminder's (it names the letter), not a second one.
        Private: reached from the run and the review queue's Send button (superuser mode)."""
        drafts = self.filtered(lambda letter: letter.state == "draft")
        drafts._ar_assign_number()
        for date, letters in drafts.grouped("date").items():
            letters._ar_write_guarded({"state": "sent", "sent_date": date})
