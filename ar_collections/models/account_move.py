from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..const import COLLECTIONS_USER_GROUP

EXCLUSION_FIELDS = ("ar_collection_excluded", "ar_exclusion_reason", "ar_exclusion_date", "ar_exclusion_user_id")
# Written by the collections run only (in superuser mode): the stage holds orders and locks deliveries.
STAGE_FIELDS = ("collection_stage_id", "collection_stage_date", "ar_stage_history_ids")
SQL_OPERATORS = {"=": "=", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">=", "in": "IN", "not in": "NOT IN"}


ACCOUNTANT_GROUP = "account.group_account_user"
# links to the bad-debt records that booked the entry: written by those records only
BAD_DEBT_LINK_FIELDS = ("ar_provision_id", "ar_write_off_request_id", "ar_recovery_request_id", "ar_collection_case_id")


class AccountMove(models.Model):
    _inherit = "account.move"

    collection_stage_id = fields.Many2one(
        "ar.collection.stage",
        copy=False,
        index="btree_not_null",
        tracking=True,
        readonly=True,
        help="Set every night by the collections run.",
    )
    collection_stage_date = fields.Date(string="In Stage Since", copy=False, readonly=True)
    ar_stage_history_ids = fields.One2many(
        "ar.collection.stage.history", "move_id", string="Stage History", readonly=True
    )

    # Relative to today: computed, never stored; searchable, sortable and groupable through
    # their SQL expression (see _field_to_sql).
    days_overdue = fields.Integer(
        compute="_compute_ar_aging",
        search="_search_days_overdue",
        help="Days since the due date of an unpaid customer invoice (negative: days left before it is due).",
    )
    aging_bucket = fields.Selection(
        selection="_selection_aging_bucket",
        string="Aging",
        compute="_compute_ar_aging",
        search="_search_aging_bucket",
        help="Aging bucket of an unpaid customer invoice, as of today (limits in the Collections settings).",
    )

    ar_collection_excluded = fields.Boolean(
        string="Excluded from Collections",
        copy=False,
        tracking=True,
        readonly=True,
        help="The collections run leaves this invoice alone (no stage, no follow-up), e.g. while it is disputed.",
    )
    ar_exclusion_reason = fields.Char(string="Exclusion Reason", copy=False, tracking=True, readonly=True)
    ar_exclusion_date = fields.Date(string="Excluded On", copy=False, readonly=True)
    ar_exclusion_user_id = fields.Many2one("res.users", string="Excluded By", copy=False, readonly=True)

    ar_expected_payment_date = fields.Date(
        string="Expected Payment",
        compute="_compute_ar_expected_payment_date",
        groups="ar_collections.group_ar_collections_user,ar_collections.group_ar_collections_auditor",
        help="When the customer is expected to pay what the invoice still owes: the date of an open promise "
        "to pay, else the due date plus the customer's average days late (weighted by amount) over the "
        "last 180 days.",
    )

    ar_provision_id = fields.Many2one(
        "ar.bad.debt.provision",
        string="Bad-Debt Provision",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Monthly bad-debt provision that drafted this entry.",
    )
    ar_write_off_request_id = fields.Many2one(
        "ar.write.off.request",
        string="Write-Off Request",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Approved write-off request that booked this entry.",
    )
    ar_recovery_request_id = fields.Many2one(
        "ar.write.off.request",
        string="Recovered Write-Off",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Written-off debt this entry records a recovery of.",
    )
    ar_collection_case_id = fields.Many2one(
        "ar.collection.case",
        string="Collection Case",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Collection case whose agency commission this bill pays.",
    )
    # ------------------------------------------------------------------
    # Late-payment interest
    # ------------------------------------------------------------------
    ar_interest_invoiced_until = fields.Date(
        string="Interest Invoiced Until",
        compute="_compute_ar_interest_invoiced_until",
        help="Late-payment interest of this invoice is invoiced up to this date (interest invoices not cancelled).",
    )

    # ------------------------------------------------------------------
    # Days overdue and aging bucket (relative to today)
    # ------------------------------------------------------------------
    @api.depends_context("tz", "company", "allowed_company_ids")
    @api.depends(
        "state",
        "move_type",
        "company_id",
        "line_ids.balance",
        "line_ids.date_maturity",
        "line_ids.amount_residual",
        "line_ids.reconciled",
    )
    def _compute_ar_aging(self):
        """Days overdue and bucket of each open customer invoice, from the one aging query
        (``ar.aging._get_invoice_aging``): those of its oldest unpaid receivable item, on
        the ledger as of today."""
        types = self.env["ar.aging"]._get_invoice_move_types()
        moves = self.filtered(lambda m: m._origin.id and m.state == "posted" and m.move_type in types)
        aging = {}
        if moves:
            # sudo: the figures of invoices the user is reading, restricted to them
            aging = (
                self.env["ar.aging"]
                .sudo()
                ._get_invoice_aging(move_ids=moves._origin.ids, company_ids=moves.company_id.ids)
            )
        for move in self:
            values = aging.get(move._origin.id) if move in moves else None
            move.days_overdue = values["days"] if values else 0
            move.aging_bucket = values["bucket"] if values else False

    @api.model
    def _selection_aging_bucket(self):
        """The buckets, labelled with the limits of the current company (the same as the aging
        report's)."""
        return self.env["ar.aging"]._get_bucket_selection(self.env.company)

    def _ar_aging_sql(self, alias, fname, query):
        """SQL expression of ``days_overdue`` / ``aging_bucket`` on table ``alias``: a join
        to the open invoices of the aging query (as of today, the user's companies)."""
        # sudo: figures of the rows the caller reads or searches (the outer query keeps his rules)
        aging = self.env["ar.aging"].sudo()._invoice_aging_sql(company_ids=self.env.companies.ids)
        if query is not None:
            aging_alias = query.make_alias(alias, "ar_aging")
            query.add_join(
                "LEFT JOIN",
                aging_alias,
                SQL("(%s)", aging),
                SQL("%s = %s", SQL.identifier(aging_alias, "move_id"), SQL.identifier(alias, "id")),
            )
            column = SQL.identifier(aging_alias, "days" if fname == "days_overdue" else "bucket")
        else:
            column = SQL(
                "(SELECT ar_aging.%s FROM (%s) ar_aging WHERE ar_aging.move_id = %s)",
                SQL.identifier("days" if fname == "days_overdue" else "bucket"),
                aging,
                SQL.identifier(alias, "id"),
            )
        if fname == "days_overdue":
            return SQL("COALESCE(%s, 0)", column)
        return column

    def _field_to_sql(self, alias, fname, query=None, flush=True):
        if fname in ("days_overdue", "aging_bucket"):
            return self._ar_aging_sql(alias, fname, query)
        return super()._field_to_sql(alias, fname, query, flush)

    def _ar_search_aging(self, fname, operator, value):
        if operator not in SQL_OPERATORS:
            raise UserError(self.env._("Operation %(operator)s is not supported on this field.", operator=operator))
        # one aging query for the whole search, joined to the invoices
        # sudo: the ids of every invoice matching; the caller's own search keeps his rules
        query = self.env["account.move"].sudo()._search([])
        expression = self._ar_aging_sql("account_move", fname, query)
        if operator in ("in", "not in"):
            values = [v for v in value if v is not False and v is not None]
            condition = SQL("%s %s %s", expression, SQL(SQL_OPERATORS[operator]), tuple(values) or (None,))
            if len(values) != len(value):  # searching for "not set"
                null = SQL("%s IS NULL", expression)
                condition = (
                    SQL("(%s OR %s)", condition, null) if operator == "in" else SQL("(%s AND NOT %s)", condition, null)
                )
        elif value is False or value is None:
            condition = SQL("%s %s", expression, SQL("IS NULL" if operator == "=" else "IS NOT NULL"))
        else:
            condition = SQL("%s %s %s", expression, SQL(SQL_OPERATORS[operator]), value)
        query.add_where(condition)
        return [("id", "in", query.subselect())]

    def _search_days_overdue(self, operator, value):
        return self._ar_search_aging("days_overdue", operator, value)

    def _search_aging_bucket(self, operator, value):
        return self._ar_search_aging("aging_bucket", operator, value)

    # ------------------------------------------------------------------
    # Expected payment (cash-in forecast)
    # ------------------------------------------------------------------
    def _compute_ar_expected_payment_date(self):
        """One query per company of the invoices (see ``ar.cash.forecast``)."""
        self.ar_expected_payment_date = False
        Forecast = self.env["ar.cash.forecast"]
        invoices = self.filtered(lambda move: move.id and move.state == "posted" and move.is_sale_document())
        for company, company_invoices in invoices.grouped("company_id").items():
            today = company._ar_get_today()[0]
            expected = Forecast._ar_get_expected_payments(today, company.ids, company_invoices.ids)
            for invoice in company_invoices:
                invoice.ar_expected_payment_date = expected.get(invoice.id, {}).get("expected_date", False)

    # ------------------------------------------------------------------
    # Dunning selection (overridable hooks)
    # ------------------------------------------------------------------
    @api.model
    def _ar_get_dunning_domain(self, company):
        """Invoices the collections run may put in a stage and follow up. Extend with
        ``super()`` to leave more invoices alone (disputes, open promises ...)."""
        return [
            ("company_id", "=", company.id),
            ("move_type", "in", self.env["ar.aging"]._get_invoice_move_types()),
            ("state", "=", "posted"),
            ("ar_collection_excluded", "=", False),
            ("id", "not in", list(self._ar_get_paused_invoice_ids(company))),
        ]

    @api.model
    def _ar_get_paused_invoice_ids(self, company):
        """Invoices whose dunning is paused: in an open dispute, covered by an open promise
        to pay that is not yet due, in an open collection case (legal or the agency
        follow them), or covered by an active repayment plan (its nightly check follows
        them; a plan broken, cancelled or completed un-pauses them)."""
        return (
            self.env["ar.dispute"]._ar_get_paused_invoice_ids(company)
            | self.env["ar.payment.promise"]._ar_get_paused_invoice_ids(company)
            | self.env["ar.collection.case"]._ar_get_open_case_invoice_ids(company)
            | self.env["ar.repayment.plan"]._ar_get_paused_invoice_ids(company)
        )

    # ------------------------------------------------------------------
    # Exclusion from collections
    # ------------------------------------------------------------------
    def _ar_check_collections_user(self):
        if not self.env.su and not self.env.user.has_group(COLLECTIONS_USER_GROUP):
            raise AccessError(self.env._("Only collectors and credit managers can exclude invoices from collections."))

    def _ar_check_stage_write(self, vals):
        """The collection stage of an invoice and its history are the collections run's
        (superuser mode), whatever the context of the caller."""
        if not self.env.su and any(fname in vals for fname in STAGE_FIELDS):
            raise AccessError(self.env._("The collection stage of an invoice is set by the collections run only."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._ar_check_stage_write(vals)
            self._ar_check_bad_debt_write(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._ar_check_stage_write(vals)
        self._ar_check_bad_debt_write(vals)
        if any(fname in vals for fname in EXCLUSION_FIELDS):
            self._ar_check_collections_user()
        return super().write(vals)

    def _ar_set_collection_exclusion(self, reason):
        """Exclude the customer invoices of ``self`` from collections, with ``reason``."""
        self._ar_check_collections_user()
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason for excluding the invoices from collections."))
        invoices = self.filtered(lambda m: m.move_type == "out_invoice")
        if invoices != self:
            raise UserError(self.env._("Only customer invoices can be excluded from collections."))
        invoices.write(
            {
                "ar_collection_excluded": True,
                "ar_exclusion_reason": reason.strip(),
                "ar_exclusion_date": fields.Date.context_today(self),
                "ar_exclusion_user_id": self.env.user.id,
            }
        )
        return invoices

    def action_ar_exclude_collections(self):
        self._ar_check_collections_user()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Exclude from Collections"),
            "res_model": "account.move.ar.exclude",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": "account.move", "active_ids": self.ids},
        }

    def action_ar_include_collections(self):
        """Put excluded invoices back under the collections run."""
        self._ar_check_collections_user()
        invoices = self.filtered("ar_collection_excluded")
        invoices.write(
            {
                "ar_collection_excluded": False,
                "ar_exclusion_reason": False,
                "ar_exclusion_date": False,
                "ar_exclusion_user_id": False,
            }
        )
        return True

    def _ar_check_bad_debt_write(self, vals):
        """The links of an entry to its provision, write-off, recovery or collection case are
        written by those documents' methods only (superuser mode)."""
        if not self.env.su and any(vals.get(fname) if not self else fname in vals for fname in BAD_DEBT_LINK_FIELDS):
            raise AccessError(self.env._("Bad-debt entries are booked by their provision or write-off only."))

    def _post(self, soft=True):
        # a bad-debt provision entry is posted by an accountant, never by a collector or a
        # credit manager (who drafted it)
        if (
            not self.env.su
            and any(move.ar_provision_id for move in self)
            and not self.env.user.has_group(ACCOUNTANT_GROUP)
        ):
            raise AccessError(self.env._("Only an accountant may post a bad-debt provision entry."))
        return super()._post(soft=soft)

    def _compute_ar_interest_invoiced_until(self):
        until = self._ar_get_interest_invoiced_until(self.ids)
        for move in self:
            move.ar_interest_invoiced_until = until.get(move.id, False)

    @api.model
    def _ar_get_interest_invoiced_until(self, move_ids):
        """Date up to which interest was invoiced, per invoice id (one grouped query)."""
        if not move_ids:
            return {}
        Line = self.env["account.move.line"]
        Line.flush_model(["ar_interest_source_id", "ar_interest_date_to", "parent_state"])
        self.env.cr.execute(
            SQL(
                """
                SELECT ar_interest_source_id, MAX(ar_interest_date_to)
                  FROM account_move_line
                 WHERE ar_interest_source_id = ANY(%s) AND parent_state != 'cancel'
                 GROUP BY ar_interest_source_id
                """,
                list(move_ids),
            )
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _ar_has_interest_terms(self, company):
        """Whether any customer of ``company`` is charged interest: a company rate, or a
        credit grade with its own positive rate."""
        if company.ar_interest_rate:
            return True
        # sudo: whether such a grade exists, whoever asks
        return bool(
            self.env["ar.credit.grade"]
            .sudo()
            .with_context(active_test=False)
            .search_count(
                [
                    ("ar_interest_own_terms", "=", True),
                    ("ar_interest_rate", ">", 0),
                    ("company_id", "in", [False, company.id]),
                ],
                limit=1,
            )
        )

    @api.model
    def _ar_get_accrued_interest(self, partner_ids=None, date=None, company=None, move_ids=None):
        """Late-payment interest accrued and not yet invoiced on ``date`` (today by default),
        per overdue instalment: ``{receivable item id: dict(invoice, due_date, base, date_from,
        date_to, days, rate, period, amount)}``. Each unpaid item past its own due date accrues
        on its own residual (``base``) from that date (after the grace days, or from the date
        interest was last invoiced on the invoice): an invoice paid in instalments is charged
        for each instalment's own days, never for the whole from the first one's. At the terms
        of the customer (``res.partner._ar_get_interest_terms``: its grade's, else the
        company's). Empty without a rate."""
        company = company or self.env.company
        date = fields.Date.to_date(date) or fields.Date.context_today(self)
        if not self._ar_has_interest_terms(company):
            return {}
        Aging = self.env["ar.aging"]
        overdue = Aging._get_overdue_invoices(
            partner_ids=partner_ids, date=date, company_ids=company.ids, move_ids=move_ids
        )
        # no interest on interest (nor on fees): the interest invoices themselves are left out
        interest_invoice_ids = {
            move.id
            for (move,) in self.env["account.move.line"]
            .sudo()
            ._read_group(
                [
                    ("move_id", "in", list(overdue)),
                    "|",
                    ("ar_interest_source_id", "!=", False),
                    ("ar_fee_letter_id", "!=", False),
                ],
                ["move_id"],
            )
        }
        invoice_ids = [move_id for move_id in overdue if move_id not in interest_invoice_ids]
        items = Aging._get_overdue_items(invoice_ids, date=date, company_ids=company.ids)
        until = self._ar_get_interest_invoiced_until(invoice_ids)
        terms_of = (
            self.env["res.partner"].browse({item["partner_id"] for item in items})._ar_get_interest_terms(company)
        )
        currency = company.currency_id
        result = {}
        for item in items:
            terms = terms_of.get(item["partner_id"])
            if not terms or not terms["rate"]:
                continue
            rate, period = terms["rate"], terms["period"]
            start = item["due_date"] + timedelta(days=terms["grace_days"])
            if until.get(item["move_id"]):
                start = max(start, until[item["move_id"]])
            days = (date - start).days
            if days <= 0:
                continue
            amount = item["residual"] * rate / 100.0 * days
            if period == "year":
                amount /= 365.0
            amount = currency.round(amount)
            if currency.is_zero(amount):
                continue
            result[item["line_id"]] = {
                "invoice": self.browse(item["move_id"]),
                "due_date": item["due_date"],
                "base": item["residual"],
                "date_from": start,
                "date_to": date,
                "days": days,
                "rate": rate,
                "period": period,
                "amount": amount,
            }
        return result
