import json
import logging
import math

from dateutil.relativedelta import relativedelta
from markupsafe import Markup, escape
from psycopg2.extras import execute_values

from odoo import api, fields, models
from odoo.tools import SQL

from ..const import PROMISE_DECIDED_STATES, PROMISE_NOT_KEPT_STATES
from .ar_credit_score_factor import SCORE_FACTOR_SELECTION

_logger = logging.getLogger(__name__)


class ArCreditScore(models.Model):
    """The behaviour score (信用评分) of a customer in a company: the factors measured from
    his ledger and the addon's records, their points, the score 0-100 and the grade and
    limit it proposes.

    Stored, one record per customer and company, refreshed for all customers at once by
    the nightly run (``_ar_refresh``: grouped queries, one set-based upsert): the customer's
    form, the reviews and the danger signals read it instead of recomputing it."""

    _name = "ar.credit.score"
    _description = "Credit Score"
    _order = "score, id"
    _check_company_auto = True
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(string="Computed On", readonly=True)
    score = fields.Integer(readonly=True, aggregator="avg")
    proposed_grade_id = fields.Many2one("ar.credit.grade", readonly=True)
    proposed_limit = fields.Monetary(readonly=True, currency_field="currency_id")
    avg_days_late = fields.Float(string="Average Days Late", readonly=True, digits=(16, 1))
    trend_days = fields.Float(
        string="Days Late Trend",
        readonly=True,
        digits=(16, 1),
        help="Average days late of the last 3 months minus that of the 6 months before (positive: slower).",
    )
    late_share = fields.Float(string="Paid Late (%)", readonly=True, digits=(16, 1))
    broken_rate = fields.Float(string="Broken Promises (%)", readonly=True, digits=(16, 1))
    disputed_share = fields.Float(string="Disputed (%)", readonly=True, digits=(16, 1))
    utilisation = fields.Float(string="Limit Utilisation (%)", readonly=True, digits=(16, 1))
    over_limit_count = fields.Integer(string="Over-Limit Episodes", readonly=True)
    age_months = fields.Integer(string="Relationship (months)", readonly=True)
    avg_monthly_sales = fields.Monetary(readonly=True, currency_field="currency_id")
    factor_points = fields.Json(readonly=True, help="Technical: value, weight and points of each factor.")
    explanation = fields.Html(compute="_compute_explanation", sanitize=False, string="Why")
    current_grade_id = fields.Many2one("ar.credit.grade", compute="_compute_current")
    current_limit = fields.Monetary(compute="_compute_current", currency_field="currency_id")

    _sql_constraints = [
        ("partner_company_uniq", "unique(partner_id, company_id)", "A customer has one credit score per company."),
    ]

    # ------------------------------------------------------------------
    # Display
    # ------------------------------------------------------------------
    def _compute_current(self):
        for score in self:
            # sudo: the credit profile of the scored customer, read by whoever may read the score
            partner = score.partner_id.sudo().with_company(score.company_id)
            score.current_grade_id = partner.credit_grade_id
            score.current_limit = partner.credit_limit if partner.use_partner_credit_limit else 0.0

    @api.depends("factor_points")
    def _compute_explanation(self):
        labels = dict(self.env["ar.credit.score.factor"]._fields["factor"]._description_selection(self.env))
        for score in self:
            rows = []
            for code, _label in SCORE_FACTOR_SELECTION:
                entry = (score.factor_points or {}).get(code)
                if not entry:
                    continue
                value = self.env._("no data") if entry["value"] is None else f"{entry['value']:.1f}"
                points = "-" if entry["points"] is None else f"{entry['points']:.1f}"
                rows.append(
                    Markup("<tr><td>%s</td><td class='text-end'>%s</td><td class='text-end'>%s / %s</td></tr>")
                    % (labels[code], value, points, f"{entry['weight']:g}")
                )
            score.explanation = (
                Markup("<table class='table table-sm o_ar_score_factors'><thead><tr><th>%s</th>")
                % escape(self.env._("Factor"))
                + Markup("<th class='text-end'>%s</th><th class='text-end'>%s</th></tr></thead><tbody>")
                % (self.env._("Value"), self.env._("Points"))
                + Markup("").join(rows)
                + Markup("</tbody></table>")
            )

    # ------------------------------------------------------------------
    # Measuring: grouped queries over all customers of a company
    # ------------------------------------------------------------------
    @api.model
    def _ar_measure(self, company, today=None):
        """Measure the factors of every customer of ``company`` who has a posted invoice,
        in a fixed number of grouped queries whatever the number of customers.

        :returns: dict commercial partner id -> dict of factor values (None: no data) and
            ``avg_monthly_sales``
        """
        today = fields.Date.to_date(today) or fields.Date.context_today(self)
        self.env.flush_all()
        params = {
            "company": company.id,
            "today": today,
            "d365": today - relativedelta(months=12),
            "d90": today - relativedelta(months=3),
            "d270": today - relativedelta(months=9),
            "d30": today - relativedelta(days=30),
        }
        result = {}
        for partner_id, invoiced, first_date in self._ar_query_sales(params):
            age = relativedelta(today, first_date)
            result[partner_id] = {
                "age": float(age.years * 12 + age.months),
                "avg_monthly_sales": (invoiced or 0.0) / min(max(age.years * 12 + age.months, 1), 12),
                "invoiced": invoiced or 0.0,
            }
        lateness = self._ar_query_lateness(params, set(result))
        for partner_id, values in result.items():
            late = lateness.get(partner_id)
            values.update(self._ar_lateness_factors(late))
        self._ar_add_request_factors(params, result)
        partners = self.env["res.partner"].browse(list(result))
        figures = partners.with_company(company)._ar_get_credit_figures()
        limits = partners.with_company(company)._ar_get_credit_limits()
        for partner_id, values in result.items():
            uses_limit, limit = limits.get(partner_id, (False, 0.0))
            exposure = figures.get(partner_id, {}).get("exposure", 0.0)
            values["utilisation"] = 100.0 * exposure / limit if uses_limit and limit > 0 else None
            values["exposure"] = exposure
        return result

    @api.model
    def _ar_query_sales(self, params):
        """Invoiced amount (invoices less credit notes, 12 months) and first invoice date of
        each customer of the company."""
        return self.env.execute_query(
            SQL(
                """
            SELECT p.commercial_partner_id,
                   SUM(m.amount_total_signed) FILTER (WHERE m.invoice_date > %(d365)s),
                   MIN(m.invoice_date) FILTER (WHERE m.move_type = 'out_invoice')
              FROM account_move m
              JOIN res_partner p ON p.id = m.partner_id
             WHERE m.company_id = %(company)s AND m.state = 'posted'
               AND m.move_type IN ('out_invoice', 'out_refund') AND m.invoice_date <= %(today)s
             GROUP BY p.commercial_partner_id
            HAVING MIN(m.invoice_date) FILTER (WHERE m.move_type = 'out_invoice') IS NOT NULL
            """,
                **params,
            )
        )

    @api.model
    def _ar_query_lateness(self, params, partner_ids):
        """Per customer, sums of (amount, amount x days late, count, late count) of his
        invoices over 12 months, the last 3 months and the 6 before.

        A paid invoice counts at the date it was fully paid (its last reconciliation), with
        the days from each instalment's due date (its receivable item's, as the aging reads
        it) to the date that instalment was paid, weighted by the instalment's amount. An
        instalment still open and overdue counts today, with its residual and the days it is
        late so far, from the one aging query (by receivable item)."""
        rows = self.env.execute_query(
            SQL(
                """
            WITH instalment AS (
                SELECT l.move_id, ABS(l.balance) AS amount, MAX(pr.max_date) AS paid_date,
                       GREATEST(MAX(pr.max_date) - %(due_date)s, 0) AS late
                  FROM account_move_line l
                  JOIN account_partial_reconcile pr ON pr.debit_move_id = l.id
                 WHERE l.company_id = %(company)s AND l.display_type = 'payment_term'
                   AND l.parent_state = 'posted' AND l.reconciled
                 GROUP BY l.id
            ),
            paid AS (
                SELECT move_id, MAX(paid_date) AS paid_date, SUM(amount) AS amount,
                       SUM(amount * late) AS weighted
                  FROM instalment
                 GROUP BY move_id
                HAVING MAX(paid_date) > %(d365)s AND MAX(paid_date) <= %(today)s
            )
            SELECT p.commercial_partner_id, paid.paid_date, ABS(m.amount_total_signed),
                   COALESCE(paid.weighted / NULLIF(paid.amount, 0), 0)
              FROM paid
              JOIN account_move m ON m.id = paid.move_id
              JOIN res_partner p ON p.id = m.partner_id
             WHERE m.move_type = 'out_invoice' AND m.payment_state IN ('paid', 'in_payment')
            """,
                due_date=self.env["ar.aging"]._due_date_sql("l"),
                **params,
            )
        )
        # by receivable item: each overdue instalment with its own residual and days
        aging = self.env["ar.aging"].sudo()._get_aging("line", date=params["today"], company_ids=[params["company"]])
        rows += [
            (row["partner_id"], params["today"], row["residual"], row["max_days_overdue"])
            for row in aging
            if row["residual"] > 0 and row["max_days_overdue"] > 0
        ]
        sums = {}
        for partner_id, date, amount, late in rows:
            if partner_id not in partner_ids:
                continue
            entry = sums.setdefault(partner_id, {"all": [0.0, 0.0, 0, 0], "recent": [0.0, 0.0], "before": [0.0, 0.0]})
            windows = ["all"]
            if date > params["d90"]:
                windows.append("recent")
            elif date > params["d270"]:
                windows.append("before")
            for window in windows:
                entry[window][0] += amount
                entry[window][1] += amount * late
            entry["all"][2] += 1
            entry["all"][3] += 1 if late > 0 else 0
        return sums

    @api.model
    def _ar_lateness_factors(self, late):
        """Average days late, trend and share of late invoices from the sums of
        ``_ar_query_lateness`` (None where there is no data)."""
        if not late or not late["all"][0]:
            return {"days_late": None, "trend": None, "late_share": None}

        def average(window):
            amount, weighted = late[window][:2]
            return weighted / amount if amount else None

        recent, before = average("recent"), average("before")
        return {
            "days_late": average("all"),
            "trend": recent - before if recent is not None and before is not None else None,
            "late_share": 100.0 * late["all"][3] / late["all"][2],
        }

    @api.model
    def _ar_add_request_factors(self, params, result):
        """Broken promises, disputed share and over-limit episodes of the customers of ``result``."""
        promises = self.env.execute_query(
            SQL(
                """
            SELECT partner_id, COUNT(*), COUNT(*) FILTER (WHERE state IN %(not_kept)s)
              FROM ar_payment_promise
             WHERE company_id = %(company)s AND state IN %(decided)s
               AND date_deadline > %(d365)s AND date_deadline <= %(today)s
             GROUP BY partner_id
            """,
                # decided by the check only: a promise to accept or refused was never the customer's
                decided=PROMISE_DECIDED_STATES,
                not_kept=PROMISE_NOT_KEPT_STATES,
                **params,
            )
        )
        disputed = self.env.execute_query(
            SQL(
                """
            SELECT p.commercial_partner_id, SUM(ABS(m.amount_total_signed))
              FROM account_move m
              JOIN res_partner p ON p.id = m.partner_id
             WHERE m.id IN (SELECT rel.move_id FROM ar_dispute_invoice_rel rel
                              JOIN ar_dispute d ON d.id = rel.dispute_id
                             WHERE d.company_id = %(company)s)
               AND m.invoice_date > %(d365)s AND m.invoice_date <= %(today)s
             GROUP BY p.commercial_partner_id
            """,
                **params,
            )
        )
        releases = self._ar_query_release_counts(params["company"], params["d365"], params["today"])
        for values in result.values():
            values.update({"broken_promises": 0.0, "disputed": 0.0, "over_limit": 0.0})
        for partner_id, count, broken in promises:
            if partner_id in result and count:
                result[partner_id]["broken_promises"] = 100.0 * broken / count
        for partner_id, amount in disputed:
            invoiced = partner_id in result and result[partner_id]["invoiced"]
            if invoiced and invoiced > 0:
                result[partner_id]["disputed"] = min(100.0 * amount / invoiced, 100.0)
        for partner_id, count in releases.items():
            if partner_id in result:
                result[partner_id]["over_limit"] = float(count)

    @api.model
    def _ar_query_release_counts(self, company_id, date_from, date_to):
        """Over-limit episodes: credit releases of held orders and deliveries approved for
        each customer of the company after ``date_from`` up to ``date_to`` (one definition,
        for the score and the danger signal)."""
        return dict(
            self.env.execute_query(
                SQL(
                    """
            SELECT p.commercial_partner_id, COUNT(*)
              FROM ar_credit_release r
              JOIN res_partner p ON p.id = r.partner_id
             WHERE r.company_id = %s AND r.approval_date::date > %s AND r.approval_date::date <= %s
             GROUP BY p.commercial_partner_id
            """,
                    company_id,
                    date_from,
                    date_to,
                )
            )
        )

    # ------------------------------------------------------------------
    # Scoring
    # ------------------------------------------------------------------
    @api.model
    def _ar_compute(self, company, today=None):
        """Score every customer of ``company``: factors, points, score, proposed grade and limit.

        :returns: dict commercial partner id -> dict (``score``, ``grade``, ``limit``,
            ``factors``: code -> {value, weight, points}, and the measured values)
        """
        Factor = self.env["ar.credit.score.factor"]
        config = Factor._ar_get_factors(company)
        grades = self._ar_get_score_grades(company)
        scores = {}
        for partner_id, values in self._ar_measure(company, today).items():
            factors = {}
            earned = possible = 0.0
            for code, (weight, good, bad) in config.items():
                value = values.get(code)
                points = None if value is None or not weight else Factor._ar_points(value, weight, good, bad)
                factors[code] = {"value": value, "weight": weight, "points": points}
                if points is not None:
                    earned += points
                    possible += weight
            score = round(100.0 * earned / possible) if possible else 0
            grade = self._ar_grade_of_score(score, grades)
            scores[partner_id] = dict(
                values,
                score=score,
                grade=grade,
                limit=self._ar_proposed_limit(values["avg_monthly_sales"], grade),
                factors=factors,
            )
        return scores

    @api.model
    def _ar_get_score_grades(self, company):
        """Grades of ``company`` (and shared ones) that scores map to, best minimum score first."""
        grades = (
            self.env["ar.credit.grade"]
            .sudo()
            .search([("company_id", "in", [False, company.id])])
            .sorted(lambda g: (-g.ar_min_score, g.sequence, g.id))
        )
        return grades

    @api.model
    def _ar_grade_of_score(self, score, grades):
        """The grade a score maps to: the one with the highest minimum score not above it."""
        for grade in grades:
            if score >= grade.ar_min_score:
                return grade
        return grades[-1:] if grades else self.env["ar.credit.grade"]

    @api.model
    def _ar_proposed_limit(self, avg_monthly_sales, grade):
        """Proposed limit: average monthly sales x the grade's months of sales, rounded down to
        a thousand, capped at the grade's default limit (when it has one); 0 for a grade that
        sells on prepayment only."""
        if not grade or not grade.credit_sales_allowed:
            return 0.0
        limit = math.floor(max(avg_monthly_sales, 0.0) * grade.ar_limit_months / 1000.0) * 1000.0
        if grade.default_credit_limit > 0:
            limit = min(limit, grade.default_credit_limit)
        return limit

    @api.model
    def _ar_refresh(self, company, today=None):
        """Recompute and store the scores of every customer of ``company`` (one set-based
        upsert); scores of customers no longer measured are removed.

        :returns: the computed scores (see ``_ar_compute``)
        """
        today = fields.Date.to_date(today) or fields.Date.context_today(self)
        scores = self._ar_compute(company, today)
        now = fields.Datetime.now()
        uid = self.env.uid
        rows = [
            (
                partner_id,
                company.id,
                today,
                values["score"],
                values["grade"].id or None,
                values["limit"],
                values["days_late"] or 0.0,
                values["trend"] or 0.0,
                values["late_share"] or 0.0,
                values["broken_promises"],
                values["disputed"],
                values["utilisation"] or 0.0,
                int(values["over_limit"]),
                int(values["age"]),
                values["avg_monthly_sales"],
                json.dumps(values["factors"]),
                uid,
                now,
                uid,
                now,
            )
            for partner_id, values in scores.items()
        ]
        self.flush_model()
        cr = self.env.cr
        if rows:
            execute_values(
                cr._obj,
                """
                INSERT INTO ar_credit_score (partner_id, company_id, date, score, proposed_grade_id,
                    proposed_limit, avg_days_late, trend_days, late_share, broken_rate, disputed_share,
                    utilisation, over_limit_count, age_months, avg_monthly_sales, factor_points,
                    create_uid, create_date, write_uid, write_date)
                VALUES %s
                ON CONFLICT (partner_id, company_id) DO UPDATE SET
                    date = EXCLUDED.date, score = EXCLUDED.score,
                    proposed_grade_id = EXCLUDED.proposed_grade_id, proposed_limit = EXCLUDED.proposed_limit,
                    avg_days_late = EXCLUDED.avg_days_late, trend_days = EXCLUDED.trend_days,
                    late_share = EXCLUDED.late_share, broken_rate = EXCLUDED.broken_rate,
                    disputed_share = EXCLUDED.disputed_share, utilisation = EXCLUDED.utilisation,
                    over_limit_count = EXCLUDED.over_limit_count, age_months = EXCLUDED.age_months,
                    avg_monthly_sales = EXCLUDED.avg_monthly_sales, factor_points = EXCLUDED.factor_points,
                    write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
                """,
                rows,
                page_size=1000,
            )
        cr.execute(
            SQL(
                "DELETE FROM ar_credit_score WHERE company_id = %s AND partner_id != ALL(%s)",
                company.id,
                list(scores),
            )
        )
        self.invalidate_model()
        return scores
