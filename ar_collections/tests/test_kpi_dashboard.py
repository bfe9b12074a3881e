"""The collections dashboard's data (``ar.kpi.dashboard.get_dashboard_data``) over a built
history, dates frozen on Wednesday 18 November 2026 (weeks start on Monday: this week is
16-22 November). One company, buckets 30/60/90, amounts without taxes, grace 3 days:

- A (Huadong Machinery; collector Li, salesperson Zhang, grade A): 5,000 invoiced on
  1 August, due 31 August (79 days overdue); 1,000 invoiced on 10 November, due 10 December;
- B (Jiangnan Textiles; collector Wu, grade D): 3,000 invoiced on 1 September, due 1 October,
  1,000 paid on 20 October (19 days late): 2,000 overdue; an unapplied receipt of 500 on
  5 November: B owes 1,500 overdue net (the aging query nets the credits);
- C (Xinhua Printing; collector Wu): 2,500 invoiced on 1 October, due 16 October;
- D (Lingnan Foods): 9,000 invoiced on 1 November, due 1 December: nothing overdue.

Promises: P1 A 2,000 for Tuesday 17 November (Li), P2 C 1,000 for Sunday 22 November (Wu),
P3 B 700 for 25 November (next week), all open; P4 B 800 for 5 November (Wu), broken on
its deadline 8 November; P5 C 900 for 10 October (Wu, made 2 October), broken on
13 October, more than 30 days ago.

Month-ends: 30 September A 5,000 in 1-30, B 3,000 not due; 31 October A 5,000 in 61-90,
B 2,000 and C 2,500 in 1-30 (9,500).
"""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import ArCollectionsCommon


