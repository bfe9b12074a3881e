"""The collections dashboard (*Credit & Collections › Dashboard*): the data of the OWL client
action ``ar_collections.kpi_dashboard`` (``static/src/kpi_dashboard/``), in one call and a
fixed number of queries whatever the number of customers.

Everything is read as the caller, under his record rules (the aging query searches the
journal items as him; KPIs, scorecards, snapshots and promises are searched as him), so a
collector sees the company's KPIs and his own portfolio's, and his own scorecard only; credit
managers and auditors everyone's. Nothing is written. Each figure comes with the window
action of the records behind it (the drill-down).
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..const import PROMISE_RUNNING_STATE
from ..models.ar_aging_snapshot import BUCKET_SELECTION
from ..models.ar_kpi_period import DIMENSION_FIELDS, TREND_FIELDS

TOP_OVERDUE_LIMIT = 10
BROKEN_PROMISE_DAYS = 30
TREND_MONTHS = 6
# KPIs shown without a trend besides ar.kpi.period's TREND_FIELDS
CARD_FIELDS = ("overdue_end", "add", "bad_debt_ratio", "promise_kept_rate", "roll_1_30", "roll_31_60")
# filter name -> (KPI level, field of the snapshot / KPI record)
FILTERS = {
    "collector_id": "collector",
    "user_id": "salesperson",
    "credit_grade_id": "grade",
}


class ArKpiDashboard(models.AbstractModel):
    _name = "ar.kpi.dashboard"
    _description = "Collections Dashboard"

    # ------------------------------------------------------------------
    # Filters
    # ------------------------------------------------------------------
    @api.model
    def _ar_parse_filters(self, filters):
        """``filters`` from the client -> (companies, {filter name: id}); bad input is
        refused (translated), a company outside the allowed ones too."""
        filters = filters or {}
        if not isinstance(filters, dict):
            raise UserError(self.env._("The dashboard filters are not valid."))
        values = {}
        for fname in ("company_id", *FILTERS):
            value = filters.get(fname) or False
            if value is not False and (not isinstance(value, int) or isinstance(value, bool)):
                raise UserError(self.env._("The dashboard filters are not valid."))
            values[fname] = value
        companies = self.env.companies
        if values.pop("company_id"):
            companies = companies.filtered(lambda company: company.id == filters["company_id"])
            if not companies:
                raise UserError(self.env._("The dashboard can only show the companies you work in."))
        return companies, {fname: value for fname, value in values.items() if value}

    @api.model
    def _ar_today(self, companies):
        """The dashboard's today: the company's (the first selected one's)."""
        return companies[:1]._ar_get_today()[0] if companies else fields.Date.context_today(self)

    @api.model
    def _ar_week(self, today):
        """The current week containing ``today``, starting on the user's language's first day."""
        lang = self.env["res.lang"]._lang_get(self.env.lang or "en_US")
        week_start = int(lang.week_start or 1) if lang else 1
        start = today - timedelta(days=(today.isoweekday() - week_start) % 7)
        return start, start + timedelta(days=6)

    # ------------------------------------------------------------------
    # The data
    # ------------------------------------------------------------------
    @api.model
    def get_dashboard_data(self, filters=None):
        """RPC of the dashboard: every block's figures and drill-down actions. Read only,
        as the caller."""
        companies, dimension_filters = self._ar_parse_filters(filters)
        today = self._ar_today(companies)
        week_start, week_end = self._ar_week(today)
        return {
            "today": fields.Date.to_string(today),
            "week": [fields.Date.to_string(week_start), fields.Date.to_string(week_end)],
            "filters": self._ar_filter_options(),
            "kpis": self._ar_kpi_cards(companies, dimension_filters),
            "trend": self._ar_aging_trend(companies, dimension_filters),
            "top_overdue": self._ar_top_overdue(companies, dimension_filters, today),
            "promises_week": self._ar_promises(
                companies,
                dimension_filters,
                # accepted and running: a promise to accept is no expected payment yet
                [("state", "=", PROMISE_RUNNING_STATE), ("date", ">=", week_start), ("date", "<=", week_end)],
                self.env._("Promises Due This Week"),
            ),
            "promises_broken": self._ar_promises(
                companies,
                dimension_filters,
                [
                    ("state", "=", "broken"),
                    ("date_deadline", ">=", today - timedelta(days=BROKEN_PROMISE_DAYS)),
                    ("date_deadline", "<=", today),
                ],
                self.env._("Broken Promises (Last %(days)s Days)", days=BROKEN_PROMISE_DAYS),
            ),
            "scorecards": self._ar_scorecards(companies, dimension_filters),
        }

    @api.model
    def _ar_filter_options(self):
        """The choices of the filter bar: the allowed companies, the collectors and
        salespeople the caller can read on the KPI records, the grades."""
        kpis = self.env["ar.kpi.period"].search_fetch(
            [("company_id", "in", self.env.companies.ids), ("dimension", "!=", "company")],
            ["collector_id", "user_id", "credit_grade_id"],
        )
        grades = self.env["ar.credit.grade"].search_fetch([], ["display_name"])
        return {
            "company_id": [[company.id, company.name] for company in self.env.companies],
            "collector_id": [[user.id, user.display_name] for user in kpis.collector_id.sorted("name")],
            "user_id": [[user.id, user.display_name] for user in kpis.user_id.sorted("name")],
            "credit_grade_id": [[grade.id, grade.display_name] for grade in grades],
        }

    @api.model
    def _ar_kpi_level(self, dimension_filters):
        """The KPI level the filters point at (the first one given), with its domain."""
        for fname, dimension in FILTERS.items():
            if fname in dimension_filters:
                return [("dimension", "=", dimension), (DIMENSION_FIELDS[dimension], "=", dimension_filters[fname])]
        return [("dimension", "=", "company")]

    @api.model
    def _ar_act_window(self, name, model, domain, views="list,form", context=None):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "views": [[False, view] for view in views.split(",")],
            "domain": domain,
            "context": context or {},
        }

    @api.model
    def _ar_kpi_cards(self, companies, dimension_filters):
        """Per company, the KPIs of the last computed month of the level the filters point
        at, with their trend against the month before and the months for the trend."""
        Period = self.env["ar.kpi.period"]
        domain = [("company_id", "in", companies.ids), *self._ar_kpi_level(dimension_filters)]
        periods = Period.search(domain, order="date_to desc", limit=TREND_MONTHS * max(len(companies), 1) * 2)
        cards = []
        for company in companies:
            company_periods = periods.filtered(lambda period, company=company: period.company_id == company)
            if not company_periods:
                continue
            last = company_periods[0]
            months = company_periods[:TREND_MONTHS].sorted("date_to")
            cards.append(
                {
                    "id": last.id,
                    "company": company.name,
                    "period": last.name,
                    "currency_id": company.currency_id.id,
                    "figures": {
                        fname: {"value": last[fname], "trend": last[f"{fname}_trend"] if last.previous_id else None}
                        for fname in TREND_FIELDS
                    }
                    | {fname: {"value": last[fname], "trend": None} for fname in CARD_FIELDS},
                    "months": [
                        {"period": month.name, "dso_countback": month.dso_countback, "cei": month.cei}
                        for month in months
                    ],
                    "action": self._ar_act_window(self.env._("KPIs"), "ar.kpi.period", domain, "list,form,graph,pivot"),
                    "overdue_action": last.action_open_overdue(),
                }
            )
        return cards

    @api.model
    def _ar_aging_trend(self, companies, dimension_filters):
        """The month-end snapshots of the last months, per bucket (one grouped query)."""
        Snapshot = self.env["ar.aging.snapshot"]
        today = self._ar_today(companies)
        month_ends = Snapshot._ar_month_ends(TREND_MONTHS, today)
        domain = [("company_id", "in", companies.ids), ("date", "in", month_ends)]
        domain += [(fname, "=", value) for fname, value in dimension_filters.items()]
        amounts = {
            (date, bucket): amount
            for date, bucket, amount in Snapshot._read_group(domain, ["date:day", "bucket"], ["amount:sum"])
        }
        rows = []
        for month_end in month_ends:
            cells = []
            for bucket, _label in BUCKET_SELECTION:
                cells.append(
                    {
                        "bucket": bucket,
                        "amount": amounts.get((month_end, bucket), 0.0),
                        "action": self._ar_act_window(
                            self.env._("Receivable at %(date)s", date=month_end),
                            "ar.aging.snapshot",
                            [*domain[:1], ("date", "=", month_end), ("bucket", "=", bucket), *domain[2:]],
                            "list,pivot",
                        ),
                    }
                )
            rows.append(
                {"date": fields.Date.to_string(month_end), "total": sum(c["amount"] for c in cells), "cells": cells}
            )
        labels = dict(self.env["ar.aging.snapshot"]._fields["bucket"]._description_selection(self.env))
        return {"buckets": [[bucket, labels[bucket]] for bucket, _label in BUCKET_SELECTION], "rows": rows}

    @api.model
    def _ar_top_overdue_sql(self, companies, dimension_filters, today):
        """The customers owing the most overdue, from the one aging query (as the caller),
        attributed as the snapshot does (collector: the customer's, else the company's
        default; salesperson; grade in the company)."""
        aging = self.env["ar.aging"]._aging_sql("partner", date=today, company_ids=companies.ids)
        conditions = [SQL("aging.overdue > 0"), SQL("aging.partner_id IS NOT NULL")]
        columns = {
            "collector_id": SQL(
                "COALESCE((ar_customer.collector_id ->> aging.company_id::text)::int,"
                " ar_dashboard_company.ar_default_collector_id)"
            ),
            "user_id": SQL("ar_customer.user_id"),
            "credit_grade_id": SQL("(ar_customer.credit_grade_id ->> aging.company_id::text)::int"),
        }
        for fname, value in dimension_filters.items():
            conditions.append(SQL("%s = %s", columns[fname], value))
        return SQL(
            """SELECT aging.partner_id, aging.company_id, aging.overdue, aging.residual, aging.max_days_overdue
                 FROM (%(aging)s) aging
                 JOIN res_company ar_dashboard_company ON ar_dashboard_company.id = aging.company_id
                 JOIN res_partner ar_customer ON ar_customer.id = aging.partner_id
                WHERE %(conditions)s
             ORDER BY aging.overdue DESC, aging.partner_id
                LIMIT %(limit)s""",
            aging=aging,
            conditions=SQL(" AND ").join(conditions),
            limit=TOP_OVERDUE_LIMIT,
        )

    @api.model
    def _ar_top_overdue(self, companies, dimension_filters, today):
        """Top customers by overdue amount, each with the list of his overdue invoices (the
        aging query's, for the ten customers at once)."""
        if not companies:
            return {"rows": [], "action": False}
        self.env["res.partner"].flush_model(["collector_id", "user_id", "credit_grade_id"])
        self.env["res.company"].flush_model(["ar_default_collector_id"])
        self.env.cr.execute(self._ar_top_overdue_sql(companies, dimension_filters, today))
        rows = self.env.cr.dictfetchall()
        partners = self.env["res.partner"].browse([row["partner_id"] for row in rows])
        overdue_moves = {}
        if rows:
            invoices = self.env["ar.aging"]._get_overdue_invoices(
                partner_ids=partners.ids, date=today, company_ids=companies.ids
            )
            for move_id, values in invoices.items():
                overdue_moves.setdefault((values["partner_id"], values["company_id"]), []).append(move_id)
        names = {partner.id: partner.display_name for partner in partners}
        company_names = {company.id: company.name for company in companies}
        result = []
        for row in rows:
            move_ids = overdue_moves.get((row["partner_id"], row["company_id"]), [])
            result.append(
                {
                    **row,
                    "partner_name": names.get(row["partner_id"], ""),
                    "company": company_names.get(row["company_id"], ""),
                    "currency_id": self.env["res.company"].browse(row["company_id"]).currency_id.id,
                    "action": self._ar_act_window(
                        self.env._("Overdue Invoices of %(customer)s", customer=names.get(row["partner_id"], "")),
                        "account.move",
                        [("id", "in", move_ids)],
                        context={"create": False},
                    ),
                }
            )
        return {
            "rows": result,
            "action": self._ar_act_window(
                self.env._("Top Overdue Customers"),
                "res.partner",
                [("id", "in", partners.ids)],
                context={"create": False},
            ),
        }

    @api.model
    def _ar_promise_domain(self, companies, dimension_filters):
        domain = [("company_id", "in", companies.ids)]
        if "collector_id" in dimension_filters:
            domain.append(("user_id", "=", dimension_filters["collector_id"]))
        if "user_id" in dimension_filters:
            domain.append(("partner_id.user_id", "=", dimension_filters["user_id"]))
        if "credit_grade_id" in dimension_filters:
            domain.append(("partner_id.credit_grade_id", "=", dimension_filters["credit_grade_id"]))
        return domain

    @api.model
    def _ar_promises(self, companies, dimension_filters, state_domain, title):
        """Promises to pay of the block (``state_domain``), as the caller."""
        domain = [*self._ar_promise_domain(companies, dimension_filters), *state_domain]
        promises = self.env["ar.payment.promise"].search(domain, order="date, id")
        return {
            "title": title,
            "total": sum(promises.mapped("amount")),
            "rows": [
                {
                    "id": promise.id,
                    "partner_name": promise.partner_id.display_name,
                    "collector": promise.user_id.name or "",
                    "date": fields.Date.to_string(promise.date),
                    "date_deadline": fields.Date.to_string(promise.date_deadline),
                    "amount": promise.amount,
                    "currency_id": promise.currency_id.id,
                    "action": {
                        "type": "ir.actions.act_window",
                        "res_model": "ar.payment.promise",
                        "res_id": promise.id,
                        "views": [[False, "form"]],
                    },
                }
                for promise in promises
            ],
            "action": self._ar_act_window(title, "ar.payment.promise", domain, context={"create": False}),
        }

    @api.model
    def _ar_scorecards(self, companies, dimension_filters):
        """The scorecards of the last scored month (collectors: their own, by the record rules)."""
        Scorecard = self.env["ar.collector.scorecard"]
        domain = [("company_id", "in", companies.ids)]
        if "collector_id" in dimension_filters:
            domain += [("role", "=", "collector"), ("user_id", "=", dimension_filters["collector_id"])]
        elif "user_id" in dimension_filters:
            domain += [("role", "=", "salesperson"), ("user_id", "=", dimension_filters["user_id"])]
        last = Scorecard.search(domain, order="date_to desc", limit=1)
        if last:
            domain.append(("date_to", "=", last.date_to))
        scorecards = Scorecard.search(domain) if last else Scorecard
        role_labels = dict(Scorecard._fields["role"]._description_selection(self.env))
        return {
            "period": last.period or "",
            "rows": [
                {
                    "id": card.id,
                    "user": card.user_id.name,
                    "role": role_labels.get(card.role, ""),
                    "collected_amount": card.collected_amount,
                    "weighted_amount": card.weighted_amount,
                    "contact_count": card.contact_count,
                    "promise_count": card.promise_count,
                    "promise_kept_count": card.promise_kept_count,
                    "cei": card.cei,
                    "currency_id": card.currency_id.id,
                    "action": {
                        "type": "ir.actions.act_window",
                        "res_model": "ar.collector.scorecard",
                        "res_id": card.id,
                        "views": [[False, "form"]],
                    },
                }
                for card in scorecards
            ],
            "action": self._ar_act_window(self.env._("Collector Scorecards"), "ar.collector.scorecard", domain),
        }
