import io
import re
import subprocess
import tempfile
import unicodedata

import openpyxl
from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged
from odoo.tools.misc import formatLang

from .common import ArCollectionsCommon

# queries to build the aging report's data, whatever the number of customers
AGING_DATA_BUDGET = 18


def pdf_text(content):
    """Text of a PDF, extracted by pdftotext (poppler) in layout mode. NFKC-normalised: the CJK
    fonts map some ideographs to their Kangxi radical look-alikes (⼤ for 大)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(content)
        pdf.flush()
        text = subprocess.run(["pdftotext", "-layout", pdf.name, "-"], check=True, capture_output=True).stdout.decode()
        return unicodedata.normalize("NFKC", text)


class ArReportsCommon(ArCollectionsCommon):
    """Two customers with receivables spread over every bucket as of 2024-06-30, and
    payments and a credit note made after that date."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.grade_b = cls.env.ref("ar_collections.ar_credit_grade_b")
        cls.customer.write(
            {
                "credit_grade_id": cls.grade_a.id,
                "credit_limit": 10000.0,
                "use_partner_credit_limit": True,
                "collector_id": cls.collector.id,
                "user_id": cls.salesman.id,
            }
        )
        cls.customer2 = cls.env["res.partner"].create(
            {
                "name": "Nanjing Trading",
                "is_company": True,
                "customer_rank": 1,
                "credit_grade_id": cls.grade_b.id,
                "street": "88 Zhongshan Road",
                "city": "Nanjing",
                "phone": "+86 25 1234 5678",
            }
        )
        # as of 2024-06-30: 91 days overdue (1,000 of which 400 paid on 06-10)
        cls.inv1 = cls.ar_invoice(cls.customer, 1000.0, "2024-03-01", "2024-03-31")
        cls.payment1 = cls.ar_pay(cls.inv1, 400.0, "2024-06-10")
        # 30 days overdue, paid in full on 07-05 (after the as-of date)
        cls.inv2 = cls.ar_invoice(cls.customer, 2000.0, "2024-05-01", "2024-05-31")
        cls.ar_pay(cls.inv2, 2000.0, "2024-07-05")
        # not due (issued through the contact: counts for its company)
        cls.inv3 = cls.ar_invoice(cls.contact, 3000.0, "2024-06-01", "2024-07-31")
        # customer 2: 61 and 46 days overdue; a credit note after the as-of date
        cls.inv4 = cls.ar_invoice(cls.customer2, 500.0, "2024-04-01", "2024-04-30")
        cls.inv5 = cls.ar_invoice(cls.customer2, 700.0, "2024-05-01", "2024-05-15")
        cls.refund = cls.ar_invoice(cls.customer2, 200.0, "2024-07-10", move_type="out_refund")

    def run_wizard(self, user=None, **values):
        wizard = (
            self.env["ar.aging.report.wizard"]
            .with_user(user or self.collector)
            .create({"date": "2024-06-30", **values})
        )
        return wizard, wizard.action_print()

    def read_xlsx(self, action, data_only=False):
        attachment_id = int(re.search(r"/web/content/(\d+)", action["url"]).group(1))
        attachment = self.env["ir.attachment"].browse(attachment_id)
        return openpyxl.load_workbook(io.BytesIO(attachment.raw), data_only=data_only)

    @staticmethod
    def sheet_rows(sheet, header_row=4):
        """Data rows (as dicts keyed by header) under the header, until the totals row."""
        headers = [c.value for c in sheet[header_row]]
        rows = []
        for values in sheet.iter_rows(min_row=header_row + 1, values_only=True):
            if values[0] in ("Total", None):
                break
            rows.append(dict(zip(headers, values)))
        return headers, rows


