"""Automatic dunning, continued: the PDFs attached to the reminder, the bulk letters
e-mailed (customer list and worklist), the next message a cadence later, and the bulk
e-mail attacked over JSON-RPC."""

import base64

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException

from .test_ar_aging_report import pdf_text
from .test_auto_dunning import AutoDunningCommon


class AttachmentsCommon(AutoDunningCommon):
    def setUp(self):
        super().setUp()
        # real PDFs (wkhtmltopdf), not the HTML the reports give in test mode
        self.env = self.env(context=dict(self.env.context, force_report_rendering=True))
        self.customer = self.customer.with_env(self.env)

    def letter_mails(self, partner):
        return self.env["mail.mail"].search([("model", "=", "ar.dunning.letter"), ("recipient_ids", "in", partner.ids)])

    def logs(self, partner):
        return self.env["ar.collection.log"].search([("partner_id", "=", partner.id)])


@tagged("post_install", "-at_install")
class TestReminderAttachments(AttachmentsCommon):
    @freeze_time("2026-06-15")
    def test_invoices_and_the_letter_prepared_in_the_run_are_attached(self):
        self.stage_1_30.write({"auto_attach_invoices": True, "auto_letter": True})
        inv_10 = self.ar_invoice(self.customer, 500.0, "2026-05-06", "2026-06-05")
        inv_20 = self.ar_invoice(self.contact, 1200.0, "2026-04-26", "2026-05-26")
        not_due = self.ar_invoice(self.customer, 700.0, "2026-06-01", "2026-07-15")
        run = self.run_collections()
        self.assertEqual((run.dunning_sent_count, run.error_count), (1, 0), run.error_log)
        mail = self.reminders(self.contact)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.contact)
        letter = self.message_of(self.customer).letter_id
        # the letter went with the e-mail: numbered and sent, today
        self.assertEqual((letter.state, letter.sent_date), ("sent", self.d("2026-06-15")))
        self.assertTrue(letter.name)
        expected = {
            inv_20.name.replace("/", "_") + ".pdf",
            inv_10.name.replace("/", "_") + ".pdf",
            letter.name.replace("/", "_") + " - Huadong Machinery.pdf",
        }
        self.assertEqual(len(mail.attachment_ids), 3, "two invoices and the letter")
        self.assertEqual(set(mail.attachment_ids.mapped("name")), expected)
        self.assertEqual(set(mail.attachment_ids.mapped("mimetype")), {"application/pdf"})
        letter_pdf = mail.attachment_ids.filtered(lambda a: a.name.endswith("Huadong Machinery.pdf"))
        text = pdf_text(letter_pdf.raw)
        for figure in (letter.name, "Huadong Machinery", inv_10.name, inv_20.name, "1,700.00"):
            self.assertIn(figure, text)
        self.assertNotIn(not_due.name, text, "the invoice not due is not on the letter")
        invoice_pdf = mail.attachment_ids.filtered(lambda a: a.name.startswith(inv_10.name.replace("/", "_")))
        self.assertIn(inv_10.name, pdf_text(invoice_pdf.raw))
        # one contact for the e-mail and its letter, which it names
        log = self.logs(self.customer)
        self.assertEqual(len(log), 1)
        self.assertEqual((log.channel, log.automatic), ("email", True))
        self.assertIn(f"Letter {letter.name} attached.", log.notes)
        self.assertIn("Attachments: 3.", log.notes)

    @freeze_time("2026-06-15")
    def test_nothing_attached_by_default(self):
        self.ar_invoice(self.customer, 500.0, "2026-05-06", "2026-06-05")
        self.run_collections()
        mail = self.reminders(self.contact)
        self.assertEqual(len(mail), 1)
        self.assertFalse(mail.attachment_ids)
        self.assertFalse(self.message_of(self.customer).letter_id)

    @freeze_time("2026-06-15")
    def test_letter_of_the_review_queue_goes_when_the_collector_sends(self):
        self.company.ar_dunning_send_mode = "review"
        self.stage_1_30.auto_letter = True
        self.ar_invoice(self.customer, 500.0, "2026-05-06", "2026-06-05")
        self.run_collections()
        message = self.message_of(self.customer)
        self.assertEqual((message.letter_id.state, message.letter_id.name), ("draft", False))
        message.with_user(self.collector).action_send()
        mail = self.reminders(self.contact)
        self.assertEqual(
            mail.attachment_ids.mapped("name"), [f"{message.letter_id.name.replace('/', '_')} - Huadong Machinery.pdf"]
        )
        self.assertEqual(message.letter_id.state, "sent")
        self.assertIn("500.00", pdf_text(mail.attachment_ids.raw))


