"""Write-off requests: the approval tiers and their recorded chain, the write-off entry
reconciled with the invoices, the blacklist in the same step, the recovery of a payment
received later; who may do what, through the ORM and over JSON-RPC."""

import base64

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .common_baddebt import ArBadDebtCommon


class ArWriteOffCommon(ArBadDebtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.finance_manager = new_test_user(
            cls.env,
            "ar_finance_manager",
            groups="base.group_user,account.group_account_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
            name="Finance Manager Sun",
        )
        Tier = cls.env["ar.write.off.tier"]
        Tier.create({"amount_min": 0.0, "group_id": cls.env.ref("ar_collections.group_ar_credit_manager").id})
        Tier.create({"amount_min": 5000.0, "user_id": cls.finance_manager.id})

    def request(self, invoices, amount, user=None, **vals):
        request = (
            self.env["ar.write.off.request"]
            .with_user(user or self.collector)
            .create(
                {
                    "partner_id": invoices[:1].partner_id.id,
                    "invoice_ids": [Command.set(invoices.ids)],
                    "amount": amount,
                    "reason": "Customer insolvent: bankruptcy ruling of 10 March 2026",
                    **vals,
                }
            )
        )
        return request

    def fresh(self, record):
        record.invalidate_recordset()
        return record


@tagged("post_install", "-at_install")
class TestWriteOff(ArWriteOffCommon):
    @freeze_time("2026-04-01 09:00:00")
    def test_write_off_reconciled_and_blacklisted(self):
        request = self.request(self.inv2, 4000.0, blacklist=True)
        self.env["ir.attachment"].with_user(self.collector).create(
            {
                "name": "ruling.pdf",
                "res_model": request._name,
                "res_id": request.id,
                "datas": base64.b64encode(b"%PDF-1.4 ruling"),
            }
        )
        self.assertEqual(request.attachment_count, 1)
        request.action_submit()
        self.assertEqual(request.state, "to_approve")
        self.assertRegex(request.name, r"^WO/2026/\d{4}$")
        self.assertEqual(len(request.approval_ids), 1, "under 5,000: the credit manager alone")
        request.with_user(self.credit_manager).action_approve()
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.approval_ids.approver_id, self.credit_manager)
        self.assertEqual(request.approval_ids.state, "approved")
        # the entry: allowance debited, receivable credited, reconciled with the invoice
        move = request.move_id
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.date, self.d("2026-04-01"))
        self.assertEqual(
            {(line.account_id, line.debit, line.credit) for line in move.line_ids},
            {
                (self.allowance_account, 4000.0, 0.0),
                (self.inv2.line_ids.filtered("debit").account_id, 0.0, 4000.0),
            },
        )
        self.assertEqual(self.inv2.payment_state, "paid")
        self.assertFalse(move.line_ids.filtered("credit").amount_residual)
        aging = self.env["ar.aging"]._get_invoice_aging(partner_ids=self.customer.ids)
        self.assertNotIn(self.inv2.id, aging, "the invoice left the receivable")
        self.assertEqual(aging[self.inv1.id]["residual"], 10000.0)
        # blacklisted in the same step, through the blacklist rule
        self.assertTrue(self.customer.credit_blacklisted)
        self.assertIn(request.name, self.customer.credit_blacklist_reason)
        self.assertEqual(self.customer.credit_blacklist_user_id, self.credit_manager)
        # the customer shows what was written off
        self.assertEqual(self.customer.with_user(self.collector).ar_written_off_amount, 4000.0)
        self.assertEqual(self.customer.with_user(self.collector).ar_write_off_count, 1)

    @freeze_time("2026-04-01 09:00:00")
    def test_tiers_and_partial_write_off(self):
        # 12,000 of 14,000: both tiers, applied to the oldest invoice first
        request = self.request(self.inv1 | self.inv2, 12000.0, charge_to="expense")
        request.action_submit()
        self.assertEqual(
            [(step.group_id, step.user_id) for step in request.approval_ids],
            [
                (self.env.ref("ar_collections.group_ar_credit_manager"), self.env["res.users"]),
                (self.env["res.groups"], self.finance_manager),
            ],
        )
        # the first step is the credit managers' group: each of them (the finance manager is one)
        # has a to-do, the requester none
        self.assertIn(self.credit_manager, request.activity_ids.user_id)
        self.assertNotIn(self.collector, request.activity_ids.user_id)
        with self.assertRaises(AccessError):
            request.with_user(self.accountant).action_approve()  # a bookkeeper is no approver
        request.with_user(self.credit_manager).action_approve()
        self.assertEqual(request.state, "to_approve")
        self.assertEqual(request.activity_ids.user_id, self.finance_manager, "the next step's to-do only")
        self.assertFalse(request.move_id)
        with self.assertRaises(AccessError):
            request.with_user(self.credit_manager).action_approve()
        self.assertEqual(request.next_approval_id.user_id, self.finance_manager)
        request.with_user(self.finance_manager).action_approve()
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.approval_ids.mapped("approver_id"), self.credit_manager | self.finance_manager)
        self.assertEqual(
            request.move_id.line_ids.filtered("debit").account_id, self.expense_account, "charged to the expense"
        )
        self.assertEqual(self.inv2.amount_residual, 0.0)
        self.assertEqual(self.inv1.amount_residual, 2000.0)
        self.assertEqual(self.inv1.payment_state, "partial")

    @freeze_time("2026-04-01 09:00:00")
    def test_refusal_and_own_request(self):
        request = self.request(self.inv2, 4000.0, user=self.credit_manager)
        request.with_user(self.credit_manager).action_submit()
        with self.assertRaisesRegex(AccessError, "own write-off"):
            request.with_user(self.credit_manager).action_approve()
        other_manager = new_test_user(
            self.env,
            "ar_credit_manager_2",
            groups="base.group_user,ar_collections.group_ar_credit_manager",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        with self.assertRaisesRegex(UserError, "reason"):
            request.with_user(other_manager).action_refuse()
        request.with_user(other_manager).refusal_reason = "Collect through the guarantor first"
        request.with_user(other_manager).action_refuse()
        self.assertEqual(request.state, "refused")
        self.assertEqual(request.approval_ids.state, "refused")
        self.assertFalse(request.move_id)
        self.assertEqual(self.inv2.amount_residual, 4000.0)
        with self.assertRaises(UserError):
            request.with_user(other_manager).action_approve()

    @freeze_time("2026-04-01 09:00:00")
    def test_bad_requests(self):
        with self.assertRaisesRegex(ValidationError, "still owe"):
            self.request(self.inv2, 4500.0)
        with self.assertRaises(ValidationError):
            self.request(self.inv2 | self.inv3, 100.0)  # another customer's invoice
        request = self.request(self.inv2, 4000.0)
        request.action_submit()
        with self.assertRaises(UserError):
            request.with_user(self.collector).write({"amount": 10.0})
        self.assertEqual(request.amount, 4000.0)
        # paid meanwhile: the approval books nothing
        self.ar_pay(self.inv2, 1000.0, "2026-04-01")
        with self.assertRaisesRegex(UserError, "no longer owe"):
            request.with_user(self.credit_manager).action_approve()

    @freeze_time("2026-04-01 09:00:00")
    def test_recovery_after_write_off(self):
        request = self.request(self.inv2, 4000.0)
        request.action_submit()
        request.with_user(self.credit_manager).action_approve()
        payment = self.ar_unreconciled_payment(self.customer, 1500.0, "2026-04-01")
        payment_line = payment.move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        with self.assertRaises(AccessError):
            request.with_user(self.collector)._ar_record_recovery(payment_line, 1500.0)
        wizard = (
            self.env["ar.write.off.recovery.wizard"]
            .with_user(self.credit_manager)
            .create({"request_id": request.id, "payment_line_id": payment_line.id, "amount": 1500.0})
        )
        wizard.action_confirm()
        recovery = request.recovery_move_ids
        self.assertEqual(recovery.state, "posted")
        self.assertEqual(
            {(line.account_id, line.debit, line.credit) for line in recovery.line_ids},
            {(payment_line.account_id, 1500.0, 0.0), (self.allowance_account, 0.0, 1500.0)},
            "the write-off share reversed",
        )
        self.assertTrue(payment_line.reconciled, "the payment is allocated")
        self.assertEqual(request.recovered_amount, 1500.0)
        self.assertEqual(self.customer.ar_written_off_amount, 4000.0, "written-off amounts stay reportable")
        self.assertEqual(self.customer.ar_recovered_amount, 1500.0)
        # never more than what was written off, nor than the payment
        second = self.ar_unreconciled_payment(self.customer, 3000.0, "2026-04-01")
        second_line = second.move_id.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
        with self.assertRaisesRegex(ValidationError, "remains written off"):
            request.with_user(self.credit_manager)._ar_record_recovery(second_line, 3000.0)
        with self.assertRaisesRegex(ValidationError, "unreconciled payment"):
            request.with_user(self.credit_manager)._ar_record_recovery(payment_line, 100.0)
        # other income, as configured
        income = self.company_data["default_account_revenue"]
        self.company.write({"ar_recovery_mode": "income", "ar_recovery_income_account_id": income.id})
        move = request.with_user(self.accountant)._ar_record_recovery(second_line, 2500.0)
        self.assertEqual(move.line_ids.filtered("credit").account_id, income)
        self.assertEqual(request.recovered_amount, 4000.0)
        self.assertEqual(-second_line.amount_residual, 500.0)

    @freeze_time("2026-04-01 09:00:00")
    def test_access(self):
        with self.assertRaises(AccessError):
            self.request(self.inv2, 4000.0, user=self.auditor)
        request = self.request(self.inv2, 4000.0)
        self.assertEqual(request.with_user(self.auditor).amount, 4000.0, "auditors read")
        for vals in (
            {"state": "approved"},
            {"approval_ids": [Command.create({"sequence": 1, "state": "approved"})]},
            {"move_id": self.inv1.id},
            {"user_id": self.credit_manager.id},
        ):
            with self.assertRaises(AccessError):
                request.with_user(self.collector).write(vals)
        with self.assertRaises(AccessError):
            self.request(self.inv1, 100.0, state="approved")
        request.action_submit()
        with self.assertRaises(AccessError):
            request.with_user(self.collector).action_approve()
        with self.assertRaises(AccessError):
            request.approval_ids.with_user(self.credit_manager).write({"state": "approved"})
        with self.assertRaises(AccessError):
            self.env["ar.write.off.tier"].with_user(self.credit_manager).create(
                {"amount_min": 0.0, "user_id": self.credit_manager.id}
            )
        request.invalidate_recordset()
        self.assertEqual(request.state, "to_approve")
        self.assertEqual(request.approval_ids.state, "pending")
        self.assertEqual(self.inv2.amount_residual, 4000.0)


@tagged("post_install", "-at_install")
class TestWriteOffOverJsonRpc(ArWriteOffCommon, HttpCase):
    """A collector over /web/dataset/call_kw, with tempting context keys: nothing changes."""

    def call(self, model, method, args, kwargs=None):
        self.authenticate("ar_collector", "ar_collector")
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": dict(kwargs or {}, context={"ar_write_off_approval": True, "bypass": True}),
            },
        )

    def assertRefused(self, model, method, args):
        with self.assertRaises(JsonRpcException) as caught:
            self.call(model, method, args)
        self.assertEqual(caught.exception.args[0], "odoo.exceptions.AccessError")

    @freeze_time("2026-04-01 09:00:00")
    def test_collector_approves_nothing(self):
        request = self.request(self.inv2, 4000.0)
        request.action_submit()
        self.assertRefused("ar.write.off.request", "write", [request.ids, {"state": "approved"}])
        self.assertRefused("ar.write.off.request", "action_approve", [request.ids])
        self.assertRefused(
            "ar.write.off.request",
            "create",
            [
                {
                    "partner_id": self.customer.id,
                    "invoice_ids": [[6, 0, self.inv1.ids]],
                    "amount": 50.0,
                    "reason": "x",
                    "state": "approved",
                }
            ],
        )
        self.assertRefused("ar.write.off.approval", "write", [request.approval_ids.ids, {"state": "approved"}])
        self.assertRefused("account.move", "write", [self.inv1.ids, {"ar_write_off_request_id": request.id}])
        request.invalidate_recordset()
        self.assertEqual(request.state, "to_approve")
        self.assertEqual(request.approval_ids.state, "pending")
        self.assertFalse(request.move_id)
        self.assertEqual(self.inv2.amount_residual, 4000.0)
        self.assertEqual(self.env["ar.write.off.request"].search_count([("partner_id", "=", self.customer.id)]), 1)
