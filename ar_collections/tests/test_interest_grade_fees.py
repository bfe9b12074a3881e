"""Late-payment interest per credit grade (the grade's own terms, else the company's: one
rule for the accrual, the letters and the interest invoice) and the letter fees charged on
the interest invoice, each once."""

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException

from .common_baddebt import ArBadDebtCommon


class ArInterestGradeCommon(ArBadDebtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.interest_account = cls.company_data["default_account_revenue"]
        # the company: 0.05 % a day after 5 grace days, 200 per final notice, 500 per lawyer letter
        cls.company.write(
            {
                "ar_interest_rate": 0.05,
                "ar_interest_period": "day",
                "ar_interest_grace_days": 5,
                "ar_interest_account_id": cls.interest_account.id,
                "ar_interest_fee_final": 200.0,
                "ar_interest_fee_lawyer": 500.0,
            }
        )
        # grade D: its own terms, 18 % a year from the due date
        cls.grade_d.write(
            {
                "ar_interest_own_terms": True,
                "ar_interest_rate": 18.0,
                "ar_interest_period": "year",
                "ar_interest_grace_days": 0,
            }
        )
        cls.customer.with_company(cls.company).credit_grade_id = cls.grade_a
        cls.customer_b.with_company(cls.company).credit_grade_id = cls.grade_d

    def interest(self, date, partners):
        rows = self.env["account.move"]._ar_get_accrued_interest(
            partner_ids=partners.ids, date=date, company=self.company
        )
        return {row["invoice"]: (row["days"], row["rate"], row["period"], row["amount"]) for row in rows.values()}

    def create_interest_invoice(self, partner):
        action = partner.with_user(self.credit_manager).action_ar_create_interest_invoice()
        return self.env["account.move"].browse(action["res_id"])

    def print_letter(self, partner, level):
        letter = (
            self.env["ar.dunning.letter"].with_user(self.collector).create({"partner_id": partner.id, "level": level})
        )
        letter.action_print()
        return letter


@tagged("post_install", "-at_install")
class TestInterestPerGrade(ArInterestGradeCommon):
    def test_two_grades_two_terms(self):
        # 31 January 2026.
        # Huadong (grade A, company terms): 4,000 due 20 Dec: 42 days - 5 = 37 x 0.05 % x 4,000 = 74.00;
        #   10,000 due 15 Jan: 16 - 5 = 11 days x 0.05 % x 10,000 = 55.00
        # Nanjing (grade D, 18 % a year, no grace): 2,000 due 1 Oct 2025: 122 days
        #   x 2,000 x 18 % / 365 = 120.33; 5,000 due 20 Feb 2026 is not due
        self.assertEqual(
            self.interest("2026-01-31", self.customer | self.customer_b),
            {
                self.inv2: (37, 0.05, "day", 74.0),
                self.inv1: (11, 0.05, "day", 55.0),
                self.inv3: (122, 18.0, "year", 120.33),
            },
        )
        # a grade without its own terms: the company's (0.05 % a day after 5 days: 117 x 1.00 = 117.00)
        self.grade_d.ar_interest_own_terms = False
        self.assertEqual(self.interest("2026-01-31", self.customer_b), {self.inv3: (117, 0.05, "day", 117.0)})
        # a grade whose own rate is 0 charges nothing, whatever the company's rate
        self.grade_d.write({"ar_interest_own_terms": True, "ar_interest_rate": 0.0})
        self.assertEqual(self.interest("2026-01-31", self.customer_b), {})
        # no company rate: the grade's own terms still apply, the others owe nothing
        self.grade_d.ar_interest_rate = 18.0
        self.company.ar_interest_rate = 0.0
        self.assertEqual(
            self.interest("2026-01-31", self.customer | self.customer_b), {self.inv3: (122, 18.0, "year", 120.33)}
        )
        with freeze_time("2026-01-31 10:00:00"):
            self.assertEqual(self.customer_b.with_user(self.collector).ar_accrued_interest, 120.33)
            self.assertEqual(self.customer.with_user(self.collector).ar_accrued_interest, 0.0)

    @freeze_time("2026-01-31 10:00:00")
    def test_interest_invoice_and_letter_at_the_grade_terms(self):
        invoice = self.create_interest_invoice(self.customer_b)
        self.assertEqual(invoice.amount_total, 120.33)
        self.assertEqual(invoice.invoice_line_ids.ar_interest_source_id, self.inv3)
        self.assertIn("122 days from 2025-10-01 to 2026-01-31 at 18.0 % per year", invoice.invoice_line_ids.name)
        final = (
            self.env["ar.dunning.letter"]
            .with_user(self.collector)
            .create({"partner_id": self.customer.id, "level": "final"})
        )
        self.assertEqual(
            [(row["invoice"], row["days"], row["amount"]) for row in final._ar_get_interest_lines()],
            [(self.inv2, 37, 74.0), (self.inv1, 11, 55.0)],
        )

    def test_grade_terms_cannot_be_negative(self):
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.grade_d.ar_interest_grace_days = -1
        self.assertEqual(self.grade_d.ar_interest_grace_days, 0)


@tagged("post_install", "-at_install")
class TestLetterFees(ArInterestGradeCommon):
    def fee_lines(self, invoice):
        return invoice.invoice_line_ids.filtered("ar_fee_letter_id")

    def test_fees_charged_once(self):
        with freeze_time("2026-01-20 10:00:00"):
            final = self.print_letter(self.customer, "final")
            reminder = self.print_letter(self.customer, "reminder")
        with freeze_time("2026-01-25 10:00:00"):
            lawyer = self.print_letter(self.customer, "lawyer")
        with freeze_time("2026-01-26 10:00:00"):
            draft = (
                self.env["ar.dunning.letter"]
                .with_user(self.collector)
                .create({"partner_id": self.customer.id, "level": "final"})
            )
        with freeze_time("2026-01-31 10:00:00"):
            january = self.create_interest_invoice(self.customer)
        # interest 74 + 55, the fees of the final notice (200) and of the lawyer letter (500);
        # no fee for a reminder, none for a draft letter
        self.assertEqual(january.amount_total, 829.0)
        fees = self.fee_lines(january)
        self.assertEqual(fees.ar_fee_letter_id, final | lawyer)
        self.assertEqual(fees.mapped("price_unit"), [200.0, 500.0])
        self.assertEqual(fees.account_id, self.interest_account)
        self.assertIn(final.name, fees[0].name)
        self.assertIn("final notice", fees[0].name)
        self.assertIn("2026-01-20", fees[0].name)
        self.assertIn(lawyer.name, fees[1].name)
        self.assertIn("2026-01-25", fees[1].name)
        self.assertNotIn(reminder, fees.ar_fee_letter_id)
        self.assertNotIn(draft, fees.ar_fee_letter_id)
        january.action_post()
        # the interest invoice itself accrues no interest (nor does its fee)
        self.assertNotIn(
            january,
            [
                row["invoice"]
                for row in self.env["account.move"]
                ._ar_get_accrued_interest(partner_ids=self.customer.ids, date="2026-04-30", company=self.company)
                .values()
            ],
        )
        # February: the interest of the days since 31 January (56 + 140), no fee charged again
        with freeze_time("2026-02-28 10:00:00"):
            february = self.create_interest_invoice(self.customer)
        self.assertEqual(february.amount_total, 196.0)
        self.assertFalse(self.fee_lines(february))
        # a cancelled interest invoice gives its fees back
        february.button_cancel()
        january.button_draft()
        january.button_cancel()
        with freeze_time("2026-02-28 11:00:00"):
            again = self.create_interest_invoice(self.customer)
        self.assertEqual(self.fee_lines(again).ar_fee_letter_id, final | lawyer)

    def test_fees_alone(self):
        """A customer owing fees but no interest (rate 0) still gets the fee invoiced, once."""
        self.company.ar_interest_rate = 0.0
        self.customer.with_company(self.company).credit_grade_id = self.grade_a
        with freeze_time("2026-01-20 10:00:00"):
            final = self.print_letter(self.customer, "final")
        with freeze_time("2026-01-31 10:00:00"):
            invoice = self.create_interest_invoice(self.customer)
        self.assertEqual(invoice.amount_total, 200.0)
        self.assertEqual(invoice.invoice_line_ids.ar_fee_letter_id, final)
        with freeze_time("2026-01-31 12:00:00"), self.assertRaisesRegex(UserError, "no late-payment interest"):
            self.create_interest_invoice(self.customer)


@tagged("post_install", "-at_install")
class TestLetterFeesOverJsonRpc(ArInterestGradeCommon, HttpCase):
    """A credit manager over /web/dataset/call_kw cannot mark a letter's fee charged."""

    def test_fee_link_refused(self):
        with freeze_time("2026-01-20 10:00:00"):
            final = self.print_letter(self.customer, "final")
        self.authenticate("ar_credit_manager", "ar_credit_manager")
        line = self.inv1.invoice_line_ids[:1]
        with self.assertRaises(JsonRpcException) as caught:
            self.make_jsonrpc_request(
                "/web/dataset/call_kw",
                {
                    "model": "account.move.line",
                    "method": "write",
                    "args": [line.ids, {"ar_fee_letter_id": final.id}],
                    "kwargs": {"context": {"ar_interest_invoicing": True}},
                },
            )
        self.assertEqual(caught.exception.args[0], "odoo.exceptions.AccessError")
        line.invalidate_recordset()
        self.assertFalse(line.ar_fee_letter_id)
        with freeze_time("2026-01-31 10:00:00"):
            invoice = self.create_interest_invoice(self.customer)
        self.assertEqual(invoice.invoice_line_ids.ar_fee_letter_id, final)
