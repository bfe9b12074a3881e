from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .credit_hold_common import CreditHoldCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-06-15")
class TestDeliveryLock(CreditHoldCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # invoiced 3 months ago, due 2026-03-01: 106 days overdue
        cls.old_invoice = cls.ar_invoice(cls.customer, 1200.0, "2026-02-01", "2026-03-01")

    def delivery(self, partner=None, user=None, company=None):
        order = self.ar_order(partner or self.customer, 100.0, user=user, company=company)
        order.sudo().action_confirm()
        picking = order.picking_ids
        self.assertEqual(picking.picking_type_code, "outgoing")
        return picking

    def validate(self, picking, user=None):
        picking = picking.with_user(user or self.stock_user)
        for move in picking.sudo().move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        return picking.button_validate()

    def locked_message(self, picking, user=None):
        with self.assertRaises(UserError) as error:
            self.validate(picking, user)
        self.assertNotEqual(picking.state, "done")
        return str(error.exception)

    def lock(self):
        stage = self.ar_stage("lock_deliveries")
        self.ar_set_stage(self.old_invoice, stage)
        return stage

    def approve(self, picking, user=None, expiry_date=False):
        wizard = (
            self.env["ar.credit.release.wizard"]
            .with_user(user or self.credit_manager)
            .with_context(default_picking_id=picking.id, default_mode="approve")
            .create({"reason": "Goods already paid by letter of credit", "expiry_date": expiry_date})
        )
        wizard.action_confirm()
        return self.env["ar.credit.release"].search([("picking_id", "=", picking.id), ("state", "=", "approved")])

    def test_no_lock_validates(self):
        picking = self.delivery()
        self.assertFalse(picking.ar_delivery_locked)
        self.validate(picking)
        self.assertEqual(picking.state, "done")

    def test_stage_locking_deliveries_blocks(self):
        picking = self.delivery()
        stage = self.lock()
        self.assertTrue(picking.ar_delivery_locked)
        # the warehouse user sees why, on the delivery form
        form = Form(picking.with_user(self.stock_user))
        self.assertIn(self.old_invoice.name, form.ar_delivery_lock_reasons)
        message = self.locked_message(picking)
        self.assertHoldMessage(
            message,
            picking.name,
            stage.name,
            self.old_invoice.name,
            "locks deliveries",
            f"Overdue: {self.money(1200.0)}",
            "oldest overdue: 106 days",
        )
        # a stage that does not lock deliveries lets the goods go
        stage.lock_deliveries = False
        self.validate(picking)
        self.assertEqual(picking.state, "done")

    def test_blacklisted_customer_blocked(self):
        picking = self.delivery()
        self.ar_blacklist(self.customer, "Bankrupt")
        message = self.locked_message(picking)
        self.assertHoldMessage(message, "blacklisted", "Bankrupt")

    def test_receipts_are_not_locked(self):
        self.lock()
        self.ar_blacklist(self.customer, "Bankrupt")
        receipt_type = self.env["stock.warehouse"].search([("company_id", "=", self.company.id)], limit=1).in_type_id
        locations = {
            "location_id": receipt_type.default_location_src_id.id or self.env.ref("stock.stock_location_suppliers").id,
            "location_dest_id": receipt_type.default_location_dest_id.id,
        }
        receipt = (
            self.env["stock.picking"]
            .sudo()
            .create(
                {
                    "partner_id": self.customer.id,
                    "picking_type_id": receipt_type.id,
                    **locations,
                    "move_ids": [
                        Command.create(
                            {
                                "name": "Return",
                                "product_id": self.product.id,
                                "product_uom_qty": 1.0,
                                "product_uom": self.product.uom_id.id,
                                **locations,
                            }
                        )
                    ],
                }
            )
        )
        receipt.action_confirm()
        self.validate(receipt)
        self.assertEqual(receipt.state, "done")

    def test_release_and_validate(self):
        picking = self.delivery()
        self.lock()
        release = self.approve(picking, expiry_date="2026-06-30")
        self.assertEqual(release.approved_by_id, self.credit_manager)
        self.assertEqual(picking.ar_credit_release_id, release)
        self.validate(picking)
        self.assertEqual(picking.state, "done")
        self.assertEqual(release.state, "used")
        self.assertEqual(release.used_by_id, self.stock_user)

    def test_release_expiry(self):
        picking = self.delivery()
        self.lock()
        self.approve(picking, expiry_date="2026-06-20")
        with freeze_time("2026-06-21"):
            message = self.locked_message(picking)
            self.assertIn("expired on 06/20/2026", message)

    def test_release_is_for_one_delivery(self):
        picking = self.delivery()
        other = self.delivery()
        self.lock()
        self.approve(picking)
        self.locked_message(other)
        self.validate(picking)
        self.assertEqual(picking.state, "done")

    def test_who_cannot_release(self):
        picking = self.delivery()
        # the order is confirmed before the lock: the default "over 90 days" stage also holds sales
        own = self.delivery(user=self.credit_manager_2)
        self.lock()
        Release = self.env["ar.credit.release"]
        for user in (self.salesman, self.collector, self.auditor, self.stock_user):
            with self.assertRaises(AccessError, msg=user.name):
                Release.with_user(user)._approve(picking, "Please")
        # the credit manager who sold the goods cannot release their delivery
        with self.assertRaises(AccessError):
            Release.with_user(self.credit_manager_2)._approve(own, "Mine")
        self.assertFalse(Release.search([("picking_id", "in", (picking | own).ids)]))

    def test_request_release(self):
        self.company.ar_credit_approver_id = self.credit_manager
        picking = self.delivery()
        self.lock()
        picking.with_user(self.stock_user).action_ar_request_release()
        self.env["ar.credit.release.wizard"].with_user(self.stock_user).with_context(
            default_picking_id=picking.id, default_mode="request"
        ).create({}).action_confirm()
        self.assertEqual(picking.activity_ids.user_id, self.credit_manager)

    def test_multi_company(self):
        company_b = self.setup_other_company(name="Company B")["company"]
        invoice_b = self.ar_invoice(self.customer, 500.0, "2026-02-01", "2026-03-01", company=company_b)
        self.ar_set_stage(invoice_b, self.ar_stage("lock_deliveries", company=company_b))
        picking = self.delivery()
        self.validate(picking)
        self.assertEqual(picking.state, "done")
