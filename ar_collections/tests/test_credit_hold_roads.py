"""Holds have no side road: a held order cannot be confirmed by another road, a locked
delivery stays locked. Each control is attacked as the user it must stop, with the context
keys that used to open it, and what must not change is re-read from the database."""

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException

from .credit_hold_common import CreditHoldCommon

# context keys an attacker tries: none of them may open a control
TEMPTING_CONTEXT = {
    "ar_credit_release_approval": True,
    "ar_credit_release_update": True,
    "ar_credit_checked": True,
    "tracking_disable": True,
    "mail_notrack": True,
}


@tagged("post_install", "-at_install")
@freeze_time("2026-06-15")
class TestCreditHoldRoads(CreditHoldCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.walk_in = cls.env["res.partner"].create({"name": "Walk-in buyer"})
        cls.other_customer = cls.env["res.partner"].create({"name": "Good payer Ltd.", "is_company": True})

    def as_salesman(self, record):
        return record.with_user(self.salesman).with_context(**TEMPTING_CONTEXT)

    def approve(self, order, user=None):
        return (
            self.env["ar.credit.release"]
            .with_user(user or self.credit_manager)
            ._approve(order, "Payment received today")
        )

    def reread(self, record):
        record.invalidate_recordset()
        return record.browse(record.id)

    # ------------------------------------------------------------------
    # Confirmation by another road
    # ------------------------------------------------------------------
    def test_write_state_refused_for_held_order(self):
        self.ar_blacklist(self.customer, "Refuses to pay")
        order = self.ar_order(self.customer, 100.0)
        with self.assertRaises(UserError):
            self.as_salesman(order).write({"state": "sale"})
        order = self.reread(order)
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.picking_ids)
        # 'done' is no state of Odoo 18: refused too
        with self.assertRaises(ValueError):
            self.as_salesman(order).write({"state": "done"})
        order = self.reread(order)
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.picking_ids)
        with self.assertRaises(UserError) as error:
            self.as_salesman(order).write({"state": "sale", "locked": True})
        self.assertIn("blacklisted", str(error.exception))
        # created confirmed: the same check
        with self.assertRaises(UserError):
            self.as_salesman(self.env["sale.order"]).create(
                {
                    "partner_id": self.customer.id,
                    "state": "sale",
                    "order_line": [Command.create({"product_id": self.product.id, "price_unit": 10.0})],
                }
            )
        self.assertFalse(self.env["sale.order"].search([("partner_id", "=", self.customer.id), ("state", "=", "sale")]))

    def test_write_state_checks_the_new_customer(self):
        """Switching to a held customer and confirming in one write is checked after the write."""
        self.ar_blacklist(self.customer, "Refuses to pay")
        order = self.ar_order(self.other_customer, 100.0)
        with self.assertRaises(UserError):
            self.as_salesman(order).write({"partner_id": self.customer.id, "state": "sale"})
        order = self.reread(order)
        self.assertEqual((order.state, order.partner_id), ("draft", self.other_customer))

    def test_write_state_of_clean_order_and_released_order(self):
        clean = self.ar_order(self.other_customer, 100.0)
        self.as_salesman(clean).write({"state": "sale"})
        self.assertEqual(clean.state, "sale")
        self.ar_blacklist(self.customer, "Refuses to pay")
        held = self.ar_order(self.customer, 100.0)
        release = self.approve(held)
        self.as_salesman(held).write({"state": "sale"})
        self.assertEqual(held.state, "sale")
        self.assertEqual(release.state, "used")

    def test_computed_totals_cannot_be_forged(self):
        order = self.ar_order(self.customer, 9000.0)
        for vals in ({"amount_total": 1.0}, {"currency_rate": 1000.0}):
            with self.assertRaises(AccessError):
                self.as_salesman(order).write(vals)
        with self.assertRaises(AccessError):
            self.as_salesman(order.order_line).write({"price_total": 1.0})
        with self.assertRaises(UserError):
            self.as_salesman(order).action_confirm()
        order = self.reread(order)
        self.assertEqual((order.state, order.amount_total), ("draft", 9000.0))

    # ------------------------------------------------------------------
    # Who pays: the invoice address
    # ------------------------------------------------------------------
    def test_invoice_address_of_blacklisted_customer(self):
        self.ar_blacklist(self.customer, "Refuses to pay")
        order = self.ar_order(self.walk_in, 100.0)
        order.partner_invoice_id = self.contact
        self.assertTrue(order.with_user(self.salesman).ar_credit_hold)
        with self.assertRaises(UserError) as error:
            self.as_salesman(order).action_confirm()
        self.assertIn("blacklisted", str(error.exception))
        self.assertIn(self.customer.name, str(error.exception))
        order = self.reread(order)
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.picking_ids)

    def test_invoice_address_over_limit(self):
        self.ar_invoice(self.customer, 4500.0, "2026-06-01", "2026-07-01")
        order = self.ar_order(self.walk_in, 1000.0)
        order.partner_invoice_id = self.contact
        with self.assertRaises(UserError) as error:
            self.as_salesman(order).action_confirm()
        self.assertIn("Credit limit exceeded", str(error.exception))
        self.assertIn(f"by {self.money(500.0)}", str(error.exception))
        self.assertEqual(self.reread(order).state, "draft")
        # the invoice address of a confirmed order cannot be switched to a held customer either
        self.ar_blacklist(self.customer, "Refuses to pay")
        confirmed = self.ar_order(self.walk_in, 100.0)
        self.as_salesman(confirmed).action_confirm()
        with self.assertRaises(UserError):
            self.as_salesman(confirmed).write({"partner_invoice_id": self.contact.id})
        self.assertEqual(self.reread(confirmed).partner_invoice_id, self.walk_in)

    # ------------------------------------------------------------------
    # Confirmed orders that grow
    # ------------------------------------------------------------------
    def test_confirmed_order_grows_past_the_limit(self):
        self.ar_invoice(self.customer, 3000.0, "2026-06-01", "2026-07-01")
        order = self.ar_order(self.customer, 100.0)
        line = order.order_line
        line.product_uom_qty = 10  # 10 x 100 (the list price)
        self.as_salesman(order).action_confirm()
        attacks = [
            lambda: self.as_salesman(line).write({"product_uom_qty": 30}),
            lambda: self.as_salesman(line).write({"price_unit": 300.0}),
            lambda: self.as_salesman(order).write({"order_line": [Command.update(line.id, {"product_uom_qty": 50})]}),
            lambda: self.as_salesman(order).write(
                {
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.product.id,
                                "product_uom_qty": 1,
                                "price_unit": 1500.0,
                                "tax_id": [Command.clear()],
                            }
                        )
                    ]
                }
            ),
            lambda: self.as_salesman(self.env["sale.order.line"]).create(
                {
                    "order_id": order.id,
                    "product_id": self.product.id,
                    "product_uom_qty": 1,
                    "price_unit": 1500.0,
                    "tax_id": [Command.clear()],
                }
            ),
        ]
        for attack in attacks:
            with self.assertRaises(UserError) as error:
                attack()
            self.assertIn("Credit limit exceeded", str(error.exception))
            order = self.reread(order)
            self.assertEqual(order.amount_total, 1000.0)
            self.assertEqual(len(order.order_line), 1)
            self.assertEqual(order.order_line.product_uom_qty, 10)
            self.assertEqual(order.picking_ids.move_ids.product_uom_qty, 10)
        # within the limit: 3,000 + 2,000 = 5,000
        self.as_salesman(line).write({"product_uom_qty": 20})
        self.assertEqual(order.amount_total, 2000.0)
        # smaller is always fine
        self.as_salesman(line).write({"product_uom_qty": 10})
        self.assertEqual(order.amount_total, 1000.0)

    def test_confirmed_order_under_release_grows_up_to_the_approved_amount(self):
        order = self.ar_order(self.customer, 6000.0)
        release = self.approve(order)
        self.assertEqual(release.amount, 6000.0)
        order.order_line.price_unit = 5800.0
        self.as_salesman(order).action_confirm()
        self.assertEqual(release.state, "used")
        # back up to the approved 6,000: covered by the release it was confirmed under
        self.as_salesman(order.order_line).write({"price_unit": 6000.0})
        with self.assertRaises(UserError) as error:
            self.as_salesman(order.order_line).write({"price_unit": 6500.0})
        self.assertIn(f"was for a total of {self.money(6000.0)}", str(error.exception))
        self.assertEqual(self.reread(order).amount_total, 6000.0)

    # ------------------------------------------------------------------
    # A release is for what was approved
    # ------------------------------------------------------------------
    def test_release_does_not_follow_a_new_customer(self):
        other = self.env["res.partner"].create({"name": "Blacklisted too", "is_company": True})
        self.ar_blacklist(other, "Refuses to pay")
        self.ar_blacklist(self.customer, "Refuses to pay")
        order = self.ar_order(self.customer, 100.0)
        release = self.approve(order)
        self.assertEqual(release.invoice_partner_id, self.customer)
        self.assertEqual(release.salesperson_id, self.salesman)
        order.partner_id = other
        self.assertFalse(order.ar_credit_release_id)
        with self.assertRaises(UserError) as error:
            self.as_salesman(order).action_confirm()
        self.assertIn("the customer has changed since", str(error.exception))
        self.assertEqual(self.reread(order).state, "draft")
        self.assertEqual(self.reread(release).state, "approved")

    def test_release_does_not_follow_a_new_currency(self):
        currency = self.setup_other_currency("EUR", rates=[("2026-01-01", 0.1)])  # 1 EUR = 10 $
        pricelist = self.env["product.pricelist"].create({"name": "EUR", "currency_id": currency.id})
        order = self.ar_order(self.customer, 6000.0)
        release = self.approve(order)
        order.pricelist_id = pricelist
        order.order_line.price_unit = 6000.0
        self.assertEqual(order.currency_id, currency)
        self.assertAlmostEqual(order.ar_credit_order_amount, 60000.0)
        with self.assertRaises(UserError) as error:
            self.as_salesman(order).action_confirm()
        self.assertIn("the currency has changed since", str(error.exception))
        self.assertEqual(self.reread(order).state, "draft")
        self.assertEqual(self.reread(release).state, "approved")

    def test_credit_manager_never_releases_his_sale(self):
        order = self.ar_order(self.customer, 9000.0, user=self.credit_manager_2)
        # reassigned to a colleague for the approval, even without tracking
        order.with_user(self.credit_manager_2).with_context(**TEMPTING_CONTEXT).write({"user_id": self.salesman.id})
        with self.assertRaises(AccessError):
            self.approve(order, user=self.credit_manager_2)
        with self.assertRaises(AccessError):
            order.with_user(self.credit_manager_2).action_ar_approve_release()
        self.assertFalse(self.reread(order).ar_credit_release_ids)
        self.assertNotIn(self.credit_manager_2, self.env["ar.credit.release"]._get_approvers(order))
        # approved while not the salesperson, then taken back: the release no longer applies
        other = self.ar_order(self.customer, 9000.0)
        release = self.approve(other, user=self.credit_manager_2)
        other.with_user(self.credit_manager_2).with_context(**TEMPTING_CONTEXT).write(
            {"user_id": self.credit_manager_2.id}
        )
        with self.assertRaises(UserError) as error:
            other.with_user(self.credit_manager_2).action_confirm()
        self.assertIn("who is or was the salesperson", str(error.exception))
        self.assertEqual(self.reread(other).state, "draft")
        self.assertEqual(self.reread(release).state, "approved")
        # the history itself cannot be written
        with self.assertRaises(AccessError):
            other.with_user(self.credit_manager_2).write({"ar_salesperson_history_ids": [Command.clear()]})

    def test_releases_cannot_be_forged_with_context_keys(self):
        order = self.ar_order(self.customer, 9000.0)
        release = self.approve(order)
        Release = self.env["ar.credit.release"]
        for user in (self.salesman, self.credit_manager):
            with self.assertRaises(AccessError):
                Release.with_user(user).with_context(**TEMPTING_CONTEXT).create(
                    {
                        "sale_order_id": order.id,
                        "partner_id": self.customer.id,
                        "company_id": self.company.id,
                        "reason": "x",
                        "approved_by_id": user.id,
                        "approval_date": "2026-06-15 08:00:00",
                    }
                )
            with self.assertRaises(AccessError):
                release.with_user(user).with_context(**TEMPTING_CONTEXT).write({"amount": 1_000_000.0})
        release = self.reread(release)
        self.assertEqual((release.amount, release.state), (9000.0, "approved"))
        self.assertEqual(len(Release.search([("sale_order_id", "=", order.id)])), 1)

    # ------------------------------------------------------------------
    # What lifts a hold
    # ------------------------------------------------------------------
    def held_invoice(self):
        stage = self.ar_stage("hold_sales")
        due = fields.Date.to_date("2026-06-15") - relativedelta(days=stage.days_from + 5)
        invoice = self.ar_invoice(self.customer, 800.0, due - relativedelta(days=30), due)
        self.ar_set_stage(invoice, stage)
        return invoice, stage

    def test_dispute_or_promise_recorded_alone_does_not_lift_the_hold(self):
        invoice, stage = self.held_invoice()
        self.env["ar.dispute"].with_user(self.salesman).create(
            {"partner_id": self.customer.id, "invoice_ids": [Command.set(invoice.ids)], "reason": "quality"}
        )
        self.env["ar.payment.promise"].with_user(self.salesman).create(
            {
                "partner_id": self.customer.id,
                "invoice_ids": [Command.set(invoice.ids)],
                "date": "2036-06-15",
                "amount": 1.0,
            }
        )
        # the nightly run leaves paused invoices without a stage
        self.env["ar.collection.run"].sudo()._ar_start_runs(self.company)._ar_run_to_end()
        self.assertFalse(self.reread(invoice).collection_stage_id)
        order = self.ar_order(self.customer, 100.0)
        with self.assertRaises(UserError) as error:
            self.as_salesman(order).action_confirm()
        self.assertIn(stage.name, str(error.exception))
        self.assertIn(invoice.name, str(error.exception))
        self.assertEqual(self.reread(order).state, "draft")

    def test_extension_approved_by_credit_manager_lifts_the_hold(self):
        invoice, _stage = self.held_invoice()
        request = (
            self.env["ar.extension.request"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": self.customer.id,
                    "invoice_ids": [Command.set(invoice.ids)],
                    "requested_date": "2026-06-30",
                    "amount": 800.0,
                    "reason": "Cash-in from their customer on the 28th",
                }
            )
        )
        order = self.ar_order(self.customer, 100.0)
        with self.assertRaises(UserError):
            self.as_salesman(order).action_confirm()
        request.with_user(self.credit_manager).action_approve()
        self.as_salesman(order).action_confirm()
        self.assertEqual(order.state, "sale")
        # the accepted promise moved by the collector beyond the approved date no longer lifts it
        request.promise_id.sudo().date = "2036-06-30"
        with self.assertRaises(UserError):
            self.as_salesman(self.ar_order(self.customer, 100.0)).action_confirm()


