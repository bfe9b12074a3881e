"""Customer portal: /my/statements as the customer's portal user, another customer's and a
visitor (refused), the reply recorded through the statement's reply fields."""

import re

from odoo.tests import HttpCase, new_test_user, tagged

from .common import ArCollectionsCommon


@tagged("post_install", "-at_install")
class TestPortalStatements(ArCollectionsCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_customer = cls.env["res.partner"].create({"name": "Xinhua Trading", "is_company": True})
        cls.portal_a = new_test_user(cls.env, "portal_a", groups="base.group_portal", name="Mr. Wang Portal")
        cls.portal_a.partner_id.parent_id = cls.customer
        cls.portal_b = new_test_user(cls.env, "portal_b", groups="base.group_portal", name="Ms. Liu Portal")
        cls.portal_b.partner_id.parent_id = cls.other_customer
        cls.ar_invoice(cls.customer, 1000.0, "2024-05-10", "2024-06-09")
        cls.ar_invoice(cls.customer, 250.0, "2024-05-20", "2024-06-19")
        cls.confirmation = cls.new_confirmation(cls.customer)
        cls.other_confirmation = cls.new_confirmation(cls.other_customer)

    @classmethod
    def new_confirmation(cls, partner):
        statement = (
            cls.env["ar.statement"]
            .with_user(cls.collector)
            .create(
                {
                    "partner_id": partner.id,
                    "statement_type": "confirmation",
                    "date_from": "2024-05-01",
                    "date_to": "2024-05-31",
                }
            )
        )
        statement._ar_mark_sent("letter")
        return statement

    def csrf(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)

    def portal_logs(self, partner):
        return self.env["ar.collection.log"].search([("partner_id", "=", partner.id), ("channel", "=", "portal")])

    def test_list_detail_pdf_of_own_statements(self):
        self.authenticate("portal_a", "portal_a")
        listing = self.url_open("/my/statements")
        self.assertEqual(listing.status_code, 200)
        self.assertIn(self.confirmation.name, listing.text)
        self.assertNotIn(self.other_confirmation.name, listing.text)
        detail = self.url_open(f"/my/statements/{self.confirmation.id}")
        self.assertEqual(detail.status_code, 200)
        self.assertIn("1,250.00", detail.text)
        self.assertIn("Confirm the balance", detail.text)
        pdf = self.url_open(f"/my/statements/{self.confirmation.id}/pdf")
        self.assertEqual(pdf.status_code, 200)
        self.assertEqual(pdf.headers["Content-Type"], "application/pdf")
        home = self.url_open("/my/home")
        self.assertIn("/my/statements", home.text)

    def test_page_keeps_the_lines_as_sent(self):
        """A payment entered after the confirmation was sent, dated in its period, is not on the
        customer's page: the lines still end at the closing balance she was sent (1,250)."""
        invoice = self.env["account.move"].search([("partner_id", "=", self.customer.id), ("amount_total", "=", 250.0)])
        payment = self.ar_pay(invoice, 250.0, "2024-05-25")
        self.authenticate("portal_a", "portal_a")
        detail = self.url_open(f"/my/statements/{self.confirmation.id}").text
        self.assertNotIn(payment.move_id.name, detail)
        balances = re.findall(r'<td class="text-end">([^<]*)</td>\s*</tr>', detail)
        self.assertIn("1,250.00", balances[-1])

    def test_confirm_then_second_reply_refused(self):
        self.authenticate("portal_a", "portal_a")
        url = f"/my/statements/{self.confirmation.id}"
        token = self.csrf(url)
        self.url_open(f"{url}/reply", data={"csrf_token": token, "answer": "confirm"})
        self.assertEqual(self.confirmation.state, "confirmed")
        self.assertTrue(self.confirmation.reply_date)
        log = self.portal_logs(self.customer)
        self.assertEqual(len(log), 1)
        self.assertEqual(log.user_id, self.collector)
        self.assertIn("confirmed the balance of", log.customer_feedback)
        todo = self.env["mail.activity"].search(
            [("res_model", "=", "ar.statement"), ("res_id", "=", self.confirmation.id)]
        )
        self.assertEqual(todo.user_id, self.collector, "the collector is asked to look at the reply")
        self.assertTrue(self.customer.message_ids.filtered(lambda m: "on the portal" in (m.body or "")))
        # a second reply: the statement stays as answered, nothing more logged
        self.url_open(f"{url}/reply", data={"csrf_token": token, "answer": "disagree", "amount": "100", "reason": "no"})
        self.assertEqual(self.confirmation.state, "confirmed")
        self.assertEqual(self.confirmation.disputed_amount, 0.0)
        self.assertEqual(len(self.portal_logs(self.customer)), 1)

    def test_disagree_records_difference_and_attachment(self):
        self.authenticate("portal_a", "portal_a")
        url = f"/my/statements/{self.confirmation.id}"
        token = self.csrf(url)
        self.url_open(
            f"{url}/reply",
            data={"csrf_token": token, "answer": "disagree", "amount": "1000.00", "reason": "Invoice 2 not received"},
            files={"attachment": ("ledger.txt", b"our ledger", "text/plain")},
        )
        self.assertEqual(self.confirmation.state, "disputed")
        # 1,250 on the statement, 1,000 in their books
        self.assertEqual(self.confirmation.disputed_amount, 250.0)
        self.assertEqual(self.confirmation.dispute_reason, "Invoice 2 not received")
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "ar.statement"), ("res_id", "=", self.confirmation.id), ("name", "=", "ledger.txt")]
        )
        self.assertEqual(attachment.raw, b"our ledger")

    def test_disagree_needs_a_reason(self):
        self.authenticate("portal_a", "portal_a")
        url = f"/my/statements/{self.confirmation.id}"
        token = self.csrf(url)
        self.url_open(f"{url}/reply", data={"csrf_token": token, "answer": "disagree", "amount": "-5", "reason": "x"})
        self.url_open(f"{url}/reply", data={"csrf_token": token, "answer": "disagree", "amount": "1000"})
        self.assertEqual(self.confirmation.state, "sent")
        self.assertFalse(self.portal_logs(self.customer))

    def test_other_customer_refused(self):
        self.authenticate("portal_b", "portal_b")
        token = self.csrf(f"/my/statements/{self.other_confirmation.id}")
        url = f"/my/statements/{self.confirmation.id}"
        self.assertEqual(self.url_open(url).status_code, 404)
        self.assertEqual(self.url_open(f"{url}/pdf").status_code, 404)
        response = self.url_open(f"{url}/reply", data={"csrf_token": token, "answer": "confirm"})
        self.assertEqual(response.status_code, 404)
        self.assertNotIn(self.confirmation.name, self.url_open("/my/statements").text)
        self.assertEqual(self.confirmation.state, "sent")
        self.assertFalse(self.portal_logs(self.customer))

    def test_anonymous_and_csrf_refused(self):
        url = f"/my/statements/{self.confirmation.id}"
        for path in (url, f"{url}/pdf", "/my/statements"):
            response = self.url_open(path, allow_redirects=False)
            self.assertIn(response.status_code, (302, 303))
            self.assertIn("/web/login", response.headers["Location"])
        self.url_open(f"{url}/reply", data={"answer": "confirm"}, allow_redirects=False)
        self.authenticate("portal_a", "portal_a")
        response = self.url_open(f"{url}/reply", data={"answer": "confirm"})
        self.assertEqual(response.status_code, 400, "no CSRF token")
        self.assertEqual(self.confirmation.state, "sent")
        self.assertFalse(self.portal_logs(self.customer))