@tagged("post_install", "-at_install")
@freeze_time("2024-07-15")
class TestAgingReport(ArReportsCommon):
    def test_aging_as_of_past_date(self):
        """Payments and credit notes after the as-of date are ignored; those before count."""
        data = self.env["report.ar_collections.report_ar_aging"]._get_aging_data(
            {"date": "2024-06-30", "company_ids": self.company.ids, "show_detail": True}
        )
        (section,) = data["sections"]
        rows = {row["partner"]: row for row in section["rows"]}
        self.assertEqual(list(rows), [self.customer, self.customer2], "sorted by name")
        huadong, nanjing = rows[self.customer], rows[self.customer2]
        self.assertEqual(
            [huadong[k] for k in ("residual", "not_due", "1_30", "31_60", "61_90", "over_90")],
            [5600.0, 3000.0, 2000.0, 0.0, 0.0, 600.0],
        )
        self.assertEqual(huadong["max_days_overdue"], 91)
        self.assertEqual((huadong["grade"], huadong["credit_limit"]), ("A", 10000.0))
        self.assertEqual(huadong["collector"], "Collector Li")
        self.assertEqual(
            [nanjing[k] for k in ("residual", "not_due", "1_30", "31_60", "61_90", "over_90")],
            [1200.0, 0.0, 0.0, 700.0, 500.0, 0.0],
        )
        self.assertEqual(nanjing["max_days_overdue"], 61)
        self.assertIsNone(nanjing["credit_limit"], "no credit limit applies to customer 2")
        self.assertEqual(section["totals"]["residual"], 6800.0)
        self.assertAlmostEqual(section["percents"]["not_due"], 3000.0 / 6800.0 * 100)
        # invoice detail: the open amounts of that day
        self.assertEqual(
            {(line["move"], line["residual"], line["days_overdue"]) for line in huadong["lines"]},
            {(self.inv1, 600.0, 91), (self.inv2, 2000.0, 30), (self.inv3, 3000.0, 0)},
        )

        # the same customers today: inv2 paid, credit note applied on customer 2's balance
        today = self.env["report.ar_collections.report_ar_aging"]._get_aging_data(
            {"date": "2024-07-15", "company_ids": self.company.ids}
        )
        today_rows = {row["partner"]: row for row in today["sections"][0]["rows"]}
        self.assertEqual(today_rows[self.customer]["residual"], 3600.0)
        self.assertEqual(today_rows[self.customer2]["residual"], 1000.0)

    def test_filters(self):
        report = self.env["report.ar_collections.report_ar_aging"]
        for options, expected in (
            ({"collector_ids": [self.collector.id]}, [self.customer]),
            ({"user_ids": [self.salesman.id]}, [self.customer]),
            ({"grade_ids": [self.grade_b.id]}, [self.customer2]),
            ({"partner_ids": [self.contact.id]}, [self.customer]),
            ({"grade_ids": [self.grade_d.id]}, []),
        ):
            data = report._get_aging_data({"date": "2024-06-30", "company_ids": self.company.ids, **options})
            partners = [row["partner"] for section in data["sections"] for row in section["rows"]]
            self.assertEqual(partners, expected, options)
        # the company's default collector follows the customers without a collector of their own
        self.company.ar_default_collector_id = self.credit_manager
        data = report._get_aging_data(
            {"date": "2024-06-30", "company_ids": self.company.ids, "collector_ids": [self.credit_manager.id]}
        )
        self.assertEqual([row["partner"] for row in data["sections"][0]["rows"]], [self.customer2])
        self.assertEqual(data["sections"][0]["rows"][0]["collector"], "Credit Manager Zhao")

    def test_aging_xlsx(self):
        """The auditor exports the aging: figures, totals by formula, percentages, detail sheet."""
        _wizard, action = self.run_wizard(self.auditor, output="xlsx")
        self.assertEqual(action["type"], "ir.actions.act_url")
        book = self.read_xlsx(action)
        sheet = book["Aging"]
        self.assertEqual(sheet.freeze_panes, "B5")
        self.assertEqual(sheet.auto_filter.ref, "A4:N6")
        headers, rows = self.sheet_rows(sheet)
        self.assertEqual(headers[:4], ["Customer", "Company", "Grade", "Credit Limit"])
        self.assertEqual(
            headers[6:12], ["Total Receivable", "Not due", "1-30 days", "31-60 days", "61-90 days", "Over 90 days"]
        )
        self.assertEqual(
            [
                (
                    r["Customer"],
                    r["Grade"],
                    r["Total Receivable"],
                    r["Not due"],
                    r["1-30 days"],
                    r["31-60 days"],
                    r["61-90 days"],
                    r["Over 90 days"],
                    r["Oldest Overdue (days)"],
                )
                for r in rows
            ],
            [
                ("Huadong Machinery", "A", 5600, 3000, 2000, 0, 0, 600, 91),
                ("Nanjing Trading", "B", 1200, 0, 0, 700, 500, 0, 61),
            ],
        )
        # amounts written as numbers with a number format
        self.assertEqual(sheet["G5"].number_format, "#,##0.00;[Red]-#,##0.00")
        # totals: SUBTOTAL formulas over the data rows, computed value cached
        self.assertEqual(sheet["A7"].value, "Total")
        self.assertEqual(sheet["G7"].value, "=SUBTOTAL(9,G5:G6)")
        self.assertEqual(sheet["L7"].value, "=SUBTOTAL(9,L5:L6)")
        self.assertEqual(sheet["H8"].value, "=IF($G$7=0,0,H7/$G$7)")
        cached = self.read_xlsx(action, data_only=True)["Aging"]
        invoices = self.inv1 | self.inv2 | self.inv3 | self.inv4 | self.inv5
        # open amounts on 06-30: the invoices less the 400 paid on 06-10
        self.assertEqual(cached["G7"].value, sum(invoices.mapped("amount_total")) - 400.0)
        self.assertEqual([cached[f"{col}7"].value for col in "HIJKL"], [3000, 2000, 700, 500, 600])
        self.assertAlmostEqual(cached["H8"].value, 3000 / 6800)
        # detail sheet: one row per open invoice
        _headers, lines = self.sheet_rows(book["Detail"])
        self.assertEqual(
            sorted((line["Number"], line["Total Receivable"], line["Days Overdue"]) for line in lines),
            sorted(
                [
                    (self.inv1.name, 600, 91),
                    (self.inv2.name, 2000, 30),
                    (self.inv3.name, 3000, 0),
                    (self.inv4.name, 500, 61),
                    (self.inv5.name, 700, 46),
                ]
            ),
        )
        self.assertEqual(book["Detail"]["H10"].value, "=SUBTOTAL(9,H5:H9)")

    def test_aging_pdf(self):
        """Rendered through wkhtmltopdf, the PDF carries the figures of the customers and totals."""
        wizard, action = self.run_wizard(self.auditor, show_detail=True)
        self.assertEqual(action["report_name"], "ar_collections.report_ar_aging")
        content, report_type = (
            self.env["ir.actions.report"]
            .with_user(self.auditor)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("ar_collections.ar_aging_report_action_pdf", wizard.ids, data=action["data"])
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(content.startswith(b"%PDF"))
        text = pdf_text(content)
        self.assertIn("Aged Receivables Analysis", text)
        self.assertIn("06/30/2024", text)
        huadong = next(line for line in text.splitlines() if "Huadong Machinery" in line)
        for figure in ("10,000.00", "5,600.00", "3,000.00", "2,000.00", "600.00", "91"):
            self.assertIn(figure, huadong)
        nanjing = next(line for line in text.splitlines() if "Nanjing Trading" in line)
        for figure in ("1,200.00", "700.00", "500.00", "61"):
            self.assertIn(figure, nanjing)
        total = next(line for line in text.splitlines() if line.strip().startswith("Total"))
        self.assertIn("6,800.00", total)
        self.assertIn(self.inv1.name, text, "invoice detail printed")
        self.assertRegex(text, r"44\.1 %")  # 3,000 / 6,800 not due

    def test_overdue_report(self):
        wizard, action = self.run_wizard(report_kind="overdue", date="2024-07-15")
        content, _type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("ar_collections.ar_overdue_report_action_pdf", wizard.ids, data=action["data"])
        )
        text = pdf_text(content)
        # today: customer owes 600 overdue (inv1); customer 2 owes 1,200 overdue less the 200 credit note
        huadong = next(line for line in text.splitlines() if "Huadong Machinery" in line)
        # the amount as the reader's language writes one in the company's currency
        overdue = formatLang(self.env, 600.0, currency_obj=self.currency).replace("\xa0", " ")
        self.assertRegex(huadong, rf"Salesman Zhang\s+{re.escape(overdue)} .* 106\s+Collector Li")
        nanjing = next(line for line in text.splitlines() if "Nanjing Trading" in line)
        self.assertIn("1,000.00", nanjing)
        self.assertIn("76", nanjing)
        total = next(line for line in text.splitlines() if line.strip().startswith("Total"))
        self.assertIn("1,600.00", total)
        _wizard, action = self.run_wizard(report_kind="overdue", date="2024-07-15", output="xlsx")
        headers, rows = self.sheet_rows(self.read_xlsx(action, data_only=True)["Overdue"])
        self.assertIn("Last Contact", headers)
        self.assertEqual(
            [(r["Customer"], r["Overdue"], r["Days Overdue"], r["Collector"]) for r in rows],
            [("Huadong Machinery", 600, 106, "Collector Li"), ("Nanjing Trading", 1000, 76, None)],
        )

    def test_debt_detail_table(self):
        _wizard, action = self.run_wizard(report_kind="debt_detail", output="xlsx")
        book = self.read_xlsx(action, data_only=True)
        headers, rows = self.sheet_rows(book["Debts"])
        self.assertEqual(
            headers,
            [
                "Customer",
                "Address",
                "Contact",
                "Amount Owed",
                "Overdue",
                "Reason",
                "Due Date",
                "Days Overdue",
                "Contacts",
                "Last Contact",
                "Results",
                "Remarks",
                "Person Responsible",
                "Payment Method",
            ],
        )
        nanjing = rows[1]
        self.assertEqual(nanjing["Customer"], "Nanjing Trading")
        self.assertIn("88 Zhongshan Road", nanjing["Address"])
        self.assertEqual(nanjing["Contact"], "+86 25 1234 5678")
        self.assertEqual((nanjing["Amount Owed"], nanjing["Overdue"]), (1200, 1200))
        self.assertEqual(nanjing["Due Date"].date(), self.d("2024-04-30"))
        self.assertEqual(rows[0]["Person Responsible"], "Collector Li")
        self.assertEqual(book["Debts"]["D7"].value, 6800)

    def test_debt_detail_table_contacts(self):
        """The contact columns summarise the contact log, open promises and disputes."""
        Log = self.env["ar.collection.log"].with_user(self.collector)
        ref = self.env.ref
        Log.create(
            {
                "partner_id": self.customer2.id,
                "channel": "phone",
                "date": "2024-07-01 02:00:00",
                "result_id": ref("ar_collections.ar_collection_result_no_answer").id,
                "invoice_ids": [Command.set(self.inv4.ids)],
            }
        )
        Log.create(
            {
                "partner_id": self.customer2.id,
                "channel": "visit",
                "date": "2024-07-12 03:00:00",
                "result_id": ref("ar_collections.ar_collection_result_promise").id,
                "invoice_ids": [Command.set((self.inv4 | self.inv5).ids)],
                "amount_requested": 1200.0,
                "promise_date": "2024-07-25",
                "promise_amount": 800.0,
                "notes": "Met the finance director",
                "customer_feedback": "Cash flow tight until the 25th",
            }
        )
        self.env["ar.dispute"].with_user(self.collector).create(
            {
                "partner_id": self.customer2.id,
                "invoice_ids": [Command.set(self.inv5.ids)],
                "reason": "quality",
            }
        )
        _wizard, action = self.run_wizard(report_kind="debt_detail", output="xlsx")
        _headers, rows = self.sheet_rows(self.read_xlsx(action, data_only=True)["Debts"])
        nanjing = next(row for row in rows if row["Customer"] == "Nanjing Trading")
        self.assertEqual(nanjing["Contacts"], 2)
        self.assertEqual(nanjing["Last Contact"].date(), self.d("2024-07-12"))
        self.assertEqual(nanjing["Results"], ref("ar_collections.ar_collection_result_promise").name)
        self.assertIn("Met the finance director", nanjing["Remarks"])
        self.assertIn("Cash flow tight until the 25th", nanjing["Remarks"])
        self.assertIn("Dispute: Quality", nanjing["Reason"])
        huadong = next(row for row in rows if row["Customer"] == "Huadong Machinery")
        self.assertFalse(huadong["Contacts"])

    def test_queries_flat_in_customers(self):
        """The aging data (with invoice detail) costs the same number of queries for 2 or 12 customers."""
        many = self.env["res.partner"].create(
            [{"name": f"Customer {i:02d}", "is_company": True, "credit_grade_id": self.grade_b.id} for i in range(10)]
        )
        for partner in many:
            self.ar_invoice(partner, 100.0, "2024-05-01", "2024-05-31")
        report = self.env["report.ar_collections.report_ar_aging"]

        def aging_data(partners):
            options = {"date": "2024-06-30", "company_ids": self.company.ids, "show_detail": True}
            return report._get_aging_data(dict(options, partner_ids=partners.ids))

        def counted(partners):
            self.env.invalidate_all()
            # the same budget for 2 customers as for 12
            with self.assertExactQueryCount(AGING_DATA_BUDGET):
                return aging_data(partners)

        self.env.invalidate_all()
        aging_data(self.customer)  # warm the caches
        few = counted(self.customer | self.customer2)
        data = counted(self.customer | self.customer2 | many)
        self.assertEqual(len(few["sections"][0]["rows"]), 2)
        self.assertEqual(len(data["sections"][0]["rows"]), 12)
        self.assertEqual(data["sections"][0]["totals"]["residual"], 6800.0 + 1000.0)

    def test_pdf_rejected_for_debt_table(self):
        from odoo.exceptions import UserError

        wizard = self.env["ar.aging.report.wizard"].create({"report_kind": "debt_detail", "output": "pdf"})
        with self.assertRaises(UserError):
            wizard.action_print()