@tagged("post_install", "-at_install")
class TestArKpiDashboard(ArCollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"ar_promise_grace_days": 3, "ar_timezone": "UTC"})
        cls.env.ref("base.lang_en").week_start = "1"
        cls.collector_wu = new_test_user(
            cls.env,
            "ar_dashboard_collector_wu",
            groups="base.group_user,ar_collections.group_ar_collections_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
            name="Collector Wu",
        )
        Partner = cls.env["res.partner"]
        cls.customer_a = cls.customer
        cls.customer_b = Partner.create({"name": "Jiangnan Textiles", "is_company": True})
        cls.customer_c = Partner.create({"name": "Xinhua Printing", "is_company": True})
        cls.customer_d = Partner.create({"name": "Lingnan Foods", "is_company": True})
        cls.customer_a.write({"collector_id": cls.collector.id, "credit_grade_id": cls.grade_a.id})
        cls.customer_a.user_id = cls.salesman
        cls.customer_b.write({"collector_id": cls.collector_wu.id, "credit_grade_id": cls.grade_d.id})
        cls.customer_c.collector_id = cls.collector_wu
        with freeze_time("2026-08-01"):
            cls.invoice_a1 = cls.ar_invoice(cls.customer_a, 5000.0, "2026-08-01", "2026-08-31")
        with freeze_time("2026-09-01"):
            cls.invoice_b1 = cls.ar_invoice(cls.customer_b, 3000.0, "2026-09-01", "2026-10-01")
        with freeze_time("2026-10-01"):
            cls.invoice_c1 = cls.ar_invoice(cls.customer_c, 2500.0, "2026-10-01", "2026-10-16")
        Promise = cls.env["ar.payment.promise"]
        with freeze_time("2026-10-02"):
            cls.promise_5 = Promise.with_user(cls.collector_wu).create(
                {
                    "partner_id": cls.customer_c.id,
                    "invoice_ids": [Command.set(cls.invoice_c1.ids)],
                    "date_start": "2026-10-02",
                    "date": "2026-10-10",
                    "amount": 900.0,
                }
            )
        with freeze_time("2026-10-20"):
            cls.ar_pay(cls.invoice_b1, 1000.0, "2026-10-20")
        with freeze_time("2026-11-01"):
            cls.invoice_d1 = cls.ar_invoice(cls.customer_d, 9000.0, "2026-11-01", "2026-12-01")
        with freeze_time("2026-11-02"):

            def promise(user, partner, invoice, date, amount):
                return Promise.with_user(user).create(
                    {
                        "partner_id": partner.id,
                        "invoice_ids": [Command.set(invoice.ids)],
                        "date_start": "2026-11-02",
                        "date": date,
                        "amount": amount,
                    }
                )

            cls.promise_1 = promise(cls.collector, cls.customer_a, cls.invoice_a1, "2026-11-17", 2000.0)
            cls.promise_2 = promise(cls.collector_wu, cls.customer_c, cls.invoice_c1, "2026-11-22", 1000.0)
            cls.promise_3 = promise(cls.collector_wu, cls.customer_b, cls.invoice_b1, "2026-11-25", 700.0)
            cls.promise_4 = promise(cls.collector_wu, cls.customer_b, cls.invoice_b1, "2026-11-05", 800.0)
        with freeze_time("2026-11-05"):
            cls.ar_unreconciled_payment(cls.customer_b, 500.0, "2026-11-05")
        with freeze_time("2026-11-10"):
            cls.invoice_a2 = cls.ar_invoice(cls.customer_a, 1000.0, "2026-11-10", "2026-12-10")
        with freeze_time("2026-11-15"):
            Promise.search([])._ar_check(today=cls.d("2026-11-15"))
        with freeze_time("2026-11-18"):
            cls.env["ar.kpi.period"].with_user(cls.credit_manager).action_refresh(months=1)
        cls.Dashboard = cls.env["ar.kpi.dashboard"]

    def data(self, user=None, **filters):
        return self.Dashboard.with_user(user or self.credit_manager).get_dashboard_data(filters)

    def test_history_is_as_built(self):
        self.assertEqual(
            (self.promise_1 | self.promise_2 | self.promise_3 | self.promise_4 | self.promise_5).mapped("state"),
            ["open", "open", "open", "broken", "broken"],
        )

    # ------------------------------------------------------------------
    # Top overdue customers
    # ------------------------------------------------------------------
    @freeze_time("2026-11-18")
    def test_top_overdue_customers_order_amounts_and_drill_down(self):
        top = self.data()["top_overdue"]
        self.assertEqual(
            [(row["partner_name"], row["overdue"], row["residual"], row["max_days_overdue"]) for row in top["rows"]],
            [
                ("Huadong Machinery", 5000.0, 6000.0, 79),
                ("Xinhua Printing", 2500.0, 2500.0, 33),
                # 2,000 overdue less the unapplied 500
                ("Jiangnan Textiles", 1500.0, 1500.0, 48),
            ],
        )
        # each row opens the customer's overdue invoices, the block the customers
        Move = self.env["account.move"]
        self.assertEqual(Move.search(top["rows"][0]["action"]["domain"]), self.invoice_a1, "not the one not due")
        self.assertEqual(Move.search(top["rows"][2]["action"]["domain"]), self.invoice_b1)
        self.assertEqual(
            self.env["res.partner"].search(top["action"]["domain"]),
            self.customer_a | self.customer_b | self.customer_c,
        )

    @freeze_time("2026-11-18")
    def test_top_overdue_customers_filtered(self):
        def names(**filters):
            return [row["partner_name"] for row in self.data(**filters)["top_overdue"]["rows"]]

        self.assertEqual(names(collector_id=self.collector_wu.id), ["Xinhua Printing", "Jiangnan Textiles"])
        self.assertEqual(names(user_id=self.salesman.id), ["Huadong Machinery"])
        self.assertEqual(names(credit_grade_id=self.grade_d.id), ["Jiangnan Textiles"])
        self.assertEqual(names(collector_id=self.collector_wu.id, credit_grade_id=self.grade_a.id), [])

    @freeze_time("2026-11-18")
    def test_top_overdue_keeps_ten_customers(self):
        for index in range(11):
            partner = self.env["res.partner"].create({"name": f"Overdue {index:02d}", "is_company": True})
            with freeze_time("2026-10-01"):
                self.ar_invoice(partner, 10000.0 + index, "2026-10-01", "2026-10-31")
        rows = self.data()["top_overdue"]["rows"]
        self.assertEqual([row["overdue"] for row in rows], [10000.0 + index for index in range(10, 0, -1)])

    # ------------------------------------------------------------------
    # Promises
    # ------------------------------------------------------------------
    @freeze_time("2026-11-18")
    def test_promises_due_this_week_and_broken_promises(self):
        data = self.data()
        self.assertEqual(data["week"], ["2026-11-16", "2026-11-22"])
        week = data["promises_week"]
        self.assertEqual(
            [(row["partner_name"], row["date"], row["amount"]) for row in week["rows"]],
            [("Huadong Machinery", "2026-11-17", 2000.0), ("Xinhua Printing", "2026-11-22", 1000.0)],
        )
        self.assertEqual(week["total"], 3000.0)
        Promise = self.env["ar.payment.promise"]
        self.assertEqual(Promise.search(week["action"]["domain"]), self.promise_1 | self.promise_2)
        broken = data["promises_broken"]
        self.assertEqual([row["id"] for row in broken["rows"]], self.promise_4.ids, "P5 broke 36 days ago")
        self.assertEqual(Promise.search(broken["action"]["domain"]), self.promise_4)
        self.assertEqual(broken["rows"][0]["action"]["res_id"], self.promise_4.id)
        # by collector: Li's week, nothing broken
        data = self.data(collector_id=self.collector.id)
        self.assertEqual([row["id"] for row in data["promises_week"]["rows"]], self.promise_1.ids)
        self.assertEqual(data["promises_broken"]["rows"], [])

    @freeze_time("2026-11-18")
    def test_week_follows_the_language(self):
        self.env.ref("base.lang_en").week_start = "7"
        data = self.data()
        # Sunday 15 - Saturday 21 November: P2 (Sunday 22) is next week's
        self.assertEqual(data["week"], ["2026-11-15", "2026-11-21"])
        self.assertEqual([row["id"] for row in data["promises_week"]["rows"]], self.promise_1.ids)

    # ------------------------------------------------------------------
    # KPI cards, aging trend, scorecards
    # ------------------------------------------------------------------
    @freeze_time("2026-11-18")
    def test_kpi_cards_and_aging_trend(self):
        data = self.data()
        [card] = data["kpis"]
        self.assertEqual((card["period"], card["figures"]["ar_end"]["value"]), ("2026-10", 9500.0))
        self.assertEqual(card["figures"]["overdue_end"]["value"], 9500.0)
        self.assertEqual(card["figures"]["ar_end"]["trend"], None, "no month before to compare with")
        overdue = self.env["ar.aging.snapshot"].search(card["overdue_action"]["domain"])
        self.assertEqual(sorted(overdue.mapped("amount")), [2000.0, 2500.0, 5000.0], "the card drills down")
        rows = {row["date"]: {cell["bucket"]: cell["amount"] for cell in row["cells"]} for row in data["trend"]["rows"]}
        self.assertEqual(list(rows)[-2:], ["2026-09-30", "2026-10-31"])
        self.assertEqual(
            rows["2026-09-30"], {"not_due": 3000.0, "1_30": 5000.0, "31_60": 0.0, "61_90": 0.0, "over_90": 0.0}
        )
        self.assertEqual(
            rows["2026-10-31"], {"not_due": 0.0, "1_30": 4500.0, "31_60": 0.0, "61_90": 5000.0, "over_90": 0.0}
        )
        self.assertEqual(rows["2026-05-31"], dict.fromkeys(rows["2026-05-31"], 0.0), "no snapshot then")
        cell = next(
            c for r in data["trend"]["rows"] if r["date"] == "2026-10-31" for c in r["cells"] if c["bucket"] == "1_30"
        )
        snapshots = self.env["ar.aging.snapshot"].search(cell["action"]["domain"])
        self.assertEqual(snapshots.partner_id, self.customer_b | self.customer_c)
        # Wu's portfolio: B and C
        [card] = self.data(collector_id=self.collector_wu.id)["kpis"]
        self.assertEqual(card["figures"]["ar_end"]["value"], 4500.0)

    @freeze_time("2026-11-18")
    def test_scorecards_of_the_last_month(self):
        cards = self.data()["scorecards"]
        self.assertEqual(cards["period"], "2026-10")
        by_person = {(row["user"], row["role"]): row for row in cards["rows"]}
        wu = by_person[("Collector Wu", "Collector")]
        # B's 1,000 came 19 days late: −20 %; P5 was made in October
        self.assertEqual((wu["collected_amount"], wu["weighted_amount"], wu["promise_count"]), (1000.0, 800.0, 1))
        self.assertIn(("Collector Li", "Collector"), by_person)
        self.assertIn(("Salesman Zhang", "Salesperson"), by_person)

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    @freeze_time("2026-11-18")
    def test_collector_sees_his_own_scorecard_and_portfolio(self):
        data = self.data(self.collector)
        self.assertEqual({row["user"] for row in data["scorecards"]["rows"]}, {"Collector Li"})
        self.assertEqual([card["figures"]["ar_end"]["value"] for card in data["kpis"]], [9500.0], "the company's")
        self.assertEqual(data["filters"]["collector_id"], [[self.collector.id, "Collector Li"]])
        # a colleague's portfolio KPIs and scorecard stay hidden, even asked for by id
        data = self.data(self.collector, collector_id=self.collector_wu.id)
        self.assertEqual((data["kpis"], data["scorecards"]["rows"]), ([], []))
        [card] = self.data(self.collector, collector_id=self.collector.id)["kpis"]
        self.assertEqual(card["figures"]["ar_end"]["value"], 5000.0)
        # managers and auditors see everyone's
        for user in (self.credit_manager, self.auditor):
            people = {row["user"] for row in self.data(user)["scorecards"]["rows"]}
            self.assertEqual(people, {"Collector Li", "Collector Wu", "Salesman Zhang"}, user.name)
            self.assertEqual(len(self.data(user, collector_id=self.collector_wu.id)["kpis"]), 1, user.name)

    @freeze_time("2026-11-18")
    def test_filters_are_checked_and_companies_kept_apart(self):
        other = self.setup_other_company()["company"]
        partner = self.env["res.partner"].create({"name": "Other Company Customer", "is_company": True})
        with freeze_time("2026-09-01"):
            self.ar_invoice(partner, 99999.0, "2026-09-01", "2026-09-30", company=other)
        for filters in ({"company_id": other.id}, {"collector_id": "1"}, {"user_id": [1]}, {"company_id": True}):
            with self.assertRaises(UserError, msg=filters):
                self.data(self.collector, **filters)
        with self.assertRaises(UserError):
            self.Dashboard.with_user(self.collector).get_dashboard_data(["not", "a", "dict"])
        names = [row["partner_name"] for row in self.data()["top_overdue"]["rows"]]
        self.assertNotIn("Other Company Customer", names)
        # a user of both companies sees each one's own when he picks it
        self.credit_manager.company_ids = [Command.link(other.id)]
        Dashboard = self.Dashboard.with_user(self.credit_manager).with_context(
            allowed_company_ids=[self.company.id, other.id]
        )
        data = Dashboard.get_dashboard_data({"company_id": other.id})
        self.assertEqual([row["partner_name"] for row in data["top_overdue"]["rows"]], ["Other Company Customer"])
        self.assertEqual(data["kpis"], [], "the other company has no KPIs yet")
        self.assertEqual(data["promises_week"]["rows"], [])

    @freeze_time("2026-11-18")
    def test_queries_do_not_grow_with_the_customers(self):
        Promise = self.env["ar.payment.promise"]

        def add_customers(count):
            for index in range(count):
                partner = self.env["res.partner"].create(
                    {"name": f"More {index}", "is_company": True, "collector_id": self.collector_wu.id}
                )
                with freeze_time("2026-10-01"):
                    invoice = self.ar_invoice(partner, 100.0 + index, "2026-10-01", "2026-10-31")
                with freeze_time("2026-11-02"):
                    Promise.with_user(self.collector_wu).create(
                        {
                            "partner_id": partner.id,
                            "invoice_ids": [Command.set(invoice.ids)],
                            "date_start": "2026-11-02",
                            "date": "2026-11-20",
                            "amount": 50.0,
                        }
                    )

        def queries():
            self.data()  # pending computations flushed, caches warm
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            data = self.data()
            return self.env.cr.sql_log_count - before, data

        add_customers(8)
        count, data = queries()
        self.assertEqual(len(data["promises_week"]["rows"]), 10)
        add_customers(16)
        more, data = queries()
        self.assertEqual(len(data["top_overdue"]["rows"]), 10)
        self.assertEqual(len(data["promises_week"]["rows"]), 26)
        # (the first count may include loading the record rules' cache)
        self.assertLessEqual(more, count, "a fixed number of queries: 16 customers more, not one query more")
