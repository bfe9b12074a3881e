"""Snapshots, KPIs, scorecards and the dashboard over a built history (frozen dates).

The history (one company, buckets 30/60/90, amounts without taxes):

- invoice A1 of customer A: 1,000 on 15 August 2026, due 14 September;
  600 paid on 5 October (21 days late), 400 still open on 31 October (47 days: 31-60);
- invoice A2 of A: 2,000 on 10 September, due the same day; 1,500 paid on 15 October
  (35 days late), the last 500 written off to bad-debt expense on 31 October;
- invoice B1 of customer B: 3,000 on 20 September, due 20 October; paid on 25 October
  (5 days late);
- invoice A3 of A: 4,000 on 10 October, due 9 November: October's credit sales.

On 30 September A owes 3,000 in 1-30 days (A1 16 days, A2 20 days), B 3,000 not due:
AR₀ = 6,000 (3,000 current). On 31 October A owes 400 in 31-60 and 4,000 not due:
AR₁ = 4,400 (4,000 current). October has 31 days and sales S = 4,000; September's sales
are 5,000 (A2 and B1).
"""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import ArCollectionsCommon


@tagged("post_install", "-at_install")
class TestArKpi(ArCollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"ar_promise_grace_days": 3, "ar_timezone": "UTC"})
        cls.collector_2 = new_test_user(
            cls.env,
            "ar_kpi_collector_2",
            groups="base.group_user,ar_collections.group_ar_collections_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
            name="Collector Wu",
        )
        cls.customer_a = cls.customer
        cls.customer_b = cls.env["res.partner"].create({"name": "Jiangnan Textiles", "is_company": True})
        cls.customer_a.write({"collector_id": cls.collector.id, "credit_grade_id": cls.grade_a.id})
        cls.customer_a.user_id = cls.salesman
        cls.customer_b.write({"collector_id": cls.collector_2.id, "credit_grade_id": cls.grade_d.id})
        with freeze_time("2026-08-15"):
            cls.invoice_a1 = cls.ar_invoice(cls.customer_a, 1000.0, "2026-08-15", "2026-09-14")
        with freeze_time("2026-09-10"):
            cls.invoice_a2 = cls.ar_invoice(cls.customer_a, 2000.0, "2026-09-10", "2026-09-10")
        with freeze_time("2026-09-20"):
            cls.invoice_b1 = cls.ar_invoice(cls.customer_b, 3000.0, "2026-09-20", "2026-10-20")
        Promise = cls.env["ar.payment.promise"]
        with freeze_time("2026-10-01"):
            cls.promise_kept = Promise.with_user(cls.collector).create(
                {
                    "partner_id": cls.customer_a.id,
                    "invoice_ids": [Command.set(cls.invoice_a1.ids)],
                    "date_start": "2026-10-01",
                    "date": "2026-10-05",
                    "amount": 600.0,
                }
            )
            cls.promise_broken = Promise.with_user(cls.collector).create(
                {
                    "partner_id": cls.customer_a.id,
                    "invoice_ids": [Command.set(cls.invoice_a2.ids)],
                    "date_start": "2026-10-01",
                    "date": "2026-10-10",
                    "amount": 2000.0,
                }
            )
            cls.env["ar.collection.log"].with_user(cls.collector).create(
                {
                    "partner_id": cls.customer_a.id,
                    "channel": "phone",
                    "result_id": cls.env.ref("ar_collections.ar_collection_result_reminded").id,
                    "invoice_ids": [Command.set((cls.invoice_a1 | cls.invoice_a2).ids)],
                }
            )
        with freeze_time("2026-10-05"):
            cls.ar_pay(cls.invoice_a1, 600.0, "2026-10-05")
        with freeze_time("2026-10-10"):
            cls.invoice_a3 = cls.ar_invoice(cls.customer_a, 4000.0, "2026-10-10", "2026-11-09")
        with freeze_time("2026-10-15"):
            cls.ar_pay(cls.invoice_a2, 1500.0, "2026-10-15")
        with freeze_time("2026-10-25"):
            cls.ar_pay(cls.invoice_b1, 3000.0, "2026-10-25")
        with freeze_time("2026-10-31"):
            cls.write_off = cls.env["account.move"].create(
                {
                    "move_type": "entry",
                    "date": "2026-10-31",
                    "journal_id": cls.company_data["default_journal_misc"].id,
                    "line_ids": [
                        Command.create(
                            {
                                "name": "Bad debt",
                                "account_id": cls.company_data["default_account_expense"].id,
                                "debit": 500.0,
                            }
                        ),
                        Command.create(
                            {
                                "name": "Bad debt",
                                "account_id": cls.company_data["default_account_receivable"].id,
                                "partner_id": cls.customer_a.id,
                                "credit": 500.0,
                            }
                        ),
                    ],
                }
            )
            cls.write_off.action_post()
            receivable = "asset_receivable"
            (
                cls.invoice_a2.line_ids.filtered(lambda line: line.account_id.account_type == receivable)
                | cls.write_off.line_ids.filtered(lambda line: line.account_id.account_type == receivable)
            ).reconcile()
        with freeze_time("2026-11-01"):
            (cls.promise_kept | cls.promise_broken)._ar_check(today=cls.d("2026-11-01"))
        cls.Snapshot = cls.env["ar.aging.snapshot"]
        cls.Kpi = cls.env["ar.kpi"]

    def snapshot_rows(self, date):
        rows = self.Snapshot.search([("company_id", "=", self.company.id), ("date", "=", date)])
        return {(row.partner_id, row.bucket): row.amount for row in rows}

    def take_month_ends(self):
        for date in ("2026-08-31", "2026-09-30", "2026-10-31"):
            self.Snapshot._ar_take_snapshot(self.company, self.d(date))

    # ------------------------------------------------------------------
    # Snapshots
    # ------------------------------------------------------------------
    def test_history_is_as_built(self):
        self.assertTrue(
            self.invoice_a2.currency_id.is_zero(self.invoice_a2.amount_residual), "paid 1,500, 500 written off"
        )
        self.assertEqual((self.promise_kept.state, self.promise_broken.state), ("kept", "broken"))

    @freeze_time("2026-11-15")
    def test_snapshot_by_customer_and_bucket_as_of_a_past_date(self):
        self.Snapshot._ar_take_snapshot(self.company, self.d("2026-09-30"))
        self.assertEqual(
            self.snapshot_rows("2026-09-30"),
            {(self.customer_a, "1_30"): 3000.0, (self.customer_b, "not_due"): 3000.0},
        )
        row_a = self.Snapshot.search([("date", "=", "2026-09-30"), ("partner_id", "=", self.customer_a.id)])
        self.assertEqual(
            (row_a.collector_id, row_a.user_id, row_a.credit_grade_id),
            (self.collector, self.salesman, self.grade_a),
            "the customer's collector, salesperson and grade in the company",
        )
        self.Snapshot._ar_take_snapshot(self.company, self.d("2026-10-31"))
        self.assertEqual(
            self.snapshot_rows("2026-10-31"),
            {(self.customer_a, "31_60"): 400.0, (self.customer_a, "not_due"): 4000.0},
            "paid and written-off amounts are gone, A1's rest has aged",
        )

    @freeze_time("2026-11-15")
    def test_snapshot_is_idempotent_and_per_company(self):
        self.Snapshot._ar_take_snapshot(self.company, self.d("2026-09-30"))
        self.Snapshot._ar_take_snapshot(self.company, self.d("2026-09-30"))
        self.assertEqual(self.Snapshot.search_count([("date", "=", "2026-09-30")]), 2)
        other = self.setup_other_company()["company"]
        self.Snapshot._ar_take_snapshot(other, self.d("2026-09-30"))
        self.assertFalse(self.Snapshot.search([("company_id", "=", other.id)]), "nothing owed to the other company")
        self.assertEqual(self.Snapshot.search_count([("date", "=", "2026-09-30")]), 2, "its snapshot left ours alone")

    @freeze_time("2026-11-15")
    def test_backfill_takes_the_missing_month_ends(self):
        self.Snapshot._ar_take_snapshot(self.company, self.d("2026-09-30"))
        kept_row = self.Snapshot.search([("date", "=", "2026-09-30")], limit=1)
        self.Snapshot.with_user(self.credit_manager).action_backfill(months=3)
        self.assertTrue(kept_row.exists(), "an existing snapshot is kept")
        self.assertEqual(self.snapshot_rows("2026-08-31"), {(self.customer_a, "not_due"): 1000.0})
        self.assertEqual(self.snapshot_rows("2026-10-31")[(self.customer_a, "31_60")], 400.0)
        self.assertEqual(
            sorted(set(self.Snapshot.search([]).mapped("date"))),
            [self.d("2026-08-31"), self.d("2026-09-30"), self.d("2026-10-31")],
        )

    @freeze_time("2026-11-15")
    def test_backfill_is_for_credit_managers_and_checks_its_input(self):
        with self.assertRaises(AccessError):
            self.Snapshot.with_user(self.collector).action_backfill(months=3)
        for months in (0, 61, "3", 2.5):
            with self.assertRaises(UserError):
                self.Snapshot.with_user(self.credit_manager).action_backfill(months=months)
        self.assertFalse(self.Snapshot.search([]), "nothing taken")
        with self.assertRaises(AccessError):
            self.Snapshot.with_user(self.credit_manager).create(
                {"date": "2026-10-31", "company_id": self.company.id, "bucket": "not_due", "amount": 1.0}
            )

    def test_nightly_run_takes_the_snapshot_of_its_day(self):
        with freeze_time("2026-11-01 10:00:00"):
            run = self.env["ar.collection.run"].sudo()._ar_start_runs(self.company)
            run._ar_run_to_end()
        self.assertEqual(run.state, "done", run.error_log)
        self.assertEqual(run.date, self.d("2026-11-01"))
        self.assertEqual(
            self.snapshot_rows("2026-11-01"),
            {(self.customer_a, "31_60"): 400.0, (self.customer_a, "not_due"): 4000.0},
        )

    # ------------------------------------------------------------------
    # KPIs
    # ------------------------------------------------------------------
    @freeze_time("2026-11-15")
    def test_kpis_of_october_against_hand_computed_figures(self):
        self.take_month_ends()
        kpis = self.Kpi._ar_compute("2026-10-01", "2026-10-31", self.company.ids)[(self.company.id, None)]
        expected = {
            "ar_begin": 6000.0,
            "ar_end": 4400.0,
            "current_end": 4000.0,
            "sales": 4000.0,
            "written_off": 500.0,
            # 4,400 / 4,000 × 31
            "dso": 34.1,
            # October's 4,000 sales cover 31 days; the 400 left are 400/5,000 of September's 30 days
            "dso_countback": 33.4,
            # 4,000 / 4,000 × 31
            "bpdso": 31.0,
            "add": 3.1,
            # (6,000 + 4,000 − 4,400) / (6,000 + 4,000 − 4,000)
            "cei": 93.333333,
            "overdue_ratio": 400 / 4400 * 100,
            "over_90_ratio": 0.0,
            "bad_debt_ratio": 12.5,
            # 4,000 / ((6,000 + 4,400) / 2); 31 days / turnover
            "turnover": 4000 / 5200,
            "collection_period": 40.3,
            "promise_count": 2,
            "promise_kept_count": 1,
            "promise_kept_rate": 50.0,
            # nothing current became 1-30 days; 400 of the 3,000 in 1-30 days moved to 31-60
            "roll_1_30": 0.0,
            "roll_31_60": 13.333333,
            "roll_61_90": 0.0,
            "roll_over_90": 0.0,
        }
        for fname, value in expected.items():
            self.assertAlmostEqual(
                kpis[fname], value, places=4 if fname not in ("collection_period",) else 1, msg=fname
            )

    @freeze_time("2026-11-15")
    def test_kpis_per_collector_and_grade(self):
        self.take_month_ends()
        by_collector = self.Kpi._ar_compute("2026-10-01", "2026-10-31", self.company.ids, "collector")
        li = by_collector[(self.company.id, self.collector.id)]
        wu = by_collector[(self.company.id, self.collector_2.id)]
        # Li's portfolio (A): AR₀ 3,000 all overdue, AR₁ 4,400, sales 4,000
        self.assertEqual((li["ar_begin"], li["ar_end"], li["sales"]), (3000.0, 4400.0, 4000.0))
        self.assertAlmostEqual(li["cei"], (3000 + 4000 - 4400) / (3000 + 4000 - 4000) * 100)
        self.assertAlmostEqual(li["roll_31_60"], 400 / 3000 * 100)
        # Wu's (B): 3,000 current at the start, all collected
        self.assertEqual((wu["ar_begin"], wu["ar_end"], wu["sales"]), (3000.0, 0.0, 0.0))
        self.assertAlmostEqual(wu["cei"], 100.0)
        by_grade = self.Kpi._ar_compute(
            "2026-10-01", "2026-10-31", self.company.ids, "grade", dimension_ids=self.grade_d.ids
        )
        self.assertEqual(list(by_grade), [(self.company.id, self.grade_d.id)])

    @freeze_time("2026-11-15")
    def test_lateness_weighted_receipts(self):
        receipts = self.Kpi._ar_receipts(
            self.d("2026-10-01"), self.d("2026-10-31"), self.company.ids, "collector", None
        )
        # Li: 600 21 days late (−20 %) + 1,500 35 days late (−40 %); the write-off is no receipt
        self.assertAlmostEqual(receipts[(self.company.id, self.collector.id)]["collected"], 2100.0)
        self.assertAlmostEqual(receipts[(self.company.id, self.collector.id)]["weighted"], 480.0 + 900.0)
        # Wu: 3,000 5 days late (−20 %)
        self.assertAlmostEqual(receipts[(self.company.id, self.collector_2.id)]["weighted"], 2400.0)
        self.company.ar_late_deduction_30 = 10.0
        receipts = self.Kpi._ar_receipts(
            self.d("2026-10-01"), self.d("2026-10-31"), self.company.ids, "collector", None
        )
        self.assertAlmostEqual(receipts[(self.company.id, self.collector_2.id)]["weighted"], 2700.0, msg="configurable")
        with self.assertRaises(ValidationError):
            self.company.ar_late_deduction_60 = 120.0

    # ------------------------------------------------------------------
    # Dashboard and scorecards
    # ------------------------------------------------------------------
    @freeze_time("2026-11-15")
    def test_dashboard_refresh_builds_months_with_their_trend(self):
        Period = self.env["ar.kpi.period"]
        with self.assertRaises(AccessError):
            Period.with_user(self.collector).action_refresh(months=2)
        Period.with_user(self.credit_manager).action_refresh(months=2)
        october = Period.search([("dimension", "=", "company"), ("date_to", "=", "2026-10-31")])
        september = Period.search([("dimension", "=", "company"), ("date_to", "=", "2026-09-30")])
        self.assertEqual((october.name, october.ar_end, september.ar_end), ("2026-10", 4400.0, 6000.0))
        self.assertEqual(october.previous_id, september)
        self.assertAlmostEqual(october.dso_trend, october.dso - september.dso)
        self.assertAlmostEqual(october.ar_end_trend, -1600.0)
        # September: AR₀ (31 August) 1,000, sales 5,000, AR₁ 6,000 of which 3,000 current
        self.assertAlmostEqual(september.cei, (1000 + 5000 - 6000) / (1000 + 5000 - 3000) * 100)
        self.assertEqual(Period.search_count([("dimension", "=", "collector"), ("date_to", "=", "2026-10-31")]), 2)
        action = october.action_open_overdue()
        overdue = self.env["ar.aging.snapshot"].search(action["domain"])
        self.assertEqual(overdue.mapped("amount"), [400.0], "the figure drills down to its records")
        # recomputing replaces
        Period.with_user(self.credit_manager).action_refresh(months=2)
        self.assertEqual(Period.search_count([("dimension", "=", "company")]), 2)

    @freeze_time("2026-11-15")
    def test_scorecards_and_who_sees_them(self):
        self.env["ar.kpi.period"].with_user(self.credit_manager).action_refresh(months=1)
        Scorecard = self.env["ar.collector.scorecard"]
        li = Scorecard.search([("user_id", "=", self.collector.id), ("role", "=", "collector")])
        self.assertRecordValues(
            li,
            [
                {
                    "period": "2026-10",
                    "collected_amount": 2100.0,
                    "weighted_amount": 1380.0,
                    "contact_count": 1,
                    "promise_count": 2,
                    "promise_kept_count": 1,
                }
            ],
        )
        salesman = Scorecard.search([("user_id", "=", self.salesman.id), ("role", "=", "salesperson")])
        self.assertEqual(salesman.weighted_amount, 1380.0, "A's salesperson is judged on A's receipts")
        # a collector reads his own scorecard only (record rules, as over RPC)
        mine = Scorecard.with_user(self.collector).search([])
        self.assertEqual(mine.user_id, self.collector)
        wu_card = Scorecard.search([("user_id", "=", self.collector_2.id)])
        with self.assertRaises(AccessError):
            wu_card.with_user(self.collector).read(["weighted_amount"])
        self.assertEqual(len(Scorecard.with_user(self.credit_manager).search([])), len(Scorecard.search([])))
        with self.assertRaises(AccessError):
            li.with_user(self.collector).write({"weighted_amount": 1e6})
        # collectors see the company's KPIs and their own portfolio's, not a colleague's
        periods = self.env["ar.kpi.period"].with_user(self.collector).search([])
        self.assertEqual(set(periods.mapped("dimension")), {"company", "collector"})
        self.assertEqual(periods.filtered("collector_id").collector_id, self.collector)

    @freeze_time("2026-11-15")
    def test_scorecard_xlsx_for_payroll(self):
        import io

        import openpyxl

        self.env["ar.kpi.period"].with_user(self.credit_manager).action_refresh(months=1)
        cards = self.env["ar.collector.scorecard"].with_user(self.credit_manager).search([("role", "=", "collector")])
        action = cards.action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        sheet = openpyxl.load_workbook(io.BytesIO(attachment.raw)).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]
        by_person = {row[2]: row for row in rows if row[2]}
        self.assertEqual(by_person["Collector Li"][4:6], [2100.0, 1380.0])
        self.assertEqual(by_person["Collector Wu"][4:6], [3000.0, 2400.0])

    # ------------------------------------------------------------------
    # Cash-in forecast
    # ------------------------------------------------------------------
    @freeze_time("2026-11-15")
    def test_expected_payment_dates(self):
        Forecast = self.env["ar.cash.forecast"]
        # as of 1 October: the open promises give A1 (5 October) and A2 (10 October); B1 is
        # expected on its due date (no receipt before: 0 days late on average)
        expected = Forecast._ar_get_expected_payments("2026-10-01", self.company.ids)
        self.assertEqual(
            {move_id: row["expected_date"] for move_id, row in expected.items()},
            {
                self.invoice_a1.id: self.d("2026-10-05"),
                self.invoice_a2.id: self.d("2026-10-10"),
                self.invoice_b1.id: self.d("2026-10-20"),
            },
        )
        # as of 15 November: A paid (600 × 21 + 1,500 × 35) / 2,100 = 31 days late on average;
        # A3 (due 9 November) is expected on 10 December, A1's rest (long past) tomorrow
        expected = Forecast._ar_get_expected_payments("2026-11-15", self.company.ids)
        self.assertEqual(
            {move_id: (row["residual"], row["expected_date"]) for move_id, row in expected.items()},
            {self.invoice_a1.id: (400.0, self.d("2026-11-16")), self.invoice_a3.id: (4000.0, self.d("2026-12-10"))},
        )

    @freeze_time("2026-11-15")
    def test_weekly_forecast_and_backtest_accuracy(self):
        Forecast = self.env["ar.cash.forecast"]
        backtest = Forecast.sudo()._ar_generate(self.company, self.d("2026-10-01"), "backtest")
        weeks = {line.week: (line.expected_amount, line.actual_amount) for line in backtest.line_ids}
        # weeks from 2 October: A1 expected in week 1 (600 came), A2 in week 2 (1,500 came on
        # 15 October), B1 in week 3 (paid on 25 October: week 4)
        self.assertEqual(weeks, {1: (1000.0, 600.0), 2: (2000.0, 1500.0), 3: (3000.0, 0.0), 4: (0.0, 3000.0)})
        self.assertEqual((backtest.expected_amount, backtest.actual_amount), (6000.0, 5100.0))
        # weekly: 1 − (400 + 500 + 3,000 + 3,000) / 5,100 < 0 → 0; total: 1 − 900 / 5,100
        self.assertEqual(backtest.accuracy_weekly, 0.0)
        self.assertEqual(backtest.accuracy_total, round((1 - 900 / 5100) * 100, 1), "82.4 %, shown to one decimal")
        self.assertEqual(backtest.line_ids.line_currency_id, self.currency)
        with self.assertRaises(AccessError):
            Forecast.with_user(self.collector).action_refresh()
        Forecast.with_user(self.credit_manager).action_refresh()
        forecast = Forecast.search([("kind", "=", "forecast")])
        self.assertEqual(forecast.date, self.d("2026-11-15"))
        self.assertEqual({line.week: line.expected_amount for line in forecast.line_ids}, {1: 400.0, 4: 4000.0})
        self.assertEqual(len(Forecast.search([("kind", "=", "backtest")])), 2, "kept per date")
        self.assertEqual(Forecast.with_user(self.collector).search_count([]), 3, "collectors read the forecast")

    @freeze_time("2026-11-15")
    def test_invoice_shows_its_expected_payment_date(self):
        invoices = (self.invoice_a1 | self.invoice_a3 | self.invoice_b1).with_user(self.collector)
        self.assertEqual(
            invoices.mapped("ar_expected_payment_date"), [self.d("2026-11-16"), self.d("2026-12-10"), False]
        )
