import re

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools.misc import formatLang

from .test_ar_aging_report import ArReportsCommon, pdf_text


@tagged("post_install", "-at_install")
@freeze_time("2024-07-15")
class TestDunningLetter(ArReportsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank_account = cls.env["res.partner.bank"].create(
            {
                "partner_id": cls.company.partner_id.id,
                "acc_number": "6222 0210 0100 8888",
                "acc_holder_name": "Test Company Ltd",
                "bank_id": cls.env["res.bank"].create({"name": "Bank of China Nanjing Branch"}).id,
            }
        )

    def new_letter(self, partner, user=None, **values):
        return (
            self.env["ar.dunning.letter"].with_user(user or self.collector).create({"partner_id": partner.id, **values})
        )

    def render(self, letters, user=None):
        content, report_type = (
            self.env["ir.actions.report"]
            .with_user(user or self.collector)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("ar_collections.ar_dunning_letter_report_action", letters.ids)
        )
        self.assertEqual(report_type, "pdf")
        return pdf_text(content)

    def test_letter_defaults(self):
        letter = self.new_letter(self.customer)
        self.assertFalse(letter.name, "a draft carries no number: it is given when the letter is sent or printed")
        self.assertEqual(letter.level, "demand")
        self.assertEqual(letter.date, self.d("2024-07-15"))
        self.assertEqual(letter.deadline_date, self.d("2024-07-22"))
        # overdue and unpaid on the letter date: inv1 only (inv2 paid, inv3 not due yet)
        self.assertEqual(letter.invoice_ids, self.inv1)
        self.assertEqual((letter.amount_invoiced, letter.amount_paid, letter.amount_due), (1000.0, 400.0, 600.0))
        self.assertEqual(letter.bank_account_id, self.bank_account)
        self.assertEqual(letter.state, "draft")
        second = self.new_letter(self.customer2, level="final")
        self.assertEqual(second.invoice_ids, self.inv4 | self.inv5)
        self.assertEqual(second.deadline_date, self.d("2024-07-20"))
        self.assertEqual(second.amount_due, 1200.0)

    def test_disputed_and_excluded_invoices_are_not_dunned(self):
        self.env["ar.dispute"].with_user(self.collector).create(
            {"partner_id": self.customer2.id, "invoice_ids": [Command.set(self.inv4.ids)], "reason": "quality"}
        )
        letter = self.new_letter(self.customer2)
        self.assertEqual(letter.invoice_ids, self.inv5)
        self.assertEqual(letter.amount_due, 700.0)
        self.inv5.with_user(self.collector)._ar_set_collection_exclusion("Goods returned, credit note coming")
        self.assertFalse(self.new_letter(self.customer2).invoice_ids)

    def test_level_follows_the_customers_stage(self):
        """After the nightly run, a customer 106 days overdue is in the last stage of the
        default ladder, whose letter is the lawyer letter; the level can still be chosen."""
        self.env["ar.collection.run"].sudo()._ar_start_runs(self.company)._ar_run_to_end()
        self.assertEqual(self.customer.collection_stage_id.letter_level, "lawyer")
        self.assertEqual(self.new_letter(self.customer).level, "lawyer")
        self.assertEqual(self.new_letter(self.customer, level="reminder").level, "reminder")

    def test_letter_pdf_english(self):
        letter = self.new_letter(self.customer)
        letter.with_user(self.collector).action_print()  # numbered when printed
        text = self.render(letter)
        self.assertIn("Demand for Payment", text)
        self.assertIn(letter.name, text)
        self.assertIn("Huadong Machinery", text)
        line = next(line for line in text.splitlines() if self.inv1.name in line)
        for figure in ("03/01/2024", "03/31/2024", "1,000.00", "400.00", "600.00", "106"):
            self.assertIn(figure, line)
        self.assertEqual(letter.amount_due, 600.0)
        # the total as the letter's language writes an amount of its currency
        total = formatLang(letter.with_context(lang=letter.partner_id.lang).env, 600.0, currency_obj=letter.currency_id)
        self.assertIn(f"owes us a total of {total.replace(chr(0xA0), ' ')}", text)
        self.assertIn("no later than 07/22/2024", text)
        for bank_detail in ("Test Company Ltd", "Bank of China Nanjing Branch", "6222 0210 0100 8888"):
            self.assertIn(bank_detail, text)
        self.assertIn("interest on late payment", text)
        self.assertNotIn("大写", text)

    def test_letter_levels_text(self):
        # one letter at a time: the wkhtmltopdf of this machine (unpatched Qt) renders one document per call
        text = self.render(self.new_letter(self.customer, level="reminder"))
        self.assertIn("Payment Reminder", text)
        self.assertIn("please disregard this reminder", text)
        self.assertNotIn("legal proceedings", text)
        text = self.render(self.new_letter(self.customer, level="lawyer"))
        self.assertIn("Lawyer's Letter", text)
        self.assertIn("commence legal proceedings", text)
        self.assertIn("interrupt the limitation period", text)

    def test_letter_pdf_chinese_capital_numerals(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        customer = self.env["res.partner"].create(
            {"name": "上海钢铁有限公司", "is_company": True, "lang": "zh_CN", "city": "上海"}
        )
        invoice = self.ar_invoice(customer, 120000.0, "2024-05-01", "2024-06-01")
        self.ar_pay(invoice, 19994.50, "2024-06-20")
        letter = self.new_letter(customer)
        self.assertEqual(letter.amount_due, 100005.50)
        text = self.render(letter)
        self.assertIn("上海钢铁有限公司", text)
        self.assertIn("大写", text)
        self.assertIn("壹拾万零伍元伍角整", text)
        # the company's currency is not the renminbi: the capital amount names it
        self.assertEqual(self.company.currency_id.name, "USD")
        self.assertRegex(text, r"USD\s*壹拾万零伍元伍角整")

    def test_send_by_email(self):
        letter = self.new_letter(self.customer)
        action = letter.with_user(self.collector).action_send_email()
        composer = Form(
            self.env["mail.compose.message"]
            .with_user(self.collector)
            .with_context(action["context"], force_report_rendering=True)
        )
        composer.save().action_send_mail()
        self.assertEqual(letter.state, "sent")
        self.assertEqual(letter.sent_date, self.d("2024-07-15"))
        message = letter.message_ids.filtered(lambda m: m.attachment_ids)[:1]
        self.assertTrue(message, "the email is in the letter's chatter")
        self.assertIn(letter.name, message.subject)
        self.assertEqual(message.partner_ids, self.customer)
        attachment = message.attachment_ids
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assertTrue(attachment.raw.startswith(b"%PDF"))
        # logged in the customer's history
        note = self.customer.message_ids.filtered(lambda m: letter.name in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("sent by email", note.body)
        self.assertEqual(note.author_id, self.collector.partner_id)
        # a sent letter is a document: it cannot be changed or deleted
        with self.assertRaises(UserError):
            letter.with_user(self.collector).write({"invoice_ids": [(5,)]})
        with self.assertRaises(UserError):
            letter.with_user(self.collector).unlink()

    def test_print_logs(self):
        letter = self.new_letter(self.customer)
        action = letter.with_user(self.collector).action_print()
        self.assertEqual(action["report_name"], "ar_collections.report_ar_dunning_letter")
        self.assertEqual(letter.state, "printed")
        self.assertTrue(self.customer.message_ids.filtered(lambda m: letter.name in (m.body or "")))

    def test_no_invoice_no_letter(self):
        customer = self.env["res.partner"].create({"name": "Paid Up", "is_company": True})
        letter = self.new_letter(customer)
        with self.assertRaises(UserError):
            letter.with_user(self.collector).action_send_email()
        self.assertEqual(letter.state, "draft")

    def test_auditor_reads_and_prints_only(self):
        letter = self.new_letter(self.customer)
        letter.with_user(self.collector).action_print()
        messages_before = len(self.customer.message_ids)
        auditor_letter = letter.with_user(self.auditor)
        self.assertEqual(auditor_letter.amount_due, 600.0)
        # printing from the Print menu renders the letter and changes nothing
        text = self.render(letter, user=self.auditor)
        self.assertIn(letter.name, text)
        self.assertEqual(len(self.customer.message_ids), messages_before)
        with self.assertRaises(AccessError):
            auditor_letter.action_print()
        with self.assertRaises(AccessError):
            auditor_letter.write({"note": "changed"})
        with self.assertRaises(AccessError):
            self.new_letter(self.customer2, user=self.auditor)
        self.assertTrue(re.match(r"DL/", letter.name))
