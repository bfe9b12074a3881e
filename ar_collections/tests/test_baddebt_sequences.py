"""Write-off requests, collection cases and credit limit change requests are numbered per
company; write-off shares go to the invoice with the oldest unpaid due date of the aging (an
instalment), not its last."""

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common_baddebt import ArBadDebtCommon


@tagged("post_install", "-at_install")
class TestBadDebtSequences(ArBadDebtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_2 = cls.setup_other_company(name="Suzhou Branch")["company"]
        cls.customer_2 = cls.env["res.partner"].create({"name": "Wuxi Steel", "is_company": True})
        cls.inv_2 = cls.ar_invoice(cls.customer_2, 3000.0, "2025-11-01", "2025-12-01", company=cls.company_2)

    def case(self, invoice, company):
        return (
            self.env["ar.collection.case"]
            .with_company(company)
            .create(
                {
                    "partner_id": invoice.partner_id.id,
                    "company_id": company.id,
                    "invoice_ids": [Command.set(invoice.ids)],
                    "amount": invoice.amount_residual,
                    "handler": "legal",
                    "user_id": self.env.user.id,
                }
            )
        )

    @staticmethod
    def number(record):
        return int(record.name.rsplit("/", 1)[1])

    @freeze_time("2026-03-01 10:00:00")
    def test_each_company_its_numbering(self):
        Sequence = self.env["ir.sequence"].sudo()
        for code in ("ar.write.off.request", "ar.collection.case", "ar.credit.limit.request"):
            for company in (self.company, self.company_2):
                self.assertEqual(
                    Sequence.search_count([("code", "=", code), ("company_id", "=", company.id)]), 1, (code, company)
                )
        first = self.case(self.inv2, self.company)
        other_first = self.case(self.inv_2, self.company_2)
        second = self.case(self.inv1, self.company)
        other_second = self.case(self.inv_2, self.company_2)
        for case in (first, other_first, second, other_second):
            self.assertRegex(case.name, r"^CASE/2026/\d{4}$")
        # one series each: the other company's cases take no number of this one
        self.assertEqual(self.number(second), self.number(first) + 1)
        self.assertEqual(self.number(other_second), self.number(other_first) + 1)

    def test_existing_company_without_sequence_gets_one(self):
        Sequence = self.env["ir.sequence"].sudo()
        Sequence.search([("code", "=", "ar.write.off.request"), ("company_id", "=", self.company_2.id)]).unlink()
        self.env["res.company"]._ar_install_bad_debt_sequences()
        self.assertEqual(
            Sequence.search_count([("code", "=", "ar.write.off.request"), ("company_id", "=", self.company_2.id)]), 1
        )
        self.assertTrue(self.company_2._ar_next_bad_debt_number("ar.write.off.request").startswith("WO/"))


@tagged("post_install", "-at_install")
class TestWriteOffOldestDue(ArBadDebtCommon):
    @freeze_time("2026-04-01 09:00:00")
    def test_shares_follow_the_oldest_unpaid_item(self):
        # 6,000 invoiced 1 Oct 2025 in two instalments: 3,000 due 1 Nov 2025, 3,000 due 1 May 2026
        # (its invoice_date_due is the last one); the 4,000 of inv2 is due 20 Dec 2025
        instalments = self.ar_instalment_invoice(self.customer, 6000.0, "2025-10-01", days=(31, 212))
        self.assertEqual(instalments.invoice_date_due, self.d("2026-05-01"))
        request = self.env["ar.write.off.request"].create(
            {
                "partner_id": self.customer.id,
                "invoice_ids": [Command.set((self.inv2 | instalments).ids)],
                "amount": 7000.0,
                "reason": "Insolvent",
            }
        )
        # the instalment invoice is the older debt (1 Nov 2025): written off first, in full
        self.assertEqual(request._ar_get_shares(), [(instalments, 6000.0), (self.inv2, 1000.0)])
