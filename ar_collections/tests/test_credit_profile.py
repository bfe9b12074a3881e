from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import ArCollectionsCommon

# queries to read the credit columns of the customer list, whatever the number of customers
FIGURES_BUDGET = 9


@tagged("post_install", "-at_install")
@freeze_time("2026-06-15")
class TestCreditProfile(ArCollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write({"credit_grade_id": cls.grade_a.id, "credit_limit": 3500.0, "ar_credit_days": 30})
        # 1,000 due 45 days ago, 300 of it paid; 500 due 5 days ago; 2,000 not due yet
        cls.inv_old = cls.ar_invoice(cls.customer, 1000.0, "2026-04-01", "2026-05-01")
        cls.ar_pay(cls.inv_old, 300.0, "2026-05-20")
        cls.inv_recent = cls.ar_invoice(cls.contact, 500.0, "2026-05-11", "2026-06-10")
        cls.inv_not_due = cls.ar_invoice(cls.customer, 2000.0, "2026-06-01", "2026-06-30")
        # a credit note of 200 not matched to any invoice
        cls.refund = cls.ar_invoice(cls.customer, 200.0, "2026-06-01", move_type="out_refund")
        # someone else's invoice never counts
        cls.other = cls.env["res.partner"].create({"name": "Other Customer", "is_company": True})
        cls.ar_invoice(cls.other, 9999.0, "2026-01-01", "2026-01-31")

    def test_receivable_overdue_and_oldest(self):
        customer = self.customer
        # 700 + 500 + 2,000 - 200
        self.assertAlmostEqual(customer.ar_receivable_amount, 3000.0)
        # overdue 700 + 500, less the unapplied credit note of 200
        self.assertAlmostEqual(customer.ar_overdue_amount, 1000.0)
        self.assertEqual(customer.ar_oldest_overdue_days, 45)
        # the contact shows its company's figures
        self.assertAlmostEqual(self.contact.ar_overdue_amount, 1000.0)
        self.assertEqual(self.contact.ar_oldest_overdue_days, 45)

    def test_exposure_includes_uninvoiced_orders(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product_a.id,
                            "product_uom_qty": 2,
                            "price_unit": 400.0,
                            "tax_id": [Command.set(self.tax_sale_a.ids)],
                        }
                    )
                ],
            }
        )
        # the order goes over the limit: confirmed under a release (credit holds)
        self.env["ar.credit.release"].with_user(self.credit_manager)._approve(order, "Exposure test")
        order.action_confirm()
        # 800 + 15 % tax, nothing invoiced yet
        self.assertAlmostEqual(order.amount_total, 920.0)
        self.customer.invalidate_recordset()
        self.assertAlmostEqual(self.customer.ar_to_invoice_amount, 920.0)
        self.assertAlmostEqual(self.customer.ar_exposure, 3920.0)
        self.assertAlmostEqual(self.customer.ar_credit_limit, 3500.0)
        self.assertAlmostEqual(self.customer.ar_credit_remaining, -420.0)
        self.assertTrue(self.customer.ar_over_limit)
        Partner = self.env["res.partner"]
        self.assertIn(self.customer, Partner.search([("ar_over_limit", "=", True)]))
        self.assertNotIn(self.other, Partner.search([("ar_over_limit", "=", True)]))

    def test_within_limit(self):
        self.assertAlmostEqual(self.customer.ar_exposure, 3000.0)
        self.assertAlmostEqual(self.customer.ar_credit_remaining, 500.0)
        self.assertFalse(self.customer.ar_over_limit)
        self.assertNotIn(self.customer, self.env["res.partner"].search([("ar_over_limit", "=", True)]))

    def test_payment_reduces_figures(self):
        self.ar_pay(self.inv_recent, 500.0, "2026-06-15")
        self.customer.invalidate_recordset()
        self.assertAlmostEqual(self.customer.ar_receivable_amount, 2500.0)
        self.assertAlmostEqual(self.customer.ar_overdue_amount, 500.0)
        self.assertEqual(self.customer.ar_oldest_overdue_days, 45)
        self.ar_pay(self.inv_old, 700.0, "2026-06-15")
        self.customer.invalidate_recordset()
        self.assertAlmostEqual(self.customer.ar_overdue_amount, 0.0)
        self.assertEqual(self.customer.ar_oldest_overdue_days, 0)

    def test_overdue_filter(self):
        overdue = self.env["res.partner"].search([("ar_overdue_amount", ">", 0)])
        self.assertIn(self.customer, overdue)
        self.assertIn(self.contact, overdue)
        self.assertIn(self.other, overdue)
        fresh = self.env["res.partner"].create({"name": "New Customer", "is_company": True})
        self.assertNotIn(fresh, overdue)
        self.assertIn(fresh, self.env["res.partner"].search([("ar_overdue_amount", "=", 0)]))

    def test_unreconciled_payment_reduces_exposure(self):
        self.ar_unreconciled_payment(self.customer, 1000.0, "2026-06-14")
        self.customer.invalidate_recordset()
        self.assertAlmostEqual(self.customer.ar_receivable_amount, 2000.0)
        self.assertAlmostEqual(self.customer.ar_overdue_amount, 0.0)

    def test_foreign_currency_in_company_currency(self):
        eur = self.setup_other_currency("EUR", rates=[("2026-01-01", 2.0)])
        customer = self.env["res.partner"].create({"name": "Euro Customer", "is_company": True})
        self.ar_invoice(customer, 1000.0, "2026-05-01", "2026-05-05", currency=eur)
        # 1,000 EUR at 2 EUR per company currency unit
        self.assertAlmostEqual(customer.ar_receivable_amount, 500.0)
        self.assertAlmostEqual(customer.ar_overdue_amount, 500.0)
        self.assertEqual(customer.ar_oldest_overdue_days, 41)

    def test_figures_for_many_customers_in_one_go(self):
        """The customer list's credit columns cost the same number of queries for 3 or 30 customers."""

        def read_columns(partners):
            return [(p.ar_overdue_amount, p.ar_exposure, p.ar_over_limit) for p in partners]

        def counted(partners):
            self.env.invalidate_all()
            # no more for 30 customers than for 3
            with self.assertExactQueryCount(FIGURES_BUDGET):
                return read_columns(partners)

        many = self.env["res.partner"].create(
            [{"name": f"Customer {i}", "is_company": True, "credit_limit": 100.0} for i in range(27)]
        )
        for partner in many:
            self.ar_invoice(partner, 150.0, "2026-05-01", "2026-05-31")
        self.env.invalidate_all()
        read_columns(self.customer)  # warm the caches that do not depend on the customers (defaults, company)
        few_values = counted(self.customer | self.other | self.contact)
        many_values = counted(self.customer | self.other | self.contact | many)
        self.assertAlmostEqual(few_values[1][0], 9999.0)
        self.assertEqual(many_values[-1], (150.0, 150.0, True))

    # ------------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------------
    def test_negative_limit_or_days_rejected(self):
        with self.assertRaises(ValidationError):
            self.customer.credit_limit = -1.0
        with self.assertRaises(ValidationError):
            self.customer.ar_credit_days = -5
        self.assertEqual(self.customer.credit_limit, 3500.0)
        self.assertEqual(self.customer.ar_credit_days, 30)

    def test_credit_days_above_grade_maximum_rejected(self):
        grade_c = self.env.ref("ar_collections.ar_credit_grade_c")
        with self.assertRaises(ValidationError):
            self.customer.write({"credit_grade_id": grade_c.id, "ar_credit_days": 90})
        self.assertEqual(self.customer.credit_grade_id, self.grade_a)

    def test_grade_of_another_company_rejected(self):
        company_b = self.setup_other_company(name="Company B")["company"]
        grade_b = self.env["ar.credit.grade"].create(
            {"code": "X", "name": "Company B only", "company_id": company_b.id}
        )
        with self.assertRaises(ValidationError):
            self.customer.credit_grade_id = grade_b
        self.assertEqual(self.customer.credit_grade_id, self.grade_a)

    def test_negative_grade_values_rejected(self):
        with self.assertRaises(ValidationError):
            self.env["ar.credit.grade"].create({"code": "Z", "name": "Bad", "default_credit_limit": -10})

    def test_grade_onchange_proposes_limit_and_days(self):
        partner = self.env["res.partner"].new({"name": "New", "is_company": True})
        partner.credit_grade_id = self.env.ref("ar_collections.ar_credit_grade_b")
        partner._onchange_credit_grade_id()
        self.assertEqual(partner.credit_limit, 200000.0)
        self.assertEqual(partner.ar_credit_days, 45)

    def test_changes_are_tracked(self):
        """In the company's credit profile history, not in the chatter every company reads."""
        grade_b = self.env.ref("ar_collections.ar_credit_grade_b")
        self.env.cr.precommit.run()  # forget the set-up's pending (discarded) tracking
        self.customer.with_user(self.credit_manager).with_context(tracking_disable=False, mail_notrack=False).write(
            {"credit_grade_id": grade_b.id, "credit_limit": 4000.0}
        )
        self.env.flush_all()
        self.env.cr.precommit.run()  # tracking values are written at commit
        self.customer.invalidate_recordset(["message_ids", "ar_credit_history_ids"])
        history = self.customer.with_user(self.auditor).ar_credit_history_ids.filtered(
            lambda h: h.user_id == self.credit_manager
        )
        self.assertEqual(
            sorted((h.field_name, h.new_value) for h in history),
            [("credit_grade_id", grade_b.display_name), ("credit_limit", self.currency.format(4000.0))],
        )
        self.assertEqual(history.company_id, self.company)
        tracked = self.customer.message_ids.tracking_value_ids.mapped("field_id.name")
        self.assertNotIn("credit_grade_id", tracked)
        self.assertNotIn("credit_limit", tracked)

    # ------------------------------------------------------------------
    # Blacklist
    # ------------------------------------------------------------------
    def test_blacklist_and_release(self):
        wizard = (
            self.env["ar.partner.blacklist"]
            .with_user(self.credit_manager)
            .create(
                {
                    "partner_ids": [Command.set(self.contact.ids)],
                    "mode": "blacklist",
                    "reason": "Malicious default",
                }
            )
        )
        wizard.action_confirm()
        self.assertTrue(self.customer.credit_blacklisted)
        self.assertEqual(self.customer.credit_blacklist_reason, "Malicious default")
        self.assertEqual(str(self.customer.credit_blacklist_date), "2026-06-15")
        self.assertEqual(self.customer.credit_blacklist_user_id, self.credit_manager)
        self.assertIn(self.customer, self.env["res.partner"].search([("credit_blacklisted", "=", True)]))
        self.assertIn("Malicious default", self.customer.message_ids[0].body)

        self.ar_blacklist(self.customer, "Debt settled in full", release=True)
        self.assertFalse(self.customer.credit_blacklisted)
        self.assertFalse(self.customer.credit_blacklist_reason)
        self.assertIn("Debt settled in full", self.customer.message_ids[0].body)

    def test_blacklist_requires_reason(self):
        with self.assertRaises(UserError):
            self.ar_blacklist(self.customer, "   ")
        self.assertFalse(self.customer.credit_blacklisted)

    def test_release_of_customer_not_blacklisted(self):
        with self.assertRaises(UserError):
            self.ar_blacklist(self.customer, "why not", release=True)
