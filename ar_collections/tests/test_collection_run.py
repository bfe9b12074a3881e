from datetime import date
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import errors as pg_errors

from odoo import SUPERUSER_ID, Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, tagged
from odoo.tests.common import JsonRpcException

from odoo.addons.ar_collections.models.ar_collection_followup import ArCollectionFollowup
from odoo.addons.ar_collections.models.ar_collection_run import ArCollectionRun
from odoo.addons.ar_collections.models.ar_payment_promise import ArPaymentPromise

from .common_collections import ArCollectionRunCommon
from .common_workspace import ArWorkspaceCommon
from .credit_hold_common import CreditHoldCommon


@tagged("post_install", "-at_install")
class TestCollectionRun(ArCollectionRunCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.collector_id = cls.collector
        cls.customer2 = cls.env["res.partner"].create(
            {"name": "Jiangnan Textiles", "is_company": True, "customer_rank": 1}
        )
        cls.activity_type = cls.env.ref("ar_collections.mail_activity_type_collection")

    # ------------------------------------------------------------------
    # Stages and follow-ups
    # ------------------------------------------------------------------
    @freeze_time("2026-06-15")
    def test_run_stages_invoices_and_creates_one_followup(self):
        inv_40 = self.ar_invoice(self.contact, 1000.0, "2026-04-06", "2026-05-06")  # 40 days
        inv_10 = self.ar_invoice(self.customer, 500.0, "2026-05-06", "2026-06-05")  # 10 days
        inv_future = self.ar_invoice(self.customer, 700.0, "2026-06-01", "2026-07-15")  # not in a stage
        run = self.run_collections()
        self.assertEqual(run.state, "done")
        self.assertEqual(run.date, self.d("2026-06-15"))
        self.assertEqual(
            (run.invoice_count, run.stage_change_count, run.partner_count, run.activity_created_count), (3, 2, 1, 1)
        )
        self.assertEqual(inv_40.collection_stage_id, self.stage_31_60)
        self.assertEqual(inv_10.collection_stage_id, self.stage_1_30)
        self.assertFalse(inv_future.collection_stage_id)
        # the customer's stage is the worst of its invoices (the contact's invoice counts)
        customer = self.customer.with_company(self.company)
        self.assertEqual(customer.collection_stage_id, self.stage_31_60)
        self.assertEqual((customer.ar_procedure, customer.ar_strategy), ("general", "short_small"))
        activity = self.followup(self.customer)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.res_id, self.customer.id)
        self.assertEqual(activity.user_id, self.salesman, "31-60: the salesperson follows up")
        self.assertEqual(activity.date_deadline, self.d("2026-06-15"))
        self.assertEqual(activity.activity_type_id, self.activity_type)
        self.assertEqual(activity.summary, "Collections: 31-60 days overdue")
        history = inv_40.ar_stage_history_ids
        self.assertEqual(
            (history.from_stage_id, history.to_stage_id, history.run_id, history.partner_id),
            (self.env["ar.collection.stage"], self.stage_31_60, run, self.customer),
        )

    @freeze_time("2026-06-15")
    def test_running_twice_creates_nothing(self):
        invoice = self.ar_invoice(self.customer, 1000.0, "2026-05-01", "2026-06-01")
        self.run_collections()
        activity = self.followup(self.customer)
        run = self.run_collections()
        self.assertEqual(
            (
                run.stage_change_count,
                run.activity_created_count,
                run.activity_escalated_count,
                run.activity_closed_count,
            ),
            (0, 0, 0, 0),
        )
        self.assertEqual(self.followup(self.customer), activity)
        self.assertEqual(len(invoice.ar_stage_history_ids), 1)
        self.assertEqual(invoice.collection_stage_date, self.d("2026-06-15"))

    def test_escalation_changes_owner_and_deadline(self):
        with freeze_time("2026-06-15"):
            self.ar_invoice(self.customer, 1000.0, "2026-04-21", "2026-05-21")  # 25 days
            self.run_collections()
            activity = self.followup(self.customer)
            self.assertEqual(activity.user_id, self.collector)
        with freeze_time("2026-06-25"):  # 35 days
            run = self.run_collections()
            self.assertEqual(run.activity_escalated_count, 1)
            escalated = self.followup(self.customer)
            self.assertEqual(escalated, activity, "still one open follow-up")
            self.assertEqual(escalated.user_id, self.salesman)
            self.assertEqual(escalated.ar_stage_id, self.stage_31_60)
            self.assertEqual(escalated.date_deadline, self.d("2026-06-25"))
            note = self.customer.message_ids.filtered(lambda m: "escalated" in (m.body or ""))[:1]
            self.assertIn("1-30 days overdue", note.body)
            self.assertIn("31-60 days overdue", note.body)
            self.assertIn("Salesman Zhang", note.body)
        with freeze_time("2026-07-25"):  # 65 days: the salesperson's team leader
            self.run_collections()
            self.assertEqual(self.followup(self.customer).user_id, self.sales_manager)
        with freeze_time("2026-08-25"):  # 96 days: legal
            self.run_collections()
            self.assertEqual(self.followup(self.customer).user_id, self.legal)

    def test_payment_closes_followup(self):
        with freeze_time("2026-06-15"):
            invoice = self.ar_invoice(self.customer, 1000.0, "2026-05-01", "2026-06-01")
            self.run_collections()
            self.assertTrue(self.followup(self.customer))
        with freeze_time("2026-06-16"):
            self.ar_pay(invoice, 400.0, "2026-06-16")
            run = self.run_collections()
            self.assertEqual(invoice.collection_stage_id, self.stage_1_30, "partly paid: still collected")
            self.assertEqual(run.activity_closed_count, 0)
            self.ar_pay(invoice, 600.0, "2026-06-16")
            run = self.run_collections()
            self.assertEqual(run.activity_closed_count, 1)
            self.assertFalse(invoice.collection_stage_id)
            self.assertFalse(invoice.collection_stage_date)
            self.assertEqual(invoice.ar_stage_history_ids[:1].from_stage_id, self.stage_1_30)
            self.assertFalse(invoice.ar_stage_history_ids[:1].to_stage_id)
            customer = self.customer.with_company(self.company)
            self.assertFalse(customer.collection_stage_id)
            self.assertFalse(customer.ar_procedure)
            self.assertFalse(self.followup(self.customer))
            done = self.customer.message_ids.filtered(lambda m: m.mail_activity_type_id == self.activity_type)
            self.assertIn("Nothing left to collect", done[:1].body)

    @freeze_time("2026-06-15")
    def test_cancelled_invoice_and_better_stage(self):
        inv_old = self.ar_invoice(self.customer, 1000.0, "2026-03-01", "2026-04-01")  # 75 days
        inv_new = self.ar_invoice(self.customer, 500.0, "2026-05-06", "2026-06-05")  # 10 days
        self.run_collections()
        activity = self.followup(self.customer)
        self.assertEqual((activity.ar_stage_id, activity.user_id), (self.stage_61_90, self.sales_manager))
        # the oldest invoice is cancelled: the customer is back in 1-30, owned by its collector
        inv_old.button_draft()
        inv_old.button_cancel()
        run = self.run_collections()
        self.assertFalse(inv_old.collection_stage_id)
        self.assertEqual(inv_new.collection_stage_id, self.stage_1_30)
        self.assertEqual(self.customer.with_company(self.company).collection_stage_id, self.stage_1_30)
        self.assertEqual(self.followup(self.customer), activity)
        self.assertEqual((activity.ar_stage_id, activity.user_id), (self.stage_1_30, self.collector))
        self.assertEqual((run.activity_escalated_count, run.activity_created_count), (0, 0))

    @freeze_time("2026-06-15")
    def test_credit_notes_and_unapplied_payments_are_applied_to_oldest(self):
        inv_old = self.ar_invoice(self.customer, 1000.0, "2026-04-01", "2026-05-01")  # 45 days
        inv_new = self.ar_invoice(self.customer, 500.0, "2026-05-06", "2026-06-05")  # 10 days
        refund = self.ar_invoice(self.customer, 1000.0, "2026-06-01", move_type="out_refund")
        self.run_collections()
        self.assertFalse(refund.collection_stage_id, "a credit note is never dunned")
        self.assertFalse(inv_old.collection_stage_id, "covered by the unapplied credit note")
        self.assertEqual(inv_new.collection_stage_id, self.stage_1_30)
        self.assertEqual(self.customer.with_company(self.company).collection_stage_id, self.stage_1_30)
        self.assertEqual(self.followup(self.customer).user_id, self.collector)
        # a payment not matched to any invoice covers the rest: nothing to collect
        payment = self.ar_unreconciled_payment(self.customer, 500.0, "2026-06-15")
        self.run_collections()
        self.assertFalse(inv_new.collection_stage_id)
        self.assertFalse(self.followup(self.customer))
        self.assertFalse(payment.move_id.collection_stage_id)

    @freeze_time("2026-06-15")
    def test_credits_pay_the_oldest_dunnable_invoice(self):
        """A disputed invoice is not dunned and takes none of the customer's credits: the
        unapplied credit note covers the next oldest invoice, which is not dunned either."""
        inv_disputed = self.ar_invoice(self.customer, 1000.0, "2026-04-01", "2026-05-01")  # 45 days
        inv_covered = self.ar_invoice(self.customer, 500.0, "2026-04-16", "2026-05-16")  # 30 days
        inv_dunned = self.ar_invoice(self.customer, 300.0, "2026-05-06", "2026-06-05")  # 10 days
        self.ar_invoice(self.customer, 500.0, "2026-06-01", move_type="out_refund")
        self.env["ar.dispute"].with_user(self.collector).create(
            {"partner_id": self.customer.id, "reason": "price", "invoice_ids": [Command.set(inv_disputed.ids)]}
        )
        self.run_collections()
        self.assertFalse(inv_disputed.collection_stage_id, "paused by its dispute")
        self.assertFalse(inv_covered.collection_stage_id, "paid by the credit note")
        self.assertEqual(inv_dunned.collection_stage_id, self.stage_1_30)

    @freeze_time("2026-06-15")
    def test_foreign_currency_amounts_in_company_currency(self):
        foreign = self.setup_other_currency("EUR", rates=[("2026-01-01", 2.0)])  # 2 EUR = 1 company unit
        invoice = self.ar_invoice(self.customer, 80000.0, "2026-03-01", "2026-03-31", currency=foreign)
        self.run_collections()
        self.assertEqual(invoice.collection_stage_id, self.stage_61_90)
        customer = self.customer.with_company(self.company)
        # 40,000 in company currency: under the key amount of 50,000 (80,000 EUR would be over)
        self.assertEqual((customer.ar_procedure, customer.ar_strategy), ("general", "long_small"))
        self.company.ar_key_amount_threshold = 40000.0
        self.run_collections()
        self.assertEqual((customer.ar_procedure, customer.ar_strategy), ("key", "long_large"))

    @freeze_time("2026-06-15")
    def test_key_customer_with_long_aging_is_owned_by_credit_manager(self):
        self.ar_invoice(self.customer, 60000.0, "2026-03-01", "2026-04-01")  # 75 days
        self.ar_invoice(self.customer2, 60000.0, "2026-05-01", "2026-06-05")  # 10 days
        self.run_collections()
        self.assertEqual(self.customer.with_company(self.company).ar_strategy, "long_large")
        self.assertEqual(self.followup(self.customer).user_id, self.credit_manager)
        customer2 = self.customer2.with_company(self.company)
        self.assertEqual((customer2.ar_procedure, customer2.ar_strategy), ("key", "short_large"))
        # no collector of its own: the company's default collector
        self.assertEqual(self.followup(self.customer2).user_id, self.collector)

    def test_multi_company_isolation(self):
        company2 = self.setup_other_company()["company"]
        company2.partner_id.tz = "UTC"
        stage2_over_90 = self.env["ar.collection.stage"]._ar_get_ladder(company2)[-1]
        with freeze_time("2026-06-15"):
            inv1 = self.ar_invoice(self.customer, 1000.0, "2026-05-01", "2026-06-05")  # 10 days
            inv2 = self.ar_invoice(self.customer, 2000.0, "2026-01-01", "2026-02-01", company=company2)
            run = self.run_collections()
            self.assertEqual(run.invoice_count, 1)
            self.assertEqual(inv1.collection_stage_id, self.stage_1_30)
            self.assertFalse(inv2.collection_stage_id, "another company's run touches it")
            self.assertFalse(self.customer.with_company(company2).collection_stage_id)
            self.run_collections(company2)
            self.assertEqual(inv2.collection_stage_id, stage2_over_90)
            self.assertEqual(self.customer.with_company(company2).collection_stage_id, stage2_over_90)
            self.assertEqual(self.customer.with_company(self.company).collection_stage_id, self.stage_1_30)
            activity1 = self.followup(self.customer)
            activity2 = self.followup(self.customer, company2)
            self.assertEqual(len(activity1 | activity2), 2)
            self.assertEqual(activity2.ar_stage_id, stage2_over_90)
            # paying in one company closes only that company's follow-up
            self.ar_pay(inv1, 1000.0, "2026-06-15")
            self.run_collections()
            self.assertFalse(self.followup(self.customer).exists())
            self.assertTrue(activity2.exists())
            self.assertEqual(inv2.collection_stage_id, stage2_over_90)

    def test_company_today_not_utc(self):
        self.company.partner_id.tz = "Asia/Shanghai"
        self.assertEqual(self.company.ar_timezone, "Asia/Shanghai", "follows the company address's time zone")
        invoice = self.ar_invoice(self.customer, 1000.0, "2026-05-15", "2026-06-14")
        # 20:00 UTC on 14 June is 04:00 on 15 June in Shanghai: the invoice is 1 day late
        with freeze_time("2026-06-14 20:00:00"):
            run = self.run_collections()
        self.assertEqual(run.date, self.d("2026-06-15"))
        self.assertEqual(invoice.collection_stage_id, self.stage_1_30)

    # ------------------------------------------------------------------
    # Exclusion
    # ------------------------------------------------------------------
    @freeze_time("2026-06-15")
    def test_excluded_invoice_is_left_alone(self):
        invoice = self.ar_invoice(self.customer, 1000.0, "2026-04-01", "2026-05-01")
        self.run_collections()
        self.assertEqual(invoice.collection_stage_id, self.stage_31_60)
        # a salesperson may not exclude; a collector may, with a reason
        with self.assertRaises(AccessError):
            invoice.with_user(self.salesman).write({"ar_collection_excluded": True})
        Wizard = (
            self.env["account.move.ar.exclude"]
            .with_user(self.collector)
            .with_context(active_model="account.move", active_ids=invoice.ids)
        )
        with self.assertRaises(UserError):
            Wizard.create({"reason": "  "}).action_confirm()
        self.assertFalse(invoice.ar_collection_excluded)
        wizard = Form(Wizard)
        self.assertEqual(wizard.move_ids[:], invoice)
        wizard.reason = "Quality dispute on the March delivery"
        wizard.save().action_confirm()
        self.assertTrue(invoice.ar_collection_excluded)
        self.assertEqual(invoice.ar_exclusion_user_id, self.collector)
        self.assertEqual(invoice.ar_exclusion_reason, "Quality dispute on the March delivery")
        run = self.run_collections()
        self.assertEqual(run.invoice_count, 0)
        self.assertFalse(invoice.collection_stage_id)
        self.assertFalse(self.followup(self.customer))
        # back under collections
        invoice.with_user(self.collector).action_ar_include_collections()
        self.run_collections()
        self.assertEqual(invoice.collection_stage_id, self.stage_31_60)

    # ------------------------------------------------------------------
    # Robustness, cron, access
    # ------------------------------------------------------------------
    @freeze_time("2026-06-15")
    def test_broken_customer_does_not_stop_the_batch(self):
        self.ar_invoice(self.customer, 1000.0, "2026-05-01", "2026-06-01")
        self.ar_invoice(self.customer2, 1000.0, "2026-05-01", "2026-06-01")
        original = ArCollectionFollowup._prepare_activity_vals
        broken = self.customer

        def prepare(service, partner, *args, **kwargs):
            if partner == broken:
                raise ValueError("corrupted customer data")
            return original(service, partner, *args, **kwargs)

        # a crash in one customer's unit (no valid data makes this step raise: the fault is injected)
        with patch.object(ArCollectionFollowup, "_prepare_activity_vals", prepare):
            run = self.run_collections()
        self.assertEqual(run.state, "done")
        self.assertEqual(run.error_count, 1)
        self.assertIn("Huadong Machinery", run.error_log)
        self.assertIn("corrupted customer data", run.error_log)
        self.assertTrue(self.followup(self.customer2))
        self.assertFalse(self.followup(self.customer))
        # the next run catches up
        run = self.run_collections()
        self.assertEqual((run.error_count, run.activity_created_count), (0, 1))

    @freeze_time("2026-06-15")
    def test_cron_works_in_batches(self):
        self.company.ar_collection_batch_size = 2
        customers = (
            self.customer
            | self.customer2
            | self.env["res.partner"].create([{"name": f"Customer {i}", "is_company": True} for i in range(3)])
        )
        for customer in customers:
            self.ar_invoice(customer, 100.0, "2026-05-01", "2026-06-01")
        Run = self.env["ar.collection.run"].sudo()
        calls = 0
        while True:
            calls += 1
            if not Run._cron_run_collections() or calls > 20:
                break
        run = Run.search([("company_id", "=", self.company.id)], limit=1)
        self.assertEqual(run.state, "done")
        self.assertEqual((run.partner_count, run.activity_created_count), (5, 5))
        # one call for the stages, three batches of at most 2 customers (the last one partial)
        self.assertGreaterEqual(calls, 4)
        for customer in customers:
            self.assertEqual(len(self.followup(customer)), 1)
        self.assertTrue(self.env.ref("ar_collections.ir_cron_collection_run").active)

    @freeze_time("2026-06-15")
    def test_run_now_and_access(self):
        self.ar_invoice(self.customer, 1000.0, "2026-05-01", "2026-06-01")
        Run = self.env["ar.collection.run"]
        with self.assertRaises(AccessError):
            Run.with_user(self.collector).action_run_now()
        with self.assertRaises(AccessError):
            Run.with_user(self.collector).search([])
        action = Run.with_user(self.credit_manager).action_run_now()
        run = Run.browse(action["res_id"])
        self.assertEqual((run.state, run.trigger, run.user_id), ("done", "manual", self.credit_manager))
        self.assertEqual(run.activity_created_count, 1)
        # auditors read the runs, cannot launch them
        self.assertEqual(Run.with_user(self.auditor).search([("id", "=", run.id)]), run)
        with self.assertRaises(AccessError):
            Run.with_user(self.auditor).action_run_now()

    def test_cadence_after_a_followup_is_done(self):
        with freeze_time("2026-06-15"):
            self.ar_invoice(self.customer, 1000.0, "2026-05-01", "2026-06-01")  # 14 days
            self.run_collections()
            self.followup(self.customer).with_user(self.collector).action_feedback("Called, pays Friday")
        with freeze_time("2026-06-16"):
            self.run_collections()
            # the 1-30 stage repeats every 3 days: next follow-up due 3 days after the last one
            self.assertEqual(self.followup(self.customer).date_deadline, self.d("2026-06-18"))

    def test_schedule_followup_api(self):
        with freeze_time("2026-06-15"):
            self.ar_invoice(self.customer, 1000.0, "2026-05-01", "2026-06-01")
            self.run_collections()
            first = self.followup(self.customer)
            followup = self.env["ar.collection.followup"].with_company(self.company).with_user(self.collector)
            new = followup._reschedule(self.customer, feedback="Promised to pay")
            self.assertFalse(first.exists())
            self.assertEqual(self.followup(self.customer), new)
            self.assertEqual(
                (new.user_id, new.date_deadline, new.ar_stage_id),
                (self.collector, self.d("2026-06-18"), self.stage_1_30),
            )
            other = followup._reschedule(
                self.customer, deadline=self.d("2026-06-30"), user=self.credit_manager, note="Check the bank"
            )
            self.assertEqual((other.user_id, other.date_deadline), (self.credit_manager, self.d("2026-06-30")))
            self.assertEqual(len(self.followup(self.customer)), 1)

    # ------------------------------------------------------------------
    # The company's date, whoever launches the run
    # ------------------------------------------------------------------
    def test_run_dated_by_the_company_whoever_launches_it(self):
        self.company.ar_timezone = "Asia/Shanghai"
        self.env.user.tz = "Europe/London"  # the cron user
        self.credit_manager.tz = "Pacific/Auckland"  # a day ahead of UTC
        Run = self.env["ar.collection.run"]
        # due 15 May: on 14 June (Shanghai) 30 days late, on 15 June 31 days
        invoice = self.ar_invoice(self.customer, 1000.0, "2026-04-15", "2026-05-15")
        with freeze_time("2026-06-14 15:00:00"):  # 23:00 in Shanghai, 03:00 on 15 June in Auckland
            self.assertEqual(self.company.with_user(self.credit_manager)._ar_get_today()[0], self.d("2026-06-14"))
            self.assertTrue(Run.sudo()._cron_run_collections(), "more units to do")
            while Run.sudo()._cron_run_collections():
                pass
            run = Run.search([("company_id", "=", self.company.id)], limit=1)
            self.assertEqual((run.date, run.state, run.trigger), (self.d("2026-06-14"), "done", "cron"))
            self.assertEqual(invoice.collection_stage_id, self.stage_1_30)
        with freeze_time("2026-06-14 15:30:00"):
            # the manager in Auckland runs it again: the same day for the company, nothing changes
            action = Run.with_user(self.credit_manager).action_run_now()
            self.assertEqual(action["res_id"], run.id, "the run of the company's day, run again")
            run.invalidate_recordset()
            self.assertEqual(
                (run.date, run.state, run.trigger, run.user_id),
                (self.d("2026-06-14"), "done", "manual", self.credit_manager),
            )
            self.assertEqual((run.stage_change_count, run.activity_escalated_count), (0, 0))
            self.assertEqual(invoice.collection_stage_id, self.stage_1_30)
            self.assertEqual(len(invoice.ar_stage_history_ids), 1, "no stage flipped back and forth")
        with freeze_time("2026-06-14 16:30:00"):  # 00:30 on 15 June in Shanghai
            action = Run.with_user(self.credit_manager).action_run_now()
            new_run = Run.browse(action["res_id"])
            self.assertEqual(new_run.date, self.d("2026-06-15"))
            self.assertEqual(invoice.collection_stage_id, self.stage_31_60)
        self.assertEqual(Run.search_count([("company_id", "=", self.company.id)]), 2, "one run per day")
        self.assertEqual(len(invoice.ar_stage_history_ids), 2)

    def test_collections_time_zone_default(self):
        china, usa = self.env.ref("base.cn"), self.env.ref("base.us")
        Company = self.env["res.company"]
        self.assertEqual(Company.create({"name": "Shanghai Co", "country_id": china.id}).ar_timezone, "Asia/Shanghai")
        self.assertEqual(Company.create({"name": "Boston Inc", "country_id": usa.id}).ar_timezone, "America/New_York")
        self.assertEqual(Company.create({"name": "Nowhere Ltd"}).ar_timezone, "Asia/Shanghai")
        company = Company.create({"name": "Tokyo KK", "country_id": china.id})
        company.partner_id.tz = "Asia/Tokyo"
        self.assertEqual(company.ar_timezone, "Asia/Tokyo", "the address's time zone")
        # set in Settings
        settings = self.env["res.config.settings"].with_company(company).create({})
        self.assertEqual(settings.ar_timezone, "Asia/Tokyo")
        settings.ar_timezone = "Asia/Shanghai"
        settings.execute()
        self.assertEqual(company.ar_timezone, "Asia/Shanghai")
        with freeze_time("2026-06-14 23:00:00"):
            self.assertEqual(company.with_user(self.collector)._ar_get_today(), (self.d("2026-06-15"), "Asia/Shanghai"))

    # ------------------------------------------------------------------
    # Every step's failures on the run
    # ------------------------------------------------------------------
    @freeze_time("2026-06-15")
    def test_failing_promise_check_is_on_the_run(self):
        inv1 = self.ar_invoice(self.customer, 1000.0, "2026-05-01", "2026-06-01")
        inv2 = self.ar_invoice(self.customer2, 1000.0, "2026-05-01", "2026-06-01")
        Promise = self.env["ar.payment.promise"].sudo()
        bad, good = Promise.create(
            [
                {
                    "partner_id": partner.id,
                    "amount": 500.0,
                    "date_start": "2026-06-01",
                    "date": "2026-06-05",
                    "invoice_ids": [Command.set(invoice.ids)],
                    "company_id": self.company.id,
                }
                for partner, invoice in ((self.customer, inv1), (self.customer2, inv2))
            ]
        )
        original = ArPaymentPromise._ar_check

        def check(promises, *args, **kwargs):
            if bad in promises:
                raise ValueError("bank statement feed unavailable")
            return original(promises, *args, **kwargs)

        # an outage while one promise is checked (injected: no valid promise makes the check raise)
        with patch.object(ArPaymentPromise, "_ar_check", check):
            run = self.run_collections()
        self.assertEqual(run.state, "done")
        self.assertEqual(run.error_count, 1)
        self.assertIn("Promise to pay Huadong Machinery", run.error_log)
        self.assertIn("bank statement feed unavailable", run.error_log)
        self.assertEqual(bad.state, "open", "not checked")
        self.assertEqual(good.state, "broken", "the other promise was checked (nothing paid by 8 June)")
        # the rest of the run went on
        self.assertEqual(inv1.collection_stage_id, self.stage_1_30)
        self.assertTrue(self.followup(self.customer))
        self.assertTrue(self.followup(self.customer2))

    @freeze_time("2026-06-15")
    def test_conflict_in_a_step_is_recorded_and_retried(self):
        self.ar_invoice(self.customer, 1000.0, "2026-05-01", "2026-06-01")
        original = ArCollectionRun._ar_follow_up_partners
        calls = []

        def follow_up(run, partner_ids):
            calls.append(partner_ids)
            if len(calls) == 1:
                raise pg_errors.SerializationFailure("could not serialize access due to concurrent update")
            return original(run, partner_ids)

        run = self.env["ar.collection.run"].sudo()._ar_start_runs(self.company)
        # the first unit meets a serialization failure (injected here, to check the retry inside one
        # test transaction; test_collection_run_concurrency.py makes real ones with two cursors)
        with patch.object(ArCollectionRun, "_ar_follow_up_partners", follow_up):
            run._ar_run_to_end()
            self.assertEqual(run.state, "running", "left to the cron, in a new transaction")
            self.assertEqual((run.conflict_count, run.error_count), (1, 0))
            self.assertIn("conflict with a concurrent update", run.error_log)
            self.assertFalse(self.followup(self.customer), "the unit was rolled back")
            cron = self.env.ref("ar_collections.ir_cron_collection_run")
            self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]))
            while self.env["ar.collection.run"].sudo()._cron_run_collections():
                pass
        self.assertEqual((run.state, run.conflict_count, run.error_count), ("done", 1, 0))
        self.assertEqual(run.activity_created_count, 1)
        self.assertEqual(len(self.followup(self.customer)), 1)

    # ------------------------------------------------------------------
    # A run started by any path completes
    # ------------------------------------------------------------------
    @freeze_time("2026-06-15")
    def test_run_manually_completes(self):
        self.ar_invoice(self.customer, 1000.0, "2026-05-01", "2026-06-01")
        cron = self.env.ref("ar_collections.ir_cron_collection_run")
        Trigger = self.env["ir.cron.trigger"].sudo()
        Run = self.env["ar.collection.run"].sudo()
        Trigger.search([("cron_id", "=", cron.id)]).unlink()
        # Settings > Technical > Scheduled Actions > Run Manually: one call, one unit of work
        cron.method_direct_trigger()
        self.assertEqual(Run.search([]).mapped("state"), ["running"])
        # ... and the cron is due again: the scheduler calls it until the runs are over
        calls = 1
        while triggers := Trigger.search([("cron_id", "=", cron.id), ("call_at", "<=", "2026-06-15 00:00:00")]):
            triggers.unlink()
            cron.method_direct_trigger()
            calls += 1
            self.assertLess(calls, 50)
        run = Run.search([("company_id", "=", self.company.id)])
        self.assertEqual((run.date, run.state, run.activity_created_count), (self.d("2026-06-15"), "done", 1))
        self.assertEqual(len(self.followup(self.customer)), 1)
        # every company with a ladder had its run, over
        companies = self.env["ar.collection.stage"].sudo().search([]).company_id
        self.assertEqual(Run.search([]).company_id, companies)
        self.assertEqual(set(Run.search([]).mapped("state")), {"done"})
        # nothing left: a new call does nothing
        cron.method_direct_trigger()
        self.assertFalse(Trigger.search([("cron_id", "=", cron.id)]))
        self.assertEqual(len(Run.search([])), len(companies))

    def test_run_left_running_by_a_dead_worker_is_resumed(self):
        Run = self.env["ar.collection.run"].sudo()
        with freeze_time("2026-06-15"):
            invoice = self.ar_invoice(self.customer, 1000.0, "2026-05-01", "2026-06-01")
            run = Run._ar_start_runs(self.company)
            run._ar_process_next()  # promises checked, then the worker died
            self.assertEqual(run.state, "running")
        with freeze_time("2026-06-16"):
            # the next day's cron finishes the interrupted run first (on its own date), then today's
            while Run._cron_run_collections():
                pass
            self.assertEqual((run.state, run.error_count, run.activity_created_count), ("done", 0, 1))
            today = Run.search([("company_id", "=", self.company.id), ("date", "=", "2026-06-16")])
            self.assertEqual((today.state, today.activity_created_count), ("done", 0))
            self.assertEqual(invoice.collection_stage_id, self.stage_1_30)
            self.assertEqual(len(self.followup(self.customer)), 1)