@tagged("post_install", "-at_install")
@freeze_time("2024-07-15")
class TestAgingAnalysisView(ArReportsCommon):
    def test_pivot_by_bucket(self):
        Analysis = self.env["ar.aging.report"].with_user(self.auditor)
        groups = Analysis._read_group(
            [("partner_id", "in", (self.customer | self.customer2).ids)], ["partner_id", "bucket"], ["residual:sum"]
        )
        self.assertEqual(
            sorted((partner.name, bucket, amount) for partner, bucket, amount in groups),
            [
                ("Huadong Machinery", "not_due", 3000.0),
                ("Huadong Machinery", "over_90", 600.0),
                ("Nanjing Trading", "1_30", -200.0),
                ("Nanjing Trading", "61_90", 1200.0),
            ],
        )
        # the same totals as the aging query behind the credit figures
        aging = self.env["ar.aging"]._get_partner_aging(partner_ids=(self.customer | self.customer2).ids)
        totals = dict(
            Analysis._read_group(
                [("partner_id", "in", (self.customer | self.customer2).ids)], ["partner_id"], ["residual:sum"]
            )
        )
        self.assertEqual({p.id: v for p, v in totals.items()}, {pid: v["residual"] for pid, v in aging.items()})
        rows = Analysis.search_read([("move_id", "=", self.inv1.id)], ["days_overdue", "bucket", "invoice_user_id"])
        self.assertEqual((rows[0]["days_overdue"], rows[0]["bucket"]), (106, "over_90"))
        labels = dict(Analysis._fields["bucket"]._description_selection(Analysis.env))
        self.assertEqual(labels["over_90"], "Over 90 days")
        self.assertEqual(Analysis.fields_get(["bucket_1"])["bucket_1"]["string"], "1-30 days")

    def test_pivot_buckets_in_aging_order(self):
        Analysis = self.env["ar.aging.report"].with_user(self.auditor)
        groups = Analysis._read_group(
            [("partner_id", "in", (self.customer | self.customer2).ids)], ["bucket"], ["residual:sum"]
        )
        self.assertEqual([bucket for bucket, _amount in groups], ["not_due", "1_30", "61_90", "over_90"])
        # the same through the public read_group of the pivot view
        groups = Analysis.read_group(
            [("partner_id", "in", (self.customer | self.customer2).ids)], ["residual:sum"], ["bucket"], lazy=False
        )
        self.assertEqual([group["bucket"] for group in groups], ["not_due", "1_30", "61_90", "over_90"])
