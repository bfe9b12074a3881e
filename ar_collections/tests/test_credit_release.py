from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .credit_hold_common import CreditHoldCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-06-15")
class TestCreditRelease(CreditHoldCommon):
    """A release lets through the one document it was approved for, an order or a delivery,
    as the Credit Manager approves it from the document's button."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # two orders confirmed while the customer was in good standing: two deliveries
        cls.delivery_1 = cls.delivered_order().picking_ids
        cls.delivery_2 = cls.delivered_order().picking_ids
        # then the customer is blacklisted: new orders are held, deliveries locked
        cls.ar_blacklist(cls.customer, "Bankrupt")
        cls.order_1 = cls.ar_order(cls.customer, 100.0)
        cls.order_2 = cls.ar_order(cls.customer, 100.0)

    @classmethod
    def delivered_order(cls):
        order = cls.ar_order(cls.customer, 100.0)
        order.with_user(cls.salesman).action_confirm()
        return order

    def approve(self, document, reason):
        """The Credit Manager clicks "Approve Release" on ``document`` and gives a reason."""
        action = document.with_user(self.credit_manager).action_ar_approve_release()
        wizard = Form(self.env[action["res_model"]].with_user(self.credit_manager).with_context(**action["context"]))
        wizard.reason = reason
        record = wizard.save()
        self.assertIn("Bankrupt", record.hold_reasons, "the approver sees why the document is held")
        record.action_confirm()
        return document.env["ar.credit.release"].sudo().search([], limit=1)

    def confirm(self, order):
        return order.with_user(self.salesman).action_confirm()

    def validate(self, picking):
        picking = picking.with_user(self.stock_user)
        for move in picking.sudo().move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        return picking.button_validate()

    def test_each_release_lifts_the_hold_of_its_own_document_only(self):
        self.assertTrue(self.order_1.ar_credit_hold and self.order_2.ar_credit_hold)
        self.assertTrue(self.delivery_1.ar_delivery_locked and self.delivery_2.ar_delivery_locked)

        order_release = self.approve(self.order_1, "Paid in advance by bank transfer")
        self.assertEqual(order_release.sale_order_id, self.order_1)
        self.assertFalse(order_release.picking_id)
        self.assertEqual(order_release.display_name, f"Release of {self.order_1.name}")
        self.assertEqual((order_release.partner_id, order_release.amount), (self.customer, 100.0))
        self.assertEqual(self.order_1.ar_credit_release_id, order_release)
        # the other order and the deliveries stay held
        self.assertFalse(self.order_2.ar_credit_release_id)
        self.assertFalse(self.delivery_1.ar_credit_release_id)
        with self.assertRaises(UserError):
            self.confirm(self.order_2)
        with self.assertRaises(UserError):
            self.validate(self.delivery_1)
        self.assertEqual(self.order_2.state, "draft")
        self.assertNotEqual(self.delivery_1.state, "done")

        self.confirm(self.order_1)
        self.assertEqual(self.order_1.state, "sale")
        self.assertEqual(order_release.state, "used")
        self.assertEqual(order_release.used_by_id, self.salesman)
        # the order's own delivery is another document: still locked
        new_delivery = self.order_1.picking_ids
        self.assertTrue(new_delivery.ar_delivery_locked)
        self.assertFalse(new_delivery.ar_credit_release_id)

        delivery_release = self.approve(self.delivery_1, "Goods paid by letter of credit")
        self.assertEqual(delivery_release.picking_id, self.delivery_1)
        self.assertFalse(delivery_release.sale_order_id)
        self.assertEqual(delivery_release.display_name, f"Release of {self.delivery_1.name}")
        self.assertEqual(delivery_release.partner_id, self.customer)
        self.assertEqual(self.delivery_1.ar_credit_release_id, delivery_release)
        self.assertFalse(self.delivery_2.ar_credit_release_id)
        with self.assertRaises(UserError):
            self.validate(self.delivery_2)
        with self.assertRaises(UserError):
            self.validate(new_delivery)
        with self.assertRaises(UserError):
            self.confirm(self.order_2)

        self.validate(self.delivery_1)
        self.assertEqual(self.delivery_1.state, "done")
        self.assertEqual(delivery_release.state, "used")
        self.assertEqual(delivery_release.used_by_id, self.stock_user)
        self.assertIn("Goods paid by letter of credit", self.delivery_1.message_ids[0].body)
        self.assertNotEqual(self.delivery_2.state, "done")

    def test_cancelled_release_lifts_nothing(self):
        release = self.approve(self.delivery_2, "Customer will pay on delivery")
        release.with_user(self.credit_manager).action_cancel()
        self.assertEqual(release.state, "cancelled")
        self.assertIn("Credit release cancelled by Credit Manager Zhao", self.delivery_2.message_ids[0].body)
        self.assertFalse(self.delivery_2.ar_credit_release_id)
        with self.assertRaises(UserError):
            self.validate(self.delivery_2)
        self.assertNotEqual(self.delivery_2.state, "done")