@tagged("post_install", "-at_install")
class TestCollectionRunRpc(ArCollectionRunCommon, HttpCase):
    """The run's record and the company's time zone over JSON-RPC, as the users it must stop."""

    TEMPTING = {
        "ar_collection_run": True,
        "ar_promise_check": True,
        "force_company": True,
        "sudo": True,
        "install_mode": True,
    }

    def call(self, login, model, method, args, **kwargs):
        self.authenticate(login, login)
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": {"context": dict(self.TEMPTING), **kwargs},
            },
        )

    def test_run_record_is_written_by_the_run_only(self):
        run = self.run_collections()
        self.assertEqual(run.state, "done")
        run_vals = {
            "state": "running",
            "error_count": 0,
            "error_log": False,
            "date": "2026-01-01",
            "step": "_ar_step_stage_invoices",
        }
        for login in ("ar_credit_manager", "ar_collector", "ar_auditor"):
            with self.subTest(login=login), self.assertRaises(JsonRpcException):
                self.call(login, "ar.collection.run", "write", [run.ids, run_vals])
            with self.subTest(login=login), self.assertRaises(JsonRpcException):
                self.call(
                    login, "ar.collection.run", "create", [[{"company_id": self.company.id, "date": "2026-01-02"}]]
                )
            with self.subTest(login=login), self.assertRaises(JsonRpcException):
                self.call(login, "ar.collection.run", "_cron_run_collections", [])
        run.invalidate_recordset()
        self.assertEqual((run.state, run.error_count), ("done", 0))
        self.assertEqual(self.env["ar.collection.run"].search_count([("company_id", "=", self.company.id)]), 1)

    def test_run_now_over_rpc(self):
        Run = self.env["ar.collection.run"]
        for login in ("ar_collector", "ar_auditor", "ar_salesman"):
            with self.subTest(login=login), self.assertRaises(JsonRpcException):
                self.call(login, "ar.collection.run", "action_run_now", [[]])
        self.assertFalse(Run.search([("company_id", "=", self.company.id)]))
        action = self.call("ar_credit_manager", "ar.collection.run", "action_run_now", [[]])
        run = Run.browse(action["res_id"])
        self.assertEqual(
            (run.company_id, run.state, run.trigger, run.user_id), (self.company, "done", "manual", self.credit_manager)
        )

    def test_company_time_zone_not_set_by_collections_users(self):
        self.company.ar_timezone = "Asia/Shanghai"
        for login in ("ar_credit_manager", "ar_collector"):
            with self.subTest(login=login), self.assertRaises(JsonRpcException):
                self.call(login, "res.company", "write", [self.company.ids, {"ar_timezone": "Pacific/Auckland"}])
        self.company.invalidate_recordset()
        self.assertEqual(self.company.ar_timezone, "Asia/Shanghai")


