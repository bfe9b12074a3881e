from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common_workspace import ArWorkspaceCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02 02:00:00")
class TestWorkspaceAccess(ArWorkspaceCommon):
    def test_collectors_edit_only_their_own_logs(self):
        log = self.log_contact()
        # a colleague reads the history of the customer, but cannot change it
        self.assertEqual(log.with_user(self.collector_2).result_id, self.result_reminded)
        with self.assertRaises(AccessError):
            log.with_user(self.collector_2).write({"notes": "mine now", "correction_note": "x"})
        with self.assertRaises(AccessError):
            self.log_contact(user=self.collector_2, user_id=self.collector.id)
        # the credit manager corrects anyone's log
        log.with_user(self.credit_manager).write({"notes": "Corrected", "correction_note": "Wrong note"})
        self.assertEqual(log.notes, "Corrected")

    def test_auditor_reads_everything_changes_nothing(self):
        log = self.log_contact()
        self.assertEqual(log.with_user(self.auditor).partner_id, self.customer)
        self.assertEqual(log.with_user(self.auditor).promise_ids.ids, [])
        with self.assertRaises(AccessError):
            self.log_contact(user=self.auditor)
        with self.assertRaises(AccessError):
            log.with_user(self.auditor).write({"notes": "x", "correction_note": "x"})
        Result = self.env["ar.collection.result"].with_user(self.auditor)
        with self.assertRaises(AccessError):
            Result.create({"name": "New result"})
        with self.assertRaises(AccessError):
            self.env["ar.collection.result"].with_user(self.collector).create({"name": "New result"})

    def test_salesperson_collects_his_own_customers(self):
        other = self.env["res.partner"].create({"name": "Not His Co", "is_company": True})
        self.customer.user_id = self.salesman
        other_invoice = self.ar_invoice(other, 100.0, "2026-01-01", "2026-01-31")
        log = self.log_contact(
            user=self.salesman, result_id=self.result_promise.id, promise_date="2026-03-06", promise_amount=100.0
        )
        self.assertEqual(log.user_id, self.salesman)
        self.assertEqual(log.promise_ids.user_id, self.salesman)
        # the collector's logs of his customer are visible to him, those of other customers are not
        mine = self.log_contact()
        theirs = self.log_contact(partner_id=other.id, invoice_ids=[Command.set(other_invoice.ids)])
        Log = self.env["ar.collection.log"].with_user(self.salesman)
        visible = Log.search([])
        self.assertIn(mine, visible)
        self.assertNotIn(theirs, visible)
        with self.assertRaises(AccessError):
            mine.with_user(self.salesman).write({"notes": "x", "correction_note": "x"})

    def test_other_company_sees_nothing(self):
        company_b = self.setup_other_company(name="Company B")["company"]
        user_b = self.env["res.users"].create(
            {
                "name": "Credit Manager B",
                "login": "ar_cm_b",
                "company_id": company_b.id,
                "company_ids": [Command.set(company_b.ids)],
                "groups_id": [
                    Command.set(
                        [self.env.ref("base.group_user").id, self.env.ref("ar_collections.group_ar_credit_manager").id]
                    )
                ],
            }
        )
        self.log_contact(result_id=self.result_promise.id, promise_date="2026-03-06", promise_amount=100.0)
        self.env["ar.dispute"].create(
            {"partner_id": self.customer.id, "reason": "other", "invoice_ids": [Command.set(self.invoice_1.ids)]}
        )
        for model in ("ar.collection.log", "ar.payment.promise", "ar.dispute"):
            self.assertFalse(self.env[model].with_user(user_b).search([]), model)
        customer_b = self.customer.with_user(user_b).with_company(company_b)
        self.assertEqual(customer_b.ar_contact_count, 0)
        self.assertFalse(customer_b.ar_next_promise_date)
        self.assertEqual(customer_b.ar_open_dispute_count, 0)
