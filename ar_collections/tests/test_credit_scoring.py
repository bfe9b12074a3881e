from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException

from odoo.addons.ar_collections.models.ar_credit_review import REVIEW_LOCK_CLASS

from .common_scoring import TODAY, ArScoringCommon


@tagged("post_install", "-at_install")
class TestCreditScore(ArScoringCommon):
    def factors(self, partner):
        return {code: entry["value"] for code, entry in self.score_of(partner).factor_points.items()}

    def test_good_payer(self):
        scores = self.refresh()
        self.assertNotIn(self.customer.id, scores, "no invoice: no score")
        factors = self.factors(self.good)
        # days late 0, 0, 2 on three invoices of 120,000: 2/3 day on average
        self.assertAlmostEqual(factors["days_late"], 2 / 3, places=4)
        self.assertAlmostEqual(factors["trend"], 2.0)  # 2 days in the last 3 months, 0 before
        self.assertAlmostEqual(factors["late_share"], 100 / 3, places=4)
        self.assertEqual(factors["broken_promises"], 0.0)
        self.assertEqual(factors["utilisation"], 0.0)
        self.assertEqual(factors["age"], 12.0)
        score = self.score_of(self.good)
        # 29.667 + 9.333 + 8 + 15 + 5 + 10 + 5 + 5 = 87 of 100
        self.assertEqual(score.score, 87)
        self.assertEqual(score.proposed_grade_id, self.grade_a)
        # 240,000 invoiced in 12 months = 20,000 a month, x 3 months for grade A
        self.assertEqual(score.avg_monthly_sales, 20000.0)
        self.assertEqual(score.proposed_limit, 60000.0)
        self.assertEqual((score.current_grade_id, score.current_limit), (self.grade_b, 50000.0))
        # the salesperson reads it on the customer, with the why
        good = self.good.with_user(self.salesman)
        self.assertEqual((good.ar_score, good.ar_score_grade_id, good.ar_score_limit), (87, self.grade_a, 60000.0))
        self.assertIn("Average Days Late", good.ar_score_explanation)
        self.assertIn("29.7 / 30", good.ar_score_explanation)

    def test_slowing_payer(self):
        self.refresh()
        factors = self.factors(self.slow)
        # 5, 5, 45 days late (paid) and 46 days so far (open), 30,000 each
        self.assertAlmostEqual(factors["days_late"], 25.25)
        self.assertAlmostEqual(factors["trend"], 40.5)  # (45 + 46) / 2 - 5
        self.assertEqual(factors["late_share"], 100.0)
        self.assertAlmostEqual(factors["utilisation"], 30.0)  # 30,000 open of 100,000
        self.assertEqual(factors["age"], 17.0)
        score = self.score_of(self.slow)
        # 17.375 + 0 + 0 + 15 + 5 + 10 + 5 + 7.083 = 59.46
        self.assertEqual(score.score, 59)
        self.assertEqual(score.proposed_grade_id, self.grade_c)
        self.assertEqual(score.proposed_limit, 10000.0)  # 120,000 / 12 x 1 month
        self.assertAlmostEqual(score.trend_days, 40.5)

    def test_bad_payer(self):
        self.refresh()
        factors = self.factors(self.bad)
        self.assertAlmostEqual(factors["days_late"], 90.0)  # (60 + 119 + 91) / 3
        self.assertIsNone(factors["trend"], "nothing paid in the 6 months before the last 3")
        self.assertEqual(factors["broken_promises"], 100.0)
        self.assertAlmostEqual(factors["disputed"], 100 / 3, places=4)  # 20,000 of 60,000
        self.assertAlmostEqual(factors["utilisation"], 40000 / 30000 * 100, places=4)
        self.assertEqual(factors["over_limit"], 3.0)
        self.assertEqual(factors["age"], 5.0)
        score = self.score_of(self.bad)
        # without the trend: 1.25 (3 releases) + 2.083 (5 months) of 90 = 3.7%
        self.assertEqual(score.score, 4)
        self.assertEqual(score.proposed_grade_id, self.grade_d)
        self.assertEqual(score.proposed_limit, 0.0)

    def test_instalments_late_from_their_own_due_dates(self):
        """50 % at 30 days, 50 % at 60 days: each half is late from its own due date."""
        partner = self.env["res.partner"].create({"name": "Instalment Payer", "is_company": True})

        def invoice(amount, invoice_date):
            return self.ar_instalment_invoice(partner, amount, invoice_date)

        # 40,000 of 1 March: halves due 31 March and 30 April, all paid on 10 May (40 and 10 days late)
        first = invoice(40000.0, "2026-03-01")
        self.assertEqual(
            sorted(first.line_ids.filtered(lambda line: line.display_type == "payment_term").mapped("date_maturity")),
            [fields.Date.to_date("2026-03-31"), fields.Date.to_date("2026-04-30")],
        )
        self.ar_pay(first, 40000.0, "2026-05-10")
        # 30,000 of 1 February: halves due 3 March and 2 April, paid on 3 March and 22 April (0 and 20 days late)
        second = invoice(30000.0, "2026-02-01")
        self.ar_pay(second, 15000.0, "2026-03-03")
        self.ar_pay(second, 15000.0, "2026-04-22")
        self.assertEqual((first.payment_state, second.payment_state), ("paid", "paid"))
        # 20,000 of 1 May, open: its first half due 31 May is 30 days late today, the second is due today
        invoice(20000.0, "2026-05-01")
        self.refresh()
        factors = self.factors(partner)
        # by hand: 20,000 x 40 + 20,000 x 10 + 15,000 x 0 + 15,000 x 20 + 10,000 x 30 = 1,600,000
        # over 80,000 = 20 days (from the invoices' last due dates and whole residuals it would be
        # 40,000 x 10 + 30,000 x 20 + 20,000 x 30 = 1,600,000 over 90,000 = 17.8)
        self.assertAlmostEqual(factors["days_late"], 20.0)
        self.assertEqual(factors["late_share"], 100.0)

    def test_configured_weights(self):
        """A company weighs a factor itself: the days late alone count."""
        Factor = self.env["ar.credit.score.factor"]
        for code in ("trend", "late_share", "broken_promises", "disputed", "utilisation", "over_limit", "age"):
            Factor.create({"factor": code, "weight": 0.0, "good_value": 0.0, "bad_value": 1.0})
        Factor.create({"factor": "days_late", "weight": 50.0, "good_value": 0.0, "bad_value": 100.0})
        self.refresh()
        self.assertEqual(self.score_of(self.slow).score, 75)  # 25.25 days late of 100
        with self.assertRaises(AccessError):
            Factor.with_user(self.collector).create({"factor": "age", "weight": 1, "good_value": 1, "bad_value": 0})

    def test_refresh_is_an_upsert(self):
        self.refresh()
        first = self.score_of(self.slow)
        self.ar_pay(
            self.env["account.move"].search([("partner_id", "=", self.slow.id), ("payment_state", "=", "not_paid")]),
            30000.0,
            "2026-06-30",
        )
        self.refresh()
        self.assertEqual(self.score_of(self.slow), first, "the same record, updated")
        self.assertEqual(first.utilisation, 0.0)

    def test_run_step_scores_and_warns(self):
        with freeze_time(f"{TODAY} 02:00:00"):
            run = self.env["ar.collection.run"].sudo()._ar_start_runs(self.company)
            run._ar_run_to_end()
        self.assertEqual(run.state, "done")
        self.assertEqual(self.score_of(self.good).score, 87)
        self.assertTrue(self.env["ar.credit.warning"].search([("partner_id", "=", self.slow.id)]))

    def test_multi_company(self):
        company_2 = self.setup_other_company(name="Shanghai Branch")["company"]
        self.ar_invoice(self.good, 5000.0, "2026-06-01", "2026-06-10", company=company_2)
        self.refresh()
        scores_2 = self.refresh(company=company_2)
        self.assertEqual(set(scores_2), {self.good.id})
        self.assertAlmostEqual(scores_2[self.good.id]["days_late"], 20.0)  # open 20 days overdue
        self.assertEqual(self.score_of(self.good).score, 87, "company 1's score unchanged")
        # a user of company 1 only sees company 1's scores
        scores = self.env["ar.credit.score"].with_user(self.collector).search([("partner_id", "=", self.good.id)])
        self.assertEqual(scores.company_id, self.company)
        with self.assertRaises(AccessError):
            self.score_of(self.good, company_2).with_user(self.collector).read(["score"])
        self.assertEqual(self.good.with_user(self.collector).ar_score, 87)


