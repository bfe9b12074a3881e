import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..const import COLLECTIONS_USER_GROUP, PROMISE_RUNNING_STATE, PROMISE_TO_ACCEPT_STATE

_logger = logging.getLogger(__name__)

PROMISE_STATES = [
    # made by the customer from his link: counts (and pauses dunning) once a collector accepts it
    ("to_accept", "To Accept"),
    ("refused", "Refused"),
    ("open", "Open"),
    ("kept", "Kept"),
    ("partial", "Partially Kept"),
    ("broken", "Broken"),
]


class ArPaymentPromise(models.Model):
    """A customer's promise to pay an amount by a date (付款承诺). "A promise is not a
    payment": the nightly check compares it with the payments actually reconciled to
    its invoices."""

    _name = "ar.payment.promise"
    _description = "Promise to Pay"
    # activities: a promise made from the customer link is a to-do of its collector until decided
    _inherit = ["ar.customer.request.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    # set by the check (and the extension's approval) only; the contact that recorded the
    # promise is given when it is created
    _ar_guarded_fields = ("state", "paid_amount", "checked_date", "extension_id", "log_id", "company_id")
    # what the customer promised: fixed once the promise has been checked
    _ar_term_fields = ("partner_id", "invoice_ids", "date", "date_start", "amount")

    user_id = fields.Many2one("res.users", string="Collector", default=lambda self: self.env.user, index=True)
    extension_id = fields.Many2one(
        "ar.extension.request", string="Extension Request", index="btree_not_null", readonly=True
    )
    date_start = fields.Date(
        string="Promised On",
        required=True,
        default=fields.Date.context_today,
        help="Payments from this day on count toward the promise.",
    )
    date = fields.Date(string="Promised Date", required=True, tracking=True, index=True)
    date_deadline = fields.Date(
        string="Deadline",
        compute="_compute_date_deadline",
        store=True,
        help="Promised date plus the company's grace period.",
    )
    amount = fields.Monetary(string="Promised Amount", required=True, currency_field="currency_id", tracking=True)
    invoice_ids = fields.Many2many(
        "account.move",
        "ar_payment_promise_invoice_rel",
        "promise_id",
        "move_id",
        string="Invoices",
        required=True,
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), ('move_type', '=', 'out_invoice'), "
        "('state', '=', 'posted')]",
    )
    state = fields.Selection(PROMISE_STATES, default="open", required=True, tracking=True, index=True, readonly=True)
    paid_amount = fields.Monetary(
        string="Paid",
        currency_field="currency_id",
        readonly=True,
        help="Payments reconciled to the promise's invoices between the promise and its deadline (last check).",
    )
    checked_date = fields.Date(string="Checked On", readonly=True)
    note = fields.Text()

    _sql_constraints = [
        ("amount_positive", "CHECK(amount > 0)", "The promised amount must be positive."),
        ("dates_ordered", "CHECK(date >= date_start)", "The promised date cannot be before the promise."),
    ]

    @api.depends("date", "company_id.ar_promise_grace_days")
    def _compute_date_deadline(self):
        for promise in self:
            promise.date_deadline = promise.date and fields.Date.add(
                promise.date, days=promise.company_id.ar_promise_grace_days
            )

    @api.depends("partner_id", "amount", "date")
    def _compute_display_name(self):
        for promise in self:
            promise.display_name = self.env._(
                "%(partner)s: %(amount)s by %(date)s",
                partner=promise.partner_id.name or "",
                amount=promise.currency_id.format(promise.amount),
                date=promise.date or "",
            )

    def _ar_request_message(self, key, **params):
        messages = {
            "guarded": lambda: self.env._("The state of a promise to pay is set by its check only."),
            "decided": lambda: self.env._(
                "A promise that has been checked (kept, partially kept or broken) cannot be changed."
            ),
            "customer_fixed": lambda: self.env._(
                "The customer of a promise to pay cannot be changed: record a new promise instead."
            ),
            "no_invoice": lambda: self.env._("A promise to pay covers at least one invoice."),
            "other_invoices": lambda: self.env._(
                "The invoices of a promise must be invoices of %(partner)s.", **params
            ),
            "other_contact": lambda: self.env._(
                "A promise of %(partner)s cannot be recorded on a contact with another customer.", **params
            ),
            "never_deleted": lambda: self.env._(
                "Promises to pay are never deleted: they count in the customer's history."
            ),
        }
        return messages[key]()

    @api.model_create_multi
    def create(self, vals_list):
        promises = super().create(vals_list)
        if not self.env.su:
            for promise in promises:
                promise._ar_check_date_not_past(promise.date)
        return promises

    def _ar_check_date_not_past(self, date):
        today = fields.Date.context_today(self)
        if date and fields.Date.to_date(date) < today:
            raise ValidationError(
                self.env._("The promised date (%(date)s) cannot be in the past.", date=fields.Date.to_date(date))
            )

    def _ar_check_write_values(self, vals):
        if "date" in vals:
            self._ar_check_date_not_past(vals["date"])
        if "date_start" in vals:
            raise UserError(self.env._("The day a promise was made cannot be changed: record a new promise instead."))

    # ------------------------------------------------------------------
    # The check
    # ------------------------------------------------------------------
    def _ar_get_paid_amounts(self):
        """Payments reconciled to the invoices of each promise of ``self`` between its
        start and its deadline, in company currency, in one grouped query.

        Only payments and bank matchings count (journal entries), not credit notes.

        :returns: dict promise id -> amount
        """
        if not self.ids:
            return {}
        self.env.flush_all()
        query = SQL(
            """
            SELECT promise.id, COALESCE(SUM(part.amount), 0)
              FROM ar_payment_promise promise
              JOIN ar_payment_promise_invoice_rel rel ON rel.promise_id = promise.id
              JOIN account_move_line inv_line ON inv_line.move_id = rel.move_id
                                             AND inv_line.display_type = 'payment_term'
              JOIN account_partial_reconcile part ON part.debit_move_id = inv_line.id
              JOIN account_move_line pay_line ON pay_line.id = part.credit_move_id
              JOIN account_move pay_move ON pay_move.id = pay_line.move_id
             WHERE promise.id IN %(ids)s
               AND pay_move.move_type = 'entry'
               AND pay_move.state = 'posted'
               AND part.max_date >= promise.date_start
               AND part.max_date <= promise.date_deadline
          GROUP BY promise.id
            """,
            ids=tuple(self.ids),
        )
        return dict(self.env.execute_query(query))

    def _ar_check(self, today=None):
        """Evaluate the open promises of ``self``: kept as soon as paid in full; once the
        deadline has passed, partially kept or broken. Broken promises escalate the
        customer's follow-up.

        :returns: the promises whose state changed
        """
        today = today or fields.Date.context_today(self)
        # accepted ones only: a promise to accept is the customer's word, a refused one never counts
        promises = self.filtered(lambda p: p.state == PROMISE_RUNNING_STATE)
        paid = promises._ar_get_paid_amounts()
        changed = {state: self.browse() for state, _label in PROMISE_STATES}
        for promise in promises:
            amount_paid = paid.get(promise.id, 0.0)
            currency = promise.currency_id
            if currency.compare_amounts(amount_paid, promise.amount) >= 0:
                state = "kept"
            elif promise.date_deadline >= today:
                state = "open"
            elif currency.is_zero(amount_paid):
                state = "broken"
            else:
                state = "partial"
            promise_vals = {"paid_amount": amount_paid, "checked_date": today}
            if state != "open":
                promise_vals["state"] = state
                changed[state] |= promise
            # sudo: the state and figures are the check's result (payments actually reconciled),
            # not the caller's input; whoever runs the check may not write them himself
            promise.sudo().write(promise_vals)
        changed["broken"]._ar_on_broken()
        changed["partial"]._ar_on_broken()
        result = changed["kept"] | changed["partial"] | changed["broken"]
        # the credit holds of their customers follow at once (a broken promise reinstates a
        # hold its extension had lifted)
        for company, promises in result.grouped("company_id").items():
            # sudo: see ar.collection.followup._ar_sync_holds
            self.env["ar.collection.followup"].sudo().with_company(company)._ar_sync_holds(
                promises.partner_id.commercial_partner_id.ids
            )
        return result

    def _ar_on_broken(self):
        """A promise not (fully) kept is a signal: note it on the customer and escalate
        its follow-up."""
        reasons = {}
        for promise in self:
            if promise.state == "broken":
                body = self.env._(
                    "Promise to pay %(amount)s by %(date)s broken: nothing was paid.",
                    amount=promise.currency_id.format(promise.amount),
                    date=promise.date,
                )
            else:
                body = self.env._(
                    "Promise to pay %(amount)s by %(date)s only partially kept: %(paid)s paid.",
                    amount=promise.currency_id.format(promise.amount),
                    date=promise.date,
                    paid=promise.currency_id.format(promise.paid_amount),
                )
            promise.message_post(body=body)
            reasons.setdefault(promise.company_id, {})[promise.partner_id.id] = body
        for company, partner_reasons in reasons.items():
            partners = self.env["res.partner"].browse(list(partner_reasons)).with_company(company)
            self.env["ar.collection.followup"].with_company(company)._escalate(partners, partner_reasons)

    @api.model
    def _cron_check_promises(self, companies=None, today=None):
        """Check every open promise (of ``companies``), company by company; a company that
        fails is logged and skipped."""
        domain = [("state", "=", PROMISE_RUNNING_STATE)]
        if companies:
            domain.append(("company_id", "in", companies.ids))
        promises = self.search(domain)
        changed = self.browse()
        by_company = promises.grouped("company_id")
        for company, company_promises in by_company.items():
            try:
                with self.env.cr.savepoint():
                    changed |= company_promises.with_company(company)._ar_check(today=today)
            except Exception:
                _logger.exception("Checking the promises to pay of company %s failed", company.name)
        return changed

    def action_check_now(self):
        """Check now (the same check as the nightly run's), for the users who may edit the promises."""
        self.check_access("write")
        self._ar_check()
        return True

    # ------------------------------------------------------------------
    # A promise made from the customer link: accepted or refused by a collector
    # ------------------------------------------------------------------
    def _ar_check_acceptor(self):
        if not self.env.user.has_group(COLLECTIONS_USER_GROUP):
            raise AccessError(self.env._("Only collectors accept or refuse a customer's promise."))
        self.check_access("write")
        if any(promise.state != PROMISE_TO_ACCEPT_STATE for promise in self):
            raise UserError(
                self.env._("Only a promise made by the customer and not decided yet can be accepted or refused.")
            )

    def action_accept(self):
        """The collector accepts the customer's promise: it counts (and pauses dunning) from now."""
        self._ar_check_acceptor()
        for promise in self:
            # sudo: the state is written here only, after the caller's checks
            promise.sudo().write({"state": PROMISE_RUNNING_STATE})
            promise.message_post(
                body=self.env._("Promise made on the portal accepted by %(user)s.", user=self.env.user.name)
            )
        # sudo: the to-do may be another collector's; the promise was decided
        self.sudo().activity_feedback(["mail.mail_activity_data_todo"], feedback=self.env._("Accepted"))
        return True

    def action_refuse(self):
        """The collector refuses the customer's promise: it never counts."""
        self._ar_check_acceptor()
        for promise in self:
            # sudo: the state is written here only, after the caller's checks
            promise.sudo().write({"state": "refused"})
            promise.message_post(
                body=self.env._("Promise made on the portal refused by %(user)s.", user=self.env.user.name)
            )
        # sudo: see action_accept
        self.sudo().activity_feedback(["mail.mail_activity_data_todo"], feedback=self.env._("Refused"))
        return True

    @api.model
    def _ar_get_paused_invoice_ids(self, company, today=None):
        """Invoices of ``company`` covered by an open promise not yet due: no reminders for them."""
        today = today or fields.Date.context_today(self)
        promises = self.search(
            [("company_id", "=", company.id), ("state", "=", PROMISE_RUNNING_STATE), ("date_deadline", ">=", today)]
        )
        return set(promises.invoice_ids.ids)
