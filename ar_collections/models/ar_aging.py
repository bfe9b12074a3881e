"""The one aging query of the addon.

Everything that needs to know "what does this customer owe, how late, in which
bucket, as of a date" asks this model: the customer's credit figures, the
nightly collections run, the credit check on order confirmation, the reports.
One SQL statement, grouped by commercial partner or by journal entry, built on
``account.move.line._search`` so that record rules apply to the caller (callers
that only need aggregated figures for a customer the user may see anyway, such
as the credit banner of a salesperson, call it with ``sudo()`` and an explicit
company filter).
"""

from odoo import api, fields, models
from odoo.tools import SQL

from ..const import BUCKET_LIMIT_FIELDS, BUCKETS


class ArAging(models.AbstractModel):
    _name = "ar.aging"
    _description = "Receivable Aging Query"

    # ------------------------------------------------------------------
    # Parameters
    # ------------------------------------------------------------------
    # ------------------------------------------------------------------
    # Buckets: the one definition of their limits, in Python and in SQL
    # ------------------------------------------------------------------
    @api.model
    def _get_bucket_limits(self, company=None):
        """Upper bounds (days overdue) of the 1st, 2nd and 3rd overdue buckets of ``company``
        (see ``BUCKET_LIMIT_FIELDS``: an empty setting is its default)."""
        company = company or self.env.company
        return tuple(company[fname] or default for fname, default in BUCKET_LIMIT_FIELDS)

    @api.model
    def _ar_bucket_of_days(self, days, company=None):
        """Bucket key (see ``BUCKETS``) of an item ``days`` after its due date, with the limits
        of ``company``: the same rule as ``_bucket_sql``."""
        if days <= 0:
            return BUCKETS[0]
        for key, limit in zip(BUCKETS[1:], self._get_bucket_limits(company), strict=False):
            if days <= limit:
                return key
        return BUCKETS[-1]

    @api.model
    def _bucket_sql(self, days, company_alias):
        """SQL ``CASE`` giving the bucket key of an item ``days`` (an SQL expression) after its
        due date, with the limits of the company of table ``company_alias`` (``res_company``):
        the same rule as ``_ar_bucket_of_days``, for the aging query, the invoices' bucket and
        the on-screen analysis."""
        whens = [SQL("WHEN %s <= 0 THEN %s", days, BUCKETS[0])]
        for key, (fname, default) in zip(BUCKETS[1:], BUCKET_LIMIT_FIELDS, strict=False):
            limit = SQL("COALESCE(NULLIF(%s, 0), %s)", SQL.identifier(company_alias, fname), default)
            whens.append(SQL("WHEN %s <= %s THEN %s", days, limit, key))
        return SQL("(CASE %s ELSE %s END)", SQL(" ").join(whens), BUCKETS[-1])

    @api.model
    def _get_bucket_selection(self, company=None):
        """Selection (key, label) of the buckets, in aging order, labelled with the limits of
        ``company``."""
        labels = self._get_bucket_labels(company)
        return [(key, labels[key]) for key in BUCKETS]

    @api.model
    def _get_bucket_labels(self, company=None):
        b1, b2, b3 = self._get_bucket_limits(company)
        return {
            "not_due": self.env._("Not due"),
            "1_30": self.env._("%(start)s-%(end)s days", start=1, end=b1),
            "31_60": self.env._("%(start)s-%(end)s days", start=b1 + 1, end=b2),
            "61_90": self.env._("%(start)s-%(end)s days", start=b2 + 1, end=b3),
            "over_90": self.env._("Over %(days)s days", days=b3),
        }

    @api.model
    def _get_receivable_domain(self, company_ids):
        """Journal items that make up the receivable (overridable hook)."""
        return [
            ("parent_state", "=", "posted"),
            ("account_id.account_type", "=", "asset_receivable"),
            ("company_id", "in", list(company_ids)),
        ]

    @api.model
    def _get_invoice_move_types(self):
        """Move types whose days overdue and bucket the addon shows and duns: the receivable
        sales documents (overridable hook)."""
        return ("out_invoice", "out_receipt")

    # ------------------------------------------------------------------
    # The query
    # ------------------------------------------------------------------
    @api.model
    def _due_date_sql(self, alias):
        """SQL of the due date of the receivable journal item ``alias``: its own maturity
        (one instalment of a payment term), else its date. The one definition, shared by
        the aging and the credit score."""
        return SQL("COALESCE(%s, %s)", SQL.identifier(alias, "date_maturity"), SQL.identifier(alias, "date"))

    @api.model
    def _aging_sql(self, group_by="partner", date=None, partner_ids=None, company_ids=None, domain=None):
        """Build the aging SQL.

        The ledger as of ``date`` (today included): the receivable journal items of posted
        entries dated on or before ``date``, each with its residual rebuilt from the partial
        reconciliations of that date (``max_date <= date``), so that an entry or a
        reconciliation dated later does not count. The partial sums are computed once (one
        grouped pass over ``account_partial_reconcile``, joined to the items); items fully
        reconciled with no later reconciliation are skipped up front (their residual is 0).
        Each item is aged by its own due date (``date_maturity``) with the bucket limits of
        its own company.

        :param group_by: ``"partner"`` (commercial partner and company), ``"move"``
            (journal entry, with its commercial partner and company) or ``"line"``
            (receivable journal item: one bucket per row, used by the on-screen analysis)
        :param date: as-of date; today (in the user's timezone) by default
        :param partner_ids: restrict to these commercial partners
        :param company_ids: companies (default: the current company)
        :param domain: extra domain on ``account.move.line``
        :returns: ``SQL`` with columns ``key, partner_id, company_id, residual,
            not_due, 1_30, 31_60, 61_90, over_90, overdue_gross, credits,
            overdue, max_days_overdue, oldest_due_date, max_days`` (``max_days``: days
            after the due date of the oldest unpaid item, negative before it; NULL when
            nothing is unpaid). ``partner_id`` is NULL for items without a partner.
        """
        date = fields.Date.to_date(date) or fields.Date.context_today(self)
        company_ids = list(company_ids or self.env.company.ids)

        Line = self.env["account.move.line"]
        line_domain = self._get_receivable_domain(company_ids) + list(domain or []) + [("date", "<=", date)]
        for model, fnames in (
            (
                "account.move.line",
                [
                    "amount_residual",
                    "balance",
                    "reconciled",
                    "date",
                    "date_maturity",
                    "partner_id",
                    "company_id",
                    "parent_state",
                    "account_id",
                    "move_id",
                ],
            ),
            ("account.partial.reconcile", ["amount", "debit_move_id", "credit_move_id", "max_date"]),
            ("res.partner", ["commercial_partner_id"]),
            ("res.company", [fname for fname, _default in BUCKET_LIMIT_FIELDS]),
        ):
            self.env[model].flush_model(fnames)
        query = Line._search(line_domain)

        partner_filter = SQL("TRUE")
        if partner_ids is not None:
            partner_filter = SQL("ar_partner.commercial_partner_id = ANY(%s)", list(partner_ids))
        key = {
            "move": SQL("ar_line.move_id"),
            "line": SQL("ar_line.line_id"),
        }.get(group_by, SQL("ar_line.partner_id"))

        return SQL(
            """
            WITH ar_item AS MATERIALIZED (
                SELECT account_move_line.id AS line_id,
                       account_move_line.move_id,
                       ar_partner.commercial_partner_id AS partner_id,
                       account_move_line.company_id,
                       account_move_line.balance,
                       %(due_date)s AS due_date
                  FROM %(from_clause)s
             LEFT JOIN res_partner ar_partner ON ar_partner.id = account_move_line.partner_id
                 WHERE %(where_clause)s AND %(partner_filter)s
                   -- a reconciled item has a residual as of the date only if reconciled after it
                   AND (NOT account_move_line.reconciled OR account_move_line.id IN (
                            SELECT pr.debit_move_id FROM account_partial_reconcile pr WHERE pr.max_date > %(date)s
                             UNION ALL
                            SELECT pr.credit_move_id FROM account_partial_reconcile pr WHERE pr.max_date > %(date)s))
            ),
            ar_partial AS (
                -- one pass over the partials of the items (both sides, through their indexes)
                SELECT ar_item.line_id, SUM(pr.amount) AS amount
                  FROM ar_item
                  JOIN account_partial_reconcile pr ON pr.debit_move_id = ar_item.line_id
                 WHERE pr.max_date <= %(date)s
                 GROUP BY ar_item.line_id
                 UNION ALL
                SELECT ar_item.line_id, -SUM(pr.amount)
                  FROM ar_item
                  JOIN account_partial_reconcile pr ON pr.credit_move_id = ar_item.line_id
                 WHERE pr.max_date <= %(date)s
                 GROUP BY ar_item.line_id
            ),
            ar_partial_sum AS (
                SELECT line_id, SUM(amount) AS amount FROM ar_partial GROUP BY line_id
            ),
            ar_line AS (
                SELECT ar_item.line_id,
                       ar_item.move_id,
                       ar_item.partner_id,
                       ar_item.company_id,
                       ar_item.due_date,
                       %(date)s::date - ar_item.due_date AS days,
                       %(bucket)s AS bucket,
                       ar_item.balance - COALESCE(ar_partial.amount, 0) AS residual
                  FROM ar_item
                  JOIN res_company ar_company ON ar_company.id = ar_item.company_id
             LEFT JOIN ar_partial_sum ar_partial ON ar_partial.line_id = ar_item.line_id
            )
            SELECT %(key)s AS key,
                   ar_line.partner_id,
                   ar_line.company_id,
                   SUM(ar_line.residual) AS residual,
                   %(bucket_sums)s,
                   COALESCE(SUM(ar_line.residual) FILTER (WHERE ar_line.days > 0 AND ar_line.residual > 0), 0) AS overdue_gross,
                   COALESCE(SUM(ar_line.residual) FILTER (WHERE ar_line.residual < 0), 0) AS credits,
                   GREATEST(COALESCE(SUM(ar_line.residual) FILTER (WHERE ar_line.days > 0 AND ar_line.residual > 0), 0)
                            + COALESCE(SUM(ar_line.residual) FILTER (WHERE ar_line.residual < 0), 0), 0) AS overdue,
                   COALESCE(MAX(ar_line.days) FILTER (WHERE ar_line.days > 0 AND ar_line.residual > 0), 0) AS max_days_overdue,
                   MIN(ar_line.due_date) FILTER (WHERE ar_line.residual > 0) AS oldest_due_date,
                   MAX(ar_line.days) FILTER (WHERE ar_line.residual > 0) AS max_days
              FROM ar_line
             WHERE ar_line.residual != 0
             GROUP BY %(key)s, ar_line.partner_id, ar_line.company_id
            """,
            date=date,
            from_clause=query.from_clause,
            where_clause=query.where_clause or SQL("TRUE"),
            partner_filter=partner_filter,
            due_date=self._due_date_sql("account_move_line"),
            key=key,
            bucket=self._bucket_sql(SQL("(%s::date - ar_item.due_date)", date), "ar_company"),
            # one column per bucket, named after its key
            bucket_sums=SQL(", ").join(
                SQL(
                    "COALESCE(SUM(ar_line.residual) FILTER (WHERE ar_line.bucket = %s), 0) AS %s",
                    key,
                    SQL.identifier(key),
                )
                for key in BUCKETS
            ),
        )

    @api.model
    def _get_aging(self, group_by="partner", date=None, partner_ids=None, company_ids=None, domain=None):
        """Run the aging query; return a list of row dicts (see ``_aging_sql``)."""
        self.env.cr.execute(self._aging_sql(group_by, date, partner_ids, company_ids, domain))
        return self.env.cr.dictfetchall()

    @api.model
    def _get_partner_aging(self, partner_ids=None, date=None, company_ids=None):
        """Aging per commercial partner id (``None``: items without a partner), summed
        over the given companies."""
        result = {}
        for row in self._get_aging("partner", date, partner_ids, company_ids):
            values = result.setdefault(
                row["partner_id"],
                dict.fromkeys(("residual", *BUCKETS, "overdue_gross", "credits", "overdue", "max_days_overdue"), 0.0),
            )
            for fname in ("residual", *BUCKETS, "overdue_gross", "credits", "overdue"):
                values[fname] += row[fname]
            values["max_days_overdue"] = max(values["max_days_overdue"], row["max_days_overdue"])
        return result

    @api.model
    def _invoice_aging_sql(self, date=None, partner_ids=None, company_ids=None, move_ids=None):
        """SQL of the open invoices as of ``date`` (see ``_get_invoice_aging``): columns
        ``move_id, partner_id, company_id, residual, overdue, days, due_date, bucket``."""
        domain = [("move_id.move_type", "in", self._get_invoice_move_types())]
        if move_ids is not None:
            domain.append(("move_id", "in", list(move_ids)))
        return SQL(
            """
            SELECT aging.key AS move_id, aging.partner_id, aging.company_id, aging.residual,
                   aging.overdue_gross AS overdue, aging.max_days AS days, aging.oldest_due_date AS due_date,
                   %s AS bucket
              FROM (%s) aging
              JOIN res_company ar_company ON ar_company.id = aging.company_id
             WHERE aging.residual > 0 AND aging.max_days IS NOT NULL
            """,
            self._bucket_sql(SQL("aging.max_days"), "ar_company"),
            self._aging_sql("move", date, partner_ids, company_ids, domain),
        )

    @api.model
    def _invoice_credit_netting_sql(self, date=None, company_ids=None, move_ids=None):
        """SQL of the open invoices as of ``date`` (the columns of ``_invoice_aging_sql``) with
        ``credit_applied``: the part of each invoice's residual paid by its customer's unapplied
        credits (the ``credits`` of the partner aging: unreconciled payments, credit notes and
        every other negative open receivable item of the customer in the invoice's company).

        The one rule of netting: the credits pay the customer's oldest invoices first (most days
        after due first, then the lowest id: the order of FIFO matching and of the nightly run),
        an invoice at most what it owes, so no bucket becomes negative and a customer with a net
        credit owes nothing. One statement: a running sum per customer and company.

        :param move_ids: net the credits over these invoices only (the nightly run nets them
            over the invoices it may dun: a disputed or paused invoice takes none of them)"""
        return SQL(
            """
            WITH ar_invoice AS (%(invoices)s),
            ar_credit AS (
                SELECT partner.partner_id, partner.company_id, -partner.credits AS amount
                  FROM (%(partners)s) partner
                 WHERE partner.credits < 0
            ),
            ar_ranked AS (
                SELECT ar_invoice.*,
                       COALESCE(ar_credit.amount, 0) AS credit,
                       SUM(ar_invoice.residual) OVER (
                           PARTITION BY ar_invoice.partner_id, ar_invoice.company_id
                           ORDER BY ar_invoice.days DESC, ar_invoice.move_id
                           ROWS UNBOUNDED PRECEDING
                       ) - ar_invoice.residual AS owed_before
                  FROM ar_invoice
             LEFT JOIN ar_credit ON ar_credit.partner_id IS NOT DISTINCT FROM ar_invoice.partner_id
                                AND ar_credit.company_id = ar_invoice.company_id
            )
            SELECT ar_ranked.move_id, ar_ranked.partner_id, ar_ranked.company_id, ar_ranked.residual,
                   ar_ranked.overdue, ar_ranked.days, ar_ranked.due_date, ar_ranked.bucket,
                   LEAST(ar_ranked.residual, GREATEST(ar_ranked.credit - ar_ranked.owed_before, 0)) AS credit_applied
              FROM ar_ranked
            """,
            invoices=self._invoice_aging_sql(date, None, company_ids, move_ids),
            partners=self._aging_sql("partner", date, None, company_ids),
        )

    @api.model
    def _get_invoice_aging(self, partner_ids=None, date=None, company_ids=None, move_ids=None, overdue_only=False):
        """The one answer to "which invoices of these customers are open or overdue, by how
        much, how many days late", as of ``date`` (today by default). Invoice fields, letters,
        holds, contact-log defaults and the collections run ask it.

        An invoice (see ``_get_invoice_move_types``) is open when its receivable items still
        owe something on that date; its days overdue are those of its oldest unpaid item
        (instalments age one by one), its bucket follows from them with the limits of its
        company. One query.

        :param partner_ids: commercial partners (None: all)
        :param company_ids: companies (default: the current company)
        :param move_ids: restrict to these journal entries
        :param overdue_only: only the invoices with an unpaid item past its due date
        :returns: dict move id -> dict(``partner_id``, ``company_id``, ``residual`` (what the
            invoice still owes), ``overdue`` (the part of it past due), ``days`` (of the
            oldest unpaid item, negative before its due date), ``due_date`` (of that item),
            ``bucket``)
        """
        query = self._invoice_aging_sql(date, partner_ids, company_ids, move_ids)
        if overdue_only:
            query = SQL("SELECT * FROM (%s) invoice WHERE invoice.days > 0", query)
        self.env.cr.execute(query)
        return {row.pop("move_id"): row for row in self.env.cr.dictfetchall()}

    @api.model
    def _get_overdue_invoices(self, partner_ids=None, date=None, company_ids=None, move_ids=None):
        """Invoices with an unpaid item past its due date (see ``_get_invoice_aging``)."""
        return self._get_invoice_aging(partner_ids, date, company_ids, move_ids, overdue_only=True)

    @api.model
    def _get_overdue_items(self, move_ids, date=None, company_ids=None):
        """The receivable items (instalments) of the entries ``move_ids`` unpaid past their own
        due date as of ``date``: a list of dict(``line_id``, ``move_id``, ``partner_id``,
        ``residual``, ``due_date``, ``days``), oldest due first. One query."""
        if not move_ids:
            return []
        self.env.cr.execute(
            SQL(
                """SELECT aging.key AS line_id, ar_aml.move_id, aging.partner_id, aging.overdue_gross AS residual,
                          aging.oldest_due_date AS due_date, aging.max_days AS days
                     FROM (%s) aging
                     JOIN account_move_line ar_aml ON ar_aml.id = aging.key
                    WHERE aging.overdue_gross > 0
                    ORDER BY aging.oldest_due_date, ar_aml.move_id, aging.key""",
                self._aging_sql("line", date, None, company_ids, domain=[("move_id", "in", list(move_ids))]),
            )
        )
        return self.env.cr.dictfetchall()

    @api.model
    def _get_uninvoiced_order_amounts(self, partner_ids=None, company_ids=None, exclude_order_ids=None):
        """Confirmed sale orders not yet invoiced, taxes included, in company currency,
        per commercial partner. Built on the stored ``untaxed_amount_to_invoice`` of the
        lines, grossed up by each order's tax ratio: one grouped query."""
        company_ids = company_ids or self.env.company.ids
        self.env["sale.order.line"].flush_model(["untaxed_amount_to_invoice", "order_id", "state"])
        self.env["sale.order"].flush_model(
            ["amount_total", "amount_untaxed", "currency_rate", "company_id", "partner_id", "state"]
        )
        conditions = [SQL("so.state = 'sale'"), SQL("so.company_id = ANY(%s)", list(company_ids))]
        if partner_ids is not None:
            conditions.append(SQL("p.commercial_partner_id = ANY(%s)", list(partner_ids)))
        if exclude_order_ids:
            conditions.append(SQL("so.id != ALL(%s)", list(exclude_order_ids)))
        self.env.cr.execute(
            SQL(
                """
            SELECT p.commercial_partner_id,
                   SUM(sol.untaxed_amount_to_invoice
                       * CASE WHEN so.amount_untaxed != 0 THEN so.amount_total / so.amount_untaxed ELSE 1 END
                       / COALESCE(NULLIF(so.currency_rate, 0), 1))
              FROM sale_order_line sol
              JOIN sale_order so ON so.id = sol.order_id
              JOIN res_partner p ON p.id = so.partner_id
             WHERE sol.untaxed_amount_to_invoice > 0 AND %s
             GROUP BY p.commercial_partner_id
            """,
                SQL(" AND ").join(conditions),
            )
        )
        return dict(self.env.cr.fetchall())
