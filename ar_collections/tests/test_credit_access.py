from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ArCollectionsCommon


@tagged("post_install", "-at_install")
class TestCreditAccess(ArCollectionsCommon):
    def test_collector_cannot_blacklist(self):
        with self.assertRaises(AccessError):
            self.env["ar.partner.blacklist"].with_user(self.collector).create(
                {"partner_ids": [Command.set(self.customer.ids)], "reason": "x"}
            )
        with self.assertRaises(AccessError):
            self.customer.with_user(self.collector).action_ar_blacklist()
        self.assertFalse(self.customer.credit_blacklisted)

    def test_blacklist_fields_not_writable_directly(self):
        with self.assertRaises(AccessError):
            self.customer.with_user(self.credit_manager).write({"credit_blacklisted": True})
        self.assertFalse(self.customer.credit_blacklisted)

    def test_only_credit_manager_changes_profile(self):
        grade_b = self.env.ref("ar_collections.ar_credit_grade_b")
        for user in (self.collector, self.salesman, self.auditor):
            with self.assertRaises(AccessError, msg=user.name):
                self.customer.with_user(user).write({"credit_grade_id": grade_b.id})
        self.assertFalse(self.customer.credit_grade_id)
        self.customer.with_user(self.credit_manager).write({"credit_grade_id": grade_b.id, "ar_credit_days": 30})
        self.assertEqual(self.customer.credit_grade_id, grade_b)

    def test_salesman_edits_contact_of_graded_customer(self):
        """Synchronising the commercial fields to a new contact is not a change of profile."""
        self.customer.with_user(self.credit_manager).write({"credit_grade_id": self.grade_a.id})
        contact = (
            self.env["res.partner"].with_user(self.salesman).create({"name": "Ms. Liu", "parent_id": self.customer.id})
        )
        self.assertEqual(contact.credit_grade_id, self.grade_a)

    def test_salesman_reads_credit_figures(self):
        """...of his own customers (not of everyone's, see test_controls)."""
        self.customer.user_id = self.salesman
        self.ar_invoice(self.customer, 100.0, "2026-01-01", "2026-01-31")
        customer = self.customer.with_user(self.salesman)
        self.assertAlmostEqual(customer.ar_exposure, 100.0)
        self.assertAlmostEqual(customer.ar_overdue_amount, 100.0)

    def test_auditor_reads_but_cannot_change_grades(self):
        grade = self.grade_a.with_user(self.auditor)
        self.assertEqual(grade.code, "A")
        with self.assertRaises(AccessError):
            grade.write({"default_credit_limit": 1.0})
        with self.assertRaises(AccessError):
            self.env["ar.credit.grade"].with_user(self.auditor).create({"code": "E", "name": "E"})
        with self.assertRaises(AccessError):
            self.env["ar.credit.grade"].with_user(self.collector).create({"code": "E", "name": "E"})

    def test_credit_manager_reads_every_salespersons_orders(self):
        """Credit Managers open the held orders of every salesperson to release them."""
        self.assertTrue(self.credit_manager.has_group("sales_team.group_sale_salesman_all_leads"))
        order = self.env["sale.order"].with_user(self.salesman).create({"partner_id": self.customer.id})
        self.assertIn(order, self.env["sale.order"].with_user(self.credit_manager).search([]))
        # the quotation form reads the quote builder's documents (auto-installed with sale_management)
        if "product.document" in self.env:
            self.assertTrue(self.env["product.document"].with_user(self.credit_manager).has_access("read"))

    def test_accounting_manager_is_credit_manager(self):
        manager = self.env.ref("account.group_account_manager")
        self.assertIn(self.env.ref("ar_collections.group_ar_credit_manager"), manager.trans_implied_ids)

    def test_other_company_sees_nothing(self):
        company_b = self.setup_other_company(name="Company B")["company"]
        user_b = self.env["res.users"].create(
            {
                "name": "Collector B",
                "login": "collector_b",
                "company_id": company_b.id,
                "company_ids": [Command.set(company_b.ids)],
                "groups_id": [
                    Command.set(
                        [self.env.ref("base.group_user").id, self.env.ref("ar_collections.group_ar_credit_manager").id]
                    )
                ],
            }
        )
        grade_private = self.env["ar.credit.grade"].create(
            {"code": "P", "name": "Company 1 only", "company_id": self.company.id}
        )
        self.customer.write({"credit_grade_id": self.grade_a.id, "credit_limit": 1000.0})
        self.ar_blacklist(self.customer, "Company 1 reasons")
        self.ar_invoice(self.customer, 700.0, "2026-01-01", "2026-01-31")

        customer_b = self.customer.with_user(user_b).with_company(company_b)
        self.assertFalse(customer_b.credit_grade_id)
        self.assertFalse(customer_b.credit_blacklisted)
        self.assertEqual(customer_b.ar_receivable_amount, 0.0)
        self.assertEqual(customer_b.ar_overdue_amount, 0.0)
        grades_b = self.env["ar.credit.grade"].with_user(user_b).search([])
        self.assertNotIn(grade_private, grades_b)
        self.assertIn(self.grade_a, grades_b)