@tagged("post_install", "-at_install")
class TestOneFollowupLifecycle(ArWorkspaceCommon, ArCollectionRunCommon):
    """Every caller (the run, a broken promise, a contact logged, a credit hold) goes through
    ``ar.collection.followup`` and leaves the same trail for the same event.

    Customer 1 (invoices due 1 and 15 February) passes from 1-30 to 31-60 days on 4 March;
    customer 2 (invoices due 25 and 26 February) stays in 1-30 through March."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "Asia/Shanghai"
        cls.customer_2 = cls.env["res.partner"].create(
            {"name": "Jiangnan Textiles", "is_company": True, "customer_rank": 1, "user_id": cls.salesman.id}
        )
        cls.invoice_a = cls.ar_invoice(cls.customer_2, 1000.0, "2026-01-26", "2026-02-25")
        cls.invoice_b = cls.ar_invoice(cls.customer_2, 500.0, "2026-01-27", "2026-02-26")

    def run_on(self, day):
        with freeze_time(f"{day} 01:00:00"):  # 9:00 in Shanghai
            return self.run_collections()

    def snapshot(self, partner):
        return self.followup(partner), set(partner.message_ids.ids)

    def trail(self, partner, before):
        """What a user sees of an escalation of ``partner``'s follow-up since ``before``."""
        old_activity, old_message_ids = before
        partner.invalidate_recordset()
        activity = self.followup(partner)
        new_messages = partner.message_ids.filtered(lambda m: m.id not in old_message_ids)
        notes = new_messages.filtered(lambda m: not m.mail_activity_type_id)
        return {
            "same open activity": activity == old_activity,
            "open activities": len(activity),
            "activities done": len(new_messages.filtered("mail_activity_type_id")),
            "notes": len(notes),
            "note says escalated to the owner": all(
                "Collections escalated" in note.body and activity.user_id.name in note.body for note in notes
            ),
            "owner": activity.user_id,
            "deadline is today": activity.date_deadline == self.company._ar_get_today()[0],
            "stage is the customer's": activity.ar_stage_id == partner.with_company(self.company).collection_stage_id,
        }

    def test_run_and_broken_promise_escalate_with_the_same_trail(self):
        self.run_on("2026-03-02")
        self.assertEqual(self.followup(self.customer).user_id, self.collector)
        self.assertEqual(self.followup(self.customer_2).user_id, self.collector)
        with freeze_time("2026-03-02 02:00:00"):
            self.log_contact(
                partner_id=self.customer_2.id,
                result_id=self.result_promise.id,
                promise_date="2026-03-06",
                promise_amount=500.0,
                invoice_ids=[Command.set(self.invoice_b.ids)],
            )
        # the run escalates customer 1: 31 days after the due date of invoice 1
        before = self.snapshot(self.customer)
        with freeze_time("2026-03-04 01:00:00"):
            run = self.run_collections()
            by_run = self.trail(self.customer, before)
        self.assertEqual(run.activity_escalated_count, 1)
        self.assertEqual(self.followup(self.customer).ar_stage_id, self.stage_31_60)
        note = self.customer.message_ids.filtered(lambda m: "escalated" in (m.body or ""))[:1]
        self.assertIn("1-30 days overdue", note.body)
        self.assertIn("31-60 days overdue", note.body)
        # the promise of customer 2 is broken (grace period over on 9 March): escalated by the check
        before = self.snapshot(self.customer_2)
        with freeze_time("2026-03-10 01:00:00"):
            run = self.run_collections()
            by_promise = self.trail(self.customer_2, before)
        self.assertEqual(run.activity_escalated_count, 0, "the run itself found nothing to escalate")
        self.assertEqual(self.followup(self.customer_2).ar_stage_id, self.stage_1_30, "the customer's stage stays")
        note = self.customer_2.message_ids.filtered(lambda m: "escalated" in (m.body or ""))[:1]
        self.assertIn("broken", note.body)
        self.assertIn("broken", self.followup(self.customer_2).note)
        expected = {
            "same open activity": True,
            "open activities": 1,
            "activities done": 0,
            "notes": 1,
            "note says escalated to the owner": True,
            "owner": self.salesman,  # the owner of the 31-60 stage
            "deadline is today": True,
            "stage is the customer's": True,
        }
        self.assertEqual(by_run, expected)
        self.assertEqual(by_promise, expected)

    def test_contact_result_reschedules_through_the_service(self):
        self.run_on("2026-03-02")
        first = self.followup(self.customer_2)
        with freeze_time("2026-03-02 02:00:00"):
            self.log_contact(
                partner_id=self.customer_2.id,
                invoice_ids=[Command.set((self.invoice_a | self.invoice_b).ids)],
                customer_feedback="Will ask the boss",
            )
        self.assertFalse(first.exists(), "the follow-up the contact answered is done")
        # what the collector sees: his next follow-up, in the customer's stage
        seen = (
            self.env["mail.activity"]
            .with_user(self.collector)
            .search([("res_model", "=", "res.partner"), ("res_id", "=", self.customer_2.id)])
        )
        self.assertEqual(len(seen), 1)
        self.assertEqual(
            (seen.user_id, seen.date_deadline, seen.ar_stage_id, seen.summary),
            (self.collector, date(2026, 3, 6), self.stage_1_30, "Collections: " + self.stage_1_30.name),
        )
        self.assertIn("Will ask the boss", seen.note)


