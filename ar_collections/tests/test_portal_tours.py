"""Browser tours of the customer portal: the customer's portal user logs into /my, opens
Statements and answers two balance confirmations (static/tests/tours/
ar_collections_portal_tours.js): one confirmed, one disagreed with an amount and a reason.
The test then reads what a collector would check: the statement's reply, the contact log
(channel Portal) and the note on the customer.

The figures do not depend on today (invoices and periods of 2024); only the reply date is
the day the browser answers, which the test reads back as the server's today."""

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import ArCollectionsCommon


@tagged("post_install", "-at_install")
class TestPortalTours(ArCollectionsCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env, "portal_wang", groups="base.group_portal", name="Wang Fang", lang="en_US"
        )
        cls.portal_user.partner_id.parent_id = cls.customer
        # 1,000 at the end of April, 1,250 at the end of May
        cls.ar_invoice(cls.customer, 1000.0, "2024-04-10", "2024-05-10")
        cls.ar_invoice(cls.customer, 250.0, "2024-05-20", "2024-06-19")
        cls.april = cls.new_confirmation("2024-04-01", "2024-04-30")
        cls.may = cls.new_confirmation("2024-05-01", "2024-05-31")

    @classmethod
    def new_confirmation(cls, date_from, date_to):
        statement = (
            cls.env["ar.statement"]
            .with_user(cls.collector)
            .create(
                {
                    "partner_id": cls.customer.id,
                    "statement_type": "confirmation",
                    "date_from": date_from,
                    "date_to": date_to,
                }
            )
        )
        statement._ar_mark_sent("letter")
        return statement

    def portal_log(self):
        return self.env["ar.collection.log"].search([("partner_id", "=", self.customer.id), ("channel", "=", "portal")])

    def test_customer_confirms_a_statement(self):
        self.assertEqual(self.april.closing_balance, 1000.0)
        self.start_tour("/my", "ar_collections_portal_confirm_tour", login="portal_wang")

        today = fields.Date.context_today(self.april)
        self.assertEqual(self.april.state, "confirmed")
        self.assertEqual(self.april.reply_date, today)
        self.assertEqual(self.april.disputed_amount, 0.0)
        self.assertEqual(self.may.state, "sent", "the other confirmation waits for its own answer")
        log = self.portal_log()
        self.assertEqual(len(log), 1)
        self.assertEqual(log.channel, "portal")
        self.assertEqual(log.contact_id, self.portal_user.partner_id, "logged as the contact who answered")
        self.assertEqual(log.user_id, self.collector, "in the collector's contact log")
        self.assertEqual(log.result_id, self.env.ref("ar_collections.ar_collection_result_portal_reply"))
        self.assertIn("confirmed the balance of", log.customer_feedback)
        self.assertIn("1,000.00", log.customer_feedback)
        self.assertIn(self.april.name, log.customer_feedback)
        todo = self.env["mail.activity"].search([("res_model", "=", "ar.statement"), ("res_id", "=", self.april.id)])
        self.assertEqual(todo.user_id, self.collector)
        note = self.customer.message_ids.filtered(lambda m: self.april.name in (m.body or ""))
        self.assertTrue(note, "the reply is on the customer's chatter")

    def test_customer_disagrees_with_an_amount(self):
        self.assertEqual(self.may.closing_balance, 1250.0)
        self.start_tour("/my", "ar_collections_portal_disagree_tour", login="portal_wang")

        self.assertEqual(self.may.state, "disputed")
        self.assertEqual(self.may.reply_date, fields.Date.context_today(self.may))
        # 1,250 on the confirmation, 1,000 in the customer's books
        self.assertEqual(self.may.disputed_amount, 250.0)
        self.assertEqual(self.may.dispute_reason, "Invoice of 20 May (250.00) never received")
        self.assertEqual(self.april.state, "sent")
        log = self.portal_log()
        self.assertEqual(len(log), 1)
        self.assertEqual(log.contact_id, self.portal_user.partner_id)
        self.assertIn("disputed the balance of", log.customer_feedback)
        self.assertIn("1,000.00", log.customer_feedback)
        self.assertIn("250.00", log.customer_feedback)
        self.assertIn("never received", log.customer_feedback)

    def test_portal_pages_in_chinese(self):
        """A zh_CN portal user reads the pages in Chinese (the addon's zh_CN terms loaded)."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"].search([("name", "=", "ar_collections")])._update_translations(
            filter_lang=["zh_CN"]
        )
        self.portal_user.lang = "zh_CN"
        self.authenticate("portal_wang", "portal_wang")
        listing = self.url_open("/my/statements").text
        self.assertIn("期末余额", listing)  # Closing Balance
        self.assertIn("对账函", listing)  # Balance Confirmation
        detail = self.url_open(f"/my/statements/{self.may.id}").text
        for term in ("确认余额", "贵方账面余额", "差异原因", "提出异议", "下载 PDF"):
            self.assertIn(term, detail)
        self.assertNotIn("Confirm the balance", detail)
