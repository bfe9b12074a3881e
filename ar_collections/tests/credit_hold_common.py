from odoo import Command
from odoo.tests import new_test_user
from odoo.tools.misc import formatLang

from .common import ArCollectionsCommon


class CreditHoldCommon(ArCollectionsCommon):
    """Customers, terms, stages and builders for the credit hold tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company_ids = [Command.set(cls.company.ids)]
        cls.stock_user = new_test_user(
            cls.env,
            "ar_stock_user",
            groups="base.group_user,stock.group_stock_user",
            company_id=cls.company.id,
            company_ids=company_ids,
            name="Warehouse Wu",
        )
        cls.credit_manager_2 = new_test_user(
            cls.env,
            "ar_credit_manager_2",
            groups="base.group_user,ar_collections.group_ar_credit_manager,sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=company_ids,
            name="Credit Manager Sun",
        )
        cls.term_immediate = cls.env["account.payment.term"].create(
            {
                "name": "Cash on delivery",
                "line_ids": [Command.create({"value": "percent", "value_amount": 100.0, "nb_days": 0})],
            }
        )
        cls.term_30 = cls.env["account.payment.term"].create(
            {
                "name": "30 days net",
                "line_ids": [Command.create({"value": "percent", "value_amount": 100.0, "nb_days": 30})],
            }
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Hydraulic pump",
                "type": "consu",
                "list_price": 100.0,
                "taxes_id": [Command.clear()],
            }
        )
        # the customer buys on credit with a limit of 5,000
        cls.customer.write({"credit_grade_id": cls.grade_a.id, "credit_limit": 5000.0})

    @classmethod
    def ar_order(cls, partner, amount, user=None, company=None, payment_term=None):
        """A quotation of ``amount`` (no taxes) by salesperson ``user`` (default: the salesman)."""
        company = company or cls.company
        user = user or cls.salesman
        return (
            cls.env["sale.order"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "partner_id": partner.id,
                    "user_id": user.id,
                    "company_id": company.id,
                    "payment_term_id": payment_term.id if payment_term else False,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": cls.product.id,
                                "product_uom_qty": 1,
                                "price_unit": amount,
                                "tax_id": [Command.clear()],
                            }
                        )
                    ],
                }
            )
            .sudo(False)
        )

    @classmethod
    def ar_stage(cls, flag, company=None):
        """A collection stage of ``company`` with ``flag`` (hold_sales / lock_deliveries) set.

        Reuses a stage already flagged (e.g. default stages), else flags the last existing
        stage, else creates one open-ended stage, so that the tests hold with or without
        the default collection ladder."""
        company = company or cls.company
        Stage = cls.env["ar.collection.stage"].sudo()
        stage = Stage.search([("company_id", "=", company.id), (flag, "=", True)], limit=1)
        if stage:
            return stage
        stage = Stage.search([("company_id", "=", company.id)], order="days_from desc", limit=1)
        if stage:
            stage[flag] = True
            return stage
        return Stage.create(
            {"name": "Over 30 days", "company_id": company.id, "days_from": 31, "days_to": 0, flag: True}
        )

    @classmethod
    def ar_set_stage(cls, invoices, stage):
        invoices.sudo().write({"collection_stage_id": stage.id})

    def money(self, amount):
        """``amount`` in company currency as a message to the user writes it in his language
        (the figure is what is asserted, not the locale's separators)."""
        return formatLang(self.env, amount, currency_obj=self.currency)

    def assertHoldMessage(self, message, *parts):
        for part in parts:
            self.assertIn(part, message)