@tagged("post_install", "-at_install")
class TestFiveC(ArScoringCommon):
    def test_5c_start(self):
        newcomer = self.env["res.partner"].create({"name": "Newcomer Trading", "is_company": True})
        card = (
            self.env["ar.credit.scorecard"]
            .with_user(self.credit_manager)
            .create(
                {
                    "partner_id": newcomer.id,
                    "character": "5",
                    "capacity": "4",
                    "capital": "4",
                    "collateral": "3",
                    "conditions": "2",
                }
            )
        )
        # 30 x 1 + 25 x 0.75 + 20 x 0.75 + 15 x 0.5 + 10 x 0.25 = 73.75
        self.assertEqual(card.score, 74)
        self.assertEqual(card.proposed_grade_id, self.grade_b)
        self.assertEqual(card.proposed_limit, 100000.0)  # half of grade B's 200,000
        with self.assertRaises(AccessError):
            card.with_user(self.collector).action_apply()
        self.assertFalse(newcomer.credit_grade_id)
        card.with_user(self.credit_manager).action_apply()
        self.assertEqual((newcomer.credit_grade_id, newcomer.credit_limit), (self.grade_b, 100000.0))
        self.assertTrue(newcomer.use_partner_credit_limit)
        self.assertEqual((card.state, card.applied_by_id), ("applied", self.credit_manager))
        history = self.env["ar.credit.profile.history"].search(
            [("partner_id", "=", newcomer.id), ("field_name", "=", "credit_grade_id")]
        )
        self.assertEqual((history.user_id, history.new_value), (self.credit_manager, self.grade_b.display_name))
        self.assertIn("5C evaluation", history.note)
        with self.assertRaises(UserError):
            card.with_user(self.credit_manager).write({"character": "1"})
        with self.assertRaises(AccessError):
            self.env["ar.credit.scorecard"].with_user(self.collector).create({"partner_id": newcomer.id})
        with self.assertRaises(AccessError):
            card.with_user(self.salesman).read(["score"])


