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
            partner.write({"credit_grade_id": cls.grade_a.id, "credit_limit": 1000.0})
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
            [r["code"] for r in large_order._ar_get_credit_hold_reasons()[large_order.id]], ["limit", "stage"])
        self.assertEqual(
            [r["code"] for r in small_order._ar_get_credit_hold_reasons()[small_order.id]], ["limit", "stage"])
        self.assertEqual(small, large)

    def test_banner_is_flat_in_invoice_count(self):
        small_order = self.ar_order(self.small, 500.0).with_user(self.salesman)
        large_order = self.ar_order(self.large, 500.0).with_user(self.salesman)
        self.count_queries(lambda: small_order.ar_credit_hold_reasons)
        small = self.count_queries(lambda: small_order.ar_credit_hold_reasons)
        large = self.count_queries(lambda: large_order.ar_credit_hold_reasons)
        self.assertEqual(small, large)

    def test_check_of_a_clean_customer_is_cheap(self):
        clean = self.env["res.partner"].create({"name": "Clean Customer", "is_company": True})
        order = self.ar_order(clean, 500.0).with_user(self.salesman)
        self.count_queries(lambda: order._ar_credit_check())
        self.assertLessEqual(self.count_queries(lambda: order._ar_credit_check()), 4)
