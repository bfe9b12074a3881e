"""Holds follow events: a payment that removes the reason of a credit hold lifts it at once
(the hold to-dos close, the order shows no hold and can be confirmed) without the nightly run;
a payment unreconciled or a broken promise brings it back. Real invoices and payments, frozen
dates."""

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import SUPERUSER_ID, Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .credit_hold_common import CreditHoldCommon

HOLD_ACTIVITY = "ar_collections.mail_activity_type_ar_credit_hold"


@tagged("post_install", "-at_install")
@freeze_time("2026-06-15 09:00:00")
class TestHoldEvents(CreditHoldCommon):
    def hold_todos(self, document):
        document.invalidate_recordset()
        return document.sudo().activity_ids.filtered(lambda a: a.activity_type_id == self.env.ref(HOLD_ACTIVITY))

    def held_by_the_portal(self, order):
        """Confirmed where no user reads the hold (portal, OdooBot): it stays a quotation and
        the salesperson and the credit managers get a hold to-do."""
        order.with_user(SUPERUSER_ID).action_confirm()
        self.assertEqual(order.state, "draft")
        todos = self.hold_todos(order)
        self.assertIn(self.salesman, todos.user_id)
        return todos

    def reread(self, record):
        record.invalidate_recordset()
        return record.browse(record.id)

    def test_payment_lifts_an_over_limit_hold_at_once(self):
        # limit 5,000; 4,500 owed (due in a month) + the order of 1,000 = 5,500
        invoice = self.ar_invoice(self.customer, 4500.0, "2026-06-01", "2026-07-15")
        order = self.ar_order(self.customer, 1000.0)
        self.assertTrue(order.ar_credit_hold)
        self.held_by_the_portal(order)

        self.ar_pay(invoice, 2000.0, "2026-06-15")
        # 2,500 owed + 1,000 = 3,500: within the limit, no nightly run needed
        order = self.reread(order)
        self.assertFalse(order.ar_credit_hold)
        self.assertFalse(self.hold_todos(order))
        self.assertTrue(order.ar_hold_lifted_date)
        self.assertIn("Credit hold lifted", order.message_ids[0].body)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_payment_that_leaves_the_reason_changes_nothing(self):
        invoice = self.ar_invoice(self.customer, 4500.0, "2026-06-01", "2026-07-15")
        order = self.ar_order(self.customer, 1000.0)
        todos = self.held_by_the_portal(order)
        self.ar_pay(invoice, 400.0, "2026-06-15")  # 4,100 + 1,000 = 5,100: still over 5,000
        order = self.reread(order)
        self.assertTrue(order.ar_credit_hold)
        self.assertEqual(self.hold_todos(order), todos)
        self.assertFalse(order.ar_hold_lifted_date)

    def test_overdue_stage_hold_lifts_when_the_invoice_is_paid(self):
        stage = self.ar_stage("hold_sales")
        due = fields.Date.to_date("2026-06-15") - relativedelta(days=stage.days_from + 5)
        invoice = self.ar_invoice(self.customer, 800.0, due - relativedelta(days=30), due)
        self.ar_set_stage(invoice, stage)
        order = self.ar_order(self.customer, 100.0)
        self.held_by_the_portal(order)
        self.ar_pay(invoice, 800.0, "2026-06-15")
        order = self.reread(order)
        self.assertFalse(order.ar_credit_hold)
        self.assertFalse(self.hold_todos(order))

    def test_unreconciled_payment_reinstates_the_hold(self):
        stage = self.ar_stage("hold_sales")
        due = fields.Date.to_date("2026-06-15") - relativedelta(days=stage.days_from + 5)
        invoice = self.ar_invoice(self.customer, 800.0, due - relativedelta(days=30), due)
        self.ar_set_stage(invoice, stage)
        order = self.ar_order(self.customer, 100.0)
        self.held_by_the_portal(order)
        payment = self.ar_pay(invoice, 800.0, "2026-06-15")
        self.assertFalse(self.reread(order).ar_credit_hold)
        self.assertFalse(self.hold_todos(order))
        payment.move_id.line_ids.remove_move_reconcile()
        order = self.reread(order)
        self.assertTrue(order.ar_credit_hold)
        todos = self.hold_todos(order)
        self.assertIn(self.salesman, todos.user_id)
        self.assertFalse(order.ar_hold_lifted_date)
        self.assertIn("Credit hold reinstated", order.message_ids[0].body)
        with self.assertRaises(UserError):
            order.with_user(self.salesman).action_confirm()

    def test_broken_promise_reinstates_the_hold(self):
        stage = self.ar_stage("hold_sales")
        due = fields.Date.to_date("2026-06-15") - relativedelta(days=stage.days_from + 5)
        invoice = self.ar_invoice(self.customer, 800.0, due - relativedelta(days=30), due)
        self.ar_set_stage(invoice, stage)
        order = self.ar_order(self.customer, 100.0)
        self.held_by_the_portal(order)
        request = (
            self.env["ar.extension.request"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": self.customer.id,
                    "invoice_ids": [Command.set(invoice.ids)],
                    "requested_date": "2026-06-20",
                    "amount": 800.0,
                    "reason": "Cash-in from their customer on the 19th",
                }
            )
        )
        request.with_user(self.credit_manager).action_approve()
        order = self.reread(order)
        self.assertFalse(order.ar_credit_hold)
        self.assertFalse(self.hold_todos(order))
        # nothing paid by the deadline: the promise check breaks the promise, the hold is back
        deadline = request.promise_id.date_deadline
        with freeze_time(deadline + relativedelta(days=1)):
            self.env["ar.payment.promise"]._cron_check_promises(companies=self.company)
            self.assertEqual(request.promise_id.state, "broken")
            order = self.reread(order)
            self.assertTrue(order.ar_credit_hold)
            self.assertIn(self.salesman, self.hold_todos(order).user_id)
