"""The cash-in forecast (回款预测): when will the open invoices be paid?

Every invoice open on the forecast's date ``D`` (``ar.aging._invoice_aging_sql`` as of
``D``) gets an expected payment date: the date of an open promise to pay covering it (the
earliest, when several), else its due date plus the customer's average days late, weighted
by amount, over the receipts of the 180 days before ``D`` (0 without any). Dates already
past are expected the next day. The expected amounts (what each invoice still owes on
``D``) are summed per week (week 1 = the 7 days after ``D``) for 13 weeks, per company and
invoice currency.

Backtest: a forecast taken as of a past date is compared, week by week, with the receipts
(payments, bank statement lines) actually reconciled with the same invoices:

- weekly accuracy = max(0, 1 − Σ|forecast − actual| / Σ actual) × 100 (one minus the
  weighted absolute percentage error over the 13 weeks);
- total accuracy = max(0, 1 − |Σ forecast − Σ actual| / Σ actual) × 100 (the 13 weeks as a whole).
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..const import PROMISE_ACCEPTED_STATES, PROMISE_RUNNING_STATE

CREDIT_MANAGER_GROUP = "ar_collections.group_ar_credit_manager"
WEEKS = 13
LATENESS_HISTORY_DAYS = 180


class ArCashForecast(models.Model):
    _name = "ar.cash.forecast"
    _description = "Cash-in Forecast"
    _order = "date desc, company_id, id"
    _rec_name = "date"

    date = fields.Date(string="As Of", required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    kind = fields.Selection(
        [("forecast", "Forecast"), ("backtest", "Backtest")], required=True, readonly=True, default="forecast"
    )
    line_ids = fields.One2many("ar.cash.forecast.line", "forecast_id", string="Weeks", readonly=True)
    expected_amount = fields.Monetary(string="Expected in 13 Weeks", readonly=True)
    actual_amount = fields.Monetary(string="Received in 13 Weeks", readonly=True)
    accuracy_weekly = fields.Float(string="Weekly Accuracy (%)", readonly=True, digits=(16, 1))
    accuracy_total = fields.Float(string="Total Accuracy (%)", readonly=True, digits=(16, 1))

    # ------------------------------------------------------------------
    # Expected payment dates
    # ------------------------------------------------------------------
    @api.model
    def _ar_expected_payments_sql(self, date, company_ids, move_ids=None):
        """SQL of the invoices open on ``date`` with their expected payment date: columns
        ``move_id, partner_id, company_id, currency_id, residual`` (company currency),
        ``residual_currency`` (invoice currency), ``expected_date``."""
        Kpi = self.env["ar.kpi"]
        for model, fnames in (
            ("ar.payment.promise", ["date", "date_start", "state", "checked_date", "company_id", "invoice_ids"]),
            ("account.move", ["currency_id", "amount_total_signed", "amount_total_in_currency_signed"]),
        ):
            self.env[model].flush_model(fnames)
        return SQL(
            """
            WITH ar_open AS (%(open_invoices)s),
            ar_lateness AS (
                SELECT ar_late_partner.commercial_partner_id AS partner_id,
                       SUM(ar_partial.amount * GREATEST(ar_partial.max_date - COALESCE(ar_debit.date_maturity, ar_debit.date), 0))
                       / NULLIF(SUM(ar_partial.amount), 0) AS days_late
                  FROM account_partial_reconcile ar_partial
                  JOIN account_move_line ar_debit ON ar_debit.id = ar_partial.debit_move_id
                  JOIN account_move_line ar_credit ON ar_credit.id = ar_partial.credit_move_id
                  JOIN account_move ar_credit_move ON ar_credit_move.id = ar_credit.move_id
                  JOIN res_partner ar_late_partner ON ar_late_partner.id = ar_debit.partner_id
                 WHERE ar_partial.max_date > %(history_start)s AND ar_partial.max_date <= %(date)s
                   AND ar_debit.id IN (%(debit_lines)s)
                   AND (ar_credit_move.origin_payment_id IS NOT NULL OR ar_credit_move.statement_line_id IS NOT NULL)
                 GROUP BY 1
            ),
            ar_promised AS (
                -- accepted promises made by the date, promised for it or later, and not
                -- settled before it (one to accept or refused is no expected receipt)
                SELECT ar_rel.move_id, MIN(ar_promise.date) AS date
                  FROM ar_payment_promise ar_promise
                  JOIN ar_payment_promise_invoice_rel ar_rel ON ar_rel.promise_id = ar_promise.id
                 WHERE ar_promise.company_id = ANY(%(company_ids)s)
                   AND ar_promise.date_start <= %(date)s AND ar_promise.date >= %(date)s
                   AND ar_promise.state IN %(accepted)s
                   AND (ar_promise.state = %(running)s OR ar_promise.checked_date > %(date)s)
                 GROUP BY 1
            )
            SELECT ar_open.move_id, ar_open.partner_id, ar_open.company_id, ar_move.currency_id,
                   ar_open.residual,
                   ar_open.residual * CASE WHEN ar_move.amount_total_signed != 0
                                           THEN ar_move.amount_total_in_currency_signed / ar_move.amount_total_signed
                                           ELSE 1 END AS residual_currency,
                   GREATEST(COALESCE(ar_promised.date,
                                     ar_open.due_date + ROUND(COALESCE(ar_lateness.days_late, 0))::int),
                            %(date)s::date + 1) AS expected_date
              FROM ar_open
              JOIN account_move ar_move ON ar_move.id = ar_open.move_id
         LEFT JOIN ar_lateness ON ar_lateness.partner_id = ar_open.partner_id
         LEFT JOIN ar_promised ON ar_promised.move_id = ar_open.move_id
            """,
            open_invoices=self.env["ar.aging"]._invoice_aging_sql(date, company_ids=company_ids, move_ids=move_ids),
            history_start=date - timedelta(days=LATENESS_HISTORY_DAYS),
            date=date,
            company_ids=list(company_ids),
            accepted=PROMISE_ACCEPTED_STATES,
            running=PROMISE_RUNNING_STATE,
            debit_lines=Kpi._ar_receivable_lines_query(company_ids).subselect(),
        )

    @api.model
    def _ar_get_expected_payments(self, date, company_ids, move_ids=None):
        """Open invoices on ``date`` (of ``move_ids`` if given) -> dict of
        ``_ar_expected_payments_sql``'s columns."""
        self.env.cr.execute(self._ar_expected_payments_sql(fields.Date.to_date(date), company_ids, move_ids))
        return {row.pop("move_id"): row for row in self.env.cr.dictfetchall()}

    # ------------------------------------------------------------------
    # Forecast and backtest
    # ------------------------------------------------------------------
    @api.model
    def _ar_weekly_figures(self, date, company):
        """Per (week, currency): expected amounts (company and invoice currency), invoice
        count, and the receipts actually reconciled in that week with those invoices. Two
        grouped queries."""
        week = SQL("((%s - %s::date - 1) / 7 + 1)", SQL.identifier("ar_expected", "expected_date"), date)
        self.env.cr.execute(
            SQL(
                """SELECT %(week)s AS week, ar_expected.currency_id,
                          SUM(ar_expected.residual), SUM(ar_expected.residual_currency), COUNT(*)
                     FROM (%(expected)s) ar_expected
                    WHERE %(week)s <= %(weeks)s
                    GROUP BY 1, 2""",
                week=week,
                expected=self._ar_expected_payments_sql(date, company.ids),
                weeks=WEEKS,
            )
        )
        figures = {}
        for week_number, currency_id, amount, amount_currency, count in self.env.cr.fetchall():
            figures[(week_number, currency_id)] = {
                "expected_amount": amount,
                "expected_amount_currency": amount_currency,
                "invoice_count": count,
                "actual_amount": 0.0,
            }
        self.env.cr.execute(
            SQL(
                """SELECT (ar_partial.max_date - %(date)s::date - 1) / 7 + 1 AS week, ar_move.currency_id,
                          SUM(ar_partial.amount)
                     FROM account_partial_reconcile ar_partial
                     JOIN account_move_line ar_debit ON ar_debit.id = ar_partial.debit_move_id
                     JOIN account_move ar_move ON ar_move.id = ar_debit.move_id
                     JOIN account_move_line ar_credit ON ar_credit.id = ar_partial.credit_move_id
                     JOIN account_move ar_credit_move ON ar_credit_move.id = ar_credit.move_id
                    WHERE ar_partial.max_date > %(date)s AND ar_partial.max_date <= %(date)s::date + %(days)s
                      AND ar_debit.move_id IN (SELECT ar_open.move_id FROM (%(open_invoices)s) ar_open)
                      AND ar_debit.account_id IN (SELECT id FROM account_account WHERE account_type = 'asset_receivable')
                      AND (ar_credit_move.origin_payment_id IS NOT NULL OR ar_credit_move.statement_line_id IS NOT NULL)
                    GROUP BY 1, 2""",
                date=date,
                days=WEEKS * 7,
                open_invoices=self.env["ar.aging"]._invoice_aging_sql(date, company_ids=company.ids),
            )
        )
        for week_number, currency_id, amount in self.env.cr.fetchall():
            values = figures.setdefault(
                (week_number, currency_id),
                {"expected_amount": 0.0, "expected_amount_currency": 0.0, "invoice_count": 0, "actual_amount": 0.0},
            )
            values["actual_amount"] = amount
        return figures

    @api.model
    def _ar_generate(self, company, date, kind="forecast"):
        """Replace the forecast of ``company`` as of ``date``. Private (no check): see
        ``action_refresh``."""
        date = fields.Date.to_date(date)
        # one forecast per company (the latest); backtests are kept per date
        domain = [("date", "=", date)]
        if kind == "forecast":
            domain = ["|", ("kind", "=", "forecast"), *domain]
        self.search([("company_id", "=", company.id), *domain]).unlink()
        figures = self._ar_weekly_figures(date, company)
        lines = [
            {
                "week": week_number,
                "week_start": date + timedelta(days=7 * (week_number - 1) + 1),
                "week_end": date + timedelta(days=7 * week_number),
                "line_currency_id": currency_id,
                **values,
            }
            for (week_number, currency_id), values in sorted(figures.items())
        ]
        expected = sum(line["expected_amount"] for line in lines)
        actual = sum(line["actual_amount"] for line in lines)
        by_week = {}
        for line in lines:
            week_values = by_week.setdefault(line["week"], [0.0, 0.0])
            week_values[0] += line["expected_amount"]
            week_values[1] += line["actual_amount"]
        weekly_error = sum(abs(forecast - received) for forecast, received in by_week.values())
        return self.create(
            {
                "date": date,
                "company_id": company.id,
                "kind": kind,
                "expected_amount": expected,
                "actual_amount": actual,
                "accuracy_weekly": max(0.0, 1 - weekly_error / actual) * 100 if actual else 0.0,
                "accuracy_total": max(0.0, 1 - abs(expected - actual) / actual) * 100 if actual else 0.0,
                "line_ids": [fields.Command.create(line) for line in lines],
            }
        )

    @api.model
    def action_refresh(self):
        """Button / RPC: the forecast of the allowed companies as of their today, and its
        backtest as of 13 weeks ago. Credit managers only."""
        if not self.env.user.has_group(CREDIT_MANAGER_GROUP):
            raise AccessError(self.env._("Only a Credit Manager can recompute the cash-in forecast."))
        # sudo: the caller is a credit manager of these companies (checked above); forecasts
        # are written by the system only
        Forecast = self.sudo()
        for company in self.env.companies:
            today = company._ar_get_today()[0]
            Forecast._ar_generate(company, today, "forecast")
            Forecast._ar_generate(company, today - timedelta(days=7 * WEEKS), "backtest")
        return {"type": "ir.actions.client", "tag": "reload"}


class ArCashForecastLine(models.Model):
    _name = "ar.cash.forecast.line"
    _description = "Cash-in Forecast Week"
    _order = "forecast_id, week, line_currency_id"

    forecast_id = fields.Many2one("ar.cash.forecast", required=True, readonly=True, ondelete="cascade", index=True)
    date = fields.Date(related="forecast_id.date", store=True, string="As Of")
    kind = fields.Selection(related="forecast_id.kind", store=True)
    company_id = fields.Many2one(related="forecast_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    line_currency_id = fields.Many2one("res.currency", string="Invoice Currency", readonly=True)
    week = fields.Integer(readonly=True, aggregator=None)
    week_start = fields.Date(string="Week From", readonly=True)
    week_end = fields.Date(string="Week To", readonly=True)
    invoice_count = fields.Integer(string="Invoices", readonly=True)
    expected_amount = fields.Monetary(string="Expected", readonly=True)
    expected_amount_currency = fields.Monetary(
        string="Expected (Invoice Currency)", currency_field="line_currency_id", readonly=True, aggregator=None
    )
    actual_amount = fields.Monetary(string="Received", readonly=True)
