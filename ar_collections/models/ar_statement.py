"""Statements of account (对账单) and balance confirmations (对账函).

A statement lists, for a period, the customer's opening balance, invoices, credit notes,
payments and closing balance, from the receivable journal items. Its totals are kept as
computed when it was prepared, so that the document sent stays the document on file; the
customer's reply (confirmed, or disputed with the difference and reason) is recorded on it
and in the customer's history. A confirmed balance confirmation interrupts limitation."""

from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL


class ArStatement(models.Model):
    _name = "ar.statement"
    _description = "Statement of Account"
    _inherit = ["ar.customer.document.mixin", "mail.thread"]
    _ar_sequence_code = "ar.statement"
    _ar_sequence_template = "ar_collections.seq_ar_statement"
    _ar_report_action = "ar_collections.ar_statement_report_action"
    # the number, the state and the dates of sending and of the reply are set by the buttons only
    _ar_guarded_fields = (
        "name",
        "state",
        "sent_date",
        "reply_date",
        "ar_email_user_id",
        "reminder_date",
        "ar_sent_lines",
    )
    # everything printed on the statement
    _ar_locked_fields = (
        "partner_id",
        "company_id",
        "date_from",
        "date_to",
        "statement_type",
        "date",
        "reply_deadline",
        "user_id",
        "opening_balance",
        "invoiced_amount",
        "refunded_amount",
        "paid_amount",
        "other_amount",
        "closing_balance",
        # the interest printed on the statement is kept as sent
        "ar_interest_amount",
        "ar_interest_lines",
    )
    # the customer's reply, written while the statement awaits it, then recorded by its buttons
    _ar_reply_fields = ("disputed_amount", "dispute_reason")
    _ar_cancel_states = ("draft", "sent")
    _ar_amount_field = "closing_balance"
    _order = "date_to desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Number",
        readonly=True,
        copy=False,
        help="Given from the company's series when the statement is sent or printed; a draft has none.",
    )
    statement_type = fields.Selection(
        [("statement", "Statement of Account"), ("confirmation", "Balance Confirmation")],
        string="Type",
        required=True,
        default="confirmation",
        tracking=True,
        help="A balance confirmation carries a reply slip the customer signs, stamps and returns.",
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: fields.Date.context_today(self) + relativedelta(months=-1, day=1),
    )
    date_to = fields.Date(
        string="To", required=True, default=lambda self: fields.Date.context_today(self) + relativedelta(day=1, days=-1)
    )
    reply_deadline = fields.Date(
        string="Reply By",
        default=lambda self: fields.Date.context_today(self) + relativedelta(days=12),
        help="Date by which the customer should return the signed reply slip.",
    )
    user_id = fields.Many2one("res.users", string="Responsible", default=lambda self: self.env.user)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("sent", "Sent"),
            ("confirmed", "Confirmed"),
            ("disputed", "Disputed"),
            ("cancel", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
    )
    opening_balance = fields.Monetary(compute="_compute_balances", store=True, readonly=True)
    invoiced_amount = fields.Monetary(string="Invoiced", compute="_compute_balances", store=True, readonly=True)
    refunded_amount = fields.Monetary(string="Credit Notes", compute="_compute_balances", store=True, readonly=True)
    paid_amount = fields.Monetary(string="Payments", compute="_compute_balances", store=True, readonly=True)
    other_amount = fields.Monetary(
        string="Other Entries",
        compute="_compute_balances",
        store=True,
        readonly=True,
        help="Other receivable entries of the period (write-offs, reversed payments, ...).",
    )
    closing_balance = fields.Monetary(compute="_compute_balances", store=True, readonly=True)
    reply_date = fields.Date(string="Replied On", readonly=True, copy=False)
    disputed_amount = fields.Monetary(
        string="Difference",
        copy=False,
        tracking=True,
        help="Difference between our closing balance and the balance according to the customer.",
    )
    dispute_reason = fields.Text(string="Reason of the Difference", copy=False, tracking=True)
    reminder_date = fields.Date(
        string="Reminded On",
        readonly=True,
        copy=False,
        help="When the collector was reminded that the customer's reply was not back (monthly cycle).",
    )

    ar_interest_amount = fields.Monetary(
        string="Accrued Interest",
        compute="_compute_ar_interest",
        store=True,
        readonly=True,
        help="Late-payment interest accrued and not invoiced yet on the overdue invoices at the end of the "
        "period (the customer's terms), as printed on the statement.",
    )
    ar_interest_lines = fields.Json(
        string="Interest per Invoice",
        compute="_compute_ar_interest",
        store=True,
        readonly=True,
        help="The interest of each overdue invoice as printed: invoice, due date, overdue amount, days, rate.",
    )

    ar_sent_lines = fields.Json(
        string="Lines as Sent",
        readonly=True,
        copy=False,
        help="The journal items of the period as the statement was sent: the customer's portal and a reprint "
        "show these, whatever is posted into the period later.",
    )

    _sql_constraints = [
        ("name_company_uniq", "unique(name, company_id)", "A statement number must be unique per company."),
        ("dates_check", "CHECK(date_from <= date_to)", "The start of the period must be before its end."),
    ]

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------
    def _ar_statement_lines_sql(self):
        """Receivable journal items of the customers of ``self`` up to the latest end date,
        with record rules applied (``_search``)."""
        Line = self.env["account.move.line"]
        Aging = self.env["ar.aging"]
        partners = self.partner_id.commercial_partner_id
        domain = Aging._get_receivable_domain(self.company_id.ids) + [
            ("partner_id", "child_of", partners.ids),
            ("date", "<=", max(self.mapped("date_to"))),
        ]
        self.env["account.move.line"].flush_model(
            [
                "balance",
                "date",
                "partner_id",
                "company_id",
                "move_id",
                "parent_state",
                "account_id",
                "name",
                "date_maturity",
            ]
        )
        self.env["account.move"].flush_model(["move_type", "name", "ref"])
        query = Line._search(domain)
        return SQL(
            """SELECT account_move_line.id, account_move_line.balance, account_move_line.date,
                      account_move_line.date_maturity, account_move_line.company_id,
                      ar_partner.commercial_partner_id AS partner_id, ar_move.move_type,
                      ar_move.name AS move_name, ar_move.ref AS move_ref,
                      CASE WHEN ar_move.move_type IN ('out_invoice', 'out_receipt') THEN 'invoice'
                           WHEN ar_move.move_type = 'out_refund' THEN 'refund'
                           WHEN account_move_line.balance < 0 THEN 'payment'
                           ELSE 'other' END AS kind
                 FROM %(from_clause)s
                 JOIN res_partner ar_partner ON ar_partner.id = account_move_line.partner_id
                 JOIN account_move ar_move ON ar_move.id = account_move_line.move_id
                WHERE %(where_clause)s""",
            from_clause=query.from_clause,
            where_clause=query.where_clause or SQL("TRUE"),
        )

    def _ar_statements_sql(self):
        """The statements of ``self`` as a table, keyed by their position in ``self`` (new
        records of a form have no id yet)."""
        return SQL(
            "(VALUES %s) AS st(id, partner_id, company_id, date_from, date_to)",
            SQL(", ").join(
                SQL(
                    "(%s, %s, %s, %s::date, %s::date)",
                    index,
                    st.partner_id.commercial_partner_id.id,
                    st.company_id.id,
                    st.date_from,
                    st.date_to,
                )
                for index, st in enumerate(self)
            ),
        )

    @api.depends("partner_id", "company_id", "date_from", "date_to")
    def _compute_balances(self):
        """All statements of ``self`` in one grouped query."""
        statements = self.filtered(lambda st: st.partner_id and st.company_id and st.date_from and st.date_to)
        figures = {}
        if statements:
            self.env.cr.execute(
                SQL(
                    """SELECT st.id,
                          COALESCE(SUM(l.balance) FILTER (WHERE l.date < st.date_from), 0),
                          COALESCE(SUM(l.balance) FILTER (WHERE l.date >= st.date_from AND l.kind = 'invoice'), 0),
                          COALESCE(-SUM(l.balance) FILTER (WHERE l.date >= st.date_from AND l.kind = 'refund'), 0),
                          COALESCE(-SUM(l.balance) FILTER (WHERE l.date >= st.date_from AND l.kind = 'payment'), 0),
                          COALESCE(SUM(l.balance) FILTER (WHERE l.date >= st.date_from AND l.kind = 'other'), 0),
                          COALESCE(SUM(l.balance), 0)
                     FROM %(statements)s
                     LEFT JOIN (%(lines)s) l ON l.partner_id = st.partner_id AND l.company_id = st.company_id
                                            AND l.date <= st.date_to
                    GROUP BY st.id""",
                    statements=statements._ar_statements_sql(),
                    lines=statements._ar_statement_lines_sql(),
                )
            )
            figures = {statements[row[0]]: row[1:] for row in self.env.cr.fetchall()}
        for statement in self:
            values = figures.get(statement, (0.0,) * 6)
            (
                statement.opening_balance,
                statement.invoiced_amount,
                statement.refunded_amount,
                statement.paid_amount,
                statement.other_amount,
                statement.closing_balance,
            ) = values

    def _ar_query_statement_lines(self):
        """Journal items of the period of each statement, as the ledger has them now:
        ``{statement id: [dict(date, name, ref, kind, due_date, balance)]}`` (dates as ISO
        strings, ``kind`` a key of ``_ar_line_kinds``), in one query for all of ``self``."""
        result = {statement.id: [] for statement in self}
        if not self:
            return result
        self.env.cr.execute(
            SQL(
                """SELECT st.id AS statement_id, l.*
                 FROM %(statements)s
                 JOIN (%(lines)s) l ON l.partner_id = st.partner_id AND l.company_id = st.company_id
                                   AND l.date BETWEEN st.date_from AND st.date_to
                ORDER BY st.id, l.date, l.id""",
                statements=self._ar_statements_sql(),
                lines=self._ar_statement_lines_sql(),
            )
        )
        for row in self.env.cr.dictfetchall():
            result[self[row["statement_id"]].id].append(
                {
                    "date": fields.Date.to_string(row["date"]),
                    "name": row["move_name"],
                    "ref": row["move_ref"] or "",
                    "kind": row["kind"],
                    "due_date": fields.Date.to_string(row["date_maturity"]) if row["kind"] == "invoice" else False,
                    "balance": row["balance"],
                }
            )
        return result

    def _ar_line_kinds(self):
        return {
            "invoice": self.env._("Invoice"),
            "refund": self.env._("Credit Note"),
            "payment": self.env._("Payment"),
            "other": self.env._("Other"),
        }

    def _ar_get_statement_lines(self):
        """The lines each statement prints and the portal shows, with a running balance from
        the opening balance: ``{statement id: [dict(date, name, ref, kind, due_date, debit,
        credit, balance)]}``. A sent statement shows its lines as sent (``ar_sent_lines``), as it
        keeps its balances; a draft (or one sent before the lines were kept) reads the ledger."""
        live = self.filtered(lambda st: not st.ar_sent_lines)._ar_query_statement_lines()
        kinds = self._ar_line_kinds()
        result = {}
        for statement in self:
            rows = live[statement.id] if statement.id in live else statement.ar_sent_lines["lines"]
            balance = statement.opening_balance
            lines = []
            for row in rows:
                balance += row["balance"]
                lines.append(
                    {
                        "date": fields.Date.to_date(row["date"]),
                        "name": row["name"],
                        "ref": row["ref"],
                        "kind": kinds[row["kind"]],
                        "due_date": fields.Date.to_date(row["due_date"]) if row["due_date"] else False,
                        "debit": max(row["balance"], 0.0),
                        "credit": max(-row["balance"], 0.0),
                        "balance": balance,
                    }
                )
            result[statement.id] = lines
        return result

    def _ar_mark_sent(self, channel):
        """Keep the lines of the statements just sent, as their balances are kept."""
        drafts = super()._ar_mark_sent(channel)
        lines = drafts._ar_query_statement_lines()
        for statement in drafts:
            # sudo: the lines as sent are written here only, once, when the statement is sent
            # (a dict: an empty list would read as "not kept")
            statement.sudo().ar_sent_lines = {"lines": lines[statement.id]}
        return drafts

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    def _ar_locked_message(self):
        return self.env._("A statement that was sent cannot be changed.")

    def _ar_check_write_values(self, vals):
        result = super()._ar_check_write_values(vals)
        if set(vals) & set(self._ar_reply_fields) and any(statement.state != "sent" for statement in self):
            raise UserError(
                self.env._(
                    "The customer's reply is entered while the statement awaits it (sent), then recorded with "
                    "the Customer Confirmed or Customer Disputed button; it cannot change afterwards."
                )
            )
        return result

    @api.model
    def _ar_check_create_values(self, vals):
        result = super()._ar_check_create_values(vals)
        if any(vals.get(field_name) for field_name in self._ar_reply_fields):
            raise UserError(
                self.env._("The customer's reply is entered once the statement was sent, not when it is created.")
            )
        return result

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_refresh(self):
        """Recompute the figures of draft statements (entries posted since they were prepared)."""
        drafts = self.filtered(lambda st: st.state == "draft")
        drafts.check_access("write")
        drafts._compute_balances()

    def _ar_log_on_partner(self, body):
        for statement in self:
            # a note of this company's collections only (a customer may be shared by companies)
            statement.partner_id.commercial_partner_id._ar_post_company_note(
                body(statement), company=statement.company_id
            )

    def _ar_log_sent(self, channel):
        how = self._ar_sent_how(channel)
        self._ar_log_on_partner(
            lambda st: self.env._(
                "%(type)s %(number)s for %(date_from)s – %(date_to)s (closing balance %(amount)s) %(how)s.",
                type=dict(st._fields["statement_type"]._description_selection(st.env))[st.statement_type],
                number=st.name,
                date_from=fields.Date.to_string(st.date_from),
                date_to=fields.Date.to_string(st.date_to),
                amount=st.currency_id.format(st.closing_balance),
                how=how,
            )
        )

    def _ar_get_mail_template(self):
        return self.env.ref("ar_collections.mail_template_ar_statement", raise_if_not_found=False)

    def action_customer_confirmed(self):
        """The customer returned the reply slip signed: the only way to a confirmed statement."""
        self._ar_check_caller()
        if any(statement.state != "sent" for statement in self):
            raise UserError(self.env._("Only a statement that was sent can be confirmed by the customer."))
        self._ar_write_guarded(
            {"state": "confirmed", "reply_date": fields.Date.context_today(self), "disputed_amount": 0.0}
        )
        self._ar_log_on_partner(
            lambda st: self.env._(
                "The customer confirmed the balance of %(amount)s at %(date)s (%(number)s).",
                amount=st.currency_id.format(st.closing_balance),
                date=fields.Date.to_string(st.date_to),
                number=st.name,
            )
        )

    def action_customer_disputed(self):
        """The customer disputes the balance (difference and reason entered): the only way to a
        disputed statement."""
        self._ar_check_caller()
        for statement in self:
            if statement.state != "sent":
                raise UserError(self.env._("Only a statement that was sent can be disputed by the customer."))
            if statement.currency_id.is_zero(statement.disputed_amount) or not statement.dispute_reason:
                raise UserError(
                    self.env._(
                        "Enter the difference claimed by the customer and its reason before recording the dispute."
                    )
                )
        self._ar_write_guarded({"state": "disputed", "reply_date": fields.Date.context_today(self)})
        self._ar_log_on_partner(
            lambda st: self.env._(
                "The customer disputed the balance of %(amount)s at %(date)s (%(number)s): difference %(difference)s, "
                "%(reason)s",
                amount=st.currency_id.format(st.closing_balance),
                date=fields.Date.to_string(st.date_to),
                number=st.name,
                difference=st.currency_id.format(st.disputed_amount),
                reason=st.dispute_reason,
            )
        )

    # ------------------------------------------------------------------
    # Customer portal
    # ------------------------------------------------------------------
    @api.model
    def _ar_portal_domain(self, partner):
        """The statements a portal user of ``partner`` sees: those sent to its commercial
        partner (a draft or a cancelled statement was never the customer's)."""
        return [
            ("partner_id", "child_of", partner.commercial_partner_id.id),
            ("state", "in", ("sent", "confirmed", "disputed")),
        ]

    def _ar_portal_reply(self, partner, confirm, amount=0.0, reason=None, attachment=None):
        """The customer's reply from the portal, through the same fields and states as the
        collector's buttons. Private: the portal controller calls it (as superuser) after
        checking that ``self`` is a statement of ``partner``'s commercial partner; it checks
        that again, and the state, before writing anything."""
        self.ensure_one()
        if self.partner_id.commercial_partner_id != partner.commercial_partner_id:
            raise AccessError(self.env._("This statement is not yours."))
        if self.statement_type != "confirmation" or self.state != "sent":
            raise UserError(self.env._("This balance confirmation was already answered or cannot be answered."))
        today = fields.Date.context_today(self)
        if confirm:
            vals = {"state": "confirmed", "reply_date": today, "disputed_amount": 0.0}
            note = self.env._(
                "The customer confirmed the balance of %(amount)s at %(date)s (%(number)s) on the portal.",
                amount=self.currency_id.format(self.closing_balance),
                date=fields.Date.to_string(self.date_to),
                number=self.name,
            )
        else:
            if amount is None or amount < 0 or not (reason or "").strip():
                raise ValidationError(
                    self.env._(
                        "Enter the balance you see in your books (zero or more) and the reason of the difference."
                    )
                )
            difference = self.currency_id.round(self.closing_balance - amount)
            if self.currency_id.is_zero(difference):
                raise ValidationError(
                    self.env._("The balance you see is the one of the statement: confirm the balance instead.")
                )
            vals = {
                "state": "disputed",
                "reply_date": today,
                "disputed_amount": difference,
                "dispute_reason": reason.strip(),
            }
            note = self.env._(
                "The customer disputed the balance of %(amount)s at %(date)s (%(number)s) on the portal: they see "
                "%(seen)s, difference %(difference)s, %(reason)s",
                amount=self.currency_id.format(self.closing_balance),
                date=fields.Date.to_string(self.date_to),
                number=self.name,
                seen=self.currency_id.format(amount),
                difference=self.currency_id.format(difference),
                reason=reason.strip(),
            )
        # sudo: the reply fields and the state are refused to every user in write; the
        # partner and the state were checked above
        self.sudo().write(vals)
        self._ar_portal_record(partner, note, attachment)
        return True

    def _ar_portal_record(self, partner, note, attachment=None):
        """The reply in the statement's and the customer's chatter, the contact log (channel
        portal) and a to-do for the statement's responsible."""
        statement = self.sudo()
        attachments = statement.env["ir.attachment"]
        if attachment:
            attachments = attachments.create(
                {
                    "name": attachment[0],
                    "raw": attachment[1],
                    "res_model": statement._name,
                    "res_id": statement.id,
                }
            )
        statement.message_post(
            body=note,
            author_id=partner.id,
            attachment_ids=attachments.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        statement._ar_log_on_partner(lambda st: note)
        user = statement.user_id
        result = statement.env.ref("ar_collections.ar_collection_result_portal_reply", raise_if_not_found=False)
        if result and user:
            statement.env["ar.collection.log"].with_context(ar_log_no_followup=True).create(
                {
                    "partner_id": statement.partner_id.commercial_partner_id.id,
                    "contact_id": partner.id,
                    "company_id": statement.company_id.id,
                    "user_id": user.id,
                    "channel": "portal",
                    "result_id": result.id,
                    "amount_requested": statement.closing_balance,
                    "customer_feedback": note,
                }
            )
        if user:
            statement.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
                {
                    "res_model_id": statement.env["ir.model"]._get_id(statement._name),
                    "res_id": statement.id,
                    "activity_type_id": statement.env.ref("mail.mail_activity_data_todo").id,
                    "summary": self.env._("Balance confirmation answered on the portal"),
                    "note": note,
                    "date_deadline": fields.Date.context_today(statement),
                    "user_id": user.id,
                }
            )

    # ------------------------------------------------------------------
    # Monthly statement cycle (scheduled action)
    # ------------------------------------------------------------------
    @api.model
    def _cron_statement_cycle(self):
        """Each company's monthly cycle of balance confirmations, on its own date: prepared
        on the preparation day for every customer with a balance at the end of last month,
        e-mailed (queued) from the sending day, and a reminder to their responsible when the
        reply is not back by the reminder day. Each step catches up a missed day and never
        repeats itself."""
        for company in self.env["res.company"].sudo().search([("ar_statement_cycle", "=", True)]):
            self.sudo().with_company(company)._ar_statement_cycle(company, company._ar_get_today()[0])

    @api.model
    def _ar_statement_cycle(self, company, today):
        """The steps of the cycle due on ``today`` for ``company``. Superuser mode: the
        scheduled action's (see ``_cron_statement_cycle``)."""
        date_to = today + relativedelta(day=1, days=-1)
        date_from = date_to + relativedelta(day=1)
        cycle = self.search(
            [
                ("company_id", "=", company.id),
                ("statement_type", "=", "confirmation"),
                ("date_from", "=", date_from),
                ("date_to", "=", date_to),
            ]
        )
        if today.day >= company.ar_statement_prepare_day:
            cycle |= self._ar_cycle_prepare(company, today, date_from, date_to, cycle)
        if today.day >= company.ar_statement_send_day:
            self._ar_cycle_send(cycle.filtered(lambda st: st.state == "draft"))
        if today.day >= company.ar_statement_reminder_day:
            self._ar_cycle_remind(cycle.filtered(lambda st: st.state == "sent" and not st.reminder_date), today)

    @api.model
    def _ar_cycle_prepare(self, company, today, date_from, date_to, existing):
        """Draft confirmations of the customers with a balance at ``date_to`` that have none
        for the period (one aging query)."""
        aging = self.env["ar.aging"]._get_partner_aging(date=date_to, company_ids=company.ids)
        has_one = set(existing.partner_id.ids)
        partner_ids = [
            pid
            for pid, values in aging.items()
            if pid and pid not in has_one and not company.currency_id.is_zero(values["residual"])
        ]
        partners = self.env["res.partner"].with_company(company).browse(partner_ids)
        reply_day = min(company.ar_statement_reminder_day, 28)
        return self.create(
            [
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "statement_type": "confirmation",
                    "date": today,
                    "date_from": date_from,
                    "date_to": date_to,
                    "reply_deadline": today + relativedelta(day=reply_day),
                    "user_id": (partner.collector_id or company.ar_default_collector_id or self.env.user).id,
                }
                for partner in partners
            ]
        )

    def _ar_cycle_send(self, drafts):
        """Number, mark sent and log the drafts, and queue their e-mails."""
        template = self._ar_get_mail_template()
        with_email = drafts.filtered(lambda st: st.partner_id.email)
        with_email._ar_mark_sent("email")
        for statement in with_email:
            template.send_mail(statement.id, force_send=False)

    def _ar_cycle_remind(self, statements, today):
        """A to-do for the responsible of each statement whose reply is not back."""
        todo_type = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": statement.id,
                    "activity_type_id": todo_type.id,
                    "summary": self.env._("Balance confirmation not returned"),
                    "note": self.env._(
                        "%(customer)s has not returned the balance confirmation %(number)s: remind the customer.",
                        customer=statement.partner_id.name,
                        number=statement.name,
                    ),
                    "date_deadline": today,
                    "user_id": statement.user_id.id or self.env.user.id,
                }
                for statement in statements
            ]
        )
        statements._ar_write_guarded({"reminder_date": today})

    @api.depends("partner_id", "company_id", "date_to")
    def _compute_ar_interest(self):
        """One accrual per company and end date for all the statements of ``self``. What it
        depends on is locked once the statement is sent: the figures stay those printed."""
        Move = self.env["account.move"]
        groups = defaultdict(lambda: self.browse())
        for statement in self:
            if statement.partner_id and statement.company_id and statement.date_to:
                groups[statement.company_id, statement.date_to] |= statement
            else:
                statement.ar_interest_amount, statement.ar_interest_lines = 0.0, []
        for (company, date), statements in groups.items():
            rows = Move._ar_get_accrued_interest(
                partner_ids=statements.partner_id.commercial_partner_id.ids, date=date, company=company
            )
            by_partner = defaultdict(list)
            for row in sorted(rows.values(), key=lambda row: (row["date_from"], row["invoice"].id)):
                by_partner[row["invoice"].commercial_partner_id.id].append(self._ar_prepare_interest_line(row))
            for statement in statements:
                lines = by_partner.get(statement.partner_id.commercial_partner_id.id, [])
                statement.ar_interest_lines = lines
                statement.ar_interest_amount = company.currency_id.round(sum(line["amount"] for line in lines))

    @api.model
    def _ar_prepare_interest_line(self, row):
        """What the statement keeps of one invoice's accrued interest (JSON)."""
        invoice = row["invoice"]
        return {
            "invoice_id": invoice.id,
            "invoice": invoice.name,
            "due_date": fields.Date.to_string(row["due_date"]),
            "date_from": fields.Date.to_string(row["date_from"]),
            "date_to": fields.Date.to_string(row["date_to"]),
            "base": row["base"],
            "days": row["days"],
            "rate": row["rate"],
            "period": row["period"],
            "amount": row["amount"],
        }

    def _ar_get_interest_period_label(self, period):
        return dict(self.env["res.company"]._fields["ar_interest_period"]._description_selection(self.env)).get(
            period, ""
        )
