"""Sent documents are final: sent documents are frozen and numbered by their company; the
same rules on every write (stages, aging date). Each control is attacked as the user it must
stop, through the ORM with the tempting context keys and over JSON-RPC, and the records are
read back from the database to show that nothing changed."""

from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .test_ar_aging_report import ArReportsCommon, pdf_text

# context keys a caller may hope to be trusted with
TEMPTING_CONTEXT = {
    "mark_ar_letter_as_sent": True,
    "mark_ar_statement_as_sent": True,
    "tracking_disable": True,
    "ar_force": True,
    "force_write": True,
    "install_mode": True,
    "module": "ar_collections",
}
LETTER_FIELDS = (
    "name",
    "state",
    "sent_date",
    "note",
    "user_id",
    "bank_account_id",
    "level",
    "deadline_date",
    "amount_due",
    "amount_invoiced",
    "invoice_ids",
    "partner_id",
    "date",
)
STATEMENT_FIELDS = (
    "name",
    "state",
    "sent_date",
    "reply_date",
    "disputed_amount",
    "dispute_reason",
    "opening_balance",
    "closing_balance",
    "date_from",
    "date_to",
    "partner_id",
    "date",
)


class ArSentDocumentsCommon(ArReportsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        bank = cls.env["res.bank"].create({"name": "Bank of China Nanjing Branch"})
        cls.bank_account = cls.env["res.partner.bank"].create(
            {"partner_id": cls.company.partner_id.id, "acc_number": "6222 0210 0100 8888", "bank_id": bank.id}
        )
        cls.other_bank_account = cls.env["res.partner.bank"].create(
            {"partner_id": cls.company.partner_id.id, "acc_number": "9999 0000 1111 2222", "bank_id": bank.id}
        )
        cls.invoicing_user = new_test_user(
            cls.env,
            "ar_invoicing",
            groups="base.group_user,account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
            name="Invoicing Qian",
        )

    def new_letter(self, partner=None, user=None, **values):
        return (
            self.env["ar.dunning.letter"]
            .with_user(user or self.collector)
            .create({"partner_id": (partner or self.customer).id, **values})
        )

    def new_statement(self, user=None, **values):
        return (
            self.env["ar.statement"]
            .with_user(user or self.collector)
            .create({"partner_id": self.customer.id, "date_from": "2024-06-01", "date_to": "2024-06-30", **values})
        )

    @staticmethod
    def snapshot(record, field_names):
        """The fields as stored in the database (cache dropped first)."""
        record.invalidate_recordset()
        return {name: record[name] for name in field_names}


@tagged("post_install", "-at_install")
@freeze_time("2024-07-15")
class TestSentDocuments(ArSentDocumentsCommon):
    # ------------------------------------------------------------------
    # numbering
    # ------------------------------------------------------------------
    def test_numbers_are_given_when_sent_per_company_without_gaps(self):
        first = self.new_letter()
        draft = self.new_letter(self.customer2)
        self.assertFalse(first.name)
        self.assertEqual(first.display_name, "Draft Huadong Machinery")
        # its PDF (Print menu) says draft, with no number
        content, _report_type = (
            self.env["ir.actions.report"]
            .with_user(self.auditor)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("ar_collections.ar_dunning_letter_report_action", first.ids)
        )
        text = pdf_text(content)
        self.assertIn("Draft", text)
        self.assertNotIn("Letter No.", text)
        # a draft deleted takes no number with it
        draft.with_user(self.collector).unlink()
        first.with_user(self.collector).action_print()
        self.assertEqual(first.name, "DL/2024/0001")
        second = self.new_letter(self.customer2)
        second.with_user(self.collector).action_print()
        self.assertEqual(second.name, "DL/2024/0002")
        statement = self.new_statement()
        statement.with_user(self.collector).action_print()
        self.assertEqual(statement.name, "ST/2024/0001")
        sequence = self.env["ir.sequence"].search(
            [("code", "=", "ar.dunning.letter"), ("company_id", "=", self.company.id)]
        )
        self.assertEqual((len(sequence), sequence.implementation), (1, "no_gap"))

        # another company has its own series, starting at 1
        company_b = self.setup_other_company(name="Company B")["company"]
        self.collector.write({"company_ids": [Command.link(company_b.id)]})
        self.ar_invoice(self.customer, 800.0, "2024-05-01", "2024-05-31", company=company_b)
        letter_b = (
            self.env["ar.dunning.letter"]
            .with_user(self.collector)
            .with_company(company_b)
            .create({"partner_id": self.customer.id})
        )
        self.assertEqual(letter_b.company_id, company_b)
        letter_b.with_user(self.collector).with_company(company_b).action_print()
        self.assertEqual(letter_b.name, "DL/2024/0001")
        third = self.new_letter()
        third.with_user(self.collector).action_print()
        self.assertEqual(third.name, "DL/2024/0003", "company B's letter took no number of this company")

    def test_a_number_is_never_typed(self):
        Letter = self.env["ar.dunning.letter"]
        for user in (self.collector, self.credit_manager):
            with self.subTest(user=user.login), self.assertRaises(UserError):
                Letter.with_user(user).with_context(**TEMPTING_CONTEXT).create(
                    {"partner_id": self.customer.id, "name": "DL/2024/0001"}
                )
        self.assertFalse(Letter.search([("partner_id", "=", self.customer.id)]))
        letter = self.new_letter()
        for vals in ({"name": "DL/2024/0001"}, {"state": "sent"}, {"sent_date": "2024-07-01"}):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                letter.with_user(self.credit_manager).with_context(**TEMPTING_CONTEXT).write(vals)
        self.assertEqual(
            self.snapshot(letter, ("name", "state", "sent_date")), {"name": False, "state": "draft", "sent_date": False}
        )
        # the series goes on unhurt: no duplicate number, no UniqueViolation
        letter.with_user(self.collector).action_print()
        self.assertEqual(letter.name, "DL/2024/0001")

    def test_statement_created_as_a_draft_only(self):
        for vals in (
            {"state": "confirmed"},
            {"name": "ST/2024/0001"},
            {"reply_date": "2024-07-01"},
            {"disputed_amount": 100.0, "dispute_reason": "no"},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                self.env["ar.statement"].with_user(self.collector).with_context(**TEMPTING_CONTEXT).create(
                    {"partner_id": self.customer.id, "date_from": "2024-06-01", "date_to": "2024-06-30", **vals}
                )
        self.assertFalse(self.env["ar.statement"].search([("partner_id", "=", self.customer.id)]))

    # ------------------------------------------------------------------
    # letters
    # ------------------------------------------------------------------
    def test_printed_letter_is_frozen(self):
        letter = self.new_letter(note="Please call us.")
        letter.with_user(self.collector).action_print()
        before = self.snapshot(letter, LETTER_FIELDS)
        self.assertEqual((before["state"], before["amount_due"]), ("printed", 600.0))
        attacks = [
            {"state": "draft"},
            {"state": "sent"},
            {"name": "DL/2024/0099"},
            {"sent_date": "2024-01-01"},
            {"note": "Nothing to pay."},
            {"bank_account_id": self.other_bank_account.id},
            {"user_id": self.credit_manager.id},
            {"amount_due": 1.0},
            {"amount_invoiced": 1.0},
            {"level": "reminder"},
            {"deadline_date": "2025-01-01"},
            {"date": "2024-07-01"},
            {"partner_id": self.customer2.id},
            {"invoice_ids": [Command.clear()]},
        ]
        for user in (self.collector, self.credit_manager):
            for vals in attacks:
                with self.subTest(user=user.login, vals=vals), self.assertRaises(UserError):
                    letter.with_user(user).with_context(**TEMPTING_CONTEXT).write(vals)
        self.assertEqual(self.snapshot(letter, LETTER_FIELDS), before)
        with self.assertRaises(UserError):
            letter.with_user(self.credit_manager).unlink()
        self.assertTrue(letter.exists())

    def test_a_note_does_not_send_a_letter(self):
        letter = self.new_letter()
        # the note of the attack, with the context key that used to mark the letter sent
        letter.with_user(self.collector).with_context(**TEMPTING_CONTEXT).message_post(
            body="Demand letter sent by email.", subtype_xmlid="mail.mt_note"
        )
        # an email to the customer that was not prepared by the Send button does not either
        letter.with_user(self.collector).with_context(**TEMPTING_CONTEXT).message_post(
            body="Hello", message_type="comment", subtype_xmlid="mail.mt_comment", partner_ids=self.customer.ids
        )
        self.assertEqual(
            self.snapshot(letter, ("state", "name", "sent_date")), {"state": "draft", "name": False, "sent_date": False}
        )
        self.assertFalse(self.customer.message_ids.filtered(lambda m: "sent by email" in (m.body or "")))
        # nor does a note posted once the composer is open
        letter.with_user(self.collector).action_send_email()
        letter.with_user(self.collector).message_post(body="Draft checked.", subtype_xmlid="mail.mt_note")
        self.assertEqual(self.snapshot(letter, ("state",)), {"state": "draft"})

    def test_send_by_email_numbers_and_marks_sent(self):
        letter = self.new_letter()
        action = letter.with_user(self.collector).action_send_email()
        self.assertNotIn("mark_ar_letter_as_sent", action["context"])
        # the email and its PDF carry the number: it is given when the email is prepared
        self.assertEqual(letter.name, "DL/2024/0001")
        self.assertEqual(letter.state, "draft")
        composer = Form(
            self.env["mail.compose.message"]
            .with_user(self.collector)
            .with_context(action["context"], force_report_rendering=True)
        )
        self.assertIn(letter.name, composer.subject)
        composer.save().action_send_mail()
        self.assertEqual(
            self.snapshot(letter, ("state", "sent_date", "name")),
            {"state": "sent", "sent_date": self.d("2024-07-15"), "name": "DL/2024/0001"},
        )
        # another user's email on the letter (opened by the collector) marks nothing: the letter
        # prepared by a colleague is not his to mark
        other = self.new_letter(self.customer2)
        other.with_user(self.collector).action_send_email()
        other.with_user(self.credit_manager).message_post(
            body="Hello", message_type="comment", subtype_xmlid="mail.mt_comment", partner_ids=self.customer2.ids
        )
        self.assertEqual(self.snapshot(other, ("state",)), {"state": "draft"})

    def test_who_sends_prints_and_cancels(self):
        letter = self.new_letter()
        for user in (self.auditor, self.salesman, self.invoicing_user):
            for method in ("action_print", "action_send_email", "action_cancel"):
                with self.subTest(user=user.login, method=method), self.assertRaises(AccessError):
                    getattr(letter.with_user(user).with_context(**TEMPTING_CONTEXT), method)()
        self.assertEqual(self.snapshot(letter, ("state", "name")), {"state": "draft", "name": False})
        # the credit manager prints and cancels as the collector does
        letter.with_user(self.credit_manager).action_print()
        self.assertEqual(letter.state, "printed")

    def test_cancelled_letter_stays_on_record(self):
        letter = self.new_letter()
        letter.with_user(self.collector).action_print()
        number = letter.name
        letter.with_user(self.collector).action_cancel()
        self.assertEqual(self.snapshot(letter, ("state", "name")), {"state": "cancel", "name": number})
        with self.assertRaises(UserError):
            letter.with_user(self.collector).unlink()
        with self.assertRaises(UserError):
            letter.with_user(self.collector).write({"state": "draft"})
        with self.assertRaises(UserError):
            letter.with_user(self.collector).action_print()
        with self.assertRaises(UserError):
            letter.with_user(self.collector).action_send_email()
        with self.assertRaises(UserError):
            letter.with_user(self.collector).action_cancel()
        self.assertEqual(self.snapshot(letter, ("state", "name")), {"state": "cancel", "name": number})
        self.assertTrue(letter.message_ids.filtered(lambda m: "kept on record" in (m.body or "")))

    # ------------------------------------------------------------------
    # statements
    # ------------------------------------------------------------------
    def test_statement_state_moves_by_its_buttons_only(self):
        statement = self.new_statement()
        # "confirmed" by a plain write, with no customer reply
        for vals in (
            {"state": "confirmed"},
            {"state": "sent"},
            {"reply_date": "2024-07-10"},
            {"disputed_amount": 10.0},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                statement.with_user(self.credit_manager).with_context(**TEMPTING_CONTEXT).write(vals)
        self.assertEqual(
            self.snapshot(statement, ("state", "reply_date", "name")),
            {"state": "draft", "reply_date": False, "name": False},
        )
        # a note with the old context key does not send it
        statement.with_user(self.collector).with_context(**TEMPTING_CONTEXT).message_post(
            body="Sent.", subtype_xmlid="mail.mt_note"
        )
        self.assertEqual(self.snapshot(statement, ("state",)), {"state": "draft"})

        statement.with_user(self.collector).action_print()
        self.assertEqual(statement.state, "sent")
        sent = self.snapshot(statement, STATEMENT_FIELDS)
        for vals in (
            {"closing_balance": 0.0},
            {"opening_balance": 0.0},
            {"date_to": "2024-06-29"},
            {"state": "confirmed"},
            {"state": "draft"},
            {"name": "ST/2024/0099"},
            {"reply_date": "2024-07-10"},
            {"date": "2024-07-01"},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                statement.with_user(self.collector).with_context(**TEMPTING_CONTEXT).write(vals)
        self.assertEqual(self.snapshot(statement, STATEMENT_FIELDS), sent)

        # the customer's reply is entered while it is awaited, then recorded by the button
        statement.with_user(self.collector).write({"disputed_amount": 150.0, "dispute_reason": "Credit note"})
        statement.with_user(self.collector).action_customer_disputed()
        disputed = self.snapshot(statement, STATEMENT_FIELDS)
        self.assertEqual((disputed["state"], disputed["disputed_amount"]), ("disputed", 150.0))
        for vals in (
            {"disputed_amount": 0.0},
            {"dispute_reason": "none"},
            {"state": "confirmed"},
            {"reply_date": False},
            {"closing_balance": 1.0},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                statement.with_user(self.credit_manager).with_context(**TEMPTING_CONTEXT).write(vals)
        with self.assertRaises(UserError):
            statement.with_user(self.credit_manager).action_customer_confirmed()
        with self.assertRaises(UserError):
            statement.with_user(self.credit_manager).action_cancel()
        with self.assertRaises(UserError):
            statement.with_user(self.credit_manager).unlink()
        self.assertEqual(self.snapshot(statement, STATEMENT_FIELDS), disputed)

    def test_confirmed_statement_is_frozen(self):
        statement = self.new_statement()
        statement.with_user(self.collector).action_print()
        statement.with_user(self.collector).action_customer_confirmed()
        confirmed = self.snapshot(statement, STATEMENT_FIELDS)
        self.assertEqual((confirmed["state"], confirmed["reply_date"]), ("confirmed", self.d("2024-07-15")))
        for vals in (
            {"disputed_amount": 5.0},
            {"state": "sent"},
            {"closing_balance": 0.0},
            {"reply_date": "2024-07-01"},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                statement.with_user(self.credit_manager).with_context(**TEMPTING_CONTEXT).write(vals)
        with self.assertRaises(AccessError):
            statement.with_user(self.auditor).action_customer_disputed()
        self.assertEqual(self.snapshot(statement, STATEMENT_FIELDS), confirmed)

    # ------------------------------------------------------------------
    # class 5: stages and aging date
    # ------------------------------------------------------------------
    def test_deleting_a_middle_stage_is_refused(self):
        ladder = self.env["ar.collection.stage"]._ar_get_ladder(self.company)
        middle = ladder.filtered(lambda s: s.days_from == 31)
        with self.assertRaises(ValidationError) as catcher:
            middle.with_user(self.credit_manager).unlink()
        self.assertIn("hole", str(catcher.exception))
        self.assertTrue(middle.exists())
        self.assertEqual(self.env["ar.collection.stage"]._ar_get_ladder(self.company), ladder)
        # the first rung can go: no hole is left
        ladder[:1].with_user(self.credit_manager).unlink()
        self.assertEqual(len(self.env["ar.collection.stage"]._ar_get_ladder(self.company)), len(ladder) - 1)

    def test_aging_as_of_a_future_date_is_refused(self):
        Wizard = self.env["ar.aging.report.wizard"].with_user(self.auditor)
        with self.assertRaises(ValidationError) as catcher:
            Wizard.create({"date": "2024-07-16"})
        self.assertIn("has not come yet", str(catcher.exception))
        wizard = Wizard.create({"date": "2024-07-15"})
        with self.assertRaises(ValidationError):
            wizard.write({"date": "2025-01-01"})
        wizard.invalidate_recordset()
        self.assertEqual(wizard.date, self.d("2024-07-15"))
        # the report itself, without the wizard
        Report = self.env["report.ar_collections.report_ar_aging"].with_user(self.auditor)
        with self.assertRaises(ValidationError):
            Report._get_aging_data({"date": "2024-08-01", "company_ids": self.company.ids})
        with self.assertRaises(ValidationError):
            self.env["ir.actions.report"].with_user(self.auditor)._render_qweb_html(
                "ar_collections.ar_aging_report_action_pdf",
                [],
                data={"options": {"date": "2024-08-01", "company_ids": self.company.ids}},
            )
        self.assertTrue(Report._get_aging_data({"date": "2024-07-15", "company_ids": self.company.ids})["sections"])


@tagged("post_install", "-at_install")
class TestSentDocumentsRpc(ArSentDocumentsCommon, HttpCase):
    """The same controls over JSON-RPC, as the users they must stop (not frozen: the HTTP
    server runs on the real clock; nothing asserted depends on the date)."""

    def call(self, login, model, method, args, kwargs=None):
        self.authenticate(login, login)
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": {"context": dict(TEMPTING_CONTEXT), **(kwargs or {})},
            },
        )

    def assertRefused(self, error, login, model, method, args, kwargs=None):
        """The call fails with ``error`` (not with a failed login or a broken request)."""
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException) as catcher:
            self.call(login, model, method, args, kwargs)
        self.assertEqual(str(catcher.exception), f"odoo.exceptions.{error}")

    def test_letter_over_rpc(self):
        printed = self.new_letter(note="Please call us.")
        printed.with_user(self.collector).action_print()
        before = self.snapshot(printed, LETTER_FIELDS)
        for error, login, vals in (
            ("UserError", "ar_collector", {"state": "draft"}),
            ("UserError", "ar_collector", {"note": "Nothing to pay.", "bank_account_id": self.other_bank_account.id}),
            ("UserError", "ar_credit_manager", {"name": "DL/2024/0099"}),
            ("UserError", "ar_credit_manager", {"amount_due": 1.0}),
            ("AccessError", "ar_invoicing", {"state": "draft"}),
            ("AccessError", "ar_salesman", {"note": "x"}),
            ("AccessError", "ar_auditor", {"state": "draft"}),
        ):
            with self.subTest(login=login, vals=vals):
                self.assertRefused(error, login, "ar.dunning.letter", "write", [printed.ids, vals])
        self.assertRefused("UserError", "ar_collector", "ar.dunning.letter", "unlink", [printed.ids])
        self.assertEqual(self.snapshot(printed, LETTER_FIELDS), before)

        draft = self.new_letter(self.customer2)
        # the note of the attack: accepted as a note, sends nothing
        self.call(
            "ar_collector",
            "ar.dunning.letter",
            "message_post",
            [draft.ids],
            {"body": "Demand letter sent by email.", "subtype_xmlid": "mail.mt_note"},
        )
        self.assertRefused(
            "UserError",
            "ar_collector",
            "ar.dunning.letter",
            "create",
            [{"partner_id": self.customer2.id, "name": "DL/2099/0001"}],
        )
        self.assertRefused("UserError", "ar_collector", "ar.dunning.letter", "write", [draft.ids, {"state": "sent"}])
        for login in ("ar_auditor", "ar_salesman", "ar_invoicing"):
            for method in ("action_print", "action_cancel", "action_send_email"):
                with self.subTest(login=login, method=method):
                    self.assertRefused("AccessError", login, "ar.dunning.letter", method, [draft.ids])
        self.assertEqual(
            self.snapshot(draft, ("state", "name", "sent_date")), {"state": "draft", "name": False, "sent_date": False}
        )
        self.assertEqual(self.env["ar.dunning.letter"].search_count([("partner_id", "=", self.customer2.id)]), 1)

    def test_email_path_over_rpc(self):
        letter = self.new_letter()
        # the collector prepares the email (allowed: the letter is numbered, still a draft) ...
        action = self.call("ar_collector", "ar.dunning.letter", "action_send_email", [letter.ids])
        self.assertNotIn("mark_ar_letter_as_sent", action["context"])
        self.assertEqual(self.snapshot(letter, ("state",)), {"state": "draft"})
        self.assertRegex(letter.name, r"^DL/\d{4}/0001$")
        # ... a note of his, or an email of someone else, with the old context key, sends nothing
        self.call(
            "ar_collector",
            "ar.dunning.letter",
            "message_post",
            [letter.ids],
            {"body": "Sent.", "subtype_xmlid": "mail.mt_note"},
        )
        self.call(
            "ar_credit_manager",
            "ar.dunning.letter",
            "message_post",
            [letter.ids],
            {
                "body": "Hello",
                "message_type": "comment",
                "subtype_xmlid": "mail.mt_comment",
                "partner_ids": self.customer.ids,
            },
        )
        self.assertRefused(
            "AccessError",
            "ar_auditor",
            "ar.dunning.letter",
            "message_post",
            [letter.ids],
            {
                "body": "Hello",
                "message_type": "comment",
                "subtype_xmlid": "mail.mt_comment",
                "partner_ids": self.customer.ids,
            },
        )
        self.assertEqual(self.snapshot(letter, ("state", "sent_date")), {"state": "draft", "sent_date": False})
        # the collector's email to the customer from that composer is the sending
        self.call(
            "ar_collector",
            "ar.dunning.letter",
            "message_post",
            [letter.ids],
            {
                "body": "Please find our letter attached.",
                "message_type": "comment",
                "subtype_xmlid": "mail.mt_comment",
                "partner_ids": self.customer.ids,
            },
        )
        self.assertEqual(self.snapshot(letter, ("state",)), {"state": "sent"})

    def test_statement_over_rpc(self):
        draft = self.new_statement()
        self.assertRefused("UserError", "ar_collector", "ar.statement", "write", [draft.ids, {"state": "confirmed"}])
        self.assertRefused(
            "UserError",
            "ar_credit_manager",
            "ar.statement",
            "write",
            [draft.ids, {"state": "confirmed", "reply_date": fields.Date.to_string(fields.Date.today())}],
        )
        self.assertEqual(self.snapshot(draft, ("state", "reply_date")), {"state": "draft", "reply_date": False})
        # a statement is confirmed by the customer's reply, recorded with the button, only once sent
        self.assertRefused("UserError", "ar_collector", "ar.statement", "action_customer_confirmed", [draft.ids])
        self.assertEqual(self.snapshot(draft, ("state",)), {"state": "draft"})

        sent = self.new_statement()
        sent.with_user(self.collector).action_print()
        before = self.snapshot(sent, STATEMENT_FIELDS)
        for error, login, vals in (
            ("UserError", "ar_collector", {"closing_balance": 0.0}),
            ("UserError", "ar_collector", {"state": "draft"}),
            ("UserError", "ar_credit_manager", {"date_to": "2024-06-29"}),
            ("AccessError", "ar_auditor", {"disputed_amount": 5.0}),
            ("AccessError", "ar_invoicing", {"state": "confirmed"}),
        ):
            with self.subTest(login=login, vals=vals):
                self.assertRefused(error, login, "ar.statement", "write", [sent.ids, vals])
        self.assertRefused("AccessError", "ar_auditor", "ar.statement", "action_customer_confirmed", [sent.ids])
        self.assertEqual(self.snapshot(sent, STATEMENT_FIELDS), before)

    def test_stage_and_aging_over_rpc(self):
        ladder = self.env["ar.collection.stage"]._ar_get_ladder(self.company)
        middle = ladder.filtered(lambda s: s.days_from == 31)
        self.assertRefused("ValidationError", "ar_credit_manager", "ar.collection.stage", "unlink", [middle.ids])
        self.assertTrue(middle.exists())
        tomorrow = fields.Date.to_string(fields.Date.today() + timedelta(days=2))
        self.assertRefused("ValidationError", "ar_auditor", "ar.aging.report.wizard", "create", [{"date": tomorrow}])
        self.assertFalse(self.env["ar.aging.report.wizard"].search([("date", "=", tomorrow)]))
