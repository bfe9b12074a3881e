"""One truth about what is owed: instalments, post-dated payments, future-dated
invoices, receivable items without a partner, two companies with different buckets and
branches. The invoice fields, the customer figures, the worklist, a new letter, the
contact-log defaults, the holds and the report must agree with each other and with the
figures computed by hand below (as of 15 June 2026)."""

import io

import openpyxl
from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common_collections import ArCollectionRunCommon

TODAY = "2026-06-15"


@tagged("post_install", "-at_install")
class TestAgingTruth(ArCollectionRunCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_b = cls.env["res.partner"].create(
            {"name": "Lingnan Trading", "is_company": True, "customer_rank": 1, "user_id": cls.salesman.id}
        )
        # customer A: 1,000 on two instalments: 40 % on 6 May (40 days late on 15 June),
        # 60 % on 5 July (due in 20 days)
        cls.term_40_60 = cls.env["account.payment.term"].create(
            {
                "name": "40 % at 35 days, 60 % at 95 days",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 40.0, "nb_days": 35}),
                    Command.create({"value": "percent", "value_amount": 60.0, "nb_days": 95}),
                ],
            }
        )
        cls.inv_instalments = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.customer.id,
                "invoice_date": "2026-04-01",
                "date": "2026-04-01",
                "invoice_payment_term_id": cls.term_40_60.id,
                "invoice_line_ids": [
                    Command.create({"name": "Goods", "quantity": 1, "price_unit": 1000.0, "tax_ids": [Command.clear()]})
                ],
            }
        )
        cls.inv_instalments.action_post()
        # customer B: 500 due 31 May (15 days late), paid by a payment dated 25 June (after
        # today) already reconciled; an invoice of 300 dated 20 June (after today)
        cls.inv_b = cls.ar_invoice(cls.customer_b, 500.0, "2026-05-01", "2026-05-31")
        cls.ar_pay(cls.inv_b, 500.0, "2026-06-25")
        cls.inv_future = cls.ar_invoice(cls.customer_b, 300.0, "2026-06-20", "2026-07-20")
        # a receivable journal item without a partner: 250 on 1 May
        cls.entry_no_partner = cls.env["account.move"].create(
            {
                "move_type": "entry",
                "date": "2026-05-01",
                "journal_id": cls.company_data["default_journal_misc"].id,
                "line_ids": [
                    Command.create(
                        {
                            "name": "Opening receivable",
                            "debit": 250.0,
                            "account_id": cls.company_data["default_account_receivable"].id,
                        }
                    ),
                    Command.create(
                        {
                            "name": "Opening receivable",
                            "credit": 250.0,
                            "account_id": cls.company_data["default_account_revenue"].id,
                        }
                    ),
                ],
            }
        )
        cls.entry_no_partner.action_post()
        # a second company with buckets of 10 / 20 / 30 days: 700 for A due 21 May (25 days late)
        cls.company_2 = cls.setup_other_company(name="Shenzhen Subsidiary")["company"]
        cls.company_2.write({"ar_bucket_1_days": 10, "ar_bucket_2_days": 20, "ar_bucket_3_days": 30})
        cls.inv_company_2 = cls.ar_invoice(cls.customer, 700.0, "2026-05-01", "2026-05-21", company=cls.company_2)
        # a branch of the main company: 200 for A due 1 July (due in 16 days)
        cls.branch = cls.env["res.company"].create(
            {"name": "Suzhou Branch", "country_id": cls.company.country_id.id, "parent_id": cls.company.id}
        )
        cls.env.cr.precommit.run()  # the branch's accounting (shared with its parent)
        cls.env.user.company_ids |= cls.branch
        cls.inv_branch = cls.ar_invoice(cls.customer, 200.0, "2026-06-01", "2026-07-01", company=cls.branch)

    def setUp(self):
        super().setUp()
        self.frozen = freeze_time(f"{TODAY} 08:00:00")
        self.frozen.start()
        self.addCleanup(self.frozen.stop)

    def fresh(self, records):
        records.invalidate_recordset()
        return records.browse(records.ids)

    # ------------------------------------------------------------------
    # Invoices
    # ------------------------------------------------------------------
    def test_invoice_fields(self):
        self.assertEqual(self.inv_instalments.invoice_date_due, self.d("2026-07-05"), "Odoo: the last instalment")
        expected = {
            self.inv_instalments: (40, "31_60"),  # its oldest unpaid instalment, 6 May
            self.inv_b: (15, "1_30"),  # the payment of 25 June does not count today
            self.inv_future: (0, False),  # not in today's ledger
            self.inv_company_2: (25, "61_90"),  # 21-30 days: third bucket of its company
            self.inv_branch: (-16, "not_due"),
        }
        for invoice, (days, bucket) in expected.items():
            with self.subTest(invoice=invoice.name):
                invoice = self.fresh(invoice)
                self.assertEqual((invoice.days_overdue, invoice.aging_bucket), (days, bucket))
        self.assertIn(self.inv_b.payment_state, ("paid", "in_payment"), "Odoo's stored residual counts the payment")
        # the same answers through search, sort and group (SQL)
        Move = self.env["account.move"].with_context(
            allowed_company_ids=(self.company | self.company_2 | self.branch).ids
        )
        ids = [invoice.id for invoice in expected]
        self.assertEqual(Move.search([("id", "in", ids), ("aging_bucket", "=", "31_60")]), self.inv_instalments)
        self.assertEqual(
            Move.search([("id", "in", ids), ("days_overdue", ">", 0)]),
            self.inv_instalments | self.inv_b | self.inv_company_2,
        )
        self.assertEqual(Move.search([("id", "in", ids), ("aging_bucket", "=", False)]), self.inv_future)
        self.assertEqual(
            Move.search([("id", "in", ids)], order="days_overdue desc").ids,
            [self.inv_instalments.id, self.inv_company_2.id, self.inv_b.id, self.inv_future.id, self.inv_branch.id],
        )
        groups = dict(Move._read_group([("id", "in", ids)], ["aging_bucket"], ["amount_total:sum"]))
        self.assertEqual(groups, {"31_60": 1000.0, "1_30": 500.0, False: 300.0, "61_90": 700.0, "not_due": 200.0})

    def test_overdue_invoices_answer(self):
        overdue = self.env["ar.aging"]._get_overdue_invoices(
            partner_ids=(self.customer | self.customer_b).ids, company_ids=self.company.ids
        )
        self.assertEqual(set(overdue), {self.inv_instalments.id, self.inv_b.id})
        self.assertEqual(overdue[self.inv_instalments.id]["residual"], 1000.0)
        self.assertEqual(overdue[self.inv_instalments.id]["overdue"], 400.0)
        self.assertEqual(overdue[self.inv_instalments.id]["days"], 40)
        self.assertEqual(overdue[self.inv_instalments.id]["due_date"], self.d("2026-05-06"))
        self.assertEqual(overdue[self.inv_b.id]["residual"], 500.0)
        self.assertEqual(overdue[self.inv_b.id]["days"], 15)

    # ------------------------------------------------------------------
    # Customers
    # ------------------------------------------------------------------
    def test_customer_figures_count_the_branches(self):
        a = self.fresh(self.customer)
        # 1,000 (instalments) + 200 (branch); the subsidiary is another company
        self.assertEqual(a.ar_receivable_amount, 1200.0)
        self.assertEqual(a.ar_overdue_amount, 400.0)
        self.assertEqual(a.ar_oldest_overdue_days, 40)
        from_branch = self.fresh(self.customer.with_company(self.branch))
        self.assertEqual(from_branch.ar_receivable_amount, 1200.0, "the same family of companies from the branch")
        b = self.fresh(self.customer_b)
        # 500 still owed today; the invoice of 20 June is not counted yet
        self.assertEqual(b.ar_receivable_amount, 500.0)
        self.assertEqual(b.ar_overdue_amount, 500.0)
        self.assertEqual(b.ar_oldest_overdue_days, 15)

    def test_limit_across_branches(self):
        self.customer.write({"use_partner_credit_limit": True, "credit_limit": 1100.0})
        a = self.fresh(self.customer)
        self.assertTrue(a.ar_over_limit, "1,200 owed across the company and its branch")
        self.assertEqual(a.ar_credit_remaining, -100.0)

    def test_today_is_the_ledger_of_today(self):
        Aging = self.env["ar.aging"]
        today = Aging._get_partner_aging(partner_ids=self.customer_b.ids, company_ids=self.company.ids)
        self.assertEqual(today[self.customer_b.id]["residual"], 500.0)
        self.assertEqual(today[self.customer_b.id]["1_30"], 500.0)
        # on 25 June the payment counts and the invoice of 20 June too: 300 not due
        later = Aging._get_partner_aging(
            partner_ids=self.customer_b.ids, date="2026-06-25", company_ids=self.company.ids
        )
        self.assertEqual(later[self.customer_b.id]["residual"], 300.0)
        self.assertEqual(later[self.customer_b.id]["not_due"], 300.0)
        self.assertEqual(later[self.customer_b.id]["overdue"], 0.0)
        # yesterday: the same computation, the same figure
        yesterday = Aging._get_partner_aging(
            partner_ids=self.customer_b.ids, date="2026-06-14", company_ids=self.company.ids
        )
        self.assertEqual(yesterday[self.customer_b.id]["residual"], 500.0)
        self.assertEqual(yesterday[self.customer_b.id]["max_days_overdue"], 14)

    def test_each_company_its_own_buckets(self):
        rows = self.env["ar.aging"]._get_aging(
            "partner", partner_ids=self.customer.ids, company_ids=(self.company | self.company_2).ids
        )
        by_company = {row["company_id"]: row for row in rows}
        self.assertEqual(by_company[self.company.id]["31_60"], 400.0)
        self.assertEqual(by_company[self.company.id]["not_due"], 600.0)
        self.assertEqual(by_company[self.company_2.id]["61_90"], 700.0, "25 days: 21-30 in the subsidiary")
        self.assertEqual(by_company[self.company_2.id]["1_30"], 0.0)

    # ------------------------------------------------------------------
    # Letters, contact log, holds, worklist
    # ------------------------------------------------------------------
    def test_new_letter(self):
        Letter = self.env["ar.dunning.letter"].with_user(self.collector)
        letter_a = Letter.create({"partner_id": self.customer.id, "date": TODAY})
        self.assertEqual(letter_a.invoice_ids, self.inv_instalments)
        self.assertEqual(letter_a.amount_due, 1000.0)
        line = letter_a._ar_get_letter_lines()[0]
        self.assertEqual((line["due_date"], line["days_overdue"], line["due"]), (self.d("2026-05-06"), 40, 1000.0))
        letter_b = Letter.create({"partner_id": self.customer_b.id, "date": TODAY})
        self.assertEqual(letter_b.invoice_ids, self.inv_b)
        self.assertEqual(letter_b.amount_due, 500.0, "the payment dated 25 June is not in yet")

    def test_contact_log_defaults(self):
        action = self.customer.with_user(self.collector).action_ar_log_contact()
        self.assertEqual(action["context"]["default_invoice_ids"], self.inv_instalments.ids)
        self.assertEqual(action["context"]["default_amount_requested"], 400.0, "the instalment past due")
        action = self.customer_b.with_user(self.collector).action_ar_log_contact()
        self.assertEqual(action["context"]["default_invoice_ids"], self.inv_b.ids)
        self.assertEqual(action["context"]["default_amount_requested"], 500.0)
        log = (
            self.env["ar.collection.log"]
            .with_user(self.collector)
            .new({"partner_id": self.customer.id, "company_id": self.company.id})
        )
        self.assertEqual(log._ar_default_invoices(), self.inv_instalments)

    def test_run_worklist_and_holds(self):
        self.stage_1_30.hold_sales = True
        self.run_collections()
        self.assertEqual(self.fresh(self.inv_instalments).collection_stage_id, self.stage_31_60)
        self.assertEqual(self.fresh(self.inv_b).collection_stage_id, self.stage_1_30)
        self.assertFalse(self.fresh(self.inv_future).collection_stage_id)
        rows = self.env["ar.collection.worklist"].search([("partner_id", "in", (self.customer | self.customer_b).ids)])
        figures = {
            row.partner_id: (
                row.overdue_amount,
                row.days_overdue,
                row.amount_31_60,
                row.amount_1_30,
                row.not_due_amount,
            )
            for row in rows
        }
        self.assertEqual(
            figures,
            {
                self.customer: (400.0, 40, 400.0, 0.0, 600.0),
                self.customer_b: (500.0, 15, 0.0, 500.0, 0.0),
            },
        )
        # the hold of the 1-30 stage: the invoice of B still owes 500 today
        held = self.customer_b._ar_get_held_invoices("hold_sales")
        self.assertEqual(held[self.customer_b.id], [(self.stage_1_30, [self.inv_b.name])])

    # ------------------------------------------------------------------
    # Report
    # ------------------------------------------------------------------
    def test_report_ties_to_the_ledger(self):
        Report = self.env["report.ar_collections.report_ar_aging"]
        data = Report._get_aging_data({"date": TODAY, "company_ids": self.company.ids, "show_detail": True})
        section = data["sections"][0]
        rows = {row["partner_name"]: row for row in section["rows"]}
        self.assertEqual(set(rows), {"Huadong Machinery", "Lingnan Trading", "No partner"})
        self.assertEqual(rows["No partner"]["residual"], 250.0)
        self.assertEqual(rows["No partner"]["31_60"], 250.0)  # 45 days after 1 May
        self.assertEqual(rows["Huadong Machinery"]["residual"], 1000.0)
        self.assertEqual(rows["Huadong Machinery"]["31_60"], 400.0)
        self.assertEqual(rows["Huadong Machinery"]["not_due"], 600.0)
        self.assertEqual(rows["Lingnan Trading"]["1_30"], 500.0)
        detail = rows["Huadong Machinery"]["lines"][0]
        self.assertEqual((detail["due_date"], detail["days_overdue"]), (self.d("2026-05-06"), 40))
        # 1,000 + 500 + 250: the general ledger's receivable balance of the company today
        self.assertEqual(section["totals"]["residual"], 1750.0)
        ledger = self.env["account.move.line"]._read_group(
            [
                ("company_id", "=", self.company.id),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
                ("date", "<=", TODAY),
            ],
            [],
            ["balance:sum"],
        )
        self.assertEqual(ledger[0][0], 1750.0)

    def test_report_two_companies_own_labels(self):
        Report = self.env["report.ar_collections.report_ar_aging"]
        data = Report._get_aging_data({"date": TODAY, "company_ids": (self.company | self.company_2).ids})
        sections = {section["company"]: section for section in data["sections"]}
        self.assertEqual(sections[self.company_2]["labels"]["61_90"], "21-30 days")
        self.assertEqual(sections[self.company]["labels"]["61_90"], "61-90 days")
        self.assertEqual(sections[self.company_2]["totals"]["61_90"], 700.0)

    def test_xlsx_two_companies_name_both_bucket_limits(self):
        """One spreadsheet table for two companies: each bucket column names both companies'
        limits when they differ, and the subsidiary's 700 sits in the third overdue column."""
        Report = self.env["report.ar_collections.report_ar_aging"]
        data = Report._get_aging_data({"date": TODAY, "company_ids": (self.company | self.company_2).ids})
        content = self.env["ar.report.xlsx"]._aging_xlsx(data)
        sheet = openpyxl.load_workbook(io.BytesIO(content))["Aging"]
        headers = [cell.value for cell in sheet[4]]
        split = {frozenset(header.split(" / ")): index for index, header in enumerate(headers)}
        self.assertIn(frozenset({"1-30 days", "1-10 days"}), split)
        self.assertIn(frozenset({"Over 90 days", "Over 30 days"}), split)
        col = split[frozenset({"61-90 days", "21-30 days"})]
        subsidiary = [row for row in sheet.iter_rows(min_row=5, values_only=True) if row[1] == self.company_2.name]
        self.assertEqual([row[col] for row in subsidiary], [700.0])

    def test_extension_request_is_due_with_the_oldest_unpaid_instalment(self):
        """The collector records an extension of the instalment invoice: its current due date is
        6 May (the unpaid 40 %), not 5 July (Odoo's invoice due date, the last instalment)."""
        request = (
            self.env["ar.extension.request"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": self.customer.id,
                    "invoice_ids": [Command.set(self.inv_instalments.ids)],
                    "requested_date": "2026-06-30",
                    "amount": 400.0,
                    "reason": "Waiting for the customer's own receipts",
                }
            )
        )
        self.assertEqual(request.current_due_date, self.d("2026-05-06"))
