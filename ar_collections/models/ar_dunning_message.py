"""Automatic dunning: the one message a customer gets from a collections run.

The follow-up service calls ``_ar_run_actions`` with the follow-ups the run just created,
escalated or moved (``ar.collection.followup._run_stage_actions``). For each customer
whose stage e-mails it or prepares its letter, one message lists all of its dunnable
invoices; it is sent (queued as ``mail.mail``, never sent in the run's transaction) when
the company sends automatically, else it waits in the review queue until a collector
sends it (``action_send``). A customer that must not be written to is skipped, with the
reason on its message and a to-do for its collector when a person must look:

- unapplied payments or credit notes, or an unmatched bank statement line from it
  ("check the payment first": the reminder sent after the customer paid hurts most);
- no dunnable invoice left (disputed, under an open promise, excluded);
- an invoicing address missing, blacklisted or bouncing;
- reminders set to manual on the customer (the follow-up activity only).

Every message sent is a contact in the contact log (channel e-mail, automatic). A
customer gets at most one message (sent, prepared or skipped) within its stage's cadence,
so a second run the same day writes nothing.

Messages are written by the run and by ``action_send`` / ``action_cancel`` only
(superuser mode after the caller is checked); users read them.
"""

import base64
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..const import COLLECTIONS_USER_GROUP

DEFAULT_TEMPLATE = "ar_collections.mail_template_ar_dunning_message"
TODO_ACTIVITY = "mail.mail_activity_data_todo"

SKIP_REASONS = [
    ("manual", "Manual reminders"),
    ("nothing_due", "No dunnable invoice"),
    ("unapplied_payment", "Unapplied payment or credit"),
    ("no_email", "No e-mail address"),
    ("blacklisted", "Blacklisted address"),
    ("bounced", "Bounced address"),
]