@tagged("post_install", "-at_install")
class TestRepeatAfterCadence(AttachmentsCommon):
    def test_next_message_once_per_cadence_while_the_customer_stays(self):
        self.stage_1_30.cadence_days = 7
        sent = {}
        with freeze_time("2026-06-15"):
            self.ar_invoice(self.customer, 500.0, "2026-05-06", "2026-06-05")
        for day in range(15, 31):
            date = f"2026-06-{day:02d}"
            with freeze_time(date):
                sent[date] = self.run_collections().dunning_sent_count
                if day == 15:
                    activity = self.followup(self.customer)
                    self.assertEqual(len(activity), 1)
        # the first one when the follow-up is created, then every 7 days, never within them
        self.assertEqual([date for date, count in sent.items() if count], ["2026-06-15", "2026-06-22", "2026-06-29"])
        self.assertEqual(set(sent.values()), {0, 1})
        self.assertEqual(self.followup(self.customer), activity, "the same open follow-up all along")
        self.assertEqual(len(self.reminders(self.contact)), 3)
        messages = self.message_of(self.customer)
        self.assertEqual(
            sorted(messages.mapped("date")), [self.d("2026-06-15"), self.d("2026-06-22"), self.d("2026-06-29")]
        )
        self.assertEqual(set(messages.mapped("state")), {"sent"})
        self.assertEqual(len(self.logs(self.customer)), 3)

    def test_a_cancelled_message_counts_for_its_cadence(self):
        self.company.ar_dunning_send_mode = "review"
        self.stage_1_30.cadence_days = 7
        with freeze_time("2026-06-15"):
            self.ar_invoice(self.customer, 500.0, "2026-05-06", "2026-06-05")
            self.run_collections()
            self.message_of(self.customer).with_user(self.collector).action_cancel()
        with freeze_time("2026-06-16"):
            self.assertEqual(self.run_collections().dunning_prepared_count, 0, "not proposed again the next day")
        with freeze_time("2026-06-22"):
            self.assertEqual(self.run_collections().dunning_prepared_count, 1, "a cadence later")

    def test_no_series_started_no_repeat(self):
        """A customer staying in a stage whose e-mail was switched on later gets its first
        message when its follow-up changes, not from a stay."""
        with freeze_time("2026-06-15"):
            self.stage_1_30.auto_email = False
            self.ar_invoice(self.customer, 500.0, "2026-05-06", "2026-06-05")
            self.run_collections()
            self.stage_1_30.auto_email = True
        with freeze_time("2026-06-25"):
            self.assertEqual(self.run_collections().dunning_sent_count, 0)
        self.assertFalse(self.reminders(self.contact))


