"""Browser tours of the customer link (static/tests/tours/ar_collections_customer_link_tours.js).

Issue 17: a contact without an account disputes an invoice from the e-mail link and promises
to pay another; the collector sees both. The collections run e-mails the reminder to the
customer's invoicing contact; the test takes the link from that e-mail's body (what the contact
clicks), plays the contact's visit anonymously, then the collector's round in his workspace,
and reads back what a collector would check.

The invoices are of 2024 (their figures do not depend on today); the run, the link's validity
and the promised date ("in two weeks", as the browser counts it) are relative to today: the
browser cannot be frozen."""

from urllib.parse import urlsplit

from lxml import html

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import ArCollectionsCommon

PORTAL_NOTE = "On the portal"


@tagged("post_install", "-at_install")
class TestCustomerLinkTours(ArCollectionsCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "UTC"
        cls.company.write({"ar_default_collector_id": cls.collector.id, "ar_dunning_send_mode": "send"})
        cls.customer.write({"email": "ap@huadong.example.com", "collector_id": cls.collector.id})
        # the invoicing contact of the customer, a person without a user account
        cls.contact.email = "wang@huadong.example.com"
        cls.collector.email = "li@ourcompany.example.com"
        cls.invoice_a = cls.ar_invoice(cls.customer, 3000.0, "2024-03-11", "2024-04-10")
        cls.invoice_b = cls.ar_invoice(cls.customer, 1800.0, "2024-04-15", "2024-05-15")
        # both are over 90 days overdue today: that stage e-mails the customer
        ladder = cls.env["ar.collection.stage"]._ar_get_ladder(cls.company)
        cls.stage_over_90 = ladder.filtered(lambda stage: stage.days_from == 91)
        cls.stage_over_90.auto_email = True
        cls.dunning_run = cls.env["ar.collection.run"].sudo()._ar_start_runs(cls.company)._ar_run_to_end()

    def reminder_mail(self):
        return self.env["mail.mail"].search(
            [("model", "=", "ar.dunning.message"), ("recipient_ids", "in", self.contact.ids)]
        )

    def link_of_the_email(self):
        """The customer link as the contact clicks it: the href in the reminder's body."""
        mail = self.reminder_mail()
        self.assertEqual(len(mail), 1, "one reminder for the customer")
        hrefs = html.fromstring(mail.body_html).xpath("//a[contains(@class, 'o_ar_customer_link')]/@href")
        self.assertEqual(len(hrefs), 1, "the reminder carries the customer link once")
        href = hrefs[0]
        self.assertTrue(href.startswith(f"{self.base_url()}/ar/link/"), href)
        return urlsplit(href).path

    def portal_logs(self):
        return self.env["ar.collection.log"].search(
            [("partner_id", "=", self.customer.id), ("channel", "=", "portal")], order="id"
        )

    def paused(self):
        return self.env["account.move"]._ar_get_paused_invoice_ids(self.company)

    def dunnable(self):
        return self.env["ar.dunning.message"]._ar_get_dunnable_invoices(self.customer.ids, self.company)[
            self.customer.id
        ]

    def test_contact_disputes_and_promises_collector_accepts(self):
        # what the contact received and the collector's worklist before the visit
        self.assertFalse(self.contact.user_ids, "the contact has no account")
        self.assertEqual(self.dunning_run.dunning_sent_count, 1)
        message = self.env["ar.dunning.message"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual((message.state, message.contact_id, message.amount_due), ("sent", self.contact, 4800.0))
        # the tours find the invoices by these numbers (a new company: its first invoices of 2024)
        self.assertEqual((self.invoice_a.name, self.invoice_b.name), ("INV/2024/00001", "INV/2024/00002"))
        followup = self.env["ar.collection.followup"].with_company(self.company)._get_open_activities(self.customer)
        self.assertEqual(followup.user_id, self.collector, "the customer is in the collector's worklist")
        self.assertEqual(self.dunnable(), self.invoice_a | self.invoice_b)
        url = self.link_of_the_email()

        # 1. the contact opens the link (no login), disputes A and promises to pay B
        self.start_tour(url, "ar_collections_customer_link_tour")

        today = fields.Date.context_today(self.customer)
        dispute = self.env["ar.dispute"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(dispute), 1)
        self.assertEqual(dispute.state, "open")
        self.assertEqual(dispute.invoice_ids, self.invoice_a)
        self.assertEqual(dispute.reason, "quality")
        self.assertEqual(dispute.description, "20 of the 100 pumps arrived broken; see the delivery note.")
        self.assertEqual(dispute.amount, 3000.0)
        self.assertEqual(dispute.user_id, self.collector)
        attachment = self.env["ir.attachment"].search([("res_model", "=", "ar.dispute"), ("res_id", "=", dispute.id)])
        self.assertEqual(attachment.name, "delivery_note.txt")
        self.assertEqual(attachment.raw, b"Delivery note DN-0311: 20 of 100 pumps broken.")

        promise = self.env["ar.payment.promise"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(promise), 1)
        self.assertEqual(promise.state, "to_accept")
        self.assertEqual(promise.invoice_ids, self.invoice_b)
        self.assertEqual(promise.amount, 1800.0)
        self.assertEqual(promise.user_id, self.collector)
        # "in two weeks" as the browser counts it: its day may differ from the server's around midnight
        self.assertIn((promise.date - today).days, (13, 14, 15))

        # A is no longer dunned; B still is, until the collector accepts the promise
        self.assertIn(self.invoice_a.id, self.paused())
        self.assertNotIn(self.invoice_b.id, self.paused())
        self.assertEqual(self.dunnable(), self.invoice_b)
        self.assertEqual((self.invoice_a.amount_residual, self.invoice_b.amount_residual), (3000.0, 1800.0))

        # the contact log: two answers from the portal, by the contact, in the collector's log
        dispute_log, promise_log = self.portal_logs()
        for log in (dispute_log, promise_log):
            self.assertEqual(log.contact_id, self.contact)
            self.assertEqual(log.user_id, self.collector)
            self.assertEqual(log.result_id, self.env.ref("ar_collections.ar_collection_result_portal_reply"))
            self.assertEqual(log.customer_link_id.res_model, "ar.dunning.message")
            self.assertEqual(log.customer_link_id.res_id, message.id)
        self.assertEqual(dispute.log_id, dispute_log)
        self.assertEqual(dispute_log.invoice_ids, self.invoice_a)
        self.assertEqual(
            dispute_log.customer_feedback,
            "On the portal, Mr. Wang disputed INV/2024/00001: Quality. "
            "20 of the 100 pumps arrived broken; see the delivery note.",
        )
        self.assertEqual(promise.log_id, promise_log)
        self.assertEqual(promise_log.invoice_ids, self.invoice_b)
        self.assertIn("Mr. Wang promised to pay", promise_log.customer_feedback)
        self.assertIn("1,800.00", promise_log.customer_feedback)
        self.assertIn(
            f"by {fields.Date.to_string(promise.date)} for INV/2024/00002 (to accept)", promise_log.customer_feedback
        )

        # a to-do for the collector on the promise (to accept) and on the dispute
        promise_todo = self.env["mail.activity"].search(
            [("res_model", "=", "ar.payment.promise"), ("res_id", "=", promise.id)]
        )
        self.assertEqual((promise_todo.user_id, promise_todo.date_deadline), (self.collector, today))
        # a to-do for the collector on the dispute, with what the customer wrote
        todo = self.env["mail.activity"].search([("res_model", "=", "ar.dispute"), ("res_id", "=", dispute.id)])
        self.assertEqual(todo.user_id, self.collector)
        self.assertEqual(todo.summary, "Customer request from the portal")
        self.assertEqual(todo.date_deadline, today)
        self.assertIn("20 of the 100 pumps arrived broken", str(todo.note))
        # the customer's chatter tells both
        notes = self.customer.message_ids.filtered(lambda m: PORTAL_NOTE in (m.body or ""))
        self.assertEqual(len(notes), 2)
        self.assertTrue(notes.filtered(lambda m: "disputed INV/2024/00001" in m.body))
        self.assertTrue(notes.filtered(lambda m: "for INV/2024/00002 (to accept)" in m.body))

        # 2. the collector finds both in his workspace and accepts the promise
        self.start_tour("/odoo", "ar_collections_customer_link_collector_tour", login=self.collector.login)

        self.assertEqual(promise.state, "open")
        self.assertEqual(promise.amount, 1800.0, "accepted as promised")
        self.assertEqual(promise.invoice_ids, self.invoice_b)
        accepted = promise.message_ids.filtered(lambda m: "accepted by Collector Li" in (m.body or ""))
        self.assertEqual(accepted.author_id, self.collector.partner_id)
        self.assertFalse(promise_todo.exists(), "accepted: the collector's to-do is done")
        self.assertEqual(dispute.state, "open", "the collector only read the dispute")
        # both invoices are paused now: nothing left to remind the customer of
        self.assertIn(self.invoice_a.id, self.paused())
        self.assertIn(self.invoice_b.id, self.paused())
        self.assertFalse(self.dunnable())
        self.assertEqual(len(self.portal_logs()), 2, "reading and accepting log no contact")
