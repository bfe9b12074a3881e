"""An invoice paid in instalments is as late as its oldest unpaid instalment: the reminder
e-mail, the letters' interest rows, the statement's interest lines and the repayment plan's
agreement show that instalment's due date, never ``invoice_date_due`` (the last
instalment's), and list the invoices oldest due first."""

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .test_auto_dunning import AutoDunningCommon


@tagged("post_install", "-at_install")
class TestInstalmentDueDates(AutoDunningCommon):
    """On 15 June 2026 Huadong owes invoice A, 10,000 of 1 May 2026 payable 50 % at 30 days
    (31 May, overdue 15 days) and 50 % at 60 days (30 June, not due), and invoice B, 1,200
    due 5 June (overdue 10 days). Interest 0.05 % per day, no grace period."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "ar_interest_rate": 0.05,
                "ar_interest_period": "day",
                "ar_interest_grace_days": 0,
                "ar_interest_account_id": cls.company_data["default_account_revenue"].id,
            }
        )
        cls.invoice_a = cls.ar_instalment_invoice(cls.customer, 10000.0, "2026-05-01")
        cls.invoice_b = cls.ar_invoice(cls.customer, 1200.0, "2026-05-06", "2026-06-05")

    def test_the_invoice_has_two_instalments(self):
        # what the accountant sees on the invoice: two receivable items, the last one's date on top
        receivable = self.invoice_a.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        self.assertEqual(
            sorted((str(line.date_maturity), line.balance) for line in receivable),
            [("2026-05-31", 5000.0), ("2026-06-30", 5000.0)],
        )
        self.assertEqual(str(self.invoice_a.invoice_date_due), "2026-06-30")

    @freeze_time("2026-06-15")
    def test_reminder_lists_the_first_instalment_first(self):
        self.run_collections()
        mail = self.reminders(self.contact | self.customer)
        self.assertEqual(len(mail), 1)
        body = mail.body_html
        self.assertIn("05/31/2026", body, "invoice A is due since its first instalment")
        self.assertNotIn("06/30/2026", body)
        self.assertLess(body.index(self.invoice_a.name), body.index(self.invoice_b.name), "oldest due first")
        self.assertLess(body.index("05/31/2026"), body.index("06/05/2026"))

    @freeze_time("2026-06-15")
    def test_letter_interest_rows(self):
        letter = (
            self.env["ar.dunning.letter"]
            .with_user(self.collector)
            .create({"partner_id": self.customer.id, "level": "final"})
        )
        rows = letter._ar_get_interest_lines()
        # A: 5,000 overdue since 31 May, 15 days at 0.05 % = 37.50; B: 1,200 for 10 days = 6.00
        self.assertEqual(
            [(row["invoice"], str(row["due_date"]), row["base"], row["days"], row["amount"]) for row in rows],
            [(self.invoice_a, "2026-05-31", 5000.0, 15, 37.5), (self.invoice_b, "2026-06-05", 1200.0, 10, 6.0)],
        )

    @freeze_time("2026-06-15")
    def test_statement_interest_line_due_date(self):
        statement = (
            self.env["ar.statement"]
            .with_user(self.collector)
            .create({"partner_id": self.customer.id, "date_from": "2026-05-01", "date_to": "2026-06-15"})
        )
        self.assertEqual(
            [(line["invoice"], line["due_date"], line["days"], line["amount"]) for line in statement.ar_interest_lines],
            [(self.invoice_a.name, "2026-05-31", 15, 37.5), (self.invoice_b.name, "2026-06-05", 10, 6.0)],
        )
        self.assertEqual(statement.ar_interest_amount, 43.5)

    @freeze_time("2026-06-15")
    def test_interest_invoice_lines_in_due_order(self):
        invoice = self.customer.with_user(self.credit_manager).action_ar_create_interest_invoice()
        move = self.env["account.move"].browse(invoice["res_id"]) if isinstance(invoice, dict) else invoice
        self.assertEqual(move.invoice_line_ids.mapped("price_subtotal"), [37.5, 6.0])

    @freeze_time("2026-06-15")
    def test_plan_agreement_due_dates(self):
        plan = (
            self.env["ar.repayment.plan"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": self.customer.id,
                    "invoice_ids": [Command.set((self.invoice_b | self.invoice_a).ids)],
                    "line_ids": [Command.create({"date": "2026-07-15", "amount": 11200.0})],
                }
            )
        )
        self.assertEqual(
            [(line["invoice"], str(line["due_date"]), line["residual"]) for line in plan._ar_get_invoice_lines()],
            [(self.invoice_a, "2026-05-31", 10000.0), (self.invoice_b, "2026-06-05", 1200.0)],
        )

    @freeze_time("2026-07-15")
    def test_each_instalment_accrues_from_its_own_due_date(self):
        """On 15 July both instalments of A are overdue: 5,000 since 31 May (45 days) and 5,000
        since 30 June (15 days), 0.05 % a day: 112.50 + 37.50 = 150.00, not 10,000 for 45 days
        (225.00). B: 1,200 since 5 June, 40 days = 24.00."""
        letter = (
            self.env["ar.dunning.letter"]
            .with_user(self.collector)
            .create({"partner_id": self.customer.id, "level": "final"})
        )
        self.assertEqual(
            [
                (row["invoice"], str(row["date_from"]), row["base"], row["days"], row["amount"])
                for row in letter._ar_get_interest_lines()
            ],
            [
                (self.invoice_a, "2026-05-31", 5000.0, 45, 112.5),
                (self.invoice_b, "2026-06-05", 1200.0, 40, 24.0),
                (self.invoice_a, "2026-06-30", 5000.0, 15, 37.5),
            ],
        )
        self.customer.invalidate_recordset(["ar_accrued_interest"])
        self.assertEqual(self.customer.with_user(self.credit_manager).ar_accrued_interest, 174.0)
        action = self.customer.with_user(self.credit_manager).action_ar_create_interest_invoice()
        invoice = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(invoice.invoice_line_ids.mapped("price_subtotal"), [112.5, 24.0, 37.5])
        self.assertEqual(invoice.amount_total, 174.0)
        # invoiced until today: a month later each instalment accrues only the new days
        invoice.action_post()
        with freeze_time("2026-08-14"):
            rows = self.env["account.move"]._ar_get_accrued_interest(
                partner_ids=self.customer.ids, company=self.company
            )
            # 30 days on 5,000 + 5,000 + 1,200 = 11,200 x 0.05 % x 30 = 168.00
            self.assertEqual(sorted(row["amount"] for row in rows.values()), [18.0, 75.0, 75.0])
