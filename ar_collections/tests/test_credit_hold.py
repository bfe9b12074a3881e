from freezegun import freeze_time

from odoo import SUPERUSER_ID, Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .credit_hold_common import CreditHoldCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-06-15")
class TestCreditHold(CreditHoldCommon):
    def confirm_as(self, order, user):
        order.with_user(user).action_confirm()

    def blocked_message(self, order, user=None):
        with self.assertRaises(UserError) as error:
            order.with_user(user or self.salesman).action_confirm()
        self.assertIn(order.state, ("draft", "sent"))
        return str(error.exception)

    def approve(self, order, user=None, reason="Customer paid the overdue invoice today", expiry_date=False):
        wizard = (
            self.env["ar.credit.release.wizard"]
            .with_user(user or self.credit_manager)
            .with_context(default_sale_order_id=order.id, default_mode="approve")
            .create({"reason": reason, "expiry_date": expiry_date})
        )
        wizard.action_confirm()
        return order.ar_credit_release_ids.filtered(lambda r: r.state == "approved")

    # ------------------------------------------------------------------
    # Each rule alone
    # ------------------------------------------------------------------
    def test_no_hold_confirms(self):
        self.ar_invoice(self.customer, 1000.0, "2026-06-01", "2026-07-01")
        order = self.ar_order(self.customer, 3000.0)
        self.assertFalse(order.ar_credit_hold)
        self.confirm_as(order, self.salesman)
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.ar_credit_release_ids)

    def test_blacklisted_customer_blocked(self):
        self.ar_blacklist(self.customer, "Malicious default on the 2025 contract")
        order = self.ar_order(self.contact, 100.0)
        self.assertEqual((order.ar_credit_limit, order.ar_credit_order_amount), (5000.0, 100.0))
        message = self.blocked_message(order)
        self.assertHoldMessage(
            message,
            order.name,
            "blacklisted",
            "Malicious default on the 2025 contract",
            f"Credit limit: {self.money(5000.0)}",
            f"this order: {self.money(100.0)}",
        )
        self.assertNotIn("Credit limit exceeded", message)

    def test_grade_without_credit_sales_needs_immediate_term(self):
        self.customer.write({"credit_grade_id": self.grade_d.id})
        order = self.ar_order(self.customer, 100.0, payment_term=self.term_30)
        message = self.blocked_message(order)
        self.assertHoldMessage(message, "does not allow credit sales", "30 days net")

        cash = self.ar_order(self.customer, 100.0, payment_term=self.term_immediate)
        self.confirm_as(cash, self.salesman)
        self.assertEqual(cash.state, "sale")
        no_term = self.ar_order(self.customer, 100.0)
        self.confirm_as(no_term, self.salesman)
        self.assertEqual(no_term.state, "sale")

    def test_grade_allowing_credit_accepts_any_term(self):
        order = self.ar_order(self.customer, 100.0, payment_term=self.term_30)
        self.confirm_as(order, self.salesman)
        self.assertEqual(order.state, "sale")

    def test_credit_limit(self):
        self.ar_invoice(self.customer, 3000.0, "2026-06-01", "2026-07-01")
        confirmed = self.ar_order(self.customer, 1000.0)
        self.confirm_as(confirmed, self.salesman)
        # exposure 3,000 open + 1,000 ordered, not invoiced; 1,500 more goes 500 over 5,000
        order = self.ar_order(self.customer, 1500.0)
        self.assertEqual((order.ar_credit_exposure, order.ar_credit_order_amount), (4000.0, 1500.0))
        self.assertEqual(order.ar_credit_remaining, 1000.0)
        message = self.blocked_message(order)
        self.assertHoldMessage(
            message,
            "Credit limit exceeded",
            f"exposure {self.money(4000.0)}",
            f"this order {self.money(1500.0)}",
            self.money(5500.0),
            f"limit of {self.money(5000.0)}",
            f"by {self.money(500.0)}",
        )
        # exactly up to the limit is allowed
        order.order_line.price_unit = 1000.0
        self.confirm_as(order, self.salesman)
        self.assertEqual(order.state, "sale")

    def test_limit_in_company_currency(self):
        other_currency = self.setup_other_currency("EUR", rates=[("2026-01-01", 2.0)])
        self.ar_invoice(self.customer, 4000.0, "2026-06-01", "2026-07-01")
        order = self.ar_order(self.customer, 1500.0)
        order.currency_id = other_currency
        # 1,500 EUR at 2 EUR per $ = 750 $: 4,750 $ within the limit
        self.assertAlmostEqual(order.ar_credit_order_amount, 750.0)
        self.confirm_as(order, self.salesman)
        self.assertEqual(order.state, "sale")

    def test_no_limit_no_limit_check(self):
        self.customer.write({"credit_limit": 0.0})
        self.assertFalse(self.customer.use_partner_credit_limit)
        order = self.ar_order(self.customer, 1_000_000.0)
        self.assertFalse(order.ar_credit_uses_limit)
        self.confirm_as(order, self.salesman)
        self.assertEqual(order.state, "sale")

    def test_invoice_in_held_stage(self):
        invoice = self.ar_invoice(self.customer, 800.0, "2026-04-01", "2026-05-01")
        stage = self.ar_stage("hold_sales")
        self.ar_set_stage(invoice, stage)
        order = self.ar_order(self.customer, 100.0)
        self.assertEqual((order.ar_credit_overdue_amount, order.ar_credit_oldest_overdue_days), (800.0, 45))
        message = self.blocked_message(order)
        self.assertHoldMessage(
            message, stage.name, invoice.name, f"overdue: {self.money(800.0)}", "oldest overdue: 45 days"
        )
        # a stage that does not hold sales does not block
        stage.hold_sales = False
        self.confirm_as(order, self.salesman)
        self.assertEqual(order.state, "sale")

    def test_paid_invoice_in_held_stage_does_not_block(self):
        invoice = self.ar_invoice(self.customer, 800.0, "2026-04-01", "2026-05-01")
        self.ar_set_stage(invoice, self.ar_stage("hold_sales"))
        self.ar_pay(invoice, 800.0, "2026-06-14")
        order = self.ar_order(self.customer, 100.0)
        self.confirm_as(order, self.salesman)
        self.assertEqual(order.state, "sale")

    def test_all_rules_combined(self):
        self.customer.write({"credit_grade_id": self.grade_d.id, "credit_limit": 1000.0})
        invoice = self.ar_invoice(self.customer, 900.0, "2026-03-01", "2026-03-31")
        self.ar_set_stage(invoice, self.ar_stage("hold_sales"))
        self.ar_blacklist(self.customer, "Refuses to pay")
        order = self.ar_order(self.customer, 500.0, payment_term=self.term_30)
        reasons = order._ar_get_credit_hold_reasons()[order.id]
        self.assertEqual([r["code"] for r in reasons], ["blacklist", "grade", "limit", "stage"])
        self.assertEqual(
            (order.ar_credit_limit, order.ar_credit_exposure, order.ar_credit_order_amount),
            (1000.0, 900.0, 500.0),
        )
        self.assertEqual(order.ar_credit_overdue_amount, 900.0)
        message = self.blocked_message(order)
        self.assertHoldMessage(
            message,
            "Refuses to pay",
            "does not allow credit sales",
            "Credit limit exceeded",
            invoice.name,
            f"Credit limit: {self.money(1000.0)}",
            f"exposure: {self.money(900.0)}",
            f"this order: {self.money(500.0)}",
            f"overdue: {self.money(900.0)}",
            "oldest overdue: 76 days",
        )

    # ------------------------------------------------------------------
    # Banner
    # ------------------------------------------------------------------
    def test_banner(self):
        self.ar_invoice(self.customer, 1000.0, "2026-04-01", "2026-05-01")
        self.ar_invoice(self.customer, 2500.0, "2026-06-01", "2026-07-01")
        order = self.ar_order(self.customer, 2000.0).with_user(self.salesman)
        self.assertTrue(order.ar_credit_show_banner)
        self.assertEqual(order.ar_credit_grade_id, self.grade_a)
        self.assertAlmostEqual(order.ar_credit_limit, 5000.0)
        self.assertAlmostEqual(order.ar_credit_exposure, 3500.0)
        self.assertAlmostEqual(order.ar_credit_remaining, 1500.0)
        self.assertAlmostEqual(order.ar_credit_order_amount, 2000.0)
        self.assertAlmostEqual(order.ar_credit_overdue_amount, 1000.0)
        self.assertEqual(order.ar_credit_oldest_overdue_days, 45)
        self.assertTrue(order.ar_credit_hold)
        self.assertIn("Credit limit exceeded", order.ar_credit_hold_reasons)

        # the banner follows the order being edited
        with Form(order) as form:
            with form.order_line.edit(0) as line:
                line.price_unit = 1000.0
            self.assertAlmostEqual(form.ar_credit_order_amount, 1000.0)
            self.assertFalse(form.ar_credit_hold)
        order.action_confirm()
        self.assertFalse(order.ar_credit_show_banner)

    # ------------------------------------------------------------------
    # Roles
    # ------------------------------------------------------------------
    def test_credit_manager_releases_then_salesman_confirms(self):
        self.ar_blacklist(self.customer, "Long overdue")
        order = self.ar_order(self.customer, 100.0)
        self.blocked_message(order)
        release = self.approve(order, expiry_date="2026-06-30")
        self.assertEqual(release.approved_by_id, self.credit_manager)
        self.assertEqual(release.partner_id, self.customer)
        self.assertEqual(release.reason, "Customer paid the overdue invoice today")
        self.assertIn("blacklisted", release.hold_reasons)
        self.assertEqual(order.ar_credit_release_id, release)
        self.assertIn("Customer paid the overdue invoice today", order.message_ids[0].body)
        self.assertIn("Customer paid the overdue invoice today", self.customer.message_ids[0].body)

        self.confirm_as(order, self.salesman)
        self.assertEqual(order.state, "sale")
        self.assertEqual(release.state, "used")
        self.assertEqual(release.used_by_id, self.salesman)

    def test_reason_required(self):
        order = self.ar_order(self.customer, 9000.0)
        with self.assertRaises(UserError):
            self.env["ar.credit.release"].with_user(self.credit_manager)._approve(order, "   ")
        self.assertFalse(order.ar_credit_release_ids)

    def test_who_cannot_release(self):
        order = self.ar_order(self.customer, 9000.0)
        Release = self.env["ar.credit.release"]
        for user in (self.salesman, self.collector, self.auditor):
            with self.assertRaises(AccessError, msg=user.name):
                Release.with_user(user)._approve(order, "I say so")
            with self.assertRaises(AccessError, msg=user.name):
                order.with_user(user).action_ar_approve_release()
            with self.assertRaises(AccessError, msg=user.name):
                Release.with_user(user).create(
                    {
                        "sale_order_id": order.id,
                        "partner_id": self.customer.id,
                        "company_id": self.company.id,
                        "reason": "x",
                        "approved_by_id": user.id,
                        "approval_date": "2026-06-15 08:00:00",
                    }
                )
        self.assertFalse(order.ar_credit_release_ids)
        # a credit manager cannot release his own sale
        own = self.ar_order(self.customer, 9000.0, user=self.credit_manager_2)
        with self.assertRaises(AccessError):
            self.approve(own, user=self.credit_manager_2)
        self.approve(own, user=self.credit_manager)
        self.confirm_as(own, self.credit_manager_2)
        self.assertEqual(own.state, "sale")

    def test_release_is_read_only(self):
        order = self.ar_order(self.customer, 9000.0)
        release = self.approve(order)
        with self.assertRaises(AccessError):
            release.with_user(self.credit_manager).write({"expiry_date": "2027-01-01"})
        with self.assertRaises(AccessError):
            release.with_user(self.credit_manager).unlink()
        with self.assertRaises(UserError):
            release.sudo().unlink()
        self.assertEqual(release.with_user(self.auditor).reason, "Customer paid the overdue invoice today")

    def test_request_release(self):
        self.company.ar_credit_approver_id = self.credit_manager
        order = self.ar_order(self.customer, 9000.0)
        wizard = (
            self.env["ar.credit.release.wizard"]
            .with_user(self.salesman)
            .with_context(default_sale_order_id=order.id, default_mode="request")
            .create({"message": "Pays on Friday"})
        )
        self.assertIn("Credit limit exceeded", wizard.hold_reasons)
        wizard.action_confirm()
        activity = order.activity_ids
        self.assertEqual(activity.user_id, self.credit_manager)
        self.assertEqual(activity.activity_type_id, self.env.ref("ar_collections.mail_activity_type_ar_credit_hold"))
        self.assertIn("Pays on Friday", activity.note)
        # asking twice does not pile up to-dos
        order.with_user(self.salesman).action_ar_request_release()
        self.env["ar.credit.release"].with_user(self.salesman)._request(order)
        self.assertEqual(len(order.activity_ids), 1)
        # the approval closes the to-do
        self.approve(order)
        self.assertFalse(order.activity_ids)

    def test_request_goes_to_company_credit_managers(self):
        order = self.ar_order(self.customer, 9000.0, user=self.credit_manager_2)
        self.env["ar.credit.release"].with_user(self.credit_manager_2)._request(order)
        users = order.activity_ids.user_id
        self.assertIn(self.credit_manager, users)
        self.assertNotIn(self.credit_manager_2, users, "never asked to release his own order")
        self.assertNotIn(self.salesman, users)

    # ------------------------------------------------------------------
    # Expiry, one order only
    # ------------------------------------------------------------------
    def test_release_expiry(self):
        order = self.ar_order(self.customer, 9000.0)
        with self.assertRaises(UserError):
            self.approve(order, expiry_date="2026-06-14")
        release = self.approve(order, expiry_date="2026-06-20")
        with freeze_time("2026-06-21"):
            self.assertFalse(order.ar_credit_release_id)
            message = self.blocked_message(order)
            self.assertIn("expired on 06/20/2026", message)
            self.env["ar.credit.release"]._cron_expire_releases()
            self.assertEqual(release.state, "expired")
        with freeze_time("2026-06-20"):
            new_release = self.approve(order, expiry_date="2026-06-20")
            self.confirm_as(order, self.salesman)
            self.assertEqual(order.state, "sale")
            self.assertEqual(new_release.state, "used")

    def test_release_does_not_carry_over(self):
        self.ar_blacklist(self.customer, "Long overdue")
        order = self.ar_order(self.customer, 100.0)
        other = self.ar_order(self.customer, 100.0)
        self.approve(order)
        self.assertFalse(other.ar_credit_release_id)
        self.blocked_message(other)
        self.confirm_as(order, self.salesman)
        # used once: cancelled and set back to quotation, the order is held again
        order.sudo()._action_cancel()
        order.sudo().action_draft()
        self.blocked_message(order)
        # a copy of the order is another order
        self.blocked_message(order.sudo().copy().sudo(False))

    def test_release_limited_to_approved_amount(self):
        order = self.ar_order(self.customer, 6000.0)
        release = self.approve(order)
        self.assertEqual((release.amount, release.currency_id), (6000.0, order.currency_id))
        order.order_line.price_unit = 8000.0
        message = self.blocked_message(order)
        self.assertIn(f"was for a total of {self.money(6000.0)}", message)
        order.order_line.price_unit = 5500.0
        self.confirm_as(order, self.salesman)
        self.assertEqual(order.state, "sale")

    def test_new_approval_supersedes_previous(self):
        order = self.ar_order(self.customer, 6000.0)
        first = self.approve(order, expiry_date="2026-06-16")
        second = self.approve(order, reason="Extended until month end", expiry_date="2026-06-30")
        self.assertEqual(first.state, "cancelled")
        self.assertEqual(second.state, "approved")
        second.with_user(self.credit_manager).action_cancel()
        self.assertEqual(second.state, "cancelled")
        self.blocked_message(order)

    # ------------------------------------------------------------------
    # Paths without a user to read the message
    # ------------------------------------------------------------------
    def test_portal_acceptance_leaves_order_unconfirmed(self):
        self.company.ar_credit_approver_id = self.credit_manager
        self.ar_blacklist(self.customer, "Long overdue")
        order = self.ar_order(self.customer, 100.0)
        portal_user = self.env["res.users"].create(
            {
                "name": "Huadong buyer",
                "login": "huadong_portal",
                "partner_id": self.contact.id,
                "groups_id": [Command.set(self.env.ref("base.group_portal").ids)],
            }
        )
        # what /my/orders/<id>/accept does after the signature
        order.with_user(portal_user).sudo()._validate_order()
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.activity_ids.user_id, self.salesman | self.credit_manager)
        self.assertIn("blacklisted", order.message_ids[0].body)

    def test_automated_confirmation_confirms_only_clean_orders(self):
        self.company.ar_credit_approver_id = self.credit_manager
        self.ar_blacklist(self.customer, "Long overdue")
        held = self.ar_order(self.customer, 100.0)
        other_customer = self.env["res.partner"].create({"name": "Good payer", "is_company": True})
        clean = self.ar_order(other_customer, 100.0)
        (held | clean).with_user(SUPERUSER_ID).action_confirm()
        self.assertEqual(held.state, "draft")
        self.assertEqual(clean.state, "sale")
        self.assertEqual(held.activity_ids.user_id, self.salesman | self.credit_manager)
        # a second automated attempt does not duplicate the to-dos
        held.with_user(SUPERUSER_ID).action_confirm()
        self.assertEqual(len(held.activity_ids), 2)

    def test_payment_confirmation_skips_held_order(self):
        self.ar_blacklist(self.customer, "Long overdue")
        order = self.ar_order(self.customer, 100.0)
        provider = (
            self.env["payment.provider"]
            .sudo()
            .create(
                {
                    "name": "Test provider",
                    "code": "none",
                    "state": "test",
                    "payment_method_ids": [Command.set(self.env.ref("payment.payment_method_unknown").ids)],
                }
            )
        )
        transaction = (
            self.env["payment.transaction"]
            .sudo()
            .create(
                {
                    "provider_id": provider.id,
                    "payment_method_id": self.env.ref("payment.payment_method_unknown").id,
                    "reference": "HOLD-TEST-1",
                    "amount": order.amount_total,
                    "currency_id": order.currency_id.id,
                    "partner_id": self.customer.id,
                    "operation": "online_redirect",
                    "state": "done",
                    "sale_order_ids": [Command.set(order.ids)],
                }
            )
        )
        # the transaction covers the order: what the payment post-processing does next, as OdooBot
        confirmed = transaction.with_user(SUPERUSER_ID)._check_amount_and_confirm_order()
        self.assertFalse(confirmed)
        self.assertEqual(order.state, "draft")
        # nobody read a message: the salesperson and the credit managers are asked to act
        self.assertLessEqual(self.salesman | self.credit_manager, order.activity_ids.user_id)
        self.assertIn("blacklisted", order.message_ids[0].body)
        # once the customer is released from the blacklist, the same path confirms it
        self.ar_blacklist(self.customer, "Paid in full", release=True)
        confirmed = transaction.with_user(SUPERUSER_ID)._check_amount_and_confirm_order()
        self.assertEqual(confirmed, order)
        self.assertEqual(order.state, "sale")

    # ------------------------------------------------------------------
    # Multi-company
    # ------------------------------------------------------------------
    def test_multi_company(self):
        company_b = self.setup_other_company(name="Company B")["company"]
        salesman_b = self.env["res.users"].create(
            {
                "name": "Salesman B",
                "login": "salesman_b",
                "company_id": company_b.id,
                "company_ids": [Command.set(company_b.ids)],
                "groups_id": [
                    Command.set([self.env.ref("base.group_user").id, self.env.ref("sales_team.group_sale_salesman").id])
                ],
            }
        )
        # in company A: blacklisted, invoice in a held stage
        self.ar_blacklist(self.customer, "Company A only")
        invoice_a = self.ar_invoice(self.customer, 800.0, "2026-04-01", "2026-05-01")
        self.ar_set_stage(invoice_a, self.ar_stage("hold_sales"))
        order_b = self.ar_order(self.customer, 100.0, user=salesman_b, company=company_b)
        self.assertFalse(order_b.with_user(salesman_b).ar_credit_hold)
        order_b.with_user(salesman_b).action_confirm()
        self.assertEqual(order_b.state, "sale")

        # in company B: a held stage and a release; company A is not affected by either
        self.ar_blacklist(self.customer, "Settled", release=True)
        invoice_a.sudo().collection_stage_id = False
        invoice_b = self.ar_invoice(self.customer, 800.0, "2026-04-01", "2026-05-01", company=company_b)
        self.ar_set_stage(invoice_b, self.ar_stage("hold_sales", company=company_b))
        order_b2 = self.ar_order(self.customer, 100.0, user=salesman_b, company=company_b)
        with self.assertRaises(UserError):
            order_b2.with_user(salesman_b).action_confirm()
        release_b = self.env["ar.credit.release"].with_company(company_b)._approve(order_b2, "Group decision")
        self.assertEqual(release_b.company_id, company_b)
        order_a = self.ar_order(self.customer, 100.0)
        self.confirm_as(order_a, self.salesman)
        self.assertEqual(order_a.state, "sale")
        # company A users do not see company B releases
        self.assertFalse(
            self.env["ar.credit.release"].with_user(self.credit_manager).search([("partner_id", "=", self.customer.id)])
        )
