"""Browser tours of the users' first hour.

The tours (static/tests/tours/*.js) play what each role does in the web client;
these tests build their data with the ORM and check the end state afterwards.
Dates cannot be frozen for the browser: the data is built relative to today.
"""

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .credit_hold_common import CreditHoldCommon

# records that a report run must never create or change
AR_MODELS = ("ar.credit.release", "ar.dunning.letter", "ar.statement", "ar.credit.grade", "ar.collection.stage")


@tagged("post_install", "-at_install")
class TestArTours(CreditHoldCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.context_today(cls.customer)
        # 4,000 overdue for a month against a limit of 5,000: a quotation of 3,000 goes over it
        cls.overdue_invoice = cls.ar_invoice(
            cls.customer, 4000.0, today - relativedelta(days=60), today - relativedelta(days=30)
        )
        cls.order = cls.ar_order(cls.customer, 3000.0, payment_term=cls.term_30)

    def test_salesperson_meets_the_hold_and_asks_for_a_release(self):
        self.ar_blacklist(self.customer, "Late payer since March")
        self.start_tour("/odoo", "ar_collections_salesperson_hold_tour", login=self.salesman.login)

        self.assertEqual(self.order.state, "draft", "a held quotation cannot be confirmed")
        self.assertFalse(self.order.ar_credit_release_ids, "asking is not releasing")
        request = self.order.message_ids.filtered(lambda m: "asks for a release" in (m.body or ""))
        self.assertEqual(request.author_id, self.salesman.partner_id)
        self.assertIn("promised to pay the overdue invoice on Friday", request.body)
        todo = self.order.activity_ids.filtered(lambda a: a.summary == "Credit release requested")
        self.assertIn(self.credit_manager, todo.user_id, "the credit managers are asked to decide")

    def test_credit_manager_releases_and_salesperson_confirms(self):
        self.env["ar.credit.release"].with_user(self.salesman)._request(
            self.order, "The customer promised to pay on Friday."
        )
        self.start_tour("/odoo", "ar_collections_credit_manager_release_tour", login=self.credit_manager.login)

        release = self.order.ar_credit_release_ids
        self.assertEqual(len(release), 1)
        self.assertEqual(release.state, "approved")
        self.assertEqual(release.approved_by_id, self.credit_manager)
        self.assertEqual(release.reason, "Payment of the overdue invoice received today; bank slip checked.")
        self.assertIn("Credit limit exceeded", release.hold_reasons)
        self.assertEqual(self.order.state, "draft", "the credit manager releases; the salesperson confirms")

        self.start_tour("/odoo", "ar_collections_salesperson_confirm_released_tour", login=self.salesman.login)
        self.assertEqual(self.order.state, "sale")
        self.assertEqual(release.state, "used")
        self.assertEqual(release.used_by_id, self.salesman)

    def test_auditor_prints_the_aging_analysis(self):
        def snapshot():
            values = {
                model: self.env[model].with_context(active_test=False).search_read([], ["write_date"], order="id")
                for model in AR_MODELS
            }
            values["partner"] = self.customer.read(["write_date"])
            values["invoice"] = self.overdue_invoice.read(["write_date", "amount_residual"])
            return values

        before = snapshot()
        self.env.flush_all()
        self.start_tour("/odoo", "ar_collections_auditor_aging_tour", login=self.auditor.login)

        wizard = self.env["ar.aging.report.wizard"].search([("create_uid", "=", self.auditor.id)])
        self.assertEqual(len(wizard), 1, "the auditor filled in the report options once")
        self.assertEqual(wizard.report_kind, "aging")
        self.assertEqual(wizard.output, "pdf")
        self.assertEqual(wizard.partner_ids, self.customer)
        self.assertTrue(wizard.show_detail)
        self.env.invalidate_all()
        self.assertEqual(snapshot(), before, "printing a report changes nothing")

    def test_collector_logs_a_promise(self):
        today = fields.Date.context_today(self.customer)
        self.customer.collector_id = self.collector
        stage = self.env["ar.collection.stage"].search(
            [("company_id", "=", self.company.id)], order="days_from", limit=1
        )
        self.env["ar.collection.followup"].with_company(self.company)._reschedule(
            self.customer, stage=stage, deadline=today, user=self.collector
        )
        self.start_tour("/odoo", "ar_collections_collector_call_tour", login=self.collector.login)

        log = self.env["ar.collection.log"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(log), 1)
        self.assertEqual(log.user_id, self.collector)
        self.assertEqual(log.channel, "phone")
        self.assertEqual(log.result_id, self.env.ref("ar_collections.ar_collection_result_promise"))
        self.assertEqual(log.invoice_ids, self.overdue_invoice)
        self.assertIn("Finance director Wang will pay 2,500 next week", log.customer_feedback)
        promise = log.promise_ids
        self.assertEqual(len(promise), 1)
        self.assertEqual(promise.amount, 2500.0)
        self.assertEqual(promise.state, "open")
        # "in a week" as the browser counts it: its day may differ from the server's around midnight
        self.assertIn((promise.date - today).days, (6, 7, 8))
        self.assertEqual(promise.invoice_ids, self.overdue_invoice)
        followup = self.env["ar.collection.followup"].with_company(self.company)._get_open_activities(self.customer)
        self.assertEqual(followup.user_id, self.collector, "the next follow-up is the collector's again")
        self.assertGreater(followup.date_deadline, today)
