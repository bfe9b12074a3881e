import io

import openpyxl
from freezegun import freeze_time

from odoo.tests import tagged

from .test_ar_aging_report import ArReportsCommon, pdf_text


@tagged("post_install", "-at_install")
@freeze_time("2024-07-15")
class TestScheduledReports(ArReportsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.finance_manager = cls.env["res.partner"].create({"name": "Finance Manager Sun", "email": "sun@example.com"})
        cls.company.write({"ar_report_recipient_ids": [(6, 0, cls.finance_manager.ids)], "email": "ar@example.com"})

    def new_mails(self, before):
        return self.env["mail.mail"].search(
            [("id", "not in", before.ids), ("recipient_ids", "in", self.finance_manager.ids)]
        )

    def test_monthly_aging_report(self):
        before = self.env["mail.mail"].search([])
        with freeze_time("2024-07-01 06:00:00"):
            self.env["ar.report.mailer"].with_context(force_report_rendering=True)._cron_send_monthly_aging_report()
        mail = self.new_mails(before)
        self.assertEqual(len(mail), 1)
        self.assertIn("Aged Receivables 2024-06-30", mail.subject)
        self.assertEqual(mail.recipient_ids, self.finance_manager)
        self.assertEqual(len(mail.attachment_ids), 2)
        pdf = mail.attachment_ids.filtered(lambda a: a.mimetype == "application/pdf")
        xlsx = mail.attachment_ids - pdf
        self.assertTrue(pdf.raw.startswith(b"%PDF"))
        text = pdf_text(pdf.raw)
        # as of the end of June: the payment of 07-05 and the credit note of 07-10 are not counted
        self.assertIn("6,800.00", next(line for line in text.splitlines() if line.strip().startswith("Total")))
        self.assertIn(self.inv2.name, text, "the monthly analysis carries the invoice detail")
        sheet = openpyxl.load_workbook(io.BytesIO(xlsx.raw), data_only=True)["Aging"]
        self.assertEqual(sheet["G7"].value, 6800)
        self.assertEqual(xlsx.name, "Aged Receivables 2024-06-30.xlsx")

    def test_weekly_overdue_report(self):
        before = self.env["mail.mail"].search([])
        with freeze_time("2024-07-19 06:00:00"):  # a Friday
            self.env["ar.report.mailer"].with_context(force_report_rendering=True)._cron_send_weekly_overdue_report()
        mail = self.new_mails(before)
        self.assertEqual(len(mail), 1)
        self.assertIn("Overdue Customers 2024-07-19", mail.subject)
        pdf = mail.attachment_ids.filtered(lambda a: a.mimetype == "application/pdf")
        text = pdf_text(pdf.raw)
        self.assertIn("1,600.00", next(line for line in text.splitlines() if line.strip().startswith("Total")))
        xlsx = mail.attachment_ids - pdf
        sheet = openpyxl.load_workbook(io.BytesIO(xlsx.raw))["Overdue"]
        self.assertEqual([sheet["A5"].value, sheet["A6"].value], ["Huadong Machinery", "Nanjing Trading"])
        self.assertEqual(sheet["C7"].value, "=SUBTOTAL(9,C5:C6)")

    def test_crons_scheduled(self):
        weekly = self.env.ref("ar_collections.ir_cron_ar_weekly_overdue_report")
        monthly = self.env.ref("ar_collections.ir_cron_ar_monthly_aging_report")
        self.assertEqual((weekly.interval_number, weekly.interval_type), (1, "weeks"))
        self.assertEqual(weekly.nextcall.weekday(), 4, "on Fridays")
        self.assertEqual((monthly.interval_number, monthly.interval_type), (1, "months"))
        self.assertEqual(monthly.nextcall.day, 1)
        # run as the scheduler does: a mail with both files for the company with recipients
        before = self.env["mail.mail"].search([])
        monthly.method_direct_trigger()
        mail = self.new_mails(before)
        self.assertEqual(len(mail), 1)
        self.assertEqual(len(mail.attachment_ids), 2)

    def test_no_recipients_no_mail(self):
        self.company.ar_report_recipient_ids = False
        mails = self.env["ar.report.mailer"]._ar_send_scheduled_reports("overdue", self.d("2024-07-15"))
        self.assertFalse(mails)
