"""The customer link (/ar/link/<token>) over real HTTP: the page and each action with the right
token; another customer's token with this customer's invoices, an expired, unknown or missing
token, tampered ids, CSRF and the rate limit are refused and change nothing."""

import re
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from ..const import CUSTOMER_LINK_RATE_PER_TOKEN
from .common import ArCollectionsCommon


@tagged("post_install", "-at_install")
class TestCustomerLink(ArCollectionsCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_customer = cls.env["res.partner"].create({"name": "Xinhua Trading", "is_company": True})
        cls.inv_1 = cls.ar_invoice(cls.customer, 1000.0, "2024-05-10", "2024-06-09")
        cls.inv_2 = cls.ar_invoice(cls.customer, 250.0, "2024-05-20", "2024-06-19")
        cls.other_inv = cls.ar_invoice(cls.other_customer, 700.0, "2024-05-20", "2024-06-19")
        cls.letter = cls.env["ar.dunning.letter"].with_user(cls.collector).create({"partner_id": cls.customer.id})
        cls.other_letter = (
            cls.env["ar.dunning.letter"].with_user(cls.collector).create({"partner_id": cls.other_customer.id})
        )
        cls.link = cls.env["ar.customer.link"]._ar_get_link(cls.letter)
        cls.other_link = cls.env["ar.customer.link"]._ar_get_link(cls.other_letter)
        cls.url = f"/ar/link/{cls.link.sudo().token}"
        cls.future = fields.Date.to_string(fields.Date.today() + timedelta(days=10))

    def csrf(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)

    def requests_of(self, partner):
        domain = [("partner_id", "=", partner.id)]
        return (
            self.env["ar.payment.promise"].search(domain),
            self.env["ar.dispute"].search(domain),
            self.env["ar.extension.request"].search(domain),
            self.env["ar.collection.log"].search(domain + [("channel", "=", "portal")]),
        )

    def assertNothingFor(self, partner):
        for records in self.requests_of(partner):
            self.assertFalse(records)

    def test_token_is_long_random_and_bound(self):
        self.assertGreaterEqual(len(self.link.sudo().token), 40)
        self.assertEqual(self.link.partner_id, self.customer)
        self.assertEqual((self.link.res_model, self.link.res_id), ("ar.dunning.letter", self.letter.id))
        self.assertEqual(self.env["ar.customer.link"]._ar_get_link(self.letter), self.link, "one link per document")
        self.assertNotEqual(self.link.sudo().token, self.other_link.sudo().token)
        # 30 days by default
        self.assertAlmostEqual(
            self.link.date_expiry, fields.Datetime.now() + timedelta(days=30), delta=timedelta(minutes=5)
        )

    def test_page_shows_what_is_owed(self):
        response = self.url_open(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.inv_1.name, response.text)
        self.assertIn(self.inv_2.name, response.text)
        self.assertIn("1,250.00", response.text)
        self.assertNotIn(self.other_inv.name, response.text)
        self.assertNotIn("Pay online", response.text, "no payment provider enabled")

    def test_pay_online_links_to_invoice_portal_page(self):
        provider = self.env["payment.provider"].search([("code", "=", "demo")], limit=1)
        if not provider:
            self.skipTest("no demo payment provider")
        provider.write({"state": "test", "company_id": self.company.id})
        response = self.url_open(self.url)
        self.assertIn("Pay online", response.text)
        self.assertIn(f"/my/invoices/{self.inv_1.id}?access_token={self.inv_1.access_token}", response.text)

    def test_promise_is_to_accept_then_accepted(self):
        token = self.csrf(self.url)
        response = self.url_open(
            f"{self.url}/promise",
            data={"csrf_token": token, "invoice_ids": [self.inv_2.id], "date": self.future, "amount": "250"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("your request was recorded", response.text)
        promise, dispute, extension, log = self.requests_of(self.customer)
        self.assertEqual(promise.state, "to_accept")
        self.assertEqual(promise.amount, 250.0)
        self.assertEqual(promise.invoice_ids, self.inv_2)
        self.assertEqual(log.channel, "portal")
        self.assertEqual(promise.log_id, log)
        self.assertIn("promised to pay", log.customer_feedback)
        self.assertEqual(log.user_id, self.collector)
        self.assertFalse(dispute or extension)
        self.assertTrue(self.customer.message_ids.filtered(lambda m: "On the portal" in (m.body or "")))
        paused = self.env["ar.payment.promise"]._ar_get_paused_invoice_ids(self.company)
        self.assertNotIn(self.inv_2.id, paused, "a promise to accept does not pause dunning")
        # the salesman (not a collector) cannot accept it, the collector can
        with self.assertRaises(AccessError):
            promise.with_user(self.salesman).action_accept()
        self.assertEqual(promise.state, "to_accept")
        promise.with_user(self.collector).action_accept()
        self.assertEqual(promise.state, "open")
        self.assertIn(self.inv_2.id, self.env["ar.payment.promise"]._ar_get_paused_invoice_ids(self.company))

    def test_dispute_pauses_invoice_with_attachment(self):
        token = self.csrf(self.url)
        self.url_open(
            f"{self.url}/dispute",
            data={"csrf_token": token, "invoice_ids": [self.inv_1.id], "reason": "quality", "note": "Broken goods"},
            files={"attachment": ("photo.txt", b"broken", "text/plain")},
        )
        promise, dispute, extension, log = self.requests_of(self.customer)
        self.assertEqual(dispute.state, "open")
        self.assertEqual(dispute.invoice_ids, self.inv_1)
        self.assertEqual(dispute.reason, "quality")
        self.assertEqual(dispute.description, "Broken goods")
        self.assertEqual(dispute.log_id, log)
        self.assertIn(self.inv_1.id, self.env["ar.dispute"]._ar_get_paused_invoice_ids(self.company))
        attachment = self.env["ir.attachment"].search([("res_model", "=", "ar.dispute"), ("res_id", "=", dispute.id)])
        self.assertEqual(attachment.raw, b"broken")
        self.assertEqual(self.inv_1.amount_residual, 1000.0, "amounts unchanged")

    def test_extension_goes_to_approval(self):
        token = self.csrf(self.url)
        self.url_open(
            f"{self.url}/extension",
            data={"csrf_token": token, "invoice_ids": [self.inv_1.id], "date": self.future, "reason": "Cash is late"},
        )
        promise, dispute, extension, log = self.requests_of(self.customer)
        self.assertEqual(extension.state, "to_approve")
        self.assertEqual(extension.amount, 1000.0)
        self.assertEqual(extension.reason, "Cash is late")
        self.assertEqual(extension.log_id, log)

    def test_invalid_submissions_change_nothing(self):
        token = self.csrf(self.url)
        past = fields.Date.to_string(fields.Date.today() - timedelta(days=1))
        attempts = [
            ("promise", {"invoice_ids": [self.inv_2.id], "date": past, "amount": "250"}),
            ("promise", {"invoice_ids": [self.inv_2.id], "date": self.future, "amount": "251"}),
            ("promise", {"invoice_ids": [self.inv_2.id], "date": self.future, "amount": "0"}),
            ("promise", {"date": self.future, "amount": "10"}),
            # tampered ids: another customer's invoice, a missing one
            ("promise", {"invoice_ids": [self.other_inv.id], "date": self.future, "amount": "10"}),
            ("dispute", {"invoice_ids": [self.inv_1.id, self.other_inv.id], "reason": "quality"}),
            ("dispute", {"invoice_ids": [999999], "reason": "quality"}),
            ("dispute", {"invoice_ids": ["x"], "reason": "quality"}),
            ("dispute", {"invoice_ids": [self.inv_1.id], "reason": "nonsense"}),
            ("extension", {"invoice_ids": [self.inv_1.id], "date": self.future, "reason": ""}),
            ("plan", {}),
        ]
        for action, data in attempts:
            response = self.url_open(f"{self.url}/{action}", data={"csrf_token": token, **data})
            self.assertEqual(response.status_code, 200, (action, data))
            self.assertIn("Not recorded", response.text, (action, data))
        self.assertNothingFor(self.customer)
        self.assertNothingFor(self.other_customer)

    def test_other_customer_token_with_this_customers_invoices(self):
        other_url = f"/ar/link/{self.other_link.sudo().token}"
        token = self.csrf(other_url)
        self.assertNotIn(self.inv_1.name, self.url_open(other_url).text)
        self.url_open(
            f"{other_url}/dispute", data={"csrf_token": token, "invoice_ids": [self.inv_1.id], "reason": "quality"}
        )
        self.url_open(
            f"{other_url}/promise",
            data={"csrf_token": token, "invoice_ids": [self.inv_1.id], "date": self.future, "amount": "10"},
        )
        self.assertNothingFor(self.customer)
        self.assertNothingFor(self.other_customer)

    def test_expired_unknown_missing_tampered_token_404(self):
        token = self.csrf(self.url)
        self.link.sudo().date_expiry = fields.Datetime.now() - timedelta(seconds=1)
        real = self.link.sudo().token
        for url in (self.url, "/ar/link/" + "x" * 43, "/ar/link/" + real[:-1] + ("A" if real[-1] != "A" else "B")):
            self.assertEqual(self.url_open(url).status_code, 404, url)
            response = self.url_open(
                f"{url}/dispute", data={"csrf_token": token, "invoice_ids": [self.inv_1.id], "reason": "quality"}
            )
            self.assertEqual(response.status_code, 404, url)
        self.assertEqual(self.url_open("/ar/link/").status_code, 404)
        self.assertNothingFor(self.customer)

    def test_document_of_another_customer_refused(self):
        # the letter moved to another customer: its link opens nothing any more
        self.letter.sudo().partner_id = self.other_customer
        self.assertEqual(self.url_open(self.url).status_code, 404)

    def test_csrf_refused(self):
        response = self.url_open(f"{self.url}/dispute", data={"invoice_ids": [self.inv_1.id], "reason": "quality"})
        self.assertEqual(response.status_code, 400)
        self.assertNothingFor(self.customer)

    def test_rate_limit(self):
        token = self.csrf(self.url)
        for _i in range(CUSTOMER_LINK_RATE_PER_TOKEN):
            self.url_open(
                f"{self.url}/dispute", data={"csrf_token": token, "invoice_ids": [self.inv_1.id], "reason": "price"}
            )
        self.assertEqual(len(self.requests_of(self.customer)[1]), CUSTOMER_LINK_RATE_PER_TOKEN)
        response = self.url_open(
            f"{self.url}/dispute", data={"csrf_token": token, "invoice_ids": [self.inv_1.id], "reason": "price"}
        )
        self.assertIn("Too many requests in the last hour", response.text)
        self.assertEqual(len(self.requests_of(self.customer)[1]), CUSTOMER_LINK_RATE_PER_TOKEN)

    def test_link_in_email_and_letter(self):
        self.assertIn(self.url, self.letter._ar_customer_link_url())
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("ar_collections.ar_dunning_letter_report_action", self.letter.ids)[0]
            .decode()
        )
        self.assertIn(self.url, html)

    def test_links_not_writable(self):
        with self.assertRaises(AccessError):
            self.env["ar.customer.link"].with_user(self.collector).create(
                {
                    "token": "x" * 43,
                    "res_model": "ar.dunning.letter",
                    "res_id": self.letter.id,
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "date_expiry": fields.Datetime.now(),
                }
            )
        with self.assertRaises(AccessError):
            self.link.with_user(self.collector).write({"date_expiry": fields.Datetime.now() + timedelta(days=999)})

    def test_accept_proposed_plan(self):
        today = fields.Date.today()
        plan = (
            self.env["ar.repayment.plan"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": self.customer.id,
                    "invoice_ids": [fields.Command.set((self.inv_1 | self.inv_2).ids)],
                    "line_ids": [
                        fields.Command.create({"date": today + timedelta(days=10), "amount": 750.0}),
                        fields.Command.create({"date": today + timedelta(days=40), "amount": 500.0}),
                    ],
                }
            )
        )
        plan.action_propose()
        self.assertEqual(plan.state, "proposed")
        plan_url = f"/ar/link/{self.env['ar.customer.link']._ar_get_link(plan).sudo().token}"
        page = self.url_open(plan_url).text
        self.assertIn(f"Proposed repayment plan {plan.name}", page)
        self.assertIn("750.00", page)
        # the letter's link opens no plan: it cannot accept this one
        self.assertNotIn("o_ar_accept_plan", self.url_open(self.url).text)
        token = self.csrf(plan_url)
        self.assertIn("Not recorded", self.url_open(f"{self.url}/plan", data={"csrf_token": token}).text)
        self.assertEqual(plan.state, "proposed")
        response = self.url_open(f"{plan_url}/plan", data={"csrf_token": token})
        self.assertIn("your request was recorded", response.text)
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.amount_scheduled, 1250.0, "the terms are unchanged")
        log = self.requests_of(self.customer)[3]
        self.assertEqual(log.channel, "portal")
        self.assertIn(f"accepted the repayment plan {plan.name}", log.customer_feedback)
        # accepted once: the page shows no plan to accept any more, a second post is refused
        self.assertNotIn("o_ar_accept_plan", self.url_open(plan_url).text)
        self.assertIn("Not recorded", self.url_open(f"{plan_url}/plan", data={"csrf_token": token}).text)
        self.assertEqual(len(self.requests_of(self.customer)[3]), 1)
