"""The KPIs of a month, stored for the dashboard: one record per company and month for
the whole company, and one per collector, salesperson and credit grade of the month's
snapshot. Computed by ``ar.kpi`` (formulas there and in the README)."""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..models.ar_kpi import KPI_FIELDS

CREDIT_MANAGER_GROUP = "ar_collections.group_ar_credit_manager"
MAX_MONTHS = 60
DIMENSIONS = [
    ("company", "Company"),
    ("collector", "Collector"),
    ("salesperson", "Salesperson"),
    ("grade", "Credit Grade"),
]
DIMENSION_FIELDS = {"collector": "collector_id", "salesperson": "user_id", "grade": "credit_grade_id"}
# KPIs whose trend against the previous month the cards show
TREND_FIELDS = ("dso", "dso_countback", "cei", "overdue_ratio", "over_90_ratio", "ar_end")


class ArKpiPeriod(models.Model):
    _name = "ar.kpi.period"
    _description = "Receivable KPIs of a Month"
    _order = "date_to desc, company_id, dimension, id"
    _rec_name = "name"

    name = fields.Char(string="Period", required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(string="From", required=True, readonly=True)
    date_to = fields.Date(string="To", required=True, readonly=True, index=True)
    dimension = fields.Selection(DIMENSIONS, string="Level", required=True, readonly=True, default="company")
    collector_id = fields.Many2one("res.users", readonly=True, index=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    credit_grade_id = fields.Many2one("ar.credit.grade", readonly=True)

    ar_begin = fields.Monetary(string="Receivable at Start", readonly=True, aggregator="sum")
    ar_end = fields.Monetary(string="Receivable", readonly=True, aggregator="sum")
    current_end = fields.Monetary(string="Not Due", readonly=True, aggregator="sum")
    overdue_end = fields.Monetary(string="Overdue", readonly=True, aggregator="sum")
    over_90_end = fields.Monetary(string="Over 90 Days", readonly=True, aggregator="sum")
    sales = fields.Monetary(string="Credit Sales", readonly=True, aggregator="sum")
    written_off = fields.Monetary(readonly=True, aggregator="sum")
    dso = fields.Float(string="DSO (Standard)", readonly=True, digits=(16, 1), aggregator="avg")
    dso_countback = fields.Float(string="DSO (Countback)", readonly=True, digits=(16, 1), aggregator="avg")
    bpdso = fields.Float(string="Best Possible DSO", readonly=True, digits=(16, 1), aggregator="avg")
    add = fields.Float(string="Average Days Delinquent", readonly=True, digits=(16, 1), aggregator="avg")
    cei = fields.Float(string="CEI (%)", readonly=True, digits=(16, 1), aggregator="avg")
    overdue_ratio = fields.Float(string="Overdue Ratio (%)", readonly=True, digits=(16, 1), aggregator="avg")
    over_90_ratio = fields.Float(string="Over-90 Ratio (%)", readonly=True, digits=(16, 1), aggregator="avg")
    bad_debt_ratio = fields.Float(string="Bad-Debt Ratio (%)", readonly=True, digits=(16, 2), aggregator="avg")
    turnover = fields.Float(string="AR Turnover", readonly=True, digits=(16, 2), aggregator="avg")
    collection_period = fields.Float(
        string="Average Collection Period (days)", readonly=True, digits=(16, 1), aggregator="avg"
    )
    promise_count = fields.Integer(string="Promises Due", readonly=True)
    promise_kept_count = fields.Integer(string="Promises Kept", readonly=True)
    promise_kept_rate = fields.Float(string="Promise-Kept Rate (%)", readonly=True, digits=(16, 1), aggregator="avg")
    roll_1_30 = fields.Float(string="Roll Rate Not Due to 1-30 (%)", readonly=True, digits=(16, 1), aggregator="avg")
    roll_31_60 = fields.Float(string="Roll Rate 1-30 to 31-60 (%)", readonly=True, digits=(16, 1), aggregator="avg")
    roll_61_90 = fields.Float(string="Roll Rate 31-60 to 61-90 (%)", readonly=True, digits=(16, 1), aggregator="avg")
    roll_over_90 = fields.Float(
        string="Roll Rate 61-90 to Over 90 (%)", readonly=True, digits=(16, 1), aggregator="avg"
    )

    previous_id = fields.Many2one("ar.kpi.period", string="Previous Month", compute="_compute_previous")
    dso_trend = fields.Float(string="DSO Trend", compute="_compute_previous", digits=(16, 1))
    dso_countback_trend = fields.Float(string="Countback DSO Trend", compute="_compute_previous", digits=(16, 1))
    cei_trend = fields.Float(string="CEI Trend", compute="_compute_previous", digits=(16, 1))
    overdue_ratio_trend = fields.Float(compute="_compute_previous", digits=(16, 1))
    over_90_ratio_trend = fields.Float(string="Over-90 Ratio Trend", compute="_compute_previous", digits=(16, 1))
    ar_end_trend = fields.Monetary(string="Receivable Trend", compute="_compute_previous")

    def _ar_key(self, date_to=None):
        self.ensure_one()
        return (
            self.company_id.id,
            date_to or self.date_to,
            self.dimension,
            self.collector_id.id,
            self.user_id.id,
            self.credit_grade_id.id,
        )

    @api.depends("date_to", "company_id", "dimension", "collector_id", "user_id", "credit_grade_id")
    def _compute_previous(self):
        """The same level's record of the month before (one search for all the records)."""
        previous_ends = {period.id: period.date_from - relativedelta(days=1) for period in self if period.date_from}
        candidates = self.search(
            [("company_id", "in", self.company_id.ids), ("date_to", "in", list(set(previous_ends.values())))]
        )
        by_key = {candidate._ar_key(): candidate for candidate in candidates}
        for period in self:
            previous = by_key.get(period._ar_key(previous_ends.get(period.id))) if period.id in previous_ends else None
            period.previous_id = previous
            for fname in TREND_FIELDS:
                period[f"{fname}_trend"] = period[fname] - previous[fname] if previous else 0.0

    # ------------------------------------------------------------------
    # Generation
    # ------------------------------------------------------------------
    @api.model
    def _ar_generate(self, companies, date_from, date_to):
        """Replace the records of the month ``[date_from, date_to]`` of ``companies``: one
        computation per level (company, collector, salesperson, grade), each a few grouped
        queries whatever the number of customers. Private (no check): see
        ``action_refresh``."""
        Kpi = self.env["ar.kpi"]
        self.flush_model()
        self.env.cr.execute(
            SQL(
                "DELETE FROM ar_kpi_period WHERE company_id = ANY(%s) AND date_from = %s AND date_to = %s",
                companies.ids,
                date_from,
                date_to,
            )
        )
        self.invalidate_model()
        vals_list = []
        for dimension, _label in DIMENSIONS:
            group_by = None if dimension == "company" else dimension
            for (company_id, dimension_id), values in Kpi._ar_compute(
                date_from, date_to, companies.ids, group_by
            ).items():
                vals = {
                    "name": fields.Date.to_date(date_to).strftime("%Y-%m"),
                    "company_id": company_id,
                    "date_from": date_from,
                    "date_to": date_to,
                    "dimension": dimension,
                    **{fname: values[fname] for fname in KPI_FIELDS},
                }
                if group_by:
                    vals[DIMENSION_FIELDS[dimension]] = dimension_id
                vals_list.append(vals)
        return self.create(vals_list)

    @api.model
    def _ar_month_periods(self, months, today):
        first_of_month = fields.Date.to_date(today).replace(day=1)
        return [
            (first_of_month - relativedelta(months=index), first_of_month - relativedelta(months=index - 1, days=1))
            for index in range(months, 0, -1)
        ]

    @api.model
    def _ar_refresh(self, companies, months=12, today=None):
        """Backfill the missing month-end snapshots, then recompute the KPIs and the
        scorecards of the past ``months`` complete months. Private: see ``action_refresh``."""
        Snapshot = self.env["ar.aging.snapshot"]
        Scorecard = self.env["ar.collector.scorecard"]
        for company in companies:
            company_today = today or company._ar_get_today()[0]
            # the month before the first one gives its opening receivable
            Snapshot._ar_backfill(company, months=months + 1, today=company_today)
            for date_from, date_to in self._ar_month_periods(months, company_today):
                self._ar_generate(company, date_from, date_to)
                Scorecard._ar_generate(company, date_from, date_to)

    @api.model
    def action_refresh(self, months=12):
        """Button / RPC: recompute the dashboard of the allowed companies for the past
        ``months`` months. Credit managers only."""
        if not self.env.user.has_group(CREDIT_MANAGER_GROUP):
            raise AccessError(self.env._("Only a Credit Manager can recompute the collections KPIs."))
        if not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= MAX_MONTHS:
            raise UserError(
                self.env._("The number of months must be a whole number from 1 to %(max)s.", max=MAX_MONTHS)
            )
        # sudo: the caller is a credit manager of these companies (checked above); KPI
        # records, snapshots and scorecards are written by the system only
        self.sudo()._ar_refresh(self.env.companies, months=months)
        return {"type": "ir.actions.client", "tag": "reload"}

    @api.model
    def _cron_refresh_kpis(self):
        """Scheduled action (first day of the month): the KPIs of the month just ended."""
        # sudo: the scheduler computes the figures of every company; they are read under record rules
        self.sudo()._ar_refresh(self.env["res.company"].sudo().search([]), months=1)

    @api.model
    def _ar_load_demo_history(self, months=6):
        """Demo data only (demo/ar_kpi_demo.xml): the main company's invoices and payments
        of the past months (demo/ar_kpi_demo.py, imported here only), then the snapshots and
        KPIs of those months, so that the dashboard has a trend to show."""
        from ..demo.ar_kpi_demo import load_history_invoices

        # one month more of invoices: the first month's receipts (its CEI) pay them
        load_history_invoices(self.env, self.env.ref("base.main_company"), months=months + 1)
        # sudo: demo data, loaded at install; the figures are written by the system only
        self.sudo()._ar_refresh(self.env["res.company"].sudo().search([]), months=months)

    # ------------------------------------------------------------------
    # Drill-down
    # ------------------------------------------------------------------
    def _ar_snapshot_domain(self, date):
        self.ensure_one()
        domain = [("company_id", "=", self.company_id.id), ("date", "=", date)]
        if self.dimension != "company":
            fname = DIMENSION_FIELDS[self.dimension]
            domain.append((fname, "=", self[fname].id))
        return domain

    def action_open_snapshot(self):
        """The receivable of the month's end, by customer and bucket."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Receivable at %(date)s", date=self.date_to),
            "res_model": "ar.aging.snapshot",
            "view_mode": "pivot,list,graph",
            "domain": self._ar_snapshot_domain(self.date_to),
            "context": {"pivot_row_groupby": ["partner_id"], "pivot_column_groupby": ["bucket"]},
        }

    def action_open_overdue(self):
        """The overdue part of the month-end receivable, worst first."""
        action = self.action_open_snapshot()
        action["name"] = self.env._("Overdue at %(date)s", date=self.date_to)
        action["domain"] = [*action["domain"], ("bucket", "!=", "not_due")]
        action["view_mode"] = "list,pivot,graph"
        return action

    def _ar_promise_ids(self):
        self.ensure_one()
        group_by = dimension_id = None
        if self.dimension != "company":
            group_by = self.dimension
            dimension_id = self[DIMENSION_FIELDS[self.dimension]].id or None
        return self.env["ar.kpi"]._ar_promise_ids(
            self.date_from, self.date_to, self.company_id.ids, group_by, dimension_id
        )

    def action_open_promises(self):
        """The promises whose deadline fell in the month."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Promises to Pay"),
            "res_model": "ar.payment.promise",
            "view_mode": "list,form",
            # the very promises the kept rate counts, of the row's collector, salesperson or grade
            "domain": [("id", "in", self._ar_promise_ids())],
        }
