from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException

from .common_collections import ArCollectionRunCommon
from .test_ar_aging_report import pdf_text


class AutoDunningCommon(ArCollectionRunCommon):
    """The 1-30 stage e-mails its customers; the company sends automatically."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write({"email": "ap@huadong.example.com", "collector_id": cls.collector.id})
        cls.contact.email = "wang@huadong.example.com"
        cls.collector.email = "li@ourcompany.example.com"
        cls.stage_1_30.auto_email = True
        cls.company.ar_dunning_send_mode = "send"

    def reminders(self, partner):
        return self.env["mail.mail"].search(
            [("model", "=", "ar.dunning.message"), ("recipient_ids", "in", partner.ids)]
        )

    def message_of(self, partner):
        return self.env["ar.dunning.message"].search([("partner_id", "=", partner.id)])


@tagged("post_install", "-at_install")
class TestAutoDunning(AutoDunningCommon):
    @freeze_time("2026-06-15")
    def test_one_message_per_customer_to_its_invoicing_contact(self):
        inv_10 = self.ar_invoice(self.customer, 500.0, "2026-05-06", "2026-06-05")
        inv_20 = self.ar_invoice(self.contact, 1200.0, "2026-04-26", "2026-05-26")
        not_due = self.ar_invoice(self.customer, 700.0, "2026-06-01", "2026-07-15")
        run = self.run_collections()
        self.assertEqual((run.dunning_sent_count, run.dunning_prepared_count, run.dunning_skipped_count), (1, 0, 0))
        mail = self.reminders(self.contact)
        self.assertEqual(len(mail), 1, "one message for the customer, not one per invoice")
        self.assertEqual(mail.state, "outgoing", "queued, not sent inside the run")
        self.assertEqual(mail.recipient_ids, self.contact)
        self.assertIn("li@ourcompany.example.com", mail.reply_to)
        self.assertIn(inv_10.name, mail.body_html)
        self.assertIn(inv_20.name, mail.body_html)
        self.assertNotIn(not_due.name, mail.body_html)
        self.assertIn("overdue", mail.body_html)
        message = self.message_of(self.customer)
        self.assertEqual((message.state, message.run_id, message.amount_due), ("sent", run, 1700.0))
        # the contact log holds it: channel, automatic, invoices
        log = message.log_id
        self.assertEqual((log.channel, log.automatic, log.partner_id), ("email", True, self.customer))
        self.assertEqual(log.invoice_ids, inv_10 | inv_20)
        self.assertEqual(log.amount_requested, 1700.0)
        # the follow-up activity is still there
        self.assertEqual(len(self.followup(self.customer)), 1)

    @freeze_time("2026-06-15")
    def test_second_run_the_same_day_sends_nothing(self):
        self.ar_invoice(self.customer, 500.0, "2026-05-06", "2026-06-05")
        self.run_collections()
        self.followup(self.customer).sudo().action_feedback(feedback="called")  # a new follow-up is due
        run = self.run_collections()
        self.assertEqual((run.dunning_sent_count, run.dunning_skipped_count), (0, 0))
        self.assertEqual(len(self.reminders(self.contact)), 1)

    def test_cadence_of_the_stage(self):
        self.stage_1_30.auto_activity = False  # every run looks at the customer
        self.stage_1_30.cadence_days = 7
        with freeze_time("2026-06-15"):
            self.ar_invoice(self.customer, 500.0, "2026-05-06", "2026-06-05")
            self.assertEqual(self.run_collections().dunning_sent_count, 1)
            self.assertFalse(self.followup(self.customer), "the stage schedules no activity")
        with freeze_time("2026-06-21"):
            self.assertEqual(self.run_collections().dunning_sent_count, 0, "within the cadence")
        with freeze_time("2026-06-22"):
            self.assertEqual(self.run_collections().dunning_sent_count, 1, "a cadence later")
        self.assertEqual(len(self.reminders(self.contact)), 2)

    @freeze_time("2026-06-15")
    def test_customer_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        # the translation of the reminder (the module's zh_CN.po, checked by test_i18n)
        template = self.env.ref("ar_collections.mail_template_ar_dunning_message")
        template.update_field_translations(
            "subject", {"zh_CN": "{{ object.company_id.name }}：致 {{ object.partner_id.name }} 的付款提醒"}
        )
        self.contact.lang = "zh_CN"
        customer2 = self.env["res.partner"].create(
            {"name": "Pacific Trading", "is_company": True, "email": "ap@pacific.example.com", "lang": "en_US"}
        )
        self.ar_invoice(self.customer, 500.0, "2026-05-06", "2026-06-05")
        self.ar_invoice(customer2, 500.0, "2026-05-06", "2026-06-05")
        self.run_collections()
        self.assertIn("致 Huadong Machinery 的付款提醒", self.reminders(self.contact).subject)
        self.assertIn("payment reminder for Pacific Trading", self.reminders(customer2).subject)

    @freeze_time("2026-06-15")
    def test_already_paid_guard(self):
        self.ar_invoice(self.customer, 500.0, "2026-05-06", "2026-06-05")
        self.ar_unreconciled_payment(self.customer, 100.0, "2026-06-14")
        run = self.run_collections()
        self.assertEqual((run.dunning_sent_count, run.dunning_skipped_count), (0, 1))
        self.assertFalse(self.reminders(self.contact))
        message = self.message_of(self.customer)
        self.assertEqual((message.state, message.skip_reason), ("skipped", "unapplied_payment"))
        todo = self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", self.customer.id),
                ("summary", "=", "Check the payment first"),
            ]
        )
        self.assertEqual(todo.user_id, self.collector)

    @freeze_time("2026-06-15")
    def test_excluded_and_disputed_invoices_are_not_listed(self):
        listed = self.ar_invoice(self.customer, 500.0, "2026-05-06", "2026-06-05")
        excluded = self.ar_invoice(self.customer, 300.0, "2026-05-06", "2026-06-06")
        excluded.sudo().ar_collection_excluded = True
        self.run_collections()
        mail = self.reminders(self.contact)
        self.assertIn(listed.name, mail.body_html)
        self.assertNotIn(excluded.name, mail.body_html)
        self.assertEqual(self.message_of(self.customer).invoice_ids, listed)

    @freeze_time("2026-06-15")
    def test_bounced_address_is_recorded_and_collector_told(self):
        self.contact.message_bounce = 2
        self.ar_invoice(self.customer, 500.0, "2026-05-06", "2026-06-05")
        run = self.run_collections()
        self.assertFalse(self.reminders(self.contact))
        message = self.message_of(self.customer)
        self.assertEqual((message.state, message.skip_reason), ("failed", "bounced"))
        self.assertIn(message, run.dunning_message_ids)
        todo = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.customer.id), ("user_id", "=", self.collector.id)]
        )
        self.assertIn("Reminder not sent: Bounced address", todo.mapped("summary"))

    @freeze_time("2026-06-15")
    def test_manual_customer_gets_the_activity_only(self):
        self.customer.with_company(self.company).ar_reminder_mode = "manual"
        self.ar_invoice(self.customer, 500.0, "2026-05-06", "2026-06-05")
        run = self.run_collections()
        self.assertEqual((run.dunning_sent_count, run.dunning_skipped_count), (0, 1))
        self.assertFalse(self.reminders(self.contact))
        self.assertEqual(self.message_of(self.customer).skip_reason, "manual")
        self.assertEqual(len(self.followup(self.customer)), 1)

    @freeze_time("2026-06-15")
    def test_company_default_manual(self):
        self.company.ar_reminder_default = "manual"
        self.ar_invoice(self.customer, 500.0, "2026-05-06", "2026-06-05")
        self.assertEqual(self.run_collections().dunning_sent_count, 0)
        self.customer.with_company(self.company).ar_reminder_mode = "automatic"
        self.message_of(self.customer).sudo().unlink()
        self.followup(self.customer).sudo().unlink()
        self.assertEqual(self.run_collections().dunning_sent_count, 1, "the customer's own setting wins")

    @freeze_time("2026-06-15")
    def test_review_queue(self):
        self.company.ar_dunning_send_mode = "review"
        self.stage_1_30.auto_letter = True
        invoice = self.ar_invoice(self.customer, 500.0, "2026-05-06", "2026-06-05")
        run = self.run_collections()
        self.assertEqual((run.dunning_sent_count, run.dunning_prepared_count), (0, 1))
        self.assertFalse(self.reminders(self.contact))
        message = self.message_of(self.customer)
        self.assertEqual(message.state, "to_review")
        self.assertEqual((message.letter_id.level, message.letter_id.state), ("demand", "draft"))
        self.assertEqual(message.letter_id.invoice_ids, invoice)
        message.with_user(self.collector).action_send()
        self.assertEqual((message.state, message.sent_by_id), ("sent", self.collector))
        self.assertEqual(len(self.reminders(self.contact)), 1)
        self.assertTrue(message.log_id.automatic)
        with self.assertRaises(UserError):
            message.with_user(self.collector).action_send()  # sent once only


@tagged("post_install", "-at_install")
class TestAutoDunningRpc(AutoDunningCommon, HttpCase):
    """The review queue over JSON-RPC, as the users it must stop."""

    def call(self, login, model, method, args, **kwargs):
        self.authenticate(login, login)
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": {"context": {"sudo": True, "ar_collection_run": True, "install_mode": True}, **kwargs},
            },
        )

    def test_queue_is_written_by_the_run_and_its_button_only(self):
        self.company.ar_dunning_send_mode = "review"
        with freeze_time("2026-06-15"):
            self.ar_invoice(self.customer, 500.0, "2026-05-06", "2026-06-05")
            self.run_collections()
        message = self.message_of(self.customer)
        self.assertEqual(message.state, "to_review")
        for login in ("ar_collector", "ar_salesman", "ar_credit_manager"):
            with self.subTest(login=login), self.assertRaises(JsonRpcException):
                self.call(login, "ar.dunning.message", "write", [message.ids, {"state": "sent"}])
            with self.subTest(login=login), self.assertRaises(JsonRpcException):
                self.call(
                    login,
                    "ar.dunning.message",
                    "create",
                    [
                        {
                            "partner_id": self.customer.id,
                            "stage_id": self.stage_1_30.id,
                            "date": "2026-06-15",
                            "company_id": self.company.id,
                            "state": "sent",
                        }
                    ],
                )
            with self.subTest(login=login), self.assertRaises(JsonRpcException):
                self.call(
                    login,
                    "ar.collection.log",
                    "create",
                    [
                        {
                            "partner_id": self.customer.id,
                            "channel": "email",
                            "automatic": True,
                            "result_id": self.env.ref("ar_collections.ar_collection_result_reminded").id,
                        }
                    ],
                )
        with self.assertRaises(JsonRpcException):
            self.call("ar_salesman", "ar.dunning.message", "action_send", [message.ids])
        self.assertEqual(message.state, "to_review")
        self.assertFalse(self.reminders(self.contact))
        self.call("ar_collector", "ar.dunning.message", "action_send", [message.ids])
        message.invalidate_recordset()
        self.assertEqual((message.state, message.sent_by_id), ("sent", self.collector))
        self.assertEqual(len(self.reminders(self.contact)), 1)


@tagged("post_install", "-at_install")
class TestBulkLetters(AutoDunningCommon):
    @freeze_time("2026-06-15")
    def test_letters_of_several_customers_in_one_pdf(self):
        self.stage_1_30.auto_email = False
        customer2 = self.env["res.partner"].create({"name": "Jiangnan Textiles", "is_company": True})
        self.ar_invoice(self.customer, 500.0, "2026-05-06", "2026-06-05")
        self.ar_invoice(customer2, 800.0, "2026-04-06", "2026-05-06")
        self.run_collections()
        partners = (self.customer | customer2).with_user(self.collector).with_context(force_report_rendering=True)
        action = partners.action_ar_print_letters()
        letters = self.env["ar.dunning.letter"].search([("partner_id", "in", (self.customer | customer2).ids)])
        self.assertEqual(len(letters), 2)
        self.assertEqual(set(letters.mapped("state")), {"printed"})
        self.assertEqual(set(letters.mapped("level")), {"demand"})
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        self.assertEqual(attachment.mimetype, "application/pdf")
        text = pdf_text(attachment.raw)
        for letter in letters:
            self.assertIn(letter.name, text)
        self.assertIn("Huadong Machinery", text)
        self.assertIn("Jiangnan Textiles", text)
        # each printed letter is a contact of its customer
        logs = self.env["ar.collection.log"].search([("partner_id", "in", letters.partner_id.ids)])
        self.assertEqual(set(logs.mapped("channel")), {"letter"})
        self.assertEqual(len(logs), 2)

    def test_bulk_letters_need_a_collector(self):
        with self.assertRaises(AccessError):
            self.customer.with_user(self.salesman).action_ar_print_letters()


@tagged("post_install", "-at_install")
class TestStatementCycle(AutoDunningCommon):
    def cycle(self):
        self.env["ar.statement"]._cron_statement_cycle()
        return self.env["ar.statement"].search([("company_id", "=", self.company.id)])

    def test_monthly_cycle(self):
        self.company.ar_statement_cycle = True
        customer3 = self.env["res.partner"].create(
            {"name": "Jiangnan Textiles", "is_company": True, "email": "ap@jiangnan.example.com"}
        )
        self.env["res.partner"].create({"name": "Paid Up Ltd", "is_company": True, "email": "ap@paid.example.com"})
        with freeze_time("2026-05-10"):
            self.ar_invoice(self.customer, 1000.0, "2026-05-10", "2026-06-09")
            self.ar_invoice(customer3, 400.0, "2026-05-12", "2026-06-11")
        with freeze_time("2026-06-04"):
            self.assertFalse(self.cycle(), "nothing before the preparation day")
        with freeze_time("2026-06-05"):
            statements = self.cycle()
            self.assertEqual(statements.partner_id, self.customer | customer3, "customers with a balance only")
            self.assertEqual(set(statements.mapped("state")), {"draft"})
            ours = statements.filtered(lambda st: st.partner_id == self.customer)
            self.assertEqual(
                (ours.date_from, ours.date_to, ours.closing_balance),
                (self.d("2026-05-01"), self.d("2026-05-31"), 1000.0),
            )
            self.assertEqual(ours.user_id, self.collector)
            self.assertEqual(self.cycle(), statements, "prepared once")
        with freeze_time("2026-06-07"):
            self.cycle()
            self.assertEqual(set(statements.mapped("state")), {"draft"})
        with freeze_time("2026-06-08"):
            self.cycle()
            self.assertEqual(set(statements.mapped("state")), {"sent"})
            self.assertTrue(all(statements.mapped("name")))
            mails = self.env["mail.mail"].search([("model", "=", "ar.statement"), ("res_id", "in", statements.ids)])
            self.assertEqual(len(mails), 2)
            self.assertEqual(set(mails.mapped("state")), {"outgoing"})
        with freeze_time("2026-06-12"):
            theirs = statements - ours
            theirs.with_user(self.collector).action_customer_confirmed()
        with freeze_time("2026-06-20"):
            self.cycle()
            self.cycle()
            todos = self.env["mail.activity"].search(
                [("res_model", "=", "ar.statement"), ("res_id", "in", statements.ids)]
            )
            self.assertEqual(todos.res_id, ours.id, "only the reply not back, once")
            self.assertEqual((todos.summary, todos.user_id), ("Balance confirmation not returned", self.collector))
            self.assertEqual(ours.reminder_date, self.d("2026-06-20"))

    def test_cycle_days_are_checked(self):
        with self.assertRaises(ValidationError):
            self.company.ar_statement_send_day = 3  # before the preparation day
        with self.assertRaises(ValidationError):
            self.company.write({"ar_statement_reminder_day": 31})