@tagged("post_install", "-at_install")
@freeze_time("2026-06-15")
class TestDeliveryLockRoads(CreditHoldCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.old_invoice = cls.ar_invoice(cls.customer, 1200.0, "2026-02-01", "2026-03-01")
        cls.walk_in = cls.env["res.partner"].create({"name": "Walk-in buyer"})

    def delivery(self, partner=None):
        order = self.ar_order(partner or self.customer, 100.0)
        order.sudo().action_confirm()
        return order.picking_ids

    def lock(self):
        self.ar_set_stage(self.old_invoice, self.ar_stage("lock_deliveries"))

    def validate(self, picking, user=None, **context):
        picking = picking.with_user(user or self.stock_user).with_context(**TEMPTING_CONTEXT, **context)
        for move in picking.sudo().move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        return picking.button_validate()

    def test_partner_of_locked_delivery_cannot_change(self):
        picking = self.delivery()
        self.lock()
        partner = picking.partner_id
        for user in (self.stock_user, self.salesman):
            for new_partner in (False, self.walk_in.id):
                with self.assertRaises(UserError, msg=user.name):
                    picking.with_user(user).with_context(**TEMPTING_CONTEXT).write({"partner_id": new_partner})
                picking.invalidate_recordset()
                self.assertEqual(picking.partner_id, partner)
        with self.assertRaises(UserError):
            self.validate(picking)
        picking.invalidate_recordset()
        self.assertNotEqual(picking.state, "done")

    def test_lock_follows_the_order_customer(self):
        picking = self.delivery()
        self.lock()
        # whatever is written on the delivery (here by the superuser, as an import would)
        picking.sudo().partner_id = self.walk_in
        self.assertTrue(picking.with_user(self.stock_user).ar_delivery_locked)
        with self.assertRaises(UserError) as error:
            self.validate(picking)
        self.assertIn(self.old_invoice.name, str(error.exception))
        picking.sudo().partner_id = False
        with self.assertRaises(UserError):
            self.validate(picking)
        picking.invalidate_recordset()
        self.assertNotEqual(picking.state, "done")

    def test_walk_in_delivery_invoiced_to_locked_customer(self):
        order = self.ar_order(self.walk_in, 100.0)
        order.partner_invoice_id = self.contact
        order.sudo().action_confirm()
        self.lock()
        picking = order.picking_ids
        self.assertEqual(picking.partner_id, self.walk_in)
        with self.assertRaises(UserError):
            self.validate(picking)
        picking.invalidate_recordset()
        self.assertNotEqual(picking.state, "done")

    def test_validation_of_another_delivery_through_the_context(self):
        locked = self.delivery()
        self.lock()
        other_customer = self.env["res.partner"].create({"name": "Good payer", "is_company": True})
        clean = self.delivery(other_customer)
        for move in locked.sudo().move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        with self.assertRaises(UserError):
            self.validate(clean, picking_ids_not_to_backorder=locked.ids)
        locked.invalidate_recordset()
        clean.invalidate_recordset()
        self.assertNotEqual(locked.state, "done")
        self.assertNotEqual(clean.state, "done")

    def test_moves_of_locked_delivery_stay_locked(self):
        locked = self.delivery()
        self.lock()
        other_customer = self.env["res.partner"].create({"name": "Good payer", "is_company": True})
        clean = self.delivery(other_customer)
        move = locked.move_ids
        with self.assertRaises(UserError):
            move.with_user(self.stock_user).with_context(**TEMPTING_CONTEXT).write({"picking_id": False})
        move.invalidate_recordset()
        self.assertEqual(move.picking_id, locked)
        # moved into another customer's delivery, the goods of the locked order lock it
        move.with_user(self.stock_user).with_context(**TEMPTING_CONTEXT).write({"picking_id": clean.id})
        self.assertTrue(clean.with_user(self.stock_user).ar_delivery_locked)
        with self.assertRaises(UserError) as error:
            self.validate(clean)
        self.assertIn(self.old_invoice.name, str(error.exception))
        clean.invalidate_recordset()
        self.assertNotEqual(clean.state, "done")

    def test_released_partial_delivery_keeps_its_backorder_locked(self):
        order = self.ar_order(self.customer, 100.0)
        order.order_line.product_uom_qty = 2
        order.sudo().action_confirm()
        picking = order.picking_ids
        picking.picking_type_id.sudo().create_backorder = "always"
        self.lock()
        release = self.env["ar.credit.release"].with_user(self.credit_manager)._approve(picking, "Half paid")
        picking.sudo().move_ids.write({"quantity": 1, "picked": True})
        picking.with_user(self.stock_user).button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(release.state, "used")
        backorder = order.picking_ids - picking
        self.assertEqual(backorder.move_ids.product_uom_qty, 1)
        self.assertTrue(backorder.with_user(self.stock_user).ar_delivery_locked)
        with self.assertRaises(UserError):
            self.validate(backorder)
        backorder.invalidate_recordset()
        self.assertNotEqual(backorder.state, "done")

    def test_release_of_delivery_for_its_customer(self):
        picking = self.delivery()
        self.lock()
        release = self.env["ar.credit.release"].with_user(self.credit_manager)._approve(picking, "Paid by L/C")
        self.assertEqual(release.partner_id, self.customer)
        self.validate(picking)
        self.assertEqual(picking.state, "done")
        self.assertEqual(release.state, "used")


@tagged("post_install", "-at_install")
class TestCreditHoldRpc(CreditHoldCommon, HttpCase):
    """The same attacks over JSON-RPC, authenticated as the user each control must stop."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ar_blacklist(cls.customer, "Refuses to pay")
        cls.held_order = cls.ar_order(cls.customer, 100.0)
        cls.good_customer = cls.env["res.partner"].create({"name": "Good payer Ltd.", "is_company": True})
        cls.good_customer.write({"credit_grade_id": cls.grade_a.id, "credit_limit": 5000.0})
        cls.confirmed = cls.ar_order(cls.good_customer, 1000.0)
        cls.confirmed.sudo().action_confirm()

    def rpc(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                "model": model,
                "method": method,
                "args": list(args),
                "kwargs": {"context": dict(TEMPTING_CONTEXT), **kwargs},
            },
        )

    def assertRefused(self, model, method, *args, error=None, **kwargs):
        with self.assertRaises(JsonRpcException) as caught:
            self.rpc(model, method, *args, **kwargs)
        if error:
            self.assertEqual(caught.exception.args[0], error)

    def test_salesperson_cannot_confirm_held_order_by_write(self):
        self.authenticate(self.salesman.login, self.salesman.login)
        order = self.held_order
        self.assertRefused("sale.order", "write", order.ids, {"state": "sale"}, error="odoo.exceptions.UserError")
        self.assertRefused("sale.order", "write", order.ids, {"state": "done"})
        self.assertRefused("sale.order", "action_confirm", order.ids, error="odoo.exceptions.UserError")
        self.assertRefused(
            "sale.order",
            "create",
            [
                {
                    "partner_id": self.customer.id,
                    "state": "sale",
                    "order_line": [[0, 0, {"product_id": self.product.id, "price_unit": 10.0}]],
                }
            ],
            error="odoo.exceptions.UserError",
        )
        order.invalidate_recordset()
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.picking_ids)
        self.assertFalse(self.env["sale.order"].search([("partner_id", "=", self.customer.id), ("state", "=", "sale")]))

    def test_salesperson_cannot_grow_confirmed_order_past_the_limit(self):
        self.authenticate(self.salesman.login, self.salesman.login)
        order, line = self.confirmed, self.confirmed.order_line
        self.assertRefused(
            "sale.order.line", "write", line.ids, {"price_unit": 6000.0}, error="odoo.exceptions.UserError"
        )
        self.assertRefused(
            "sale.order",
            "write",
            order.ids,
            {
                "order_line": [
                    [
                        0,
                        0,
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": 1,
                            "price_unit": 4500.0,
                            "tax_id": [[5, 0, 0]],
                        },
                    ]
                ]
            },
            error="odoo.exceptions.UserError",
        )
        self.assertRefused("sale.order", "write", order.ids, {"amount_total": 1.0}, error="odoo.exceptions.AccessError")
        self.assertRefused(
            "sale.order", "write", order.ids, {"partner_invoice_id": self.contact.id}, error="odoo.exceptions.UserError"
        )
        order.invalidate_recordset()
        self.assertEqual(order.amount_total, 1000.0)
        self.assertEqual(len(order.order_line), 1)
        self.assertEqual(order.partner_invoice_id.commercial_partner_id, self.good_customer)
        self.assertEqual(order.picking_ids.move_ids.product_uom_qty, 1)

    def test_salesperson_cannot_forge_a_release(self):
        release = self.env["ar.credit.release"].with_user(self.credit_manager)._approve(self.held_order, "Paid")
        self.authenticate(self.salesman.login, self.salesman.login)
        self.assertRefused(
            "ar.credit.release",
            "create",
            [
                {
                    "sale_order_id": self.held_order.id,
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "reason": "x",
                    "approved_by_id": self.salesman.id,
                    "approval_date": "2026-06-15 08:00:00",
                }
            ],
        )
        self.assertRefused("ar.credit.release", "write", release.ids, {"amount": 1_000_000.0})
        self.assertRefused("ar.credit.release", "write", release.ids, {"state": "approved", "expiry_date": False})
        release.invalidate_recordset()
        self.assertEqual((release.amount, release.state), (100.0, "approved"))
        self.assertEqual(len(self.held_order.ar_credit_release_ids), 1)

    def test_credit_manager_cannot_release_after_reassigning_his_order(self):
        order = self.ar_order(self.customer, 100.0, user=self.credit_manager_2)
        self.authenticate(self.credit_manager_2.login, self.credit_manager_2.login)
        self.rpc("sale.order", "write", order.ids, {"user_id": self.salesman.id})
        self.assertRefused("sale.order", "action_ar_approve_release", order.ids, error="odoo.exceptions.AccessError")
        wizard_id = self.rpc(
            "ar.credit.release.wizard", "create", [{"sale_order_id": order.id, "mode": "approve", "reason": "Mine"}]
        )
        self.assertRefused("ar.credit.release.wizard", "action_confirm", wizard_id, error="odoo.exceptions.AccessError")
        order.invalidate_recordset()
        self.assertFalse(order.ar_credit_release_ids)
        self.assertEqual(order.state, "draft")

    def test_stock_user_cannot_unlock_a_delivery(self):
        order = self.ar_order(self.customer, 100.0)
        release = self.env["ar.credit.release"].with_user(self.credit_manager)._approve(order, "Paid")
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(release.state, "used")
        picking = order.picking_ids
        partner = picking.partner_id
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        self.authenticate(self.stock_user.login, self.stock_user.login)
        self.assertRefused(
            "stock.picking", "write", picking.ids, {"partner_id": False}, error="odoo.exceptions.UserError"
        )
        other = self.env["res.partner"].create({"name": "Walk-in buyer"})
        self.assertRefused(
            "stock.picking", "write", picking.ids, {"partner_id": other.id}, error="odoo.exceptions.UserError"
        )
        self.assertRefused("stock.picking", "button_validate", picking.ids, error="odoo.exceptions.UserError")
        picking.invalidate_recordset()
        self.assertEqual(picking.partner_id, partner)
        self.assertNotEqual(picking.state, "done")
