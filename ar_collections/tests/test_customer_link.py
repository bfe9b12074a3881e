"""The customer link (/ar/link/<token>) over real HTTP: the page and each action with the right
token; another customer's token with this customer's invoices, an expired, unknown or missing
token, tampered ids, CSRF and the rate limits are refused and change nothing; the collector
decides the promises made on it; the links are made when their documents are printed or sent."""

import re
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from ..const import CUSTOMER_LINK_RATE_PER_PARTNER, CUSTOMER_LINK_RATE_PER_TOKEN
from .common import ArCollectionsCommon
from .test_auto_dunning import AutoDunningCommon


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

    def proposed_plan(self, partner=None, invoices=None, amount=None):
        """A repayment plan proposed by the collector for ``invoices`` (default: this customer's
        two), in two instalments."""
        partner = partner or self.customer
        invoices = invoices or (self.inv_1 | self.inv_2)
        amount = amount or 1250.0
        today = fields.Date.today()
        plan = (
            self.env["ar.repayment.plan"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": partner.id,
                    "invoice_ids": [Command.set(invoices.ids)],
                    "line_ids": [
                        Command.create({"date": today + timedelta(days=10), "amount": amount - 500.0}),
                        Command.create({"date": today + timedelta(days=40), "amount": 500.0}),
                    ],
                }
            )
        )
        plan.action_propose()
        self.assertEqual(plan.state, "proposed")
        return plan

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

    def test_document_types_in_the_users_words(self):
        labels = dict(self.env["ar.customer.link"]._fields["res_model"]._description_selection(self.env))
        self.assertEqual(
            labels,
            {
                "ar.dunning.letter": "Dunning Letter",
                "ar.dunning.message": "Reminder E-mail",
                "ar.repayment.plan": "Repayment Plan",
            },
        )

    def test_page_shows_what_is_owed(self):
        response = self.url_open(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.inv_1.name, response.text)
        self.assertIn(self.inv_2.name, response.text)
        self.assertIn("1,250.00", response.text)
        self.assertNotIn(self.other_inv.name, response.text)
        self.assertNotIn("Pay online", response.text, "no payment provider enabled")

    def test_invoice_in_another_currency(self):
        """An invoice of 800 EUR (2 EUR = 1 unit on its date) shows what it owes in euros; the
        total and a promise are in the company's currency: 1,250 + 400 = 1,650."""
        eur = self.setup_other_currency("EUR", rates=[("2024-01-01", 2.0)])
        foreign = self.ar_invoice(self.customer, 800.0, "2024-05-25", "2024-06-24", currency=eur)
        page = self.url_open(self.url).text
        row = re.search(rf"<tr>\s*<td>{re.escape(foreign.name)}</td>(.*?)</tr>", page, re.S).group(1)
        self.assertIn("800.00", row)
        self.assertIn("€", row)
        total = re.search(r'class="o_ar_total">([^<]*(?:<[^/][^>]*>[^<]*</[^>]+>)?[^<]*)<', page).group(1)
        self.assertIn("1,650.00", total)
        token = self.csrf(self.url)
        # 401 is more than the 400 the euro invoice owes in company currency
        self.url_open(
            f"{self.url}/promise",
            data={"csrf_token": token, "invoice_ids": [foreign.id], "date": self.future, "amount": "401"},
        )
        self.assertFalse(self.requests_of(self.customer)[0])
        self.url_open(
            f"{self.url}/promise",
            data={"csrf_token": token, "invoice_ids": [foreign.id], "date": self.future, "amount": "400"},
        )
        promise = self.requests_of(self.customer)[0]
        self.assertEqual(
            (promise.amount, promise.currency_id, promise.state), (400.0, self.company.currency_id, "to_accept")
        )

    def test_pay_online_links_to_invoice_portal_page(self):
        # another company's payment provider does not count
        other_company = self.env["res.company"].create({"name": "Shanghai Branch"})
        self.env["payment.provider"].create(
            {"name": "Branch Provider", "code": "none", "state": "test", "company_id": other_company.id}
        )
        self.assertNotIn("Pay online", self.url_open(self.url).text)
        # a disabled provider of this company neither
        provider = self.env["payment.provider"].create(
            {"name": "Our Provider", "code": "none", "state": "disabled", "company_id": self.company.id}
        )
        self.assertNotIn("Pay online", self.url_open(self.url).text)
        provider.state = "test"
        page = self.url_open(self.url).text
        self.assertEqual(page.count("Pay online"), 2, "one per open invoice")
        for invoice in self.inv_1 | self.inv_2:
            invoice.invalidate_recordset(["access_token"])
            self.assertTrue(invoice.access_token)
            self.assertIn(f'href="/my/invoices/{invoice.id}?access_token={invoice.access_token}"', page)
        self.assertNotIn(f"/my/invoices/{self.other_inv.id}", page)

    def test_promise_is_to_accept_then_accepted(self):
        token = self.csrf(self.url)
        response = self.url_open(
            f"{self.url}/promise",
            data={"csrf_token": token, "invoice_ids": [self.inv_2.id], "date": self.future, "amount": "250"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("your promise to pay was recorded", response.text)
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
        # the collector's to-do: accept or refuse it
        self.assertEqual(promise.activity_ids.user_id, self.collector)
        self.assertEqual(promise.activity_ids.summary, "Customer request from the portal")
        promise.with_user(self.collector).action_accept()
        self.assertEqual(promise.state, "open")
        self.assertIn(self.inv_2.id, self.env["ar.payment.promise"]._ar_get_paused_invoice_ids(self.company))
        self.assertFalse(promise.activity_ids, "decided: the to-do is done")

    def promise_on_the_link(self):
        token = self.csrf(self.url)
        self.url_open(
            f"{self.url}/promise",
            data={"csrf_token": token, "invoice_ids": [self.inv_2.id], "date": self.future, "amount": "250"},
        )
        promise = self.requests_of(self.customer)[0]
        self.assertEqual(promise.state, "to_accept")
        return promise

    def test_collector_refuses_promise(self):
        promise = self.promise_on_the_link()
        self.assertTrue(promise.activity_ids)
        promise.with_user(self.collector).action_refuse()
        self.assertEqual(promise.state, "refused")
        self.assertFalse(promise.activity_ids, "decided: the to-do is done")
        self.assertIn(
            "Promise made on the portal refused by Collector Li", " ".join(promise.message_ids.mapped("body"))
        )
        # it never counts: no next promised payment on the customer, its invoice is dunned
        customer = self.customer.with_user(self.collector).with_company(self.company)
        self.assertFalse(customer.ar_next_promise_date)
        self.assertEqual(customer.ar_next_promise_amount, 0.0)
        self.assertNotIn(self.inv_2.id, self.env["account.move"]._ar_get_paused_invoice_ids(self.company))
        # decided once: it can be neither accepted nor refused again
        with self.assertRaises(UserError):
            promise.with_user(self.collector).action_accept()
        self.assertEqual(promise.state, "refused")

    def test_promise_decided_by_collectors_only(self):
        promise = self.promise_on_the_link()
        employee = new_test_user(
            self.env,
            "ar_employee",
            groups="base.group_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        for user in (self.salesman, self.auditor, employee):
            for method in ("action_accept", "action_refuse"):
                with self.subTest(user=user.login, method=method), self.assertRaises(AccessError):
                    getattr(promise.with_user(user), method)()
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                promise.with_user(user).write({"state": "open"})
        self.assertEqual(promise.state, "to_accept")

    def test_promise_decided_by_collectors_only_over_jsonrpc(self):
        promise = self.promise_on_the_link()
        new_test_user(
            self.env,
            "ar_employee",
            groups="base.group_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        tempting = {"ar_log_no_followup": True, "active_test": False, "sudo": True}
        for login in ("ar_salesman", "ar_auditor", "ar_employee"):
            self.authenticate(login, login)
            for method, args in (
                ("action_accept", [promise.ids]),
                ("action_refuse", [promise.ids]),
                ("write", [promise.ids, {"state": "open"}]),
                ("write", [promise.ids, {"state": "refused"}]),
            ):
                with self.subTest(login=login, method=method), self.assertRaises(JsonRpcException) as caught:
                    self.make_jsonrpc_request(
                        "/web/dataset/call_kw",
                        {
                            "model": "ar.payment.promise",
                            "method": method,
                            "args": args,
                            "kwargs": {"context": tempting},
                        },
                    )
                self.assertEqual(caught.exception.args[0], "odoo.exceptions.AccessError")
        promise.invalidate_recordset()
        self.assertEqual(promise.state, "to_accept")
        self.assertFalse(promise.message_ids.filtered(lambda m: "Promise made on the portal" in (m.body or "")))
        self.assertNotIn(self.inv_2.id, self.env["account.move"]._ar_get_paused_invoice_ids(self.company))

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
        response = self.url_open(
            f"{self.url}/extension",
            data={"csrf_token": token, "invoice_ids": [self.inv_1.id], "date": self.future, "reason": "Cash is late"},
        )
        self.assertIn("your request for more time was recorded", response.text)
        # a made-up "done" in the address thanks in general terms, nothing more
        page = self.url_open(f"{self.url}?done=<script>").text
        self.assertIn("your request was recorded", page)
        self.assertNotIn("<script>", page)
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

    def test_other_customer_token_extension_and_plan(self):
        plan = self.proposed_plan()
        other_url = f"/ar/link/{self.other_link.sudo().token}"
        token = self.csrf(other_url)
        response = self.url_open(
            f"{other_url}/extension",
            data={"csrf_token": token, "invoice_ids": [self.inv_1.id], "date": self.future, "reason": "Cash is late"},
        )
        self.assertIn("Not recorded", response.text)
        # this customer's plan and invoices posted on the other customer's (letter) link
        response = self.url_open(
            f"{other_url}/plan",
            data={"csrf_token": token, "invoice_ids": [self.inv_1.id, self.inv_2.id], "plan_id": plan.id},
        )
        self.assertIn("Not recorded", response.text)
        self.assertEqual(plan.state, "proposed")
        self.assertFalse(plan.date_agreed)
        self.assertNothingFor(self.customer)
        self.assertNothingFor(self.other_customer)
        # even the other customer's own plan link cannot accept this customer's plan
        other_plan = self.proposed_plan(self.other_customer, self.other_inv, 700.0)
        other_plan_url = f"/ar/link/{self.env['ar.customer.link']._ar_get_link(other_plan).sudo().token}"
        self.url_open(f"{other_plan_url}/plan", data={"csrf_token": token, "plan_id": plan.id})
        self.assertEqual(plan.state, "proposed")
        self.assertEqual(other_plan.state, "active", "its own plan only")
        self.assertNothingFor(self.customer)

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

    def test_rate_limit_per_customer_across_links(self):
        # three letters of the same customer, each with its own link
        links = self.link
        for _i in range(2):
            letter = self.env["ar.dunning.letter"].with_user(self.collector).create({"partner_id": self.customer.id})
            links |= self.env["ar.customer.link"]._ar_get_link(letter)
        self.assertEqual(len(links), 3)
        self.assertEqual(CUSTOMER_LINK_RATE_PER_PARTNER, 2 * CUSTOMER_LINK_RATE_PER_TOKEN, "the test's arithmetic")
        urls = [f"/ar/link/{link.sudo().token}" for link in links]
        token = self.csrf(urls[0])
        data = {"csrf_token": token, "invoice_ids": [self.inv_1.id], "reason": "price"}
        for url in urls[:2]:
            for _i in range(CUSTOMER_LINK_RATE_PER_TOKEN):
                self.assertIn("your dispute was recorded", self.url_open(f"{url}/dispute", data=data).text)
        self.assertEqual(len(self.requests_of(self.customer)[1]), CUSTOMER_LINK_RATE_PER_PARTNER)
        # the third link has sent nothing yet, but the customer has reached his limit
        response = self.url_open(f"{urls[2]}/dispute", data=data)
        self.assertIn("Too many requests in the last hour", response.text)
        response = self.url_open(
            f"{urls[2]}/promise",
            data={"csrf_token": token, "invoice_ids": [self.inv_2.id], "date": self.future, "amount": "250"},
        )
        self.assertIn("Too many requests in the last hour", response.text)
        promises, disputes, extensions, logs = self.requests_of(self.customer)
        self.assertEqual(len(disputes), CUSTOMER_LINK_RATE_PER_PARTNER)
        self.assertEqual(len(logs), CUSTOMER_LINK_RATE_PER_PARTNER)
        self.assertFalse(promises or extensions)
        self.assertFalse(links[2].log_ids)
        # another customer is not held by this customer's limit
        other_url = f"/ar/link/{self.other_link.sudo().token}"
        response = self.url_open(
            f"{other_url}/dispute",
            data={"csrf_token": token, "invoice_ids": [self.other_inv.id], "reason": "price"},
        )
        self.assertIn("your dispute was recorded", response.text)

    def test_link_in_letter_made_when_printed(self):
        self.assertIn(self.url, self.letter._ar_customer_link_url())
        letter = self.env["ar.dunning.letter"].with_user(self.collector).create({"partner_id": self.customer.id})
        Report = self.env["ir.actions.report"]
        action = "ar_collections.ar_dunning_letter_report_action"
        # a preview makes no link and shows none
        html = Report._render_qweb_html(action, letter.ids)[0].decode()
        self.assertNotIn("/ar/link/", html)
        self.assertFalse(self.env["ar.customer.link"]._ar_valid_links(letter))
        letter.with_user(self.collector).action_print()
        link = self.env["ar.customer.link"]._ar_valid_links(letter)[letter.id]
        self.assertEqual((link.res_model, link.partner_id), ("ar.dunning.letter", self.customer))
        html = Report._render_qweb_html(action, letter.ids)[0].decode()
        self.assertIn(f"/ar/link/{link.sudo().token}", html)
        # printed again: the same link
        letter.with_user(self.collector).action_print()
        self.assertEqual(self.env["ar.customer.link"].sudo().search([("res_id", "=", letter.id)]), link)

    def invoice_table(self):
        page = self.url_open(self.url).text
        start = page.index("o_ar_link_invoices")
        return page[start : page.index("</table>", start)]

    def test_page_lists_oldest_unpaid_instalment_first(self):
        # 10,000 of 1 May 2024, half due on 31 May, half on 30 June: its oldest unpaid instalment
        # is older than inv_1 (due 9 June) and inv_2 (19 June), its last one is not
        instalments = self.ar_instalment_invoice(self.customer, 10000.0, "2024-05-01")
        self.assertEqual(str(instalments.invoice_date_due), "2024-06-30")
        self.assertEqual(self.link._ar_open_invoices(), instalments | self.inv_1 | self.inv_2)
        table = self.invoice_table()
        due_dates = re.findall(r'class="o_ar_due_date"[^>]*>([^<]*)<', table)
        self.assertEqual(due_dates, ["05/31/2024", "06/09/2024", "06/19/2024"])
        self.assertLess(table.index(instalments.name), table.index(self.inv_1.name))
        self.assertLess(table.index(self.inv_1.name), table.index(self.inv_2.name))
        self.assertIn("$\xa011,250.00</strong>", table)
        # once the first instalment is paid, the invoice is due on its second one
        self.ar_pay(instalments, 5000.0, "2024-05-31")
        table = self.invoice_table()
        self.assertEqual(
            re.findall(r'class="o_ar_due_date"[^>]*>([^<]*)<', table), ["06/09/2024", "06/19/2024", "06/30/2024"]
        )
        self.assertIn("$\xa06,250.00</strong>", table)
        self.assertEqual(self.link._ar_open_invoices(), self.inv_1 | self.inv_2 | instalments)

    def test_log_link_not_writable(self):
        token = self.csrf(self.url)
        self.url_open(
            f"{self.url}/dispute", data={"csrf_token": token, "invoice_ids": [self.inv_1.id], "reason": "quality"}
        )
        log = self.requests_of(self.customer)[3]
        self.assertEqual(log.customer_link_id, self.link)
        # a collector cannot move the customer's word to another link, nor unbind it
        for value in (self.other_link.id, False):
            with self.assertRaises(AccessError):
                log.with_user(self.collector).write({"customer_link_id": value})
        with self.assertRaises(AccessError):
            log.with_user(self.collector).write({"customer_link_id": self.other_link.id, "correction_note": "typo"})
        # nor log a contact of his own on a link (it would count against the customer's limit)
        with self.assertRaises(AccessError):
            self.env["ar.collection.log"].with_user(self.collector).create(
                {
                    "partner_id": self.customer.id,
                    "channel": "phone",
                    "result_id": self.env.ref("ar_collections.ar_collection_result_portal_reply").id,
                    "customer_link_id": self.link.id,
                }
            )
        log.invalidate_recordset()
        self.assertEqual(log.customer_link_id, self.link)
        self.assertEqual(self.link.log_ids, log)
        self.assertFalse(self.other_link.log_ids)
        # a collector's own contact log, without a link, is still his to write
        own = (
            self.env["ar.collection.log"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": self.customer.id,
                    "channel": "phone",
                    "result_id": self.env.ref("ar_collections.ar_collection_result_portal_reply").id,
                }
            )
        )
        self.assertFalse(own.customer_link_id)

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

    def test_proposed_plan_agreement_carries_its_link(self):
        """Proposing a plan makes its link; the agreement printed for the customer shows it. A
        draft's agreement shows none; an auditor's reprint makes none, a collector's renews an
        expired one."""
        Links = self.env["ar.customer.link"]
        Report = self.env["ir.actions.report"]
        action = "ar_collections.ar_repayment_plan_report_action"
        draft = (
            self.env["ar.repayment.plan"]
            .with_user(self.collector)
            .create({"partner_id": self.customer.id, "invoice_ids": [Command.set(self.inv_1.ids)]})
        )
        self.assertNotIn("/ar/link/", Report._render_qweb_html(action, draft.ids)[0].decode())
        self.assertFalse(Links._ar_valid_links(draft))
        plan = self.proposed_plan()
        link = Links._ar_valid_links(plan)[plan.id]
        self.assertEqual(
            (link.res_model, link.partner_id, link.company_id), ("ar.repayment.plan", self.customer, self.company)
        )
        html = Report.with_user(self.auditor)._render_qweb_html(action, plan.ids)[0].decode()
        self.assertIn(f"/ar/link/{link.sudo().token}", html)
        self.assertIn("accept it online", html)
        # expired: the auditor's print makes no new link, the collector's does
        link.sudo().date_expiry = fields.Datetime.now() - timedelta(minutes=1)
        plan.with_user(self.auditor).action_print_agreement()
        self.assertFalse(Links._ar_valid_links(plan))
        self.assertNotIn("/ar/link/", Report._render_qweb_html(action, plan.ids)[0].decode())
        plan.with_user(self.collector).action_print_agreement()
        renewed = Links._ar_valid_links(plan)[plan.id]
        self.assertNotEqual(renewed, link)
        self.assertEqual(self.url_open(f"/ar/link/{link.sudo().token}").status_code, 404)
        self.assertIn(f"Proposed repayment plan {plan.name}", self.url_open(f"/ar/link/{renewed.sudo().token}").text)

    def test_accept_proposed_plan(self):
        plan = self.proposed_plan()
        # the link proposing the plan made
        plan_url = f"/ar/link/{self.env['ar.customer.link']._ar_valid_links(plan)[plan.id].sudo().token}"
        page = self.url_open(plan_url).text
        self.assertIn(f"Proposed repayment plan {plan.name}", page)
        # the instalments' dates in the reader's format (en_US), as everywhere else
        self.assertIn((fields.Date.today() + timedelta(days=10)).strftime("%m/%d/%Y"), page)
        self.assertIn("750.00", page)
        # the letter's link opens no plan: it cannot accept this one
        self.assertNotIn("o_ar_accept_plan", self.url_open(self.url).text)
        token = self.csrf(plan_url)
        self.assertIn("Not recorded", self.url_open(f"{self.url}/plan", data={"csrf_token": token}).text)
        self.assertEqual(plan.state, "proposed")
        response = self.url_open(f"{plan_url}/plan", data={"csrf_token": token})
        self.assertIn("you accepted the repayment plan", response.text)
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.amount_scheduled, 1250.0, "the terms are unchanged")
        log = self.requests_of(self.customer)[3]
        self.assertEqual(log.channel, "portal")
        self.assertIn(f"accepted the repayment plan {plan.name}", log.customer_feedback)
        # accepted once: the page shows no plan to accept any more, a second post is refused
        self.assertNotIn("o_ar_accept_plan", self.url_open(plan_url).text)
        self.assertIn("Not recorded", self.url_open(f"{plan_url}/plan", data={"csrf_token": token}).text)
        self.assertEqual(len(self.requests_of(self.customer)[3]), 1)


@tagged("post_install", "-at_install")
class TestCustomerLinkInReminder(AutoDunningCommon):
    """The reminder e-mail carries its customer link, made when the e-mail is sent."""

    @freeze_time("2026-06-15")
    def test_link_made_when_the_reminder_is_sent(self):
        self.company.ar_dunning_send_mode = "review"
        self.ar_invoice(self.customer, 500.0, "2026-05-06", "2026-06-05")
        self.run_collections()
        message = self.env["ar.dunning.message"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(message.state, "to_review")
        # the collector's preview of the e-mail makes no link
        template = self.env.ref("ar_collections.mail_template_ar_dunning_message")
        preview = template.with_user(self.collector)._render_field("body_html", message.ids)[message.id]
        self.assertNotIn("/ar/link/", preview)
        self.assertFalse(self.env["ar.customer.link"].sudo().search([("res_model", "=", "ar.dunning.message")]))
        message.with_user(self.collector).action_send()
        link = self.env["ar.customer.link"]._ar_valid_links(message)[message.id]
        self.assertEqual((link.partner_id, link.company_id), (self.customer, self.company))
        mail = self.reminders(self.contact)
        self.assertEqual(len(mail), 1)
        self.assertIn(f"/ar/link/{link.sudo().token}", mail.body_html)
