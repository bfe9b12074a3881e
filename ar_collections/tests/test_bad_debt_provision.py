"""The monthly bad-debt provision: the month-end aging times the bucket rates, a draft entry
of the difference to the allowance, posted by an accountant only."""

import io
import re

import openpyxl
from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common_baddebt import ArBadDebtCommon
from .test_ar_aging_report import pdf_text

# the provision's computation of its month: the legal cases, the one netted aging query, the
# customers' names, the lines and the allowance balance (measured; whatever the number of customers)
PROVISION_COMPUTE_QUERIES = 32


@tagged("post_install", "-at_install")
class TestBadDebtProvision(ArBadDebtCommon):
    def provision(self, date, user=None):
        Provision = self.env["ar.bad.debt.provision"].with_user(user or self.credit_manager)
        provision = Provision.create({"date": date})
        provision.action_compute()
        return provision

    def detail(self, provision):
        return {
            (line.partner_id.name, line.bucket): (line.base_amount, line.rate, line.provision_amount)
            for line in provision.line_ids
        }

    def entry_lines(self, provision):
        return {line.account_id: (line.debit, line.credit) for line in provision.move_id.line_ids}

    @freeze_time("2026-03-31 10:00:00")
    def test_month_to_month_difference(self):
        # January: 10,000 at 16 days (1 %), 4,000 at 42 days (5 %), 2,000 at 122 days (50 %), 5,000 not due
        january = self.provision("2026-01-15")
        self.assertEqual(january.date, self.d("2026-01-31"), "the month end of the date given")
        self.assertEqual(
            self.detail(january),
            {
                ("Huadong Machinery", "1_30"): (10000.0, 1.0, 100.0),
                ("Huadong Machinery", "31_60"): (4000.0, 5.0, 200.0),
                ("Nanjing Trading", "not_due"): (5000.0, 0.0, 0.0),
                ("Nanjing Trading", "over_90"): (2000.0, 50.0, 1000.0),
            },
        )
        self.assertEqual(january.required_amount, 1300.0)
        self.assertEqual(january.allowance_balance, 0.0)
        self.assertEqual(january.difference_amount, 1300.0)
        january.action_create_entry()
        self.assertEqual(january.state, "to_post")
        self.assertEqual(january.move_id.state, "draft")
        self.assertEqual(january.move_id.date, self.d("2026-01-31"))
        self.assertEqual(january.move_id.journal_id, self.misc_journal)
        self.assertEqual(
            self.entry_lines(january),
            {self.expense_account: (1300.0, 0.0), self.allowance_account: (0.0, 1300.0)},
        )
        january.move_id.with_user(self.accountant).action_post()
        self.assertEqual(january.state, "posted")
        self.assertEqual(self.allowance_balance(), 1300.0)

        # February: the 10,000 paid on 10 Feb; 4,000 at 70 days (20 %), 2,000 over 90, 5,000 at 8 days (1 %)
        self.ar_pay(self.inv1, 10000.0, "2026-02-10")
        february = self.provision("2026-02-01")
        self.assertEqual(
            self.detail(february),
            {
                ("Huadong Machinery", "61_90"): (4000.0, 20.0, 800.0),
                ("Nanjing Trading", "1_30"): (5000.0, 1.0, 50.0),
                ("Nanjing Trading", "over_90"): (2000.0, 50.0, 1000.0),
            },
        )
        self.assertEqual(february.required_amount, 1850.0)
        self.assertEqual(february.allowance_balance, 1300.0)
        self.assertEqual(february.difference_amount, 550.0)
        february.action_create_entry()
        self.assertEqual(
            self.entry_lines(february),
            {self.expense_account: (550.0, 0.0), self.allowance_account: (0.0, 550.0)},
            "only the difference to the allowance is booked",
        )
        february.move_id.with_user(self.accountant).action_post()
        self.assertEqual(self.allowance_balance(), 1850.0)

        # March: 4,000 and 2,000 paid; 5,000 at 39 days (5 %): the allowance is released to 250
        self.ar_pay(self.inv2, 4000.0, "2026-03-05")
        self.ar_pay(self.inv3, 2000.0, "2026-03-05")
        march = self.provision("2026-03-31")
        self.assertEqual(self.detail(march), {("Nanjing Trading", "31_60"): (5000.0, 5.0, 250.0)})
        self.assertEqual(march.difference_amount, -1600.0)
        march.action_create_entry()
        self.assertEqual(
            self.entry_lines(march),
            {self.allowance_account: (1600.0, 0.0), self.expense_account: (0.0, 1600.0)},
        )
        march.move_id.with_user(self.accountant).action_post()
        self.assertEqual(self.allowance_balance(), 250.0)

        # the allowance equals the requirement: a second run of the month books nothing
        march.move_id.button_draft()
        march.move_id.button_cancel()
        self.assertEqual(march.state, "draft")
        self.ar_pay(self.inv4, 5000.0, "2026-03-20")
        march.action_compute()
        self.assertFalse(march.line_ids, "nothing open at the end of March any more")
        self.assertEqual(march.difference_amount, -1850.0, "the cancelled entry no longer counts")

    def netted(self, provision):
        return {
            (line.partner_id.name, line.bucket): (
                line.base_amount,
                line.credit_amount,
                line.net_amount,
                line.rate,
                line.provision_amount,
            )
            for line in provision.line_ids
        }

    @freeze_time("2026-02-05 10:00:00")
    def test_unapplied_credits_pay_the_oldest_invoices_first(self):
        """A customer's unreconciled payments and credit notes of the month end are netted
        from its oldest invoices first; no bucket goes negative, a net credit provisions 0."""
        # Huadong paid 5,000 on 25 Jan, matched to no invoice, and 1,000 on 3 Feb (after the month end)
        self.ar_unreconciled_payment(self.customer, 5000.0, "2026-01-25")
        self.ar_unreconciled_payment(self.customer, 1000.0, "2026-02-03")
        # Nanjing got a credit note of 2,500 on 20 Jan, not reconciled
        self.ar_invoice(self.customer_b, 2500.0, "2026-01-20", move_type="out_refund")
        # Suzhou owes 1,000 due 1 Dec 2025 (61 days: 20 %) and paid 3,000 unmatched: a net credit of 2,000
        suzhou = self.env["res.partner"].create({"name": "Suzhou Electric", "is_company": True})
        self.ar_invoice(suzhou, 1000.0, "2025-11-01", "2025-12-01")
        self.ar_unreconciled_payment(suzhou, 3000.0, "2026-01-10")
        january = self.provision("2026-01-31")
        january.action_compute()  # warm the caches that do not depend on the ledger (groups, rates)
        self.env.invalidate_all()
        with self.assertExactQueryCount(PROVISION_COMPUTE_QUERIES):
            january.action_compute()
        # by hand: Huadong's 5,000 pays the 4,000 due 20 Dec (42 days), then 1,000 of the 10,000
        # due 15 Jan (16 days): 9,000 × 1 % = 90. Nanjing's 2,500 pays the 2,000 over 90 days,
        # then 500 of the 5,000 not due (0 %). Suzhou's 3,000 covers its 1,000: nothing.
        self.assertEqual(
            self.netted(january),
            {
                ("Huadong Machinery", "1_30"): (10000.0, 1000.0, 9000.0, 1.0, 90.0),
                ("Huadong Machinery", "31_60"): (4000.0, 4000.0, 0.0, 5.0, 0.0),
                ("Nanjing Trading", "not_due"): (5000.0, 500.0, 4500.0, 0.0, 0.0),
                ("Nanjing Trading", "over_90"): (2000.0, 2000.0, 0.0, 50.0, 0.0),
                ("Suzhou Electric", "61_90"): (1000.0, 1000.0, 0.0, 20.0, 0.0),
            },
        )
        self.assertEqual(january.required_amount, 90.0, "instead of 1,300 + 200 gross")
        self.assertEqual(january.difference_amount, 90.0)
        # the same rule as the aging: what is overdue net of the credits, per customer
        aging = self.env["ar.aging"]._get_partner_aging(date="2026-01-31", company_ids=self.company.ids)
        overdue_net = {
            ("Huadong Machinery", 9000.0),
            ("Nanjing Trading", 0.0),
            ("Suzhou Electric", 0.0),
        }
        for name, amount in overdue_net:
            partner = self.env["res.partner"].search([("name", "=", name)], limit=1)
            lines = january.line_ids.filtered(lambda line, p=partner: line.partner_id == p and line.bucket != "not_due")
            self.assertEqual(sum(lines.mapped("net_amount")), amount, name)
            self.assertEqual(aging[partner.id]["overdue"], amount, name)
        # the spreadsheet shows the credits netted
        sheet = openpyxl.load_workbook(io.BytesIO(january._ar_provision_xlsx())).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4) if row[0].value]
        self.assertEqual(
            rows[0][:8],
            [
                "Customer",
                "Bucket",
                "Invoices",
                "Amount Owed",
                "Unapplied Credits",
                "Net Amount Owed",
                "Rate (%)",
                "Provision",
            ],
        )
        self.assertEqual(
            rows[1][:8], ["Huadong Machinery", "1st Overdue Bucket", 1, 10000.0, 1000.0, 9000.0, 1.0, 90.0]
        )
        total = next(row for row in rows if row[0] == "Total")
        self.assertEqual(rows[5][:8], ["Suzhou Electric", "3rd Overdue Bucket", 1, 1000.0, 1000.0, 0.0, 20.0, 0.0])
        self.assertEqual(total[4:6], ["=SUBTOTAL(9,E5:E9)", "=SUBTOTAL(9,F5:F9)"], "the credits and net totalled")
        # February: the 3 Feb payment counts now; Huadong's 6,000 pays the 4,000 (70 days) and 2,000
        # of the 10,000 (44 days, 5 %): 8,000 × 5 % = 400
        february = self.provision("2026-02-28")
        self.assertEqual(self.netted(february)[("Huadong Machinery", "31_60")], (10000.0, 2000.0, 8000.0, 5.0, 400.0))

    @freeze_time("2026-02-05 10:00:00")
    def test_month_end_aging_not_today(self):
        """A payment after the month end does not change the month's provision."""
        self.ar_pay(self.inv3, 2000.0, "2026-02-03")
        january = self.provision("2026-01-31")
        self.assertEqual(january.required_amount, 1300.0)

    @freeze_time("2026-02-05 10:00:00")
    def test_rates_of_the_company_and_legal_cases(self):
        self.company.write({"ar_provision_rate_1_30": 2.0, "ar_provision_rate_not_due": 0.5})
        legal_ids = {self.inv3.id}
        patched = type(self.env["ar.bad.debt.provision"])
        original = patched._ar_get_legal_invoice_ids
        patched._ar_get_legal_invoice_ids = lambda provision: legal_ids
        try:
            january = self.provision("2026-01-31")
        finally:
            patched._ar_get_legal_invoice_ids = original
        self.assertEqual(
            self.detail(january),
            {
                ("Huadong Machinery", "1_30"): (10000.0, 2.0, 200.0),
                ("Huadong Machinery", "31_60"): (4000.0, 5.0, 200.0),
                ("Nanjing Trading", "not_due"): (5000.0, 0.5, 25.0),
                ("Nanjing Trading", "legal"): (2000.0, 100.0, 2000.0),
            },
        )
        self.assertEqual(january.required_amount, 2425.0)
        with self.assertRaises(ValidationError):
            self.company.ar_provision_rate_legal = 120.0

    @freeze_time("2026-02-05 10:00:00")
    def test_one_provision_per_company_and_month(self):
        self.provision("2026-01-31")
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.env["ar.bad.debt.provision"].with_user(self.credit_manager).create({"date": "2026-01-10"})

    @freeze_time("2026-03-05 10:00:00")
    def test_months_are_booked_in_order(self):
        january = self.provision("2026-01-31")
        january.action_create_entry()
        february = self.provision("2026-02-28")
        with self.assertRaisesRegex(UserError, "Post the entry of"):
            february.action_create_entry()
        self.assertFalse(february.move_id)
        january.move_id.with_user(self.accountant).action_post()
        february.action_create_entry()
        self.assertEqual(february.allowance_balance, 1300.0)
        # January can no longer be recomputed nor booked again
        with self.assertRaises(UserError):
            january.action_compute()

    @freeze_time("2026-02-05 10:00:00")
    def test_missing_settings(self):
        self.company.ar_provision_account_id = False
        provision = self.env["ar.bad.debt.provision"].with_user(self.credit_manager).create({"date": "2026-01-31"})
        with self.assertRaisesRegex(UserError, "allowance account"):
            provision.action_compute()
        self.assertFalse(provision.line_ids)

    @freeze_time("2026-02-05 10:00:00")
    def test_access(self):
        # collectors neither see nor compute provisions
        with self.assertRaises(AccessError):
            self.env["ar.bad.debt.provision"].with_user(self.collector).create({"date": "2026-01-31"})
        january = self.provision("2026-01-31")
        with self.assertRaises(AccessError):
            january.with_user(self.collector).read(["required_amount"])
        # auditors read, change nothing
        self.assertEqual(january.with_user(self.auditor).required_amount, 1300.0)
        with self.assertRaises(AccessError):
            january.with_user(self.auditor).action_compute()
        # the detail and the entry are written by the buttons only, whatever the context
        lines = january.line_ids
        for vals in ({"line_ids": [(5, 0, 0)]}, {"allowance_balance": 5000.0}, {"move_id": self.inv1.id}):
            with self.assertRaises(AccessError):
                january.with_user(self.credit_manager).with_context(ar_provision_action=True).write(vals)
        january.invalidate_recordset()
        self.assertEqual(january.line_ids, lines)
        self.assertEqual(january.difference_amount, 1300.0)
        self.assertFalse(january.move_id)
        # an accountant drafts as well; the credit manager drafts but never posts
        january.with_user(self.accountant).action_create_entry()
        move = january.move_id
        for user in (self.collector, self.credit_manager):
            with self.assertRaises(AccessError):
                move.with_user(user).action_post()
        self.assertEqual(move.state, "draft")
        with self.assertRaises(AccessError):
            self.inv1.with_user(self.credit_manager).write({"ar_provision_id": january.id})
        self.assertFalse(self.inv1.ar_provision_id)
        move.with_user(self.accountant).action_post()
        self.assertEqual(move.state, "posted")
        with self.assertRaises(UserError):
            january.with_user(self.credit_manager).unlink()

    @freeze_time("2026-02-05 10:00:00")
    def test_spreadsheet_and_pdf(self):
        january = self.provision("2026-01-31")
        action = january.action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(int(re.search(r"/web/content/(\d+)", action["url"]).group(1)))
        sheet = openpyxl.load_workbook(io.BytesIO(attachment.raw)).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=5) if row[0].value]
        self.assertEqual(rows[0][:8], ["Huadong Machinery", "1st Overdue Bucket", 1, 10000.0, 0.0, 10000.0, 1.0, 100.0])
        self.assertEqual(rows[3][:8], ["Nanjing Trading", "Last Bucket", 1, 2000.0, 0.0, 2000.0, 50.0, 1000.0])
        self.assertEqual(rows[4][0], "Total")
        self.assertIn(["Entry Amount", None, None, None, None, None, None, 1300.0], rows)
        january.action_create_entry()
        attached = self.env["ir.attachment"].search(
            [("res_model", "=", "account.move"), ("res_id", "=", january.move_id.id)]
        )
        self.assertEqual(attached.mapped("name"), ["Bad-Debt Provision 2026-01.xlsx"])
        content, report_type = (
            self.env["ir.actions.report"]
            .with_user(self.auditor)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("ar_collections.ar_bad_debt_provision_report_action", january.ids)
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(content.startswith(b"%PDF"))
        text = pdf_text(content)
        self.assertIn("Bad-Debt Provision 2026-01", text)
        huadong = next(line for line in text.splitlines() if "Huadong Machinery" in line and "10,000.00" in line)
        self.assertIn("100.00", huadong)
        entry = next(line for line in text.splitlines() if "Entry Amount" in line)
        self.assertIn("1,300.00", entry)
