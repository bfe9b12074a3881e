"""Late-payment interest: amounts for given dates, per day and per year, the grace days,
the interest invoice (one line per invoice) that never charges the same days twice, and
the interest claimed in the final notice."""

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common_baddebt import ArBadDebtCommon


@tagged("post_install", "-at_install")
class TestLateInterest(ArBadDebtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.interest_account = cls.company_data["default_account_revenue"]
        cls.company.write(
            {
                "ar_interest_rate": 0.05,
                "ar_interest_period": "day",
                "ar_interest_grace_days": 5,
                "ar_interest_account_id": cls.interest_account.id,
                "ar_interest_fee_final": 200.0,
            }
        )

    def interest(self, date, partner=None):
        rows = self.env["account.move"]._ar_get_accrued_interest(
            partner_ids=(partner or self.customer).ids, date=date, company=self.company
        )
        return {row["invoice"]: (row["days"], row["amount"]) for row in rows.values()}

    def create_interest_invoice(self, user=None):
        action = self.customer.with_user(user or self.credit_manager).action_ar_create_interest_invoice()
        return self.env["account.move"].browse(action["res_id"])

    def test_interest_amounts(self):
        # 31 January 2026: 4,000 due 20 Dec (42 days, 37 charged), 10,000 due 15 Jan (16 days, 11 charged)
        self.assertEqual(self.interest("2026-01-31"), {self.inv2: (37, 74.0), self.inv1: (11, 55.0)})
        # within the grace days: nothing
        self.assertEqual(self.interest("2026-01-20"), {self.inv2: (26, 52.0)})
        # per year: 18 % a year on 4,000 for 37 days = 72.99
        self.company.write({"ar_interest_rate": 18.0, "ar_interest_period": "year"})
        self.assertEqual(self.interest("2026-01-31")[self.inv2], (37, 72.99))
        # on what is still overdue: 1,000 of the 4,000 paid
        self.ar_pay(self.inv2, 1000.0, "2026-01-10")
        self.assertEqual(self.interest("2026-01-31")[self.inv2], (37, 54.74))  # 3,000 x 18 % x 37 / 365
        # no rate, no interest
        self.company.ar_interest_rate = 0.0
        self.assertEqual(self.interest("2026-01-31"), {})

    def test_interest_invoice_never_twice(self):
        with freeze_time("2026-01-31 10:00:00"):
            invoice = self.create_interest_invoice()
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(invoice.partner_id, self.customer)
        self.assertEqual(invoice.amount_total, 129.0)
        lines = invoice.invoice_line_ids
        self.assertEqual(lines.mapped("ar_interest_source_id"), self.inv2 | self.inv1)
        self.assertEqual(lines.mapped("price_unit"), [74.0, 55.0])
        self.assertEqual(lines.account_id, self.interest_account)
        self.assertIn(self.inv2.name, lines[0].name)
        self.assertIn("37 days from 2025-12-25 to 2026-01-31 at 0.05 % per day", lines[0].name)
        self.assertEqual(self.inv2.ar_interest_invoiced_until, self.d("2026-01-31"))
        with freeze_time("2026-01-31 18:00:00"), self.assertRaisesRegex(UserError, "no late-payment interest"):
            self.create_interest_invoice()
        invoice.action_post()
        # February: only the days since 31 January (and no interest on the interest invoice)
        self.assertEqual(self.interest("2026-02-28"), {self.inv2: (28, 56.0), self.inv1: (28, 140.0)})
        with freeze_time("2026-02-28 10:00:00"):
            february = self.create_interest_invoice()
        self.assertEqual(february.amount_total, 196.0)
        self.assertEqual(
            [(line.ar_interest_date_from, line.ar_interest_date_to) for line in february.invoice_line_ids],
            [(self.d("2026-01-31"), self.d("2026-02-28"))] * 2,
        )
        # a cancelled interest invoice gives its days back
        february.button_cancel()
        self.assertEqual(self.interest("2026-02-28")[self.inv2], (28, 56.0))
        self.assertEqual(self.inv2.ar_interest_invoiced_until, self.d("2026-01-31"))

    @freeze_time("2026-01-31 10:00:00")
    def test_access(self):
        with self.assertRaises(AccessError):
            self.create_interest_invoice(user=self.collector)
        self.assertFalse(self.env["account.move"].search([("invoice_line_ids.ar_interest_source_id", "!=", False)]))
        with self.assertRaises(AccessError):
            self.inv1.invoice_line_ids.with_user(self.credit_manager).write(
                {"ar_interest_source_id": self.inv2.id, "ar_interest_date_to": "2030-01-01"}
            )
        self.assertFalse(self.inv2.ar_interest_invoiced_until)
        self.assertEqual(self.customer.with_user(self.collector).ar_accrued_interest, 129.0)

    @freeze_time("2026-01-31 10:00:00")
    def test_final_notice_claims_interest(self):
        Letter = self.env["ar.dunning.letter"].with_user(self.collector)
        final = Letter.create({"partner_id": self.customer.id, "level": "final"})
        self.assertEqual(
            [(row["invoice"], row["days"], row["amount"]) for row in final._ar_get_interest_lines()],
            [(self.inv2, 37, 74.0), (self.inv1, 11, 55.0)],
        )
        self.assertEqual(final._ar_get_letter_fee(), 200.0)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("ar_collections.ar_dunning_letter_report_action", final.ids)[0]
            .decode()
        )
        self.assertIn("late-payment interest is owed", html)
        self.assertIn("74.00", html)
        self.assertIn("329.00", html, "interest 129 and the fee 200")
        reminder = Letter.create({"partner_id": self.customer.id, "level": "reminder"})
        self.assertEqual(reminder._ar_get_interest_lines(), [])
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("ar_collections.ar_dunning_letter_report_action", reminder.ids)[0]
            .decode()
        )
        self.assertNotIn("late-payment interest is owed", html)
