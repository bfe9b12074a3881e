"""Promises "to accept" (made by the customer from his link) and "refused" wherever promises
are read: they are the customer's word only, so they are not checked, pause nothing, count in
no figure; a collector sees the promises to accept as something to act on.

The customer (Huadong Machinery) owes three overdue invoices; on Monday 2 March 2026
(grace period 3 days):

- the collector takes a promise of 600 on invoice 1 (1,000) for Friday 6 March, kept by a
  payment of 600 on 5 March;
- the collector takes a promise of 300 on invoice 3 (300) for 6 March, nothing is paid: broken;
- from his link the customer promises 500 on invoice 2 (500) for 5 March: to accept;
- from his link the customer promised 400 on invoice 2 for 7 March, refused by the collector.
"""

from datetime import date

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common_collections import ArCollectionRunCommon
from .common_workspace import ArWorkspaceCommon


@tagged("post_install", "-at_install")
class TestPromiseStates(ArWorkspaceCommon, ArCollectionRunCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice_3 = cls.ar_invoice(cls.customer, 300.0, "2026-01-21", "2026-02-20")
        Promise = cls.env["ar.payment.promise"]
        with freeze_time("2026-03-02 02:00:00"):
            cls.promise_open = cls.collector_promise(cls.invoice_1, 600.0, "2026-03-06")
            cls.promise_broken = cls.collector_promise(cls.invoice_3, 300.0, "2026-03-06")
            # as the customer link creates them (sudo: the visitor has no rights)
            cls.promise_to_accept, cls.promise_refused = Promise.sudo().create(
                [
                    {
                        "partner_id": cls.customer.id,
                        "company_id": cls.company.id,
                        "user_id": cls.collector.id,
                        "invoice_ids": [Command.set(cls.invoice_2.ids)],
                        "date": day,
                        "amount": amount,
                        "state": "to_accept",
                    }
                    for day, amount in (("2026-03-05", 500.0), ("2026-03-07", 400.0))
                ]
            )
            cls.promise_refused.with_user(cls.collector).action_refuse()

    @classmethod
    def collector_promise(cls, invoice, amount, day):
        return (
            cls.env["ar.payment.promise"]
            .with_user(cls.collector)
            .create(
                {
                    "partner_id": cls.customer.id,
                    "date": day,
                    "amount": amount,
                    "invoice_ids": [Command.set(invoice.ids)],
                }
            )
        )

    def run_on(self, day):
        with freeze_time(f"{day} 01:00:00"):
            return self.run_collections()

    def pay_invoice_1(self):
        """The payment of 600 on 5 March that keeps the collector's first promise."""
        self.ar_pay(self.invoice_1, 600.0, "2026-03-05")

    def check_promises(self, day="2026-03-10"):
        self.pay_invoice_1()
        with freeze_time(f"{day} 12:00:00"):
            return self.env["ar.payment.promise"]._cron_check_promises()

    def test_setup(self):
        self.assertEqual(
            (self.promise_open | self.promise_broken | self.promise_to_accept | self.promise_refused).mapped("state"),
            ["open", "open", "to_accept", "refused"],
        )
        self.assertEqual(self.promise_to_accept.date_deadline, date(2026, 3, 8))

    # ------------------------------------------------------------------
    # The nightly check and the dunning pause
    # ------------------------------------------------------------------
    def test_nightly_run_checks_accepted_promises_only(self):
        """On 10 March every deadline has passed: the run decides the collector's two
        promises and leaves the customer's own as they are, without a note or an escalation."""
        self.pay_invoice_1()
        self.run_on("2026-03-10")
        self.assertEqual((self.promise_open.state, self.promise_open.paid_amount), ("kept", 600.0))
        self.assertEqual((self.promise_broken.state, self.promise_broken.paid_amount), ("broken", 0.0))
        self.assertEqual(self.promise_to_accept.state, "to_accept")
        self.assertFalse(self.promise_to_accept.checked_date)
        self.assertEqual(self.promise_refused.state, "refused")
        self.assertFalse(self.promise_refused.checked_date)
        # the broken promise (300) is noted on the customer; nothing of the customer's own
        notes = [body for body in self.customer.message_ids.mapped("body") if "broken" in body]
        self.assertTrue(notes)
        self.assertTrue(all("300" in body and "500" not in body and "400" not in body for body in notes), notes)
        self.customer.invalidate_recordset()
        customer = self.customer.with_user(self.collector)
        self.assertEqual(customer.ar_broken_promise_count, 1)
        self.assertEqual(customer.ar_to_accept_promise_count, 1)
        # the cron does the same: nothing more is decided
        with freeze_time("2026-03-11 12:00:00"):
            self.assertFalse(self.env["ar.payment.promise"]._cron_check_promises())

    def test_only_accepted_promises_pause_dunning(self):
        Move = self.env["account.move"]
        with freeze_time("2026-03-04 12:00:00"):
            self.assertEqual(Move._ar_get_paused_invoice_ids(self.company), set((self.invoice_1 | self.invoice_3).ids))
            dunnable = self.env["ar.dunning.message"]._ar_get_dunnable_invoices(self.customer.ids, self.company)
        self.assertFalse(dunnable, "nothing staged yet")
        self.run_on("2026-03-04")
        # invoice 2 (17 days overdue) is staged and reminded; the promised ones are not
        self.assertEqual(self.invoice_2.collection_stage_id, self.stage_1_30)
        self.assertFalse(self.invoice_1.collection_stage_id)
        self.assertFalse(self.invoice_3.collection_stage_id)
        with freeze_time("2026-03-04 12:00:00"):
            dunnable = self.env["ar.dunning.message"]._ar_get_dunnable_invoices(self.customer.ids, self.company)
        self.assertEqual(dunnable[self.customer.id], self.invoice_2)
        with freeze_time("2026-03-04 02:00:00"):
            letter = self.env["ar.dunning.letter"].with_user(self.collector).create({"partner_id": self.customer.id})
        self.assertEqual(letter.invoice_ids, self.invoice_2)
        # once the collector accepts the customer's promise, invoice 2 is paused too
        self.promise_to_accept.with_user(self.collector).action_accept()
        with freeze_time("2026-03-04 12:00:00"):
            self.assertEqual(
                Move._ar_get_paused_invoice_ids(self.company),
                set((self.invoice_1 | self.invoice_2 | self.invoice_3).ids),
            )

    def test_promise_to_accept_lifts_no_hold(self):
        """On 20 March invoice 2 is 33 days overdue: the run puts it in the 31-60 stage, which
        holds new sales, whatever the customer promised from his link; the salesperson's order
        stops on it."""
        self.run_on("2026-03-20")
        self.assertEqual(self.promise_to_accept.state, "to_accept")
        self.assertEqual(self.invoice_2.collection_stage_id, self.stage_31_60)
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.salesman.id,
                "order_line": [Command.create({"product_id": self.product_a.id, "price_unit": 100.0})],
            }
        )
        with freeze_time("2026-03-20 02:00:00"), self.assertRaises(UserError) as error:
            order.with_user(self.salesman).action_confirm()
        self.assertIn(self.invoice_2.name, str(error.exception))
        self.assertEqual(order.state, "draft")

    # ------------------------------------------------------------------
    # KPIs, scorecard, score and danger signals
    # ------------------------------------------------------------------
    def test_promise_kept_rate_and_its_drill_down(self):
        """March: two promises decided (one kept, one broken) = 50 %; the customer's own two
        promises, whose deadlines also fall in March, are not in the rate nor behind it."""
        self.check_promises()
        Period = self.env["ar.kpi.period"].sudo()
        with freeze_time("2026-04-01 03:00:00"):
            periods = Period._ar_generate(self.company, date(2026, 3, 1), date(2026, 3, 31))
        march = periods.filtered(lambda p: p.dimension == "company")
        self.assertEqual((march.promise_count, march.promise_kept_count, march.promise_kept_rate), (2, 1, 50.0))
        action = march.with_user(self.credit_manager).action_open_promises()
        shown = self.env[action["res_model"]].with_user(self.credit_manager).search(action["domain"])
        self.assertEqual(shown, self.promise_open | self.promise_broken)
        # the collector's row (the company's default collector follows the customer): the same two
        by_collector = periods.filtered(lambda p: p.dimension == "collector" and p.collector_id == self.collector)
        self.assertEqual((by_collector.promise_count, by_collector.promise_kept_rate), (2, 50.0))
        action = by_collector.with_user(self.credit_manager).action_open_promises()
        shown = self.env[action["res_model"]].with_user(self.credit_manager).search(action["domain"])
        self.assertEqual(shown, self.promise_open | self.promise_broken)

    def test_scorecard_counts_the_promises_the_collector_took(self):
        self.check_promises()
        cards = (
            self.env["ar.collector.scorecard"].sudo()._ar_generate(self.company, date(2026, 3, 1), date(2026, 3, 31))
        )
        card = cards.filtered(lambda c: c.role == "collector" and c.user_id == self.collector)
        self.assertEqual((card.promise_count, card.promise_kept_count), (2, 1))
        # the customer's promise, once accepted, is one he took
        self.promise_to_accept.with_user(self.collector).action_accept()
        cards = (
            self.env["ar.collector.scorecard"].sudo()._ar_generate(self.company, date(2026, 3, 1), date(2026, 3, 31))
        )
        card = cards.filtered(lambda c: c.role == "collector" and c.user_id == self.collector)
        self.assertEqual(card.promise_count, 3)

    def score_factors(self, today="2026-03-31"):
        with freeze_time(f"{today} 03:00:00"):
            self.env["ar.credit.score"]._ar_refresh(self.company, today)
        score = self.env["ar.credit.score"].search(
            [("partner_id", "=", self.customer.id), ("company_id", "=", self.company.id)]
        )
        return {code: entry["value"] for code, entry in score.factor_points.items()}

    def test_score_broken_promises_share(self):
        """Broken promises = 1 broken of 2 decided = 50 % (not 1 of 4 with the customer's own)."""
        self.check_promises()
        self.assertEqual(self.score_factors()["broken_promises"], 50.0)

    def test_second_broken_promise_in_a_row(self):
        """A second collector's promise on invoice 3 is broken after the first: the last two
        decided promises are broken. The customer's own promises, due later, are no decided
        promise and do not hide the signal."""
        with freeze_time("2026-03-02 02:00:00"):
            self.collector_promise(self.invoice_3, 100.0, "2026-03-07")  # deadline 10 March
        with freeze_time("2026-03-04 02:00:00"):
            late = (
                self.env["ar.payment.promise"]
                .sudo()
                .create(
                    {
                        "partner_id": self.customer.id,
                        "company_id": self.company.id,
                        "user_id": self.collector.id,
                        "invoice_ids": [Command.set(self.invoice_2.ids)],
                        "date": "2026-03-09",
                        "amount": 100.0,
                        "state": "to_accept",
                    }
                )
            )
        self.assertEqual(late.date_deadline, date(2026, 3, 12))
        self.check_promises("2026-03-11")
        self.score_factors()
        with freeze_time("2026-03-31 03:00:00"):
            warnings = self.env["ar.credit.warning"]._ar_detect(self.company, "2026-03-31")
        broken_twice = warnings.filtered(lambda w: w.partner_id == self.customer and w.signal == "broken_twice")
        self.assertEqual(len(broken_twice), 1)

    # ------------------------------------------------------------------
    # Forecast, worklist, customer, aging report, dashboard
    # ------------------------------------------------------------------
    def test_forecast_expects_accepted_promises_only(self):
        """As of 3 March: invoices 1 and 3 on their promised 6 March; invoice 2 (due 15
        February, no payment history) is expected the next day, 4 March, not on the customer's
        unaccepted 5 March nor on his refused 7 March."""
        expected = self.env["ar.cash.forecast"]._ar_get_expected_payments(date(2026, 3, 3), self.company.ids)
        self.assertEqual(expected[self.invoice_1.id]["expected_date"], date(2026, 3, 6))
        self.assertEqual(expected[self.invoice_3.id]["expected_date"], date(2026, 3, 6))
        self.assertEqual(expected[self.invoice_2.id]["expected_date"], date(2026, 3, 4))
        with freeze_time("2026-03-03 12:00:00"):
            self.invoice_2.invalidate_recordset()
            self.assertEqual(self.invoice_2.ar_expected_payment_date, date(2026, 3, 4))
            self.promise_to_accept.with_user(self.collector).action_accept()
            self.invoice_2.invalidate_recordset()
            self.assertEqual(self.invoice_2.ar_expected_payment_date, date(2026, 3, 5))

    def test_worklist_shows_the_promise_to_accept(self):
        self.run_on("2026-03-04")
        Worklist = self.env["ar.collection.worklist"].with_user(self.collector)
        with freeze_time("2026-03-04 02:00:00"):
            row = Worklist.search([("partner_id", "=", self.customer.id)])
            self.assertEqual(len(row), 1)
            # the next promised payment: the collector's promise of 600 on 6 March (the first
            # of the two), not the customer's 500 on 5 March
            self.assertEqual((row.next_promise_date, row.next_promise_amount), (date(2026, 3, 6), 600.0))
            self.assertEqual((row.to_accept_promise_count, row.broken_promise_count), (1, 0))
            self.assertEqual(Worklist.search([("to_accept_promise_count", ">", 0)]), row)
            action = row.action_open_promises_to_accept()
            self.assertEqual(
                self.env[action["res_model"]].with_user(self.collector).search(action["domain"]),
                self.promise_to_accept,
            )
            self.promise_to_accept.with_user(self.collector).action_accept()
            Worklist.invalidate_model()  # a new read of the worklist, as the next page load
            row = Worklist.search([("partner_id", "=", self.customer.id)])
            self.assertEqual((row.next_promise_date, row.next_promise_amount), (date(2026, 3, 5), 500.0))
            self.assertEqual(row.to_accept_promise_count, 0)
            self.assertFalse(Worklist.search([("to_accept_promise_count", ">", 0)]))

    def test_customer_figures(self):
        """The customer's Credit & Collections tab: next promised payment 6 March, 900 (the
        collector's two promises of that day), one promise to accept, none broken."""
        with freeze_time("2026-03-04 02:00:00"):
            customer = self.customer.with_user(self.collector)
            self.assertEqual(customer.ar_next_promise_date, date(2026, 3, 6))
            self.assertEqual(customer.ar_next_promise_amount, 900.0)
            self.assertEqual(customer.ar_to_accept_promise_count, 1)
            self.assertEqual(customer.ar_broken_promise_count, 0)
            action = customer.action_ar_view_promises_to_accept()
            self.assertEqual(
                self.env[action["res_model"]].with_user(self.collector).search(action["domain"]),
                self.promise_to_accept,
            )

    def test_aging_report_promise_column(self):
        Report = self.env["report.ar_collections.report_ar_aging"]
        summary = Report._ar_get_contact_summary([self.customer.id], self.company)
        self.assertEqual(
            sorted(summary[self.customer.id]["promises"].split("\n")), ["2026-03-06: 300.00", "2026-03-06: 600.00"]
        )

    def test_dashboard_promises_due_this_week(self):
        """Week of Wednesday 4 March (Sunday 1 to Saturday 7 March): the collector's two
        promises, 900; not the customer's 500 to accept nor his refused 400."""
        with freeze_time("2026-03-04 02:00:00"):
            data = self.env["ar.kpi.dashboard"].with_user(self.credit_manager).get_dashboard_data()
        block = data["promises_week"]
        self.assertEqual(block["total"], 900.0)
        self.assertEqual({row["id"] for row in block["rows"]}, set((self.promise_open | self.promise_broken).ids))

    def test_promises_menu_shows_those_to_accept(self):
        """Collections › Promises to Pay opens on the running promises and those to accept (the
        default filters of its action, as the search view defines them); not the refused one."""
        action = self.env.ref("ar_collections.ar_payment_promise_action")
        Promise = self.env["ar.payment.promise"].with_user(self.collector)
        arch = etree.fromstring(Promise.get_views([(False, "search")])["views"]["search"]["arch"])
        defaults = [key.removeprefix("search_default_") for key in safe_eval(action.context)]
        domains = [safe_eval(arch.xpath(f"//filter[@name='{name}']")[0].get("domain")) for name in defaults]
        shown = Promise.search(expression.OR(domains))
        self.assertEqual(shown, self.promise_open | self.promise_broken | self.promise_to_accept)

    def test_other_company_promises_stay_there(self):
        """A promise to accept of the same customer in another company shows in that
        company only."""
        company_2 = self.setup_other_company(name="Suzhou Branch")["company"]
        self.collector.company_ids = [Command.link(company_2.id)]
        invoice = self.ar_invoice(self.customer, 700.0, "2026-01-10", "2026-02-09", company=company_2)
        with freeze_time("2026-03-02 02:00:00"):
            self.env["ar.payment.promise"].sudo().create(
                {
                    "partner_id": self.customer.id,
                    "company_id": company_2.id,
                    "user_id": self.collector.id,
                    "invoice_ids": [Command.set(invoice.ids)],
                    "date": "2026-03-03",
                    "amount": 700.0,
                    "state": "to_accept",
                }
            )
        with freeze_time("2026-03-04 02:00:00"):
            here = self.customer.with_user(self.collector).with_company(self.company)
            self.assertEqual((here.ar_to_accept_promise_count, here.ar_next_promise_date), (1, date(2026, 3, 6)))
            there = self.customer.with_user(self.collector).with_company(company_2)
            self.assertEqual((there.ar_to_accept_promise_count, there.ar_next_promise_date), (1, False))
            self.assertEqual(
                self.env["ar.payment.promise"]
                .with_user(self.collector)
                .with_company(self.company)
                .search(there.action_ar_view_promises_to_accept()["domain"]),
                self.promise_to_accept,
                "the other company's promise is not readable from this one",
            )