@tagged("post_install", "-at_install")
class TestCreditReview(ArScoringCommon):
    def create_reviews(self, today=TODAY):
        with freeze_time(f"{today} 05:00:00"):
            return self.env["ar.credit.review"]._cron_create_reviews(self.company)

    def review_of(self, partner):
        return self.env["ar.credit.review"].search([("partner_id", "=", partner.id), ("state", "=", "open")])

    def test_review_cycle(self):
        self.refresh()
        reviews = self.create_reviews()
        self.assertEqual(reviews.partner_id, self.good | self.slow | self.bad)
        slow = self.review_of(self.slow)
        self.assertEqual((slow.current_grade_id, slow.current_limit), (self.grade_a, 100000.0))
        self.assertEqual((slow.proposed_grade_id, slow.proposed_limit, slow.score), (self.grade_c, 10000.0, 59))
        self.assertIn("Days Late Trend", slow.explanation)
        self.assertEqual(slow.activity_ids.user_id, self.credit_manager)
        # no second review while one is open, nor within the period
        self.assertFalse(self.create_reviews())
        self.assertFalse(self.create_reviews("2026-09-30"))
        # approve the slowing payer, adjusted to 20,000
        slow.with_user(self.credit_manager).write({"new_limit": 20000.0, "decision_note": "Slower since spring"})
        slow.with_user(self.credit_manager).action_approve()
        self.assertEqual((self.slow.credit_grade_id, self.slow.credit_limit), (self.grade_c, 20000.0))
        self.assertEqual((slow.state, slow.decided_by_id), ("approved", self.credit_manager))
        self.assertTrue(slow.decided_date)
        history = self.env["ar.credit.profile.history"].search(
            [("partner_id", "=", self.slow.id), ("field_name", "=", "credit_limit")], limit=1
        )
        self.assertEqual((history.user_id, history.note), (self.credit_manager, "Slower since spring"))
        with self.assertRaises(UserError):
            slow.with_user(self.credit_manager).write({"decision_note": "Rewritten afterwards"})
        # refuse the good payer's upgrade: nothing changes
        good = self.review_of(self.good)
        good.with_user(self.credit_manager).action_refuse()
        self.assertEqual((self.good.credit_grade_id, self.good.credit_limit), (self.grade_b, 50000.0))
        self.assertEqual(good.state, "refused")
        with self.assertRaises(UserError):
            good.with_user(self.credit_manager).action_approve()
        # six months later: new reviews for the decided ones; the bad payer's is still open
        later = self.create_reviews("2027-01-05")
        self.assertEqual(later.partner_id, self.good | self.slow)

    def test_collector_and_salesman_decide_nothing(self):
        self.refresh()
        self.create_reviews()
        review = self.review_of(self.slow)
        with self.assertRaises(AccessError):
            review.with_user(self.collector).action_approve()
        with self.assertRaises(AccessError):
            review.with_user(self.salesman).action_approve()
        with self.assertRaises(AccessError):
            review.with_user(self.credit_manager).write({"state": "approved"})
        self.assertEqual((self.slow.credit_grade_id, self.slow.credit_limit), (self.grade_a, 100000.0))
        self.assertEqual(review.state, "open")

    def test_concurrent_run_skips_the_company(self):
        self.refresh()
        self.env.flush_all()
        with self.env.registry.cursor() as other:
            other.execute("SELECT pg_advisory_xact_lock(%s, %s)", [REVIEW_LOCK_CLASS, self.company.id])
            self.assertFalse(self.create_reviews(), "another worker holds the company")
            other.rollback()
        self.assertEqual(len(self.create_reviews()), 3)


