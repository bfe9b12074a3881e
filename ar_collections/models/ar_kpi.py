"""The receivable KPIs, computed set-based from the aging snapshots and the ledger.

For a period ``[date_from, date_to]`` of ``n`` days (both included), per company and,
optionally, per collector, salesperson or credit grade (``group_by``), in company currency:

- ``AR₀`` = receivable of the snapshot of ``date_from − 1`` (end of the previous period),
  ``AR₁`` = receivable of the snapshot of ``date_to``; ``current₁`` = its "not due" part;
  snapshots are taken nightly and backfilled for month-ends (``ar.aging.snapshot``);
- ``S`` = credit sales of the period: receivable balance of the posted customer invoices,
  receipts and credit notes dated in the period;
- **DSO (standard)** = AR₁ / S × n;
- **DSO (countback)**: AR₁ is matched against the sales of the months going back from
  ``date_to`` (windows of one month ending on ``date_to``, at most 24): every month whose
  sales AR₁ still covers counts all its days, the last one the covered fraction of its
  days;
- **best possible DSO** = current₁ / S × n; **average days delinquent** = DSO − BPDSO;
- **CEI** = (AR₀ + S − AR₁) / (AR₀ + S − current₁) × 100;
- **overdue ratio** = (AR₁ − current₁) / AR₁ × 100; **over-90 ratio** = last bucket / AR₁ × 100;
- **bad-debt ratio** = written off / S × 100, "written off" being the amounts reconciled
  in the period between customer invoices and journal entries that are neither payments nor
  bank statement lines and that carry an expense line (a write-off to a bad-debt expense
  account); 0 when there is none;
- **AR turnover** = S / ((AR₀ + AR₁) / 2) over the period, and the **average collection
  period** = n / turnover;
- **promise-kept rate** = promises kept / promises checked (kept, partially kept, broken)
  whose deadline falls in the period × 100 (a partially kept promise is not kept);
- **roll rates**: for each bucket but the last, the amount of the next bucket at AR₁ over
  the amount of that bucket at AR₀, × 100 (monthly periods with the 30-day buckets: the
  share of the bucket that moved to the next one month over month).

A figure whose denominator is 0 is 0. The collector, salesperson and grade of an amount
are those of the snapshot row (as they were that night) for the receivable figures, and
the customer's current ones for the ledger figures (sales, write-offs, receipts).
"""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..const import PROMISE_DECIDED_STATES
from ..models.ar_aging import BUCKETS

# dimension of the snapshot rows
SNAPSHOT_DIMENSIONS = {"collector": "collector_id", "salesperson": "user_id", "grade": "credit_grade_id"}
COUNTBACK_MONTHS = 24
KPI_FIELDS = (
    "ar_begin",
    "ar_end",
    "current_end",
    "overdue_end",
    "over_90_end",
    "sales",
    "written_off",
    "dso",
    "dso_countback",
    "bpdso",
    "add",
    "cei",
    "overdue_ratio",
    "over_90_ratio",
    "bad_debt_ratio",
    "turnover",
    "collection_period",
    "promise_count",
    "promise_kept_count",
    "promise_kept_rate",
    "roll_1_30",
    "roll_31_60",
    "roll_61_90",
    "roll_over_90",
)
INVOICE_TYPES = ("out_invoice", "out_refund", "out_receipt")
WRITE_OFF_ACCOUNT_TYPES = ("expense", "expense_depreciation", "expense_direct_cost")
# lateness of a receipt (days after the due date) -> company field of its deduction (%)
LATENESS_STEPS = (
    (30, "ar_late_deduction_30"),
    (60, "ar_late_deduction_60"),
    (90, "ar_late_deduction_90"),
    (120, "ar_late_deduction_120"),
    (None, "ar_late_deduction_over_120"),
)


def _ratio(numerator, denominator, factor=1.0):
    return numerator / denominator * factor if denominator else 0.0