class ArDunningMessage(models.Model):
    _name = "ar.dunning.message"
    _description = "Dunning Message"
    _inherit = ["ar.customer.link.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    run_id = fields.Many2one("ar.collection.run", readonly=True, index=True, ondelete="set null")
    date = fields.Date(required=True, readonly=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True, index=True)
    contact_id = fields.Many2one(
        "res.partner", string="Addressed To", readonly=True, help="The customer's invoicing contact."
    )
    user_id = fields.Many2one(
        "res.users", string="Collector", readonly=True, help="Responsible collector: the reply-to of the message."
    )
    stage_id = fields.Many2one("ar.collection.stage", required=True, readonly=True)
    invoice_ids = fields.Many2many(
        "account.move",
        "ar_dunning_message_invoice_rel",
        "message_id",
        "move_id",
        string="Invoices",
        readonly=True,
    )
    amount_due = fields.Monetary(currency_field="currency_id", readonly=True)
    state = fields.Selection(
        [
            ("to_review", "To Review"),
            ("sent", "Sent"),
            ("failed", "Failed"),
            ("skipped", "Skipped"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="to_review",
        readonly=True,
        index=True,
    )
    skip_reason = fields.Selection(SKIP_REASONS, readonly=True)
    letter_id = fields.Many2one("ar.dunning.letter", readonly=True)
    mail_id = fields.Many2one("mail.mail", string="E-mail", readonly=True, ondelete="set null")
    log_id = fields.Many2one("ar.collection.log", string="Contact", readonly=True)
    sent_by_id = fields.Many2one("res.users", readonly=True)

    @api.depends("partner_id", "stage_id", "date")
    def _compute_display_name(self):
        for message in self:
            message.display_name = f"{message.partner_id.name or ''} {message.stage_id.name or ''} {message.date or ''}"

    @api.model_create_multi
    def create(self, vals_list):
        self._ar_check_su()
        return super().create(vals_list)

    def write(self, vals):
        self._ar_check_su()
        return super().write(vals)

    def _ar_check_su(self):
        # the access rights already refuse it; this holds whatever rights are added later
        if not self.env.su:
            raise AccessError(self.env._("Dunning messages are written by the collections run and their buttons only."))

    # ------------------------------------------------------------------
    # Buttons (review queue)
    # ------------------------------------------------------------------
    def _ar_check_collector(self):
        if not self.env.user.has_group(COLLECTIONS_USER_GROUP):
            raise AccessError(self.env._("Only collectors and credit managers can send or cancel dunning messages."))
        self.check_access("read")  # the record rules: the user's companies only

    def action_send(self):
        """Send the messages of the review queue (one click): queued as e-mails, logged as
        contacts."""
        self._ar_check_collector()
        not_ready = self.filtered(lambda m: m.state != "to_review")
        if not_ready:
            raise UserError(
                self.env._(
                    "Only messages to review can be sent: %(messages)s.",
                    messages=", ".join(not_ready.mapped("display_name")),
                )
            )
        # sudo: the caller is a collector of these companies (checked above); messages are
        # written in superuser mode only
        for company, messages in self.sudo().grouped("company_id").items():
            messages.with_company(company)._ar_send(sent_by=self.env.user)
        return True

    def action_cancel(self):
        self._ar_check_collector()
        # sudo: checked above (a collector drops a message instead of sending it)
        self.sudo().filtered(lambda m: m.state == "to_review").write({"state": "cancelled"})
        return True

    # ------------------------------------------------------------------
    # The run's actions
    # ------------------------------------------------------------------
    @api.model
    def _ar_run_actions(self, events, run):
        """Messages of the customers of ``events`` (see ``_run_stage_actions``) in the
        run's company, a fixed number of queries for the batch plus one e-mail per message
        sent. Returns the counts of the run (sent / prepared / skipped)."""
        company = run.company_id
        today = run.date
        Stage = self.env["ar.collection.stage"]
        wanted, stays = {}, set()
        for partner, activity, stage, event in events:
            stage = stage or Stage
            if stage and (stage.auto_email or stage.auto_letter):
                wanted[partner.id] = (partner, activity, stage)
                if event == "stay":
                    stays.add(partner.id)
        if not wanted:
            return {}
        partner_ids = list(wanted)
        recent, recent_any = self._ar_get_recent(partner_ids, company, today)
        wanted = {
            pid: item
            for pid, item in wanted.items()
            if (
                self._ar_is_due(recent_any.get(pid), item[2], today, repeat=True)
                if pid in stays
                else self._ar_is_due(recent.get(pid), item[2], today)
            )
        }
        if not wanted:
            return {}
        partner_ids = list(wanted)
        invoices_of = self._ar_get_dunnable_invoices(partner_ids, company)
        unapplied = self._ar_get_unapplied_partner_ids(partner_ids, company)
        Partner = self.env["res.partner"].with_company(company)
        Partner.browse(partner_ids).fetch(["ar_reminder_mode", "lang", "child_ids", "email"])
        default_mode = company.ar_reminder_default or "automatic"
        followup = self.env["ar.collection.followup"].with_company(company)
        vals_list, todos = [], []
        for pid, (partner, activity, stage) in wanted.items():
            partner = partner.with_company(company)
            invoices = invoices_of.get(pid, self.env["account.move"])
            contact = self._ar_invoicing_contact(partner)
            user = activity.user_id or followup._get_followup_owner(partner, stage, partner.ar_strategy)
            vals = {
                "company_id": company.id,
                "run_id": run.id,
                "date": today,
                "partner_id": pid,
                "contact_id": contact.id,
                "user_id": user.id,
                "stage_id": stage.id,
                "invoice_ids": [fields.Command.set(invoices.ids)],
                "amount_due": sum(invoices.mapped("amount_residual_signed")),
                "state": "to_review",
            }
            reason = self._ar_skip_reason(partner, contact, invoices, pid in unapplied, default_mode, stage)
            if reason:
                vals.update(state="failed" if reason in ("no_email", "blacklisted", "bounced") else "skipped")
                vals["skip_reason"] = reason
                if reason not in ("manual", "nothing_due"):
                    todos.append((partner, user, reason, contact))
            vals_list.append(vals)
        # sudo: the run (a Credit Manager's or the cron's) writes the messages, see the docstring
        messages = self.sudo().create(vals_list)
        self._ar_schedule_todos(todos, company, today)
        ready = messages.filtered(lambda m: m.state == "to_review")
        ready.filtered(lambda m: m.stage_id.auto_letter and m.stage_id.letter_level)._ar_prepare_letters()
        to_send = ready.filtered(lambda m: m.stage_id.auto_email)
        if company.ar_dunning_send_mode == "send":
            to_send._ar_send()
            # a stage that only prepares its letter leaves it for a person to print
            prepared = ready - to_send
        else:
            prepared = ready
            to_send = to_send.browse()
        return {
            "dunning_sent_count": len(to_send),
            "dunning_prepared_count": len(prepared),
            "dunning_skipped_count": len(messages - ready),
        }

    @api.model
    def _ar_is_due(self, last_date, stage, today, repeat=False):
        """Whether a customer whose last message is of ``last_date`` gets one of ``stage``
        today: at most one per cadence (a day at least). ``repeat``: the customer stays in
        the stage with the same follow-up, so only the next message of a series already
        started (a cadence after the last one, even cancelled in the review queue) is due."""
        if not last_date:
            return not repeat
        return last_date + timedelta(days=max(stage.cadence_days, 1)) <= today

    @api.model
    def _ar_get_recent(self, partner_ids, company, today):
        """Date of the last message of each customer, of any state but cancelled and of any
        state, in one query: the cadence of the stage counts from it.

        :returns: two dicts partner id -> date
        """
        groups = self.sudo()._read_group(
            [
                ("partner_id", "in", partner_ids),
                ("company_id", "=", company.id),
                ("date", "<=", today),
            ],
            ["partner_id", "state"],
            ["date:max"],
        )
        recent, recent_any = {}, {}
        for partner, state, last in groups:
            recent_any[partner.id] = max(last, recent_any.get(partner.id, last))
            if state != "cancelled":
                recent[partner.id] = max(last, recent.get(partner.id, last))
        return recent, recent_any

    @api.model
    def _ar_get_dunnable_invoices(self, partner_ids, company):
        """Open dunnable invoices (in a stage: not disputed, promised or excluded) of each
        customer, oldest due first, in one search and one aging query."""
        Move = self.env["account.move"].sudo()
        invoices = Move.search(
            Move._ar_get_dunning_domain(company)
            + [
                ("move_type", "=", "out_invoice"),
                ("commercial_partner_id", "in", partner_ids),
                ("collection_stage_id", "!=", False),
                ("payment_state", "not in", ("paid", "in_payment", "reversed")),
            ],
            order="id",
        )
        # listed by the due date of each invoice's oldest unpaid item (the aging query: an
        # instalment invoice comes with its first open instalment, not its last one)
        aging = self.env["ar.aging"].sudo()._get_invoice_aging(move_ids=invoices.ids, company_ids=company.ids)
        invoices_of = defaultdict(lambda: self.env["account.move"])
        for invoice in invoices.sorted(lambda m: (aging.get(m.id, {}).get("due_date") or m.invoice_date_due, m.id)):
            invoices_of[invoice.commercial_partner_id.id] |= invoice
        return invoices_of

    @api.model
    def _ar_get_unapplied_partner_ids(self, partner_ids, company):
        """Customers with a receivable credit not matched yet (payment, credit note) or an
        unmatched incoming bank statement line, in two queries."""
        lines = (
            self.env["account.move.line"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("partner_id.commercial_partner_id", "in", partner_ids),
                    ("account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                    ("amount_residual", "<", 0),
                ],
                ["partner_id"],
            )
        )
        statement_lines = (
            self.env["account.bank.statement.line"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("partner_id.commercial_partner_id", "in", partner_ids),
                    ("is_reconciled", "=", False),
                    ("amount", ">", 0),
                ],
                ["partner_id"],
            )
        )
        return {partner.commercial_partner_id.id for (partner,) in lines + statement_lines}

    @api.model
    def _ar_invoicing_contact(self, partner):
        """The invoicing contact of commercial partner ``partner`` (itself when none)."""
        contacts = partner.child_ids.filtered(lambda c: c.type == "invoice" and c.email)
        return contacts[:1] or partner

    @api.model
    def _ar_skip_reason(self, partner, contact, invoices, unapplied, default_mode, stage):
        """Why the customer must not be written to (or False); the address matters only
        when the stage e-mails."""
        if (partner.ar_reminder_mode or default_mode) == "manual":
            return "manual"
        if not invoices:
            return "nothing_due"
        if unapplied:
            return "unapplied_payment"
        if not stage.auto_email:
            return False
        return self._ar_address_problem(contact)

    @api.model
    def _ar_address_problem(self, contact):
        """Why ``contact`` cannot be e-mailed (``no_email``, ``blacklisted``, ``bounced``) or
        False: one rule for the run and the bulk letters."""
        if not contact.email:
            return "no_email"
        if contact.is_blacklisted:
            return "blacklisted"
        if contact.message_bounce:
            return "bounced"
        return False

    @api.model
    def _ar_schedule_todos(self, todos, company, today):
        """A to-do for the collector of each customer a person must look at."""
        if not todos:
            return
        reasons = dict(self._fields["skip_reason"]._description_selection(self.env))
        model_id = self.env["ir.model"]._get_id("res.partner")
        todo_type = self.env.ref(TODO_ACTIVITY)
        vals_list = []
        for partner, user, reason, contact in todos:
            if reason == "unapplied_payment":
                summary = self.env._("Check the payment first")
                note = self.env._(
                    "The automatic reminder was not sent: %(partner)s has an unapplied payment, credit note or "
                    "bank statement line. Match it, then remind the customer of what is still due.",
                    partner=partner.name,
                )
            else:
                summary = self.env._("Reminder not sent: %(reason)s", reason=reasons[reason])
                note = self.env._(
                    "The automatic reminder to %(contact)s (%(email)s) was not sent: %(reason)s. "
                    "Correct the invoicing contact's address.",
                    contact=contact.display_name,
                    email=contact.email or "-",
                    reason=reasons[reason],
                )
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": partner.id,
                    "activity_type_id": todo_type.id,
                    "summary": summary,
                    "note": note,
                    "date_deadline": today,
                    "user_id": user.id,
                }
            )
        # sudo: the to-dos are for the collectors, scheduled by the run
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)

    def _ar_prepare_letters(self):
        """A draft letter of the stage's level for each message (printed or e-mailed by a
        person, or in bulk)."""
        Letter = self.env["ar.dunning.letter"].sudo()
        letters = Letter.create(
            [
                {
                    "partner_id": message.partner_id.id,
                    "company_id": message.company_id.id,
                    "date": message.date,
                    "level": message.stage_id.letter_level,
                    "user_id": message.user_id.id,
                }
                for message in self
            ]
        )
        for message, letter in zip(self, letters):
            message.letter_id = letter

    def _ar_send(self, sent_by=None):
        """Queue the e-mail of each message (its stage's template on this model, else the
        default one) and log it as a contact. Superuser mode (see the docstring)."""
        default_template = self.env.ref(DEFAULT_TEMPLATE)
        result = self.env.ref("ar_collections.ar_collection_result_reminder_sent")
        Log = self.env["ar.collection.log"].with_context(ar_log_no_followup=True)
        # the letters go with their e-mail: numbered and sent first, so that their PDF
        # carries the number
        letters = self._ar_get_attached_letters()
        letters._ar_mark_emailed_with_reminder()
        # the customer links the e-mails and the letters' PDF carry, made before they are rendered
        self._ar_make_customer_links()
        letters._ar_make_customer_links()
        self.filtered(lambda m: m.stage_id.auto_attach_invoices).invoice_ids.fetch(["invoice_pdf_report_id", "name"])
        for message in self:
            template = message.stage_id.mail_template_id
            if template.model != self._name:
                template = default_template
            attachments = message._ar_get_mail_attachments(message.letter_id & letters)
            mail_id = template.send_mail(
                message.id, force_send=False, email_values={"attachments": attachments} if attachments else None
            )
            log = Log.create(
                {
                    "partner_id": message.partner_id.id,
                    "contact_id": message.contact_id.id,
                    "company_id": message.company_id.id,
                    "user_id": message.user_id.id or self.env.user.id,
                    "channel": "email",
                    "automatic": True,
                    "result_id": result.id,
                    "invoice_ids": [fields.Command.set(message.invoice_ids.ids)],
                    "amount_requested": message.amount_due,
                    "notes": message._ar_get_log_note(message.letter_id & letters, len(attachments)),
                }
            )
            message.write(
                {"state": "sent", "mail_id": mail_id, "log_id": log.id, "sent_by_id": sent_by.id if sent_by else False}
            )

    def _ar_get_mail_lines(self):
        """The invoices the reminder lists, as the e-mail shows them: oldest due first, each
        with the due date and residual of the aging query on the message's date (an instalment
        invoice shows its oldest unpaid instalment's due date, not its last one's)."""
        self.ensure_one()
        # sudo: the residuals of the message's own invoices (the template renders as the sender)
        aging = (
            self.env["ar.aging"]
            .sudo()
            ._get_invoice_aging(move_ids=self.invoice_ids.ids or [0], date=self.date, company_ids=self.company_id.ids)
        )

        def due_of(invoice):
            return aging.get(invoice.id, {}).get("due_date") or invoice.invoice_date_due

        return [
            {
                "invoice": invoice,
                "due_date": due_of(invoice),
                "residual": aging.get(invoice.id, {}).get("residual", invoice.amount_residual),
            }
            for invoice in self.invoice_ids.sorted(lambda m: (due_of(m) or m.date, m.id))
        ]

    def _ar_get_log_note(self, letter, attachment_count):
        """Text of the contact logged for the e-mail of this message."""
        self.ensure_one()
        note = self.env._(
            "Reminder e-mailed (%(stage)s) listing %(count)s invoices.",
            stage=self.stage_id.name,
            count=len(self.invoice_ids),
        )
        if letter:
            note = self.env._("%(note)s Letter %(letter)s attached.", note=note, letter=letter.name)
        if attachment_count:
            note = self.env._("%(note)s Attachments: %(count)s.", note=note, count=attachment_count)
        return note

    # ------------------------------------------------------------------
    # Attachments of the e-mail
    # ------------------------------------------------------------------
    def _ar_get_attached_letters(self):
        """The letters prepared for these messages (in the same run) that go with their
        e-mail: those listing something still owed."""
        return self.letter_id.filtered(lambda letter: letter.state in ("draft", "sent") and letter.invoice_ids)

    def _ar_get_mail_attachments(self, letter):
        """``(name, base64 content)`` of the PDFs attached to the e-mail of this message: the
        invoices when its stage says so, the letter ``letter`` (prepared in the same run).
        Each PDF is rendered on its own (the wkhtmltopdf of Debian renders one document per
        call)."""
        self.ensure_one()
        attachments = []
        if self.stage_id.auto_attach_invoices:
            attachments += [self._ar_get_invoice_pdf(invoice) for invoice in self.invoice_ids]
        if letter:
            attachments.append(letter._ar_get_pdf())
        return attachments

    @api.model
    def _ar_get_invoice_pdf(self, invoice):
        """``(name, base64 content)`` of the PDF of ``invoice``: the one sent to the customer
        when there is one, else rendered now."""
        if invoice.invoice_pdf_report_id:
            pdf = invoice.invoice_pdf_report_id
            return pdf.name, pdf.datas
        content = self.env["ir.actions.report"]._render_qweb_pdf("account.account_invoices", invoice.ids)[0]
        return invoice._get_invoice_report_filename(), base64.b64encode(content)