@tagged("post_install", "-at_install")
class TestDangerSignals(ArScoringCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.ar_signal_dispute_amount = 15000.0
        cls.fading = cls.env["res.partner"].create({"name": "Fading Orders", "is_company": True})
        for day, amount in (("2026-02-10", 100000.0), ("2026-05-10", 20000.0)):
            with freeze_time(f"{day} 10:00:00"):
                order = cls.env["sale.order"].create(
                    {
                        "partner_id": cls.fading.id,
                        "order_line": [
                            Command.create(
                                {"product_id": cls.product_a.id, "price_unit": amount, "tax_id": [Command.clear()]}
                            )
                        ],
                    }
                )
                order.action_confirm()

    def detect(self, today=TODAY):
        self.refresh(today=today)
        with freeze_time(f"{today} 03:00:00"):
            return self.env["ar.credit.warning"]._ar_detect(self.company, today)

    def signals(self, warnings):
        return {(w.partner_id.name, w.signal) for w in warnings}

    def test_each_signal_once(self):
        warnings = self.detect()
        self.assertEqual(
            self.signals(warnings),
            {
                ("Fading Orders", "order_drop"),
                ("Slowing Payer", "slowing"),
                ("Bad Payer", "broken_twice"),
                ("Bad Payer", "large_dispute"),
                ("Bad Payer", "over_limit"),
            },
        )
        drop = warnings.filtered(lambda w: w.signal == "order_drop")
        self.assertAlmostEqual(drop.value, 80.0)  # 20,000 against 100,000
        self.assertEqual(warnings.filtered(lambda w: w.signal == "large_dispute").value, 20000.0)
        self.assertEqual(warnings.activity_ids.user_id, self.credit_manager)
        self.assertEqual(len(warnings.activity_ids), 5)
        self.assertEqual(self.bad.with_user(self.collector).ar_credit_warning_count, 3)
        # the next night: nothing new this month
        self.assertFalse(self.detect("2026-06-30"))
        # acknowledged by the credit manager only
        with self.assertRaises(AccessError):
            drop.with_user(self.collector).action_acknowledge()
        with self.assertRaises(AccessError):
            drop.with_user(self.credit_manager).write({"state": "done"})
        drop.with_user(self.credit_manager).action_acknowledge()
        self.assertEqual(drop.state, "done")
        self.assertFalse(drop.activity_ids)

    def test_multi_company(self):
        """A large dispute in another company warns that company only, and stays out of
        sight of this company's users."""
        company_2 = self.setup_other_company(name="Shanghai Branch")["company"]
        company_2.ar_signal_dispute_amount = 15000.0
        invoice = self.ar_invoice(self.good, 30000.0, "2026-06-01", "2026-06-20", company=company_2)
        dispute = (
            self.env["ar.dispute"]
            .with_company(company_2)
            .create({"partner_id": self.good.id, "reason": "price", "invoice_ids": [Command.set(invoice.ids)]})
        )
        self.env.flush_all()
        self.env.cr.execute("UPDATE ar_dispute SET create_date = '2026-06-26 10:00:00' WHERE id = %s", [dispute.id])
        self.refresh(company=company_2)
        with freeze_time(f"{TODAY} 03:00:00"):
            warnings_2 = self.env["ar.credit.warning"]._ar_detect(company_2, TODAY)
        self.assertEqual(self.signals(warnings_2), {("Good Payer", "large_dispute")})
        self.assertEqual(warnings_2.company_id, company_2)
        self.assertEqual(warnings_2.value, 30000.0)
        # this company: its own five warnings, none of the other company's dispute
        warnings = self.detect()
        self.assertEqual(len(warnings), 5)
        self.assertNotIn(("Good Payer", "large_dispute"), self.signals(warnings))
        self.assertEqual(warnings.company_id, self.company)
        # this company's collector does not see the other company's warning
        Warning = self.env["ar.credit.warning"].with_user(self.collector)
        self.assertFalse(Warning.search([("partner_id", "=", self.good.id)]))
        with self.assertRaises(AccessError):
            warnings_2.with_user(self.collector).read(["signal"])

    def test_thresholds(self):
        self.company.write(
            {
                "ar_signal_order_drop_pct": 85.0,
                "ar_signal_slowing_days": 41.0,
                "ar_signal_dispute_amount": 25000.0,
                "ar_signal_over_limit_count": 4,
            }
        )
        self.assertEqual(self.signals(self.detect()), {("Bad Payer", "broken_twice")})


@tagged("post_install", "-at_install")
class TestScoringOverJsonRpc(ArScoringCommon, HttpCase):
    """The decisions attacked over /web/dataset/call_kw, logged in as the collector and as
    the salesperson, with a context that tries to help: nothing changes."""

    TEMPTING = {"ar_profile_note": "approved", "active_test": False, "bypass_approval": True}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(f"{TODAY} 03:00:00"):
            cls.env["ar.credit.score"]._ar_refresh(cls.company, TODAY)
            cls.env["ar.credit.review"]._cron_create_reviews(cls.company, TODAY)
        cls.review = cls.env["ar.credit.review"].search([("partner_id", "=", cls.slow.id)])
        cls.card = (
            cls.env["ar.credit.scorecard"]
            .with_user(cls.credit_manager)
            .create({"partner_id": cls.good.id, "character": "1", "capacity": "1"})
        )

    def call(self, login, model, method, args):
        self.authenticate(login, login)
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": {"context": self.TEMPTING}},
        )

    def assertRefused(self, login, model, method, args):
        with self.assertRaises(JsonRpcException) as caught:
            self.call(login, model, method, args)
        self.assertEqual(caught.exception.args[0], "odoo.exceptions.AccessError")

    def assertNothingChanged(self):
        self.env.invalidate_all()
        self.assertEqual((self.slow.credit_grade_id, self.slow.credit_limit), (self.grade_a, 100000.0))
        self.assertEqual((self.good.credit_grade_id, self.good.credit_limit), (self.grade_b, 50000.0))
        self.assertEqual((self.review.state, self.review.new_limit), ("open", 10000.0))
        self.assertEqual(self.card.state, "draft")

    def test_collector_decides_nothing(self):
        for method, args in (
            ("action_approve", [self.review.ids]),
            ("action_refuse", [self.review.ids]),
            ("write", [self.review.ids, {"state": "approved"}]),
            ("write", [self.review.ids, {"new_limit": 900000.0}]),
        ):
            self.assertRefused("ar_collector", "ar.credit.review", method, args)
        self.assertRefused("ar_collector", "ar.credit.scorecard", "action_apply", [self.card.ids])
        self.assertRefused("ar_collector", "res.partner", "write", [self.slow.ids, {"credit_limit": 900000.0}])
        self.assertNothingChanged()

    def test_salesperson_decides_nothing(self):
        self.assertRefused("ar_salesman", "ar.credit.review", "action_approve", [self.review.ids])
        self.assertRefused("ar_salesman", "ar.credit.review", "write", [self.review.ids, {"new_grade_id": 1}])
        self.assertRefused("ar_salesman", "ar.credit.scorecard", "action_apply", [self.card.ids])
        self.assertRefused("ar_salesman", "ar.credit.warning", "action_acknowledge", [[]])
        # he reads the score of the customer
        result = self.call("ar_salesman", "res.partner", "read", [self.slow.ids, ["ar_score", "ar_score_limit"]])
        self.assertEqual((result[0]["ar_score"], result[0]["ar_score_limit"]), (59, 10000.0))
        self.assertNothingChanged()
