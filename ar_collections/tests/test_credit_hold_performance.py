from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from .credit_hold_common import CreditHoldCommon


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

    def count_queries(self, function):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        function()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def test_check_is_flat_in_invoice_count(self):
        small_order = self.ar_order(self.small, 500.0).with_user(self.salesman)
        large_order = self.ar_order(self.large, 500.0).with_user(self.salesman)
        # warm the caches that do not depend on the customer (groups, defaults, translations)
        self.count_queries(lambda: small_order._ar_credit_check())
        small = self.count_queries(lambda: small_order._ar_credit_check())
        large = self.count_queries(lambda: large_order._ar_credit_check())
        # both held for every reason of the same kind: the limit and the stage
        self.assertEqual(
            [r["code"] for r in large_order._ar_get_credit_hold_reasons()[large_order.id]], ["limit", "stage"]
        )
        self.assertEqual(
            [r["code"] for r in small_order._ar_get_credit_hold_reasons()[small_order.id]], ["limit", "stage"]
        )
        self.assertEqual(small, large)

    def test_banner_is_flat_in_invoice_count(self):
        small_order = self.ar_order(self.small, 500.0).with_user(self.salesman)
        large_order = self.ar_order(self.large, 500.0).with_user(self.salesman)
        self.count_queries(lambda: small_order.ar_credit_hold_reasons)
        small = self.count_queries(lambda: small_order.ar_credit_hold_reasons)
        large = self.count_queries(lambda: large_order.ar_credit_hold_reasons)
        self.assertEqual(small, large)

    def test_confirmation_overhead(self):
        """Confirming an order of a graded customer with a limit, within the limit, costs at
        most 4 queries more than the same confirmation without the credit check."""
        customer = self.env["res.partner"].create({"name": "Good Customer", "is_company": True})
        customer.write({"credit_grade_id": self.grade_a.id, "credit_limit": 100000.0})
        self.ar_invoice(customer, 100.0, "2026-06-01", "2026-07-01")
        orders = [self.ar_order(customer, 500.0).with_user(self.salesman) for _i in range(3)]
        SaleOrder = type(self.env["sale.order"])
        no_check = (self.env["sale.order"], {}, self.env["ar.credit.release"])

        def confirm(order, check=True):
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            if check:
                order.action_confirm()
            else:
                with patch.object(SaleOrder, "_ar_credit_check", lambda self: no_check):
                    order.action_confirm()
            self.env.flush_all()
            return self.env.cr.sql_log_count - before

        confirm(orders[0])  # warm-up: caches shared by every confirmation
        plain = confirm(orders[1], check=False)
        checked = confirm(orders[2])
        self.assertEqual([o.state for o in orders], ["sale"] * 3)
        self.assertLessEqual(checked - plain, 4)