@tagged("post_install", "-at_install")
class TestBulkLettersEmailed(AttachmentsCommon):
    def setUp(self):
        super().setUp()
        self.stage_1_30.auto_email = False
        self.customer2 = self.env["res.partner"].create(
            {"name": "Jiangnan Textiles", "is_company": True, "email": "ap@jiangnan.example.com"}
        )
        with freeze_time("2026-06-15"):
            self.inv_1 = self.ar_invoice(self.customer, 500.0, "2026-05-06", "2026-06-05")
            self.inv_2 = self.ar_invoice(self.customer2, 800.0, "2026-04-06", "2026-05-06")
            self.run_collections()

    def assert_emailed(self):
        letters = self.env["ar.dunning.letter"].search([("partner_id", "in", (self.customer | self.customer2).ids)])
        self.assertEqual(len(letters), 2)
        self.assertEqual(set(letters.mapped("state")), {"sent"})
        for partner, contact, invoice, amount in (
            (self.customer, self.contact, self.inv_1, "500.00"),
            (self.customer2, self.customer2, self.inv_2, "800.00"),
        ):
            letter = letters.filtered(lambda rec, partner=partner: rec.partner_id == partner)
            mail = self.letter_mails(contact)
            self.assertEqual(len(mail), 1, f"one e-mail to {contact.name}")
            self.assertEqual((mail.state, mail.res_id), ("outgoing", letter.id), "queued, for its letter")
            self.assertEqual(mail.recipient_ids, contact, "to the invoicing contact")
            self.assertEqual(len(mail.attachment_ids), 1)
            self.assertEqual(mail.attachment_ids.name, f"{letter.name.replace('/', '_')} - {partner.name}.pdf")
            text = pdf_text(base64.b64decode(mail.attachment_ids.datas))
            for figure in (letter.name, partner.name, invoice.name, amount):
                self.assertIn(figure, text)
            log = self.logs(partner)
            self.assertEqual((len(log), log.channel, log.invoice_ids), (1, "email", invoice))
        return letters

    @freeze_time("2026-06-15")
    def test_each_customer_gets_its_letter_by_email(self):
        (self.customer | self.customer2).with_user(self.collector).action_ar_email_letters()
        self.assert_emailed()

    @freeze_time("2026-06-15")
    def test_from_the_worklist(self):
        rows = self.env["ar.collection.worklist"].with_user(self.collector).search([])
        self.assertEqual(rows.partner_id, self.customer | self.customer2)
        arch = rows.get_views([(False, "list")])["views"]["list"]["arch"]
        for method in ("action_ar_print_letters", "action_ar_email_letters"):
            self.assertIn(f'name="{method}"', arch, "a button of the worklist")
        rows.action_ar_email_letters()
        self.assert_emailed()

    @freeze_time("2026-06-15")
    def test_print_from_the_worklist_one_pdf(self):
        rows = self.env["ar.collection.worklist"].with_user(self.collector).search([])
        action = rows.action_ar_print_letters()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        text = pdf_text(attachment.raw)
        self.assertIn("Huadong Machinery", text)
        self.assertIn("Jiangnan Textiles", text)
        self.assertFalse(self.env["mail.mail"].search([("model", "=", "ar.dunning.letter")]), "printed, not e-mailed")

    @freeze_time("2026-06-15")
    def test_a_customer_without_address_stops_the_batch(self):
        self.customer2.email = False
        with self.assertRaisesRegex(UserError, "Jiangnan Textiles \\(No e-mail address\\)"):
            (self.customer | self.customer2).with_user(self.collector).action_ar_email_letters()
        self.assertFalse(self.env["mail.mail"].search([("model", "=", "ar.dunning.letter")]))
        self.assertFalse(self.logs(self.customer) | self.logs(self.customer2))

    def test_only_collections_users(self):
        with self.assertRaises(AccessError):
            self.customer.with_user(self.salesman).action_ar_email_letters()


@tagged("post_install", "-at_install")
class TestBulkEmailRpc(AttachmentsCommon, HttpCase):
    """The bulk e-mail over JSON-RPC, as a salesperson (who reads the customers)."""

    def call(self, login, model, method, args):
        self.authenticate(login, login)
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                "model": model,
                "method": method,
                "args": args,
                # no force_report_rendering: wkhtmltopdf would call back the test server
                # while it serves this request (the letter is then rendered as HTML)
                "kwargs": {"context": {"sudo": True, "install_mode": True}},
            },
        )

    def test_salesperson_sends_nothing(self):
        self.stage_1_30.auto_email = False
        with freeze_time("2026-06-15"):
            self.ar_invoice(self.customer, 500.0, "2026-05-06", "2026-06-05")
            self.run_collections()
            draft = self.env["ar.dunning.letter"].with_user(self.collector).create({"partner_id": self.customer.id})
        self.assertEqual(
            self.env["res.partner"].with_user(self.salesman).browse(self.customer.id).name, self.customer.name
        )
        with self.assertRaises(JsonRpcException):
            self.call("ar_salesman", "res.partner", "action_ar_email_letters", [self.customer.ids])
        with self.assertRaises(JsonRpcException):
            self.call("ar_salesman", "ar.dunning.letter", "action_email_letters", [draft.ids])
        rows = self.env["ar.collection.worklist"].search([("partner_id", "=", self.customer.id)])
        self.assertTrue(rows)
        with self.assertRaises(JsonRpcException):
            self.call("ar_salesman", "ar.collection.worklist", "action_ar_email_letters", [rows.ids])
        with self.assertRaises(JsonRpcException):
            self.call("ar_salesman", "ar.dunning.letter", "_ar_mark_emailed_with_reminder", [draft.ids])
        draft.invalidate_recordset()
        self.assertEqual((draft.state, draft.name), ("draft", False))
        self.assertEqual(self.env["ar.dunning.letter"].search_count([("partner_id", "=", self.customer.id)]), 1)
        self.assertFalse(self.env["mail.mail"].search([("model", "=", "ar.dunning.letter")]))
        self.assertFalse(self.logs(self.customer))
        # the collector may
        self.call("ar_collector", "res.partner", "action_ar_email_letters", [self.customer.ids])
        draft.invalidate_recordset()
        self.assertEqual(draft.state, "sent")
        self.assertEqual(len(self.letter_mails(self.contact)), 1)
