"""Statements and balance confirmations show the late-payment interest accrued at the end of
their period, per overdue invoice and in total; a sent statement keeps the figures it was
sent with."""

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_baddebt import ArBadDebtCommon
from .test_ar_aging_report import pdf_text


@tagged("post_install", "-at_install")
class TestStatementInterest(ArBadDebtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "ar_interest_rate": 0.05,
                "ar_interest_period": "day",
                "ar_interest_grace_days": 5,
                "ar_interest_account_id": cls.company_data["default_account_revenue"].id,
            }
        )

    def statement(self, **vals):
        return (
            self.env["ar.statement"]
            .with_user(self.collector)
            .create({"partner_id": self.customer.id, "date_from": "2026-01-01", "date_to": "2026-01-31", **vals})
        )

    def html(self, statement):
        return (
            self.env["ir.actions.report"]
            ._render_qweb_html("ar_collections.ar_statement_report_action", statement.ids)[0]
            .decode()
        )

    @freeze_time("2026-02-03 09:00:00")
    def test_interest_per_invoice_and_total(self):
        statement = self.statement()
        # at 31 January: 4,000 due 20 Dec, 37 days charged (74.00); 10,000 due 15 Jan, 11 days (55.00)
        self.assertEqual(
            [(line["invoice"], line["days"], line["amount"]) for line in statement.ar_interest_lines],
            [(self.inv2.name, 37, 74.0), (self.inv1.name, 11, 55.0)],
        )
        self.assertEqual(statement.ar_interest_amount, 129.0)
        html = self.html(statement)
        self.assertIn("Late-payment interest accrued and not invoiced yet", html)
        self.assertIn("74.00", html)
        self.assertIn("129.00", html)
        self.assertIn("0.05 % per day", html)
        # sent: interest invoiced and paid later, the statement keeps what it said
        statement.action_print()
        self.customer.with_user(self.credit_manager).action_ar_create_interest_invoice()
        self.ar_pay(self.inv2, 4000.0, "2026-02-03")
        statement.invalidate_recordset()
        self.assertEqual(statement.ar_interest_amount, 129.0)
        self.assertEqual(len(statement.ar_interest_lines), 2)
        self.assertIn("129.00", self.html(statement))
        with self.assertRaises(UserError):
            statement.write({"ar_interest_amount": 0.0})
        self.assertEqual(statement.ar_interest_amount, 129.0)
        # a new statement of the same period: the interest invoiced is no longer accrued
        self.assertEqual(self.statement().ar_interest_amount, 0.0)

    @freeze_time("2026-02-03 09:00:00")
    def test_confirmation_pdf_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["ar_collections"], ["zh_CN"], overwrite=True)
        self.customer.lang = "zh_CN"
        statement = self.statement(statement_type="confirmation")
        content, _type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("ar_collections.ar_statement_report_action", statement.ids)
        )
        text = pdf_text(content)
        # the rate's period in Chinese, the interest per invoice and in total (the sentences new
        # in this template are translated once the .pot is regenerated: the PO reader follows it)
        self.assertIn("对账函", text)
        self.assertIn("0.05 % 按日", text)
        self.assertIn("$ 74.00", next(line for line in text.splitlines() if self.inv2.name in line))
        self.assertIn("129.00", text)

    @freeze_time("2026-02-03 09:00:00")
    def test_no_interest_no_section(self):
        self.company.ar_interest_rate = 0.0
        statement = self.statement()
        self.assertEqual(statement.ar_interest_amount, 0.0)
        self.assertNotIn("Late-payment interest accrued and not invoiced yet", self.html(statement))
