from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common_workspace import ArWorkspaceCommon


@tagged("post_install", "-at_install")
class TestPaymentPromise(ArWorkspaceCommon):
    """Promise of 600 on invoice 1 (1,000), made Monday 2 March 2026 for Friday 6 March;
    grace period 3 days: deadline Monday 9 March."""

    def setUp(self):
        super().setUp()
        with freeze_time("2026-03-02 02:00:00"):
            self.log = self.log_contact(
                result_id=self.result_promise.id,
                promise_date="2026-03-06",
                promise_amount=600.0,
                invoice_ids=[Command.set(self.invoice_1.ids)],
            )
        self.promise = self.log.promise_ids

    def check(self, day):
        with freeze_time(f"{day} 12:00:00"):
            return self.env["ar.payment.promise"]._cron_check_promises()

    def test_kept_as_soon_as_paid(self):
        self.ar_pay(self.invoice_1, 600.0, "2026-03-05")
        self.check("2026-03-05")
        self.assertEqual(self.promise.state, "kept")
        self.assertEqual(self.promise.paid_amount, 600.0)
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.ar_broken_promise_count, 0)
        self.assertFalse(self.customer.ar_next_promise_date)

    def test_open_until_deadline_then_broken(self):
        self.check("2026-03-07")
        self.assertEqual(self.promise.state, "open")
        self.check("2026-03-09")  # last day of the grace period
        self.assertEqual(self.promise.state, "open")
        self.check("2026-03-10")
        self.assertEqual(self.promise.state, "broken")
        self.assertEqual(self.promise.paid_amount, 0.0)
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.ar_broken_promise_count, 1)
        self.assertTrue(any("broken" in body for body in self.customer.message_ids.mapped("body")))

    def test_partially_kept(self):
        self.ar_pay(self.invoice_1, 200.0, "2026-03-05")
        self.check("2026-03-05")
        self.assertEqual(self.promise.state, "open")
        self.check("2026-03-10")
        self.assertEqual(self.promise.state, "partial")
        self.assertEqual(self.promise.paid_amount, 200.0)
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.ar_broken_promise_count, 1)

    def test_grace_period(self):
        # paid after the promised date but within the grace period: kept
        self.ar_pay(self.invoice_1, 600.0, "2026-03-09")
        self.check("2026-03-10")
        self.assertEqual(self.promise.state, "kept")

    def test_payment_after_grace_period_does_not_keep_it(self):
        self.ar_pay(self.invoice_1, 600.0, "2026-03-10")
        self.check("2026-03-11")
        self.assertEqual(self.promise.state, "broken")

    def test_longer_grace_period(self):
        self.company.ar_promise_grace_days = 5
        self.assertEqual(self.promise.date_deadline, date(2026, 3, 11))
        self.ar_pay(self.invoice_1, 600.0, "2026-03-10")
        self.check("2026-03-12")
        self.assertEqual(self.promise.state, "kept")

    def test_only_payments_on_the_promised_invoices_count(self):
        self.ar_pay(self.invoice_2, 500.0, "2026-03-05")  # another invoice
        self.ar_unreconciled_payment(self.customer, 600.0, "2026-03-05")  # not reconciled
        credit_note = self.ar_invoice(self.customer, 600.0, "2026-03-05", move_type="out_refund")
        (credit_note + self.invoice_1).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).reconcile()
        self.check("2026-03-10")
        self.assertEqual(self.promise.state, "broken")

    def test_payment_before_the_promise_does_not_count(self):
        self.ar_pay(self.invoice_1, 300.0, "2026-03-01")
        self.check("2026-03-10")
        self.assertEqual(self.promise.state, "broken")

    def test_state_only_set_by_the_check(self):
        with self.assertRaises(AccessError):
            self.promise.with_user(self.collector).write({"state": "kept"})
        self.assertEqual(self.promise.state, "open")

    def test_open_promise_pauses_reminders(self):
        Promise = self.env["ar.payment.promise"]
        with freeze_time("2026-03-09 12:00:00"):
            self.assertEqual(Promise._ar_get_paused_invoice_ids(self.company), set(self.invoice_1.ids))
        with freeze_time("2026-03-10 12:00:00"):
            self.assertEqual(Promise._ar_get_paused_invoice_ids(self.company), set())

    def test_check_is_one_query_for_many_promises(self):
        with freeze_time("2026-03-02 02:00:00"):
            for _i in range(5):
                self.log_contact(
                    result_id=self.result_promise.id,
                    promise_date="2026-03-06",
                    promise_amount=100.0,
                    invoice_ids=[Command.set(self.invoice_2.ids)],
                )
        promises = self.env["ar.payment.promise"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(promises), 6)
        self.env.flush_all()
        with self.assertExactQueryCount(1):
            paid = promises._ar_get_paid_amounts()
        self.assertEqual(paid, {})
