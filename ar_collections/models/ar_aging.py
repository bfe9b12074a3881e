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

BUCKETS = ("not_due", "1_30", "31_60", "61_90", "over_90")


class ArAging(models.AbstractModel):
    _name = "ar.aging"
    _description = "Receivable Aging Query"

    # ------------------------------------------------------------------
    # Parameters
    # ------------------------------------------------------------------
    @api.model
    def _get_bucket_limits(self, company=None):
        """Upper bounds (days overdue) of the 1st, 2nd and 3rd overdue buckets."""
        company = company or self.env.company
        return (
            company.ar_bucket_1_days or 30,
            company.ar_bucket_2_days or 60,
            company.ar_bucket_3_days or 90,
        )

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

    # ------------------------------------------------------------------
    # The query
    # ------------------------------------------------------------------
    @api.model
    def _aging_sql(self, group_by="partner", date=None, partner_ids=None, company_ids=None, domain=None):
        """Build the aging SQL.

        :param group_by: ``"partner"`` (commercial partner and company), ``"move"``
            (journal entry, with its commercial partner and company) or ``"line"``
            (receivable journal item: one bucket per row, used by the on-screen analysis)
        :param date: as-of date; today (in the user's timezone) by default. A past
            date rebuilds each item's residual from the partial reconciliations that
            existed on that date.
        :param partner_ids: restrict to these commercial partners
        :param company_ids: companies (default: the current company)
        :param domain: extra domain on ``account.move.line``
        :returns: ``SQL`` with columns ``key, partner_id, company_id, residual,
            not_due, 1_30, 31_60, 61_90, over_90, overdue_gross, credits,
            overdue, max_days_overdue, oldest_due_date, max_days`` (``max_days``: days
            after the due date of the oldest unpaid item, negative before it; NULL when
            nothing is unpaid)
        """
        today = fields.Date.context_today(self)
        date = fields.Date.to_date(date) or today
        historical = date < today
        company_ids = company_ids or self.env.company.ids
        b1, b2, b3 = self._get_bucket_limits(self.env["res.company"].browse(company_ids[0]))

        Line = self.env["account.move.line"]
        line_domain = self._get_receivable_domain(company_ids) + list(domain or [])
        if historical:
            line_domain.append(("date", "<=", date))
        else:
            line_domain.append(("reconciled", "=", False))
        for model, fnames in (
            ("account.move.line", ["amount_residual", "balance", "reconciled", "date", "date_maturity",
                                   "partner_id", "company_id", "parent_state", "account_id", "move_id"]),
            ("account.partial.reconcile", ["amount", "debit_move_id", "credit_move_id", "max_date"]),
            ("res.partner", ["commercial_partner_id"]),
        ):
            self.env[model].flush_model(fnames)
        query = Line._search(line_domain)

        if historical:
            residual = SQL(
                """account_move_line.balance
                   - COALESCE((SELECT SUM(pr.amount) FROM account_partial_reconcile pr
                               WHERE pr.debit_move_id = account_move_line.id AND pr.max_date <= %(date)s), 0)
                   + COALESCE((SELECT SUM(pr.amount) FROM account_partial_reconcile pr
                               WHERE pr.credit_move_id = account_move_line.id AND pr.max_date <= %(date)s), 0)""",
                date=date,
            )
        else:
            residual = SQL("account_move_line.amount_residual")
        partner_filter = SQL("TRUE")
        if partner_ids is not None:
            partner_filter = SQL("ar_partner.commercial_partner_id = ANY(%s)", list(partner_ids))
        key = {
            "move": SQL("ar_line.move_id"),
            "line": SQL("ar_line.line_id"),
        }.get(group_by, SQL("ar_line.partner_id"))

        return SQL(
            """
            WITH ar_line AS (
                SELECT account_move_line.id AS line_id,
                       account_move_line.move_id,
                       ar_partner.commercial_partner_id AS partner_id,
                       account_move_line.company_id,
                       COALESCE(account_move_line.date_maturity, account_move_line.date) AS due_date,
                       %(date)s::date - COALESCE(account_move_line.date_maturity, account_move_line.date) AS days,
                       %(residual)s AS residual
                  FROM %(from_clause)s
                  JOIN res_partner ar_partner ON ar_partner.id = account_move_line.partner_id
                 WHERE %(where_clause)s AND %(partner_filter)s
            )
            SELECT %(key)s AS key,
                   ar_line.partner_id,
                   ar_line.company_id,
                   SUM(ar_line.residual) AS residual,
                   COALESCE(SUM(ar_line.residual) FILTER (WHERE ar_line.days <= 0), 0) AS not_due,
                   COALESCE(SUM(ar_line.residual) FILTER (WHERE ar_line.days BETWEEN 1 AND %(b1)s), 0) AS "1_30",
                   COALESCE(SUM(ar_line.residual) FILTER (WHERE ar_line.days > %(b1)s AND ar_line.days <= %(b2)s), 0) AS "31_60",
                   COALESCE(SUM(ar_line.residual) FILTER (WHERE ar_line.days > %(b2)s AND ar_line.days <= %(b3)s), 0) AS "61_90",
                   COALESCE(SUM(ar_line.residual) FILTER (WHERE ar_line.days > %(b3)s), 0) AS over_90,
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
            residual=residual,
            from_clause=query.from_clause,
            where_clause=query.where_clause or SQL("TRUE"),
            partner_filter=partner_filter,
            key=key,
            b1=b1,
            b2=b2,
            b3=b3,
        )

    @api.model
    def _get_aging(self, group_by="partner", date=None, partner_ids=None, company_ids=None, domain=None):
        """Run the aging query; return a list of row dicts (see ``_aging_sql``)."""
        self.env.cr.execute(self._aging_sql(group_by, date, partner_ids, company_ids, domain))
        return self.env.cr.dictfetchall()

    @api.model
    def _get_partner_aging(self, partner_ids=None, date=None, company_ids=None):
        """Aging per commercial partner id, summed over the given companies."""
        result = {}
        for row in self._get_aging("partner", date, partner_ids, company_ids):
            values = result.setdefault(row["partner_id"], dict.fromkeys(
                ("residual", *BUCKETS, "overdue_gross", "credits", "overdue", "max_days_overdue"), 0.0))
            for fname in ("residual", *BUCKETS, "overdue_gross", "credits", "overdue"):
                values[fname] += row[fname]
            values["max_days_overdue"] = max(values["max_days_overdue"], row["max_days_overdue"])
        return result

    @api.model
    def _get_uninvoiced_order_amounts(self, partner_ids=None, company_ids=None, exclude_order_ids=None):
        """Confirmed sale orders not yet invoiced, taxes included, in company currency,
        per commercial partner. Built on the stored ``untaxed_amount_to_invoice`` of the
        lines, grossed up by each order's tax ratio: one grouped query."""
        company_ids = company_ids or self.env.company.ids
        self.env["sale.order.line"].flush_model(["untaxed_amount_to_invoice", "order_id", "state"])
        self.env["sale.order"].flush_model(["amount_total", "amount_untaxed", "currency_rate",
                                            "company_id", "partner_id", "state"])
        conditions = [SQL("so.state = 'sale'"), SQL("so.company_id = ANY(%s)", list(company_ids))]
        if partner_ids is not None:
            conditions.append(SQL("p.commercial_partner_id = ANY(%s)", list(partner_ids)))
        if exclude_order_ids:
            conditions.append(SQL("so.id != ALL(%s)", list(exclude_order_ids)))
        self.env.cr.execute(SQL(
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
        ))
        return dict(self.env.cr.fetchall())

    @api.model
    def _ar_bucket_of_days(self, days, company=None):
        """Bucket key (see ``BUCKETS``) of an item ``days`` after its due date."""
        b1, b2, b3 = self._get_bucket_limits(company)
        if days <= 0:
            return "not_due"
        if days <= b1:
            return "1_30"
        if days <= b2:
            return "31_60"
        if days <= b3:
            return "61_90"
        return "over_90"