class ArKpi(models.AbstractModel):
    _name = "ar.kpi"
    _description = "Receivable KPIs"

    # ------------------------------------------------------------------
    # Dimensions
    # ------------------------------------------------------------------
    @api.model
    def _ar_ledger_dimension_sql(self, group_by, partner, company):
        """SQL of the customer's current collector / salesperson / grade in a company,
        ``partner`` and ``company`` being SQL of the commercial partner's table alias and
        the company id; NULL without ``group_by``."""
        if group_by == "collector":
            return SQL(
                """COALESCE((%(partner)s.collector_id ->> (%(company)s)::text)::int,
                            (SELECT ar_dim_company.ar_default_collector_id FROM res_company ar_dim_company
                              WHERE ar_dim_company.id = %(company)s))""",
                partner=partner,
                company=company,
            )
        if group_by == "salesperson":
            return SQL("%s.user_id", partner)
        if group_by == "grade":
            return SQL("(%s.credit_grade_id ->> (%s)::text)::int", partner, company)
        return SQL("NULL::int")

    @api.model
    def _ar_filter_sql(self, dimension, ids):
        return SQL("%s = ANY(%s)", dimension, list(ids)) if ids is not None else SQL("TRUE")

    # ------------------------------------------------------------------
    # The computation
    # ------------------------------------------------------------------
    @api.model
    def _ar_compute(self, date_from, date_to, company_ids=None, group_by=None, dimension_ids=None):
        """KPIs of the period (see the module docstring), per company and dimension.

        :param group_by: None, ``"collector"``, ``"salesperson"`` or ``"grade"``
        :param dimension_ids: restrict to these users / grades (with ``group_by``)
        :returns: dict ``(company_id, dimension id or None)`` -> dict of ``KPI_FIELDS``
        """
        date_from, date_to = fields.Date.to_date(date_from), fields.Date.to_date(date_to)
        company_ids = list(company_ids or self.env.companies.ids)
        days = (date_to - date_from).days + 1
        snapshots = self._ar_snapshot_figures(
            date_from - relativedelta(days=1), date_to, company_ids, group_by, dimension_ids
        )
        windows = [(-1, date_from, date_to)] + [
            (
                index,
                date_to - relativedelta(months=index + 1) + relativedelta(days=1),
                date_to - relativedelta(months=index),
            )
            for index in range(COUNTBACK_MONTHS)
        ]
        sales = self._ar_sales_by_window(windows, company_ids, group_by, dimension_ids)
        written_off = self._ar_written_off(date_from, date_to, company_ids, group_by, dimension_ids)
        promises = self._ar_promise_counts(date_from, date_to, company_ids, group_by, dimension_ids)
        result = {}
        keys = set(snapshots) | {key for key, _index in sales} | set(written_off) | set(promises)
        for key in keys:
            begin = snapshots.get(key, {}).get("begin", dict.fromkeys(BUCKETS, 0.0))
            end = snapshots.get(key, {}).get("end", dict.fromkeys(BUCKETS, 0.0))
            ar_begin, ar_end = sum(begin.values()), sum(end.values())
            current = end["not_due"]
            period_sales = sales.get((key, -1), 0.0)
            # countback: match the receivable against the sales of the months going back
            remaining, countback = ar_end, 0.0
            for index, start, stop in windows[1:]:
                if remaining <= 0:
                    break
                month_days = (stop - start).days + 1
                month_sales = sales.get((key, index), 0.0)
                if month_sales > 0 and remaining < month_sales:
                    countback += month_days * remaining / month_sales
                    remaining = 0.0
                else:
                    countback += month_days
                    remaining -= max(month_sales, 0.0)
            dso = _ratio(ar_end, period_sales, days)
            bpdso = _ratio(current, period_sales, days)
            turnover = _ratio(period_sales, (ar_begin + ar_end) / 2)
            kept, checked = promises.get(key, (0, 0))
            values = {
                "ar_begin": ar_begin,
                "ar_end": ar_end,
                "current_end": current,
                "overdue_end": ar_end - current,
                "over_90_end": end["over_90"],
                "sales": period_sales,
                "written_off": written_off.get(key, 0.0),
                "dso": dso,
                "dso_countback": countback,
                "bpdso": bpdso,
                "add": dso - bpdso,
                "cei": _ratio(ar_begin + period_sales - ar_end, ar_begin + period_sales - current, 100),
                "overdue_ratio": _ratio(ar_end - current, ar_end, 100),
                "over_90_ratio": _ratio(end["over_90"], ar_end, 100),
                "bad_debt_ratio": _ratio(written_off.get(key, 0.0), period_sales, 100),
                "turnover": turnover,
                "collection_period": _ratio(days, turnover),
                "promise_count": checked,
                "promise_kept_count": kept,
                "promise_kept_rate": _ratio(kept, checked, 100),
            }
            for previous, bucket in zip(BUCKETS, BUCKETS[1:], strict=False):
                values[f"roll_{bucket}"] = _ratio(end[bucket], begin[previous], 100)
            result[key] = values
        return result

    @api.model
    def _ar_snapshot_figures(self, date_begin, date_end, company_ids, group_by, dimension_ids):
        """Buckets of the snapshots of the two dates: one grouped query."""
        Snapshot = self.env["ar.aging.snapshot"]
        Snapshot.flush_model()
        query = Snapshot._search([("company_id", "in", company_ids), ("date", "in", [date_begin, date_end])])
        dimension = SQL.identifier("ar_aging_snapshot", SNAPSHOT_DIMENSIONS[group_by]) if group_by else SQL("NULL::int")
        self.env.cr.execute(
            SQL(
                """SELECT ar_aging_snapshot.company_id, %(dimension)s, ar_aging_snapshot.date,
                          ar_aging_snapshot.bucket, SUM(ar_aging_snapshot.amount)
                     FROM %(from_clause)s
                    WHERE %(where_clause)s AND %(filter)s
                    GROUP BY 1, 2, 3, 4""",
                dimension=dimension,
                from_clause=query.from_clause,
                where_clause=query.where_clause or SQL("TRUE"),
                filter=self._ar_filter_sql(dimension, dimension_ids),
            )
        )
        figures = {}
        for company_id, dimension_id, date, bucket, amount in self.env.cr.fetchall():
            key = (company_id, dimension_id)
            side = "end" if date == date_end else "begin"
            figures.setdefault(key, {"begin": dict.fromkeys(BUCKETS, 0.0), "end": dict.fromkeys(BUCKETS, 0.0)})
            figures[key][side][bucket] += amount
        return figures

    @api.model
    def _ar_receivable_lines_query(self, company_ids, extra_domain=()):
        """Query of the receivable items of the customer documents (record rules apply)."""
        return self.env["account.move.line"]._search(
            self.env["ar.aging"]._get_receivable_domain(company_ids)
            + [("move_id.move_type", "in", INVOICE_TYPES)]
            + list(extra_domain)
        )

    @api.model
    def _ar_sales_by_window(self, windows, company_ids, group_by, dimension_ids):
        """Credit sales per (key, window index): one grouped query."""
        start = min(window[1] for window in windows)
        stop = max(window[2] for window in windows)
        self.env["account.move.line"].flush_model(["balance", "date", "partner_id", "company_id"])
        query = self._ar_receivable_lines_query(company_ids, [("date", ">=", start), ("date", "<=", stop)])
        dimension = self._ar_ledger_dimension_sql(group_by, SQL("ar_kpi_customer"), SQL("account_move_line.company_id"))
        self.env.cr.execute(
            SQL(
                """SELECT account_move_line.company_id, %(dimension)s, ar_window.window_index,
                          SUM(account_move_line.balance)
                     FROM %(from_clause)s
                LEFT JOIN res_partner ar_kpi_partner ON ar_kpi_partner.id = account_move_line.partner_id
                LEFT JOIN res_partner ar_kpi_customer ON ar_kpi_customer.id = ar_kpi_partner.commercial_partner_id
                     JOIN unnest(%(indexes)s::int[], %(starts)s::date[], %(stops)s::date[])
                          AS ar_window(window_index, date_start, date_stop)
                       ON account_move_line.date BETWEEN ar_window.date_start AND ar_window.date_stop
                    WHERE %(where_clause)s AND %(filter)s
                    GROUP BY 1, 2, 3""",
                dimension=dimension,
                from_clause=query.from_clause,
                where_clause=query.where_clause or SQL("TRUE"),
                filter=self._ar_filter_sql(dimension, dimension_ids),
                indexes=[window[0] for window in windows],
                starts=[window[1] for window in windows],
                stops=[window[2] for window in windows],
            )
        )
        return {((company_id, dim), index): amount for company_id, dim, index, amount in self.env.cr.fetchall()}

    @api.model
    def _ar_partials_sql(self, date_from, date_to, company_ids, group_by, dimension_ids, credit_condition, columns):
        """Grouped SQL over the reconciliations dated in the period between a customer
        document's receivable item (debit side) and an item whose entry satisfies
        ``credit_condition`` (alias ``ar_credit_move``)."""
        self.env["account.partial.reconcile"].flush_model(["amount", "debit_move_id", "credit_move_id", "max_date"])
        self.env["account.move"].flush_model(["move_type", "origin_payment_id", "statement_line_id"])
        dimension = self._ar_ledger_dimension_sql(group_by, SQL("ar_kpi_customer"), SQL("ar_debit.company_id"))
        return SQL(
            """SELECT ar_debit.company_id, %(dimension)s, %(columns)s
                 FROM account_partial_reconcile ar_partial
                 JOIN account_move_line ar_debit ON ar_debit.id = ar_partial.debit_move_id
                 JOIN account_move_line ar_credit ON ar_credit.id = ar_partial.credit_move_id
                 JOIN account_move ar_credit_move ON ar_credit_move.id = ar_credit.move_id
            LEFT JOIN res_partner ar_kpi_partner ON ar_kpi_partner.id = ar_debit.partner_id
            LEFT JOIN res_partner ar_kpi_customer ON ar_kpi_customer.id = ar_kpi_partner.commercial_partner_id
                WHERE ar_partial.max_date BETWEEN %(date_from)s AND %(date_to)s
                  AND ar_debit.id IN (%(debit_lines)s)
                  AND %(credit_condition)s AND %(filter)s
                GROUP BY 1, 2""",
            dimension=dimension,
            columns=columns,
            date_from=date_from,
            date_to=date_to,
            debit_lines=self._ar_receivable_lines_query(company_ids).subselect(),
            credit_condition=credit_condition,
            filter=self._ar_filter_sql(dimension, dimension_ids),
        )

    @api.model
    def _ar_written_off(self, date_from, date_to, company_ids, group_by, dimension_ids):
        """Amounts of customer documents written off in the period (see the module
        docstring), per key: one grouped query."""
        condition = SQL(
            """ar_credit_move.move_type = 'entry'
               AND ar_credit_move.origin_payment_id IS NULL AND ar_credit_move.statement_line_id IS NULL
               AND EXISTS (SELECT 1 FROM account_move_line ar_expense
                             JOIN account_account ar_expense_account ON ar_expense_account.id = ar_expense.account_id
                            WHERE ar_expense.move_id = ar_credit_move.id
                              AND ar_expense_account.account_type IN %s)""",
            WRITE_OFF_ACCOUNT_TYPES,
        )
        self.env.cr.execute(
            self._ar_partials_sql(
                date_from, date_to, company_ids, group_by, dimension_ids, condition, SQL("SUM(ar_partial.amount)")
            )
        )
        return {(company_id, dim): amount for company_id, dim, amount in self.env.cr.fetchall()}

    @api.model
    def _ar_receipts(self, date_from, date_to, company_ids, group_by, dimension_ids):
        """Receipts (payments and bank statement lines) reconciled in the period with
        customer documents, per key: ``collected`` and ``weighted`` (each receipt counted
        less the later it came after the due date of the item it paid, by the deduction
        table of its company; see ``res.company`` ``ar_late_deduction_*``). One query."""
        self.env["res.company"].flush_model([fname for _days, fname in LATENESS_STEPS])
        late = SQL("(ar_partial.max_date - COALESCE(ar_debit.date_maturity, ar_debit.date))")
        cases = [
            SQL("WHEN %s <= %s THEN ar_late_company.%s", late, limit, SQL.identifier(fname))
            for limit, fname in LATENESS_STEPS
            if limit is not None
        ]
        weight = SQL(
            """(1 - CASE WHEN %(late)s <= 0 THEN 0 %(cases)s ELSE ar_late_company.%(last)s END / 100.0)""",
            late=late,
            cases=SQL(" ").join(cases),
            last=SQL.identifier(LATENESS_STEPS[-1][1]),
        )
        columns = SQL(
            """SUM(ar_partial.amount),
               SUM(ar_partial.amount * (SELECT %(weight)s FROM res_company ar_late_company
                                         WHERE ar_late_company.id = ar_debit.company_id))""",
            weight=weight,
        )
        condition = SQL(
            "(ar_credit_move.origin_payment_id IS NOT NULL OR ar_credit_move.statement_line_id IS NOT NULL)"
        )
        self.env.cr.execute(
            self._ar_partials_sql(date_from, date_to, company_ids, group_by, dimension_ids, condition, columns)
        )
        return {
            (company_id, dim): {"collected": collected, "weighted": weighted}
            for company_id, dim, collected, weighted in self.env.cr.fetchall()
        }

    @api.model
    def _ar_promises_from_sql(self, date_from, date_to, company_ids, group_by, dimension_ids):
        """The promises the kept rate counts: decided by the check (never one to accept,
        refused or still running), their deadline in the period, readable by the user. The one
        definition of the rate and of its drill-down.

        :returns: (SQL of the dimension's value, SQL ``FROM … WHERE …`` of table ``ar_payment_promise``)
        """
        Promise = self.env["ar.payment.promise"]
        Promise.flush_model(["state", "date_deadline", "partner_id", "company_id"])
        query = Promise._search(
            [
                ("company_id", "in", company_ids),
                ("date_deadline", ">=", date_from),
                ("date_deadline", "<=", date_to),
                ("state", "in", PROMISE_DECIDED_STATES),
            ]
        )
        dimension = self._ar_ledger_dimension_sql(
            group_by, SQL("ar_kpi_customer"), SQL("ar_payment_promise.company_id")
        )
        from_where = SQL(
            """FROM %(from_clause)s
          LEFT JOIN res_partner ar_kpi_customer ON ar_kpi_customer.id = ar_payment_promise.partner_id
              WHERE %(where_clause)s AND %(filter)s""",
            from_clause=query.from_clause,
            where_clause=query.where_clause or SQL("TRUE"),
            filter=self._ar_filter_sql(dimension, dimension_ids),
        )
        return dimension, from_where

    @api.model
    def _ar_promise_counts(self, date_from, date_to, company_ids, group_by, dimension_ids):
        """(kept, checked) promises whose deadline falls in the period, per key."""
        dimension, from_where = self._ar_promises_from_sql(date_from, date_to, company_ids, group_by, dimension_ids)
        self.env.cr.execute(
            SQL(
                """SELECT ar_payment_promise.company_id, %(dimension)s,
                          COUNT(*) FILTER (WHERE ar_payment_promise.state = 'kept'), COUNT(*)
                     %(from_where)s
                    GROUP BY 1, 2""",
                dimension=dimension,
                from_where=from_where,
            )
        )
        return {(company_id, dim): (kept, checked) for company_id, dim, kept, checked in self.env.cr.fetchall()}

    @api.model
    def _ar_promise_ids(self, date_from, date_to, company_ids, group_by=None, dimension_id=None):
        """Ids of the promises ``_ar_promise_counts`` counts for the key of ``dimension_id``
        (a user or grade id, ``None`` for the customers without one): its drill-down."""
        dimension, from_where = self._ar_promises_from_sql(date_from, date_to, company_ids, group_by, None)
        rows = self.env.execute_query(SQL("SELECT ar_payment_promise.id, %s %s", dimension, from_where))
        return [promise_id for promise_id, dim in rows if not group_by or dim == dimension_id]
