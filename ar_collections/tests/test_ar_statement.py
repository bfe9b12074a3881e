from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .test_ar_aging_report import ArReportsCommon, pdf_text


@tagged("post_install", "-at_install")
@freeze_time("2024-07-15")
class TestStatement(ArReportsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.credit_note = cls.ar_invoice(cls.customer, 150.0, "2024-06-15", move_type="out_refund")

    def new_statement(self, user=None, **values):
        return (
            self.env["ar.statement"]
            .with_user(user or self.collector)
            .create({"partner_id": self.customer.id, "date_from": "2024-06-01", "date_to": "2024-06-30", **values})
        )

    def test_figures(self):
        statement = self.new_statement()
        self.assertFalse(statement.name, "a draft carries no number")
        # opening on 06-01: invoices of March (1,000) and May (2,000)
        self.assertEqual(statement.opening_balance, 3000.0)
        self.assertEqual(statement.invoiced_amount, 3000.0)
        self.assertEqual(statement.refunded_amount, 150.0)
        self.assertEqual(statement.paid_amount, 400.0, "the payment of 07-05 is after the period")
        self.assertEqual(statement.other_amount, 0.0)
        self.assertEqual(statement.closing_balance, 5450.0)
        # the same balance as the aging as of the end of the period
        aging = self.env["ar.aging"]._get_partner_aging(partner_ids=self.customer.ids, date="2024-06-30")
        self.assertEqual(aging[self.customer.id]["residual"], statement.closing_balance)
        lines = statement._ar_get_statement_lines()[statement.id]
        self.assertEqual(
            [(line["name"], line["kind"], line["debit"], line["credit"], line["balance"]) for line in lines],
            [
                (self.inv3.name, "Invoice", 3000.0, 0.0, 6000.0),
                (self.payment1.move_id.name, "Payment", 0.0, 400.0, 5600.0),
                (self.credit_note.name, "Credit Note", 0.0, 150.0, 5450.0),
            ],
        )
        # the default period is the previous month
        default = self.env["ar.statement"].with_user(self.collector).create({"partner_id": self.customer2.id})
        self.assertEqual((default.date_from, default.date_to), (self.d("2024-06-01"), self.d("2024-06-30")))
        self.assertEqual(default.closing_balance, 1200.0)

    def test_confirmation_pdf(self):
        statement = self.new_statement()
        content, report_type = (
            self.env["ir.actions.report"]
            .with_user(self.auditor)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("ar_collections.ar_statement_report_action", statement.ids)
        )
        self.assertEqual(report_type, "pdf")
        text = pdf_text(content)
        self.assertIn("Balance Confirmation", text)
        self.assertIn("06/01/2024", text)
        opening = next(line for line in text.splitlines() if "Opening balance" in line)
        self.assertIn("3,000.00", opening)
        invoice = next(line for line in text.splitlines() if self.inv3.name in line)
        self.assertIn("6,000.00", invoice)
        self.assertIn("5,450.00", next(line for line in text.splitlines() if "Closing balance" in line))
        self.assertIn("Reply Slip", text)
        self.assertIn("Company stamp", text)

    def test_send_and_replies(self):
        statement = self.new_statement()
        action = statement.with_user(self.collector).action_send_email()
        composer = Form(self.env["mail.compose.message"].with_user(self.collector).with_context(**action["context"]))
        composer.save().action_send_mail()
        self.assertEqual(statement.state, "sent")
        self.assertTrue(statement.message_ids.filtered(lambda m: m.attachment_ids), "sent with the statement attached")
        self.assertTrue(
            self.customer.message_ids.filtered(lambda m: statement.name in (m.body or "") and "sent by email" in m.body)
        )
        # sent: the period cannot change any more
        with self.assertRaises(UserError):
            statement.with_user(self.collector).write({"date_to": "2024-06-29"})
        # a dispute needs the difference and its reason
        with self.assertRaises(UserError):
            statement.with_user(self.collector).action_customer_disputed()
        self.assertEqual(statement.state, "sent")
        statement.with_user(self.collector).write(
            {"disputed_amount": 150.0, "dispute_reason": "Credit note not received"}
        )
        statement.with_user(self.collector).action_customer_disputed()
        self.assertEqual((statement.state, statement.reply_date), ("disputed", self.d("2024-07-15")))
        note = self.customer.message_ids.filtered(lambda m: "disputed" in (m.body or ""))
        self.assertIn("Credit note not received", note.body)

        confirmation = self.new_statement()
        with self.assertRaises(UserError):
            confirmation.with_user(self.collector).action_customer_confirmed()  # not sent yet
        confirmation.with_user(self.collector).action_print()
        self.assertEqual(confirmation.state, "sent")
        self.assertRegex(confirmation.name, r"^ST/2024/\d{4}$")
        confirmation.with_user(self.collector).action_customer_confirmed()
        self.assertEqual(confirmation.state, "confirmed")
        self.assertTrue(self.customer.message_ids.filtered(lambda m: "confirmed the balance" in (m.body or "")))

    def test_auditor_read_only(self):
        statement = self.new_statement()
        statement.with_user(self.collector).action_print()
        as_auditor = statement.with_user(self.auditor)
        self.assertEqual(as_auditor.closing_balance, 5450.0)
        with self.assertRaises(AccessError):
            as_auditor.action_customer_confirmed()
        with self.assertRaises(AccessError):
            self.new_statement(user=self.auditor)
        self.assertEqual(statement.state, "sent")

    def test_sent_statement_keeps_its_lines(self):
        """A payment and a credit note posted into the period after the statement was sent
        change neither its lines nor its balance, on the reprint as on the portal; a new
        statement of the same period shows them."""
        statement = self.new_statement()
        statement.with_user(self.collector).action_print()
        self.assertEqual(statement.state, "sent")
        as_sent = [
            (self.inv3.name, "Invoice", 3000.0, 0.0, 6000.0),
            (self.payment1.move_id.name, "Payment", 0.0, 400.0, 5600.0),
            (self.credit_note.name, "Credit Note", 0.0, 150.0, 5450.0),
        ]
        # entered later, dated inside June
        late_payment = self.ar_pay(self.inv3, 500.0, "2024-06-20")
        self.ar_invoice(self.customer, 100.0, "2024-06-25", move_type="out_refund")

        lines = statement.with_user(self.auditor)._ar_get_statement_lines()[statement.id]
        self.assertEqual(
            [(line["name"], line["kind"], line["debit"], line["credit"], line["balance"]) for line in lines], as_sent
        )
        self.assertEqual(statement.closing_balance, 5450.0)
        text = pdf_text(
            self.env["ir.actions.report"]
            .with_user(self.auditor)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("ar_collections.ar_statement_report_action", statement.ids)[0]
        )
        self.assertNotIn(late_payment.move_id.name, text)
        self.assertIn("5,450.00", next(line for line in text.splitlines() if "Closing balance" in line))
        self.assertIn("5,450.00", next(line for line in text.splitlines() if self.credit_note.name in line))

        # the ledger now: 5,450 - 500 - 100
        fresh = self.new_statement()
        self.assertEqual(fresh.closing_balance, 4850.0)
        fresh_lines = fresh._ar_get_statement_lines()[fresh.id]
        self.assertEqual(fresh_lines[-1]["balance"], 4850.0)
        self.assertIn(late_payment.move_id.name, [line["name"] for line in fresh_lines])

    def test_lines_as_sent_not_writable(self):
        statement = self.new_statement()
        statement.with_user(self.collector).action_print()
        kept = statement.ar_sent_lines
        for user in (self.collector, self.credit_manager):
            with self.assertRaises(UserError):
                statement.with_user(user).write({"ar_sent_lines": {"lines": []}})
        with self.assertRaises(UserError):
            self.env["ar.statement"].with_user(self.collector).create(
                {
                    "partner_id": self.customer.id,
                    "date_from": "2024-06-01",
                    "date_to": "2024-06-30",
                    "ar_sent_lines": {"lines": []},
                }
            )
        self.assertEqual(statement.ar_sent_lines, kept)
        self.assertEqual(len(kept["lines"]), 3)
