from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .credit_hold_common import CreditHoldCommon

# query budgets, whatever the number of the customer's invoices
CHECK_BUDGET = 19  # a held confirmation refused: the check (with the open collection cases) and the message
BANNER_BUDGET = 16  # the banner's hold reasons of one order (with the open collection cases)
# a confirmation of an order within its limit with the credit check left out (measured on
# this addon's test database): the check may add at most 4 to it
PLAIN_CONFIRMATION = 44


@tagged("post_install", "-at_install")
@freeze_time("2026-06-15")
class TestCreditHoldPerformance(CreditHoldCommon):
    """The credit check costs the same number of queries whatever the number of the
    customer's invoices (target: at most 4 more than a plain confirmation)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.small = cls.env["res.partner"].create({"name": "Small Customer", "is_company": True})
        cls.large = cls.env["res.partner"].create({"name": "Large Customer", "is_company": True})
        stage = cls.ar_stage("hold_sales")
        for partner, count in ((cls.small, 2), (cls.large, 30)):
            partner.write({"credit_grade_id": cls.grade_a.id, "credit_limit": 100.0})
            invoices = cls.env["account.move"]
            for index in range(count):
                invoices |= cls.ar_invoice(partner, 100.0, "2026-04-01", f"2026-05-{index % 28 + 1:02d}", post=False)
            invoices.action_post()
            cls.ar_set_stage(invoices, stage)

    def test_check_is_flat_in_invoice_count(self):
        """The salesperson confirms a held order: the check and its message cost the same
        budget for a customer with 2 or 30 invoices in a held stage."""
        small_order = self.ar_order(self.small, 500.0).with_user(self.salesman)
        large_order = self.ar_order(self.large, 500.0).with_user(self.salesman)
        # warm the caches that do not depend on the customer (groups, defaults, translations)
        self.env.invalidate_all()
        with self.assertRaises(UserError):
            small_order.action_confirm()
        for order, listed in ((small_order, "Credit limit exceeded"), (large_order, "and 25 more")):
            self.env.invalidate_all()
            with self.assertExactQueryCount(CHECK_BUDGET), self.assertRaises(UserError) as error:
                order.action_confirm()
            # held for the limit and the stage, the invoices listed
            self.assertIn("Credit limit exceeded", str(error.exception))
            self.assertIn("which holds new sales", str(error.exception))
            self.assertIn(listed, str(error.exception))
            self.assertEqual(order.state, "draft")

    def test_banner_is_flat_in_invoice_count(self):
        small_order = self.ar_order(self.small, 500.0).with_user(self.salesman)
        large_order = self.ar_order(self.large, 500.0).with_user(self.salesman)
        self.env.invalidate_all()
        self.assertTrue(small_order.ar_credit_hold_reasons)  # warm-up
        for order in (small_order, large_order):
            self.env.invalidate_all()
            with self.assertExactQueryCount(BANNER_BUDGET):
                reasons = order.ar_credit_hold_reasons
            self.assertIn("Credit limit exceeded", reasons)
            self.assertIn("which holds new sales", reasons)

    def test_confirmation_overhead(self):
        """Confirming an order of a graded customer with a limit, within the limit, costs at
        most 4 queries more than the same confirmation without the credit check (which costs
        PLAIN_CONFIRMATION)."""
        customer = self.env["res.partner"].create({"name": "Good Customer", "is_company": True})
        customer.write({"credit_grade_id": self.grade_a.id, "credit_limit": 100000.0})
        self.ar_invoice(customer, 100.0, "2026-06-01", "2026-07-01")
        orders = [self.ar_order(customer, 500.0).with_user(self.salesman) for _i in range(2)]
        orders[0].action_confirm()  # warm-up: caches shared by every confirmation
        with self.assertQueryCount(PLAIN_CONFIRMATION + 4):
            orders[1].action_confirm()
        self.assertEqual([o.state for o in orders], ["sale"] * 2)
        self.assertFalse(orders[1].ar_credit_release_ids)