@tagged("post_install", "-at_install")
class TestHoldFollowups(CreditHoldCommon):
    """The to-dos of a held sale order come from the follow-up service too."""

    @freeze_time("2026-06-15 08:00:00")
    def test_held_order_todos_through_the_service(self):
        order = self.ar_order(self.customer, 9000.0)  # over the limit of 5,000
        # OdooBot (no user to read a message): held, to-dos instead; held again: no second to-do
        order.with_user(SUPERUSER_ID).action_confirm()
        order.with_user(SUPERUSER_ID).action_confirm()
        self.assertEqual(order.state, "draft")
        todos = order.activity_ids
        self.assertEqual(len(todos), len(todos.user_id), "one to-do per person, not one per attempt")
        self.assertIn(self.salesman, todos.user_id)
        self.assertIn(self.credit_manager, todos.user_id)
        for todo in todos:
            self.assertEqual(todo.activity_type_id, self.env.ref("ar_collections.mail_activity_type_ar_credit_hold"))
            self.assertEqual(todo.summary, "Order held: credit check")
            self.assertEqual(todo.date_deadline, date(2026, 6, 15))
            self.assertIn("Credit limit exceeded", todo.note)
        # the credit manager sees his to-do; the approval closes every one
        mine = (
            self.env["mail.activity"]
            .with_user(self.credit_manager)
            .search(
                [("res_model", "=", "sale.order"), ("res_id", "=", order.id), ("user_id", "=", self.credit_manager.id)]
            )
        )
        self.assertEqual(len(mine), 1)
        self.env["ar.credit.release"].with_user(self.credit_manager)._approve(order, "Paid the overdue invoice today")
        self.assertFalse(order.activity_ids)
        done = order.message_ids.filtered("mail_activity_type_id")
        self.assertTrue(done)
        self.assertTrue(all("Release approved." in message.body for message in done))
