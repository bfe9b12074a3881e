from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common_workspace import ArWorkspaceCommon


@tagged("post_install", "-at_install")
class TestDispute(ArWorkspaceCommon):
    def open_dispute(self, invoices, user=None):
        return (
            self.env["ar.dispute"]
            .with_user(user or self.collector)
            .create(
                {
                    "partner_id": self.customer.id,
                    "reason": "price",
                    "invoice_ids": [Command.set(invoices.ids)],
                    "description": "Price differs from the contract",
                }
            )
        )

    def test_dispute_pauses_and_resolution_resumes_dunning(self):
        Dispute = self.env["ar.dispute"]
        dispute = self.open_dispute(self.invoice_2)
        self.assertEqual(Dispute._ar_get_paused_invoice_ids(self.company), set(self.invoice_2.ids))
        self.assertEqual(dispute.amount, 500.0)
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.ar_open_dispute_count, 1)
        with self.assertRaises(UserError):
            dispute.with_user(self.collector).action_resolve()  # no resolution notes
        self.assertEqual(dispute.state, "open")
        dispute.with_user(self.collector).write({"resolution": "Credit note of 50 agreed"})
        with freeze_time("2026-03-04 12:00:00"):
            dispute.with_user(self.collector).action_resolve()
        self.assertEqual(dispute.state, "resolved")
        self.assertEqual(dispute.resolved_user_id, self.collector)
        self.assertEqual(dispute.resolved_date, date(2026, 3, 4))
        self.assertEqual(Dispute._ar_get_paused_invoice_ids(self.company), set())

    def test_dispute_needs_invoices_of_the_customer(self):
        other = self.env["res.partner"].create({"name": "Other Co", "is_company": True})
        other_invoice = self.ar_invoice(other, 100.0, "2026-01-01", "2026-01-31")
        with self.assertRaises(ValidationError):
            self.open_dispute(other_invoice)
        with self.assertRaises(ValidationError):
            self.open_dispute(self.env["account.move"])

    def test_state_only_through_buttons(self):
        dispute = self.open_dispute(self.invoice_1)
        with self.assertRaises(AccessError):
            dispute.with_user(self.collector).write({"state": "resolved"})
        dispute.resolution = "Settled"
        with self.assertRaises(AccessError):
            dispute.with_user(self.salesman).action_resolve()
        with self.assertRaises(AccessError):
            dispute.with_user(self.auditor).write({"resolution": "no"})


@tagged("post_install", "-at_install")
class TestExtensionRequest(ArWorkspaceCommon):
    def setUp(self):
        super().setUp()
        with freeze_time("2026-03-02 02:00:00"):
            log = self.log_contact(
                result_id=self.result_extension.id,
                extension_date="2026-03-31",
                promise_amount=800.0,
                invoice_ids=[Command.set(self.invoice_1.ids)],
                customer_feedback="Cash comes end of month",
            )
        self.request = log.extension_ids

    def approval_activity(self):
        return self.request.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("ar_collections.mail_activity_type_ar_extension_approval")
        )

    def test_request_asks_a_credit_manager(self):
        self.assertEqual(self.request.amount, 800.0)
        self.assertEqual(self.request.current_due_date, date(2026, 2, 1))
        activity = self.approval_activity()
        self.assertEqual(len(activity), 1)
        self.assertTrue(activity.user_id.has_group("ar_collections.group_ar_credit_manager"))
        self.assertEqual(activity.user_id, self.request._ar_get_approver())

    def test_approval_creates_the_promise(self):
        with self.assertRaises(AccessError):
            self.request.with_user(self.collector).action_approve()
        with self.assertRaises(AccessError):
            self.request.with_user(self.collector).write({"state": "approved"})
        with freeze_time("2026-03-03 02:00:00"):
            self.request.with_user(self.credit_manager).action_approve()
        self.assertEqual(self.request.state, "approved")
        self.assertEqual(self.request.approver_id, self.credit_manager)
        promise = self.request.promise_id
        self.assertEqual((promise.date, promise.amount, promise.state), (date(2026, 3, 31), 800.0, "open"))
        self.assertEqual(promise.invoice_ids, self.invoice_1)
        self.assertEqual(promise.user_id, self.collector)
        self.assertEqual(promise.extension_id, self.request)
        self.assertFalse(self.approval_activity())
        with self.assertRaises(UserError):
            self.request.with_user(self.credit_manager).action_approve()

    def test_refusal_notifies_the_collector(self):
        with self.assertRaises(UserError):
            self.request.with_user(self.credit_manager).action_refuse()  # no reason
        self.request.with_user(self.credit_manager).refusal_reason = "Already 30 days late"
        with freeze_time("2026-03-03 02:00:00"):
            self.request.with_user(self.credit_manager).action_refuse()
        self.assertEqual(self.request.state, "refused")
        self.assertFalse(self.request.promise_id)
        self.assertFalse(self.approval_activity())
        call = self.request.activity_ids
        self.assertEqual(call.user_id, self.collector)
        self.assertEqual(call.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        # the due date is past: call today
        self.assertEqual(call.date_deadline, date(2026, 3, 3))
        self.assertEqual(call.note and "Already 30 days late" in call.note, True)

    def test_requested_date_cannot_be_past(self):
        with freeze_time("2026-03-02 02:00:00"), self.assertRaises(UserError):
            self.log_contact(result_id=self.result_extension.id, extension_date="2026-03-01")
