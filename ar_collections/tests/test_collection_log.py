from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common_workspace import ArWorkspaceCommon


@tagged("post_install", "-at_install")
class TestCollectionLog(ArWorkspaceCommon):
    @freeze_time("2026-03-02 02:00:00")  # Monday 2 March 2026, 10:00 in Shanghai
    def test_log_records_the_contact(self):
        log = self.log_contact(
            contact_id=self.contact.id, notes="Asked for payment", customer_feedback="Will check with boss"
        )
        self.assertEqual(log.partner_id, self.customer)
        self.assertEqual(log.user_id, self.collector)
        self.assertEqual(log.date, datetime(2026, 3, 2, 2, 0))
        self.assertEqual(log.contact_id, self.contact)
        self.assertEqual(log.invoice_ids, self.invoice_1 | self.invoice_2)
        self.assertEqual(log.amount_requested, 1500.0)
        # no rule of the result: the stage cadence (a week), moved to a good calling day:
        # Monday 9 March is avoided, Tuesday 10 at 9:00 Shanghai
        self.assertEqual(log.next_followup_date, date(2026, 3, 10))
        self.assertEqual(log.next_call_datetime, datetime(2026, 3, 10, 1, 0))

    @freeze_time("2026-03-02 02:00:00")
    def test_log_on_contact_person_goes_to_customer(self):
        log = self.log_contact(partner_id=self.contact.id)
        self.assertEqual(log.partner_id, self.customer)

    @freeze_time("2026-03-02 02:00:00")
    def test_customer_contact_figures(self):
        self.assertEqual(self.customer.ar_contact_count, 0)
        self.log_contact()
        with freeze_time("2026-03-03 03:00:00"):
            self.log_contact(user=self.collector_2, channel="email")
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.ar_contact_count, 2)
        self.assertEqual(self.customer.ar_last_contact_date, datetime(2026, 3, 3, 3, 0))
        # the contact person shows the figures of its company
        self.assertEqual(self.contact.ar_contact_count, 2)

    @freeze_time("2026-03-06 02:00:00")  # Friday
    def test_no_answer_retries_next_business_day(self):
        log = self.log_contact(result_id=self.result_no_answer.id)
        self.assertEqual(log.next_followup_date, date(2026, 3, 9))  # Monday: next business day
        self.assertFalse(log.next_call_datetime)

    @freeze_time("2026-03-02 02:00:00")
    def test_already_paid_checks_payments(self):
        payment = self.ar_unreconciled_payment(self.customer, 300.0, "2026-02-27")
        log = self.log_contact(result_id=self.result_paid.id, remittance_details="27/02, 300, ICBC")
        # call again in two days (Wednesday 4), moved to Friday 6
        self.assertEqual(log.next_followup_date, date(2026, 3, 6))
        action = log.with_user(self.collector).action_log_contact()
        lines = self.env["account.move.line"].search(action["domain"])
        self.assertEqual(lines.move_id, payment.move_id)
        self.assertAlmostEqual(sum(lines.mapped("balance")), -300.0)

    @freeze_time("2026-03-02 02:00:00")
    def test_invoice_not_received_resends_invoices(self):
        log = self.log_contact(result_id=self.result_no_invoice.id, invoice_ids=[Command.set(self.invoice_1.ids)])
        action = log.with_user(self.collector).action_log_contact()
        self.assertEqual(action["res_model"], "account.move.send.wizard")
        self.assertEqual(action["context"]["active_ids"], self.invoice_1.ids)

    @freeze_time("2026-03-02 02:00:00")
    def test_waiting_for_their_customer_restates_terms(self):
        self.customer.with_user(self.credit_manager).write({"ar_credit_days": 30})
        log = self.log_contact(result_id=self.result_waiting.id)
        self.assertIn("credit period is 30 days", log.instructions)
        self.assertIn(self.currency.format(1500.0), log.instructions)
        self.assertIn("by 29 days", log.instructions)  # invoice 1 due 1 February

    @freeze_time("2026-03-02 02:00:00")
    def test_promise_result_requires_promise(self):
        with self.assertRaises(UserError):
            self.log_contact(result_id=self.result_promise.id)
        with self.assertRaises(UserError):
            self.log_contact(result_id=self.result_promise.id, promise_date="2026-02-20", promise_amount=100.0)
        self.assertFalse(self.env["ar.collection.log"].search([("partner_id", "=", self.customer.id)]))
        log = self.log_contact(
            result_id=self.result_promise.id,
            promise_date="2026-03-06",
            promise_amount=600.0,
            invoice_ids=[Command.set(self.invoice_1.ids)],
        )
        promise = log.promise_ids
        self.assertEqual(len(promise), 1)
        self.assertEqual(promise.date, date(2026, 3, 6))
        self.assertEqual(promise.amount, 600.0)
        self.assertEqual(promise.invoice_ids, self.invoice_1)
        self.assertEqual(promise.state, "open")
        self.assertEqual(promise.date_deadline, date(2026, 3, 9))
        # next follow-up: the day after the promised date, not waiting for a better day
        # (Saturday to Monday are avoided: Tuesday 10)
        self.assertEqual(log.next_followup_date, date(2026, 3, 10))
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.ar_next_promise_date, date(2026, 3, 6))
        self.assertEqual(self.customer.ar_next_promise_amount, 600.0)

    @freeze_time("2026-03-02 02:00:00")
    def test_promise_without_invoices_covers_overdue_invoices(self):
        not_due = self.ar_invoice(self.customer, 200.0, "2026-02-20", "2026-03-20")
        log = self.log_contact(
            result_id=self.result_promise.id,
            promise_date="2026-03-06",
            promise_amount=600.0,
            invoice_ids=[Command.clear()],
        )
        self.assertEqual(log.promise_ids.invoice_ids, self.invoice_1 | self.invoice_2)
        self.assertNotIn(not_due, log.promise_ids.invoice_ids)

    @freeze_time("2026-03-02 02:00:00")
    def test_dispute_result_opens_dispute(self):
        with self.assertRaises(UserError):
            self.log_contact(result_id=self.result_dispute.id)  # no reason
        log = self.log_contact(
            result_id=self.result_dispute.id,
            dispute_reason="quality",
            invoice_ids=[Command.set(self.invoice_2.ids)],
            customer_feedback="Broken parts",
        )
        dispute = log.dispute_ids
        self.assertEqual(dispute.reason, "quality")
        self.assertEqual(dispute.invoice_ids, self.invoice_2)
        self.assertEqual(dispute.description, "Broken parts")
        self.assertEqual(dispute.state, "open")

    @freeze_time("2026-03-02 02:00:00")
    def test_extension_result_opens_request(self):
        log = self.log_contact(
            result_id=self.result_extension.id,
            extension_date="2026-03-31",
            invoice_ids=[Command.set(self.invoice_1.ids)],
            customer_feedback="Cash comes end of month",
        )
        request = log.extension_ids
        self.assertEqual(request.requested_date, date(2026, 3, 31))
        self.assertEqual(request.amount, 1000.0)
        self.assertEqual(request.reason, "Cash comes end of month")
        self.assertEqual(request.state, "to_approve")
        # the day after the requested date (Wednesday 1 April is avoided): Thursday 2
        self.assertEqual(log.next_followup_date, date(2026, 4, 2))

    @freeze_time("2026-03-02 02:00:00")
    def test_correction_needs_a_note_and_is_tracked(self):
        log = self.log_contact().with_context(tracking_disable=False, mail_notrack=False)
        with self.assertRaises(UserError):
            log.with_user(self.collector).write({"amount_requested": 1000.0})
        self.assertEqual(log.amount_requested, 1500.0)
        log.with_user(self.collector).write({"amount_requested": 1000.0, "correction_note": "Typo in amount"})
        self.assertEqual(log.amount_requested, 1000.0)
        self.env.flush_all()
        self.env.cr.precommit.run()  # tracking values are written before the commit
        bodies = log.message_ids.mapped("body")
        self.assertTrue(any("Typo in amount" in body for body in bodies))
        tracked = log.sudo().message_ids.tracking_value_ids.filtered(lambda t: t.field_id.name == "amount_requested")
        self.assertEqual((tracked.old_value_float, tracked.new_value_float), (1500.0, 1000.0))
        with self.assertRaises(UserError):
            log.with_user(self.collector).write(
                {
                    "partner_id": self.env["res.partner"].create({"name": "Other"}).id,
                    "correction_note": "wrong customer",
                }
            )

    @freeze_time("2026-03-02 02:00:00")
    def test_logs_are_never_deleted(self):
        log = self.log_contact()
        for user in (self.collector, self.credit_manager):
            with self.assertRaises(AccessError):
                log.with_user(user).unlink()
        self.assertTrue(log.exists())

    @freeze_time("2026-03-02 02:00:00")
    def test_one_click_from_the_customer(self):
        not_due = self.ar_invoice(self.customer, 200.0, "2026-02-20", "2026-03-20")
        action = self.contact.with_user(self.collector).action_ar_log_contact()
        self.assertEqual(action["res_model"], "ar.collection.log")
        self.assertEqual(action["target"], "new")
        context = action["context"]
        self.assertEqual(context["default_partner_id"], self.customer.id)
        self.assertEqual(context["default_contact_id"], self.contact.id)
        self.assertEqual(set(context["default_invoice_ids"]), set((self.invoice_1 | self.invoice_2).ids))
        self.assertNotIn(not_due.id, context["default_invoice_ids"])
        self.assertEqual(context["default_amount_requested"], 1500.0)
        # the dialog, as the collector fills it in
        with Form(
            self.env["ar.collection.log"].with_user(self.collector).with_context(**context),
            view="ar_collections.ar_collection_log_view_form_dialog",
        ) as form:
            form.result_id = self.result_promise
            form.promise_date = date(2026, 3, 13)
            form.promise_amount = 1500.0
            form.customer_feedback = "Will pay next Friday"
        log = form.record
        self.assertEqual(log.partner_id, self.customer)
        self.assertEqual(log.promise_ids.amount, 1500.0)
        self.assertEqual(log.promise_ids.invoice_ids, self.invoice_1 | self.invoice_2)
        self.assertEqual(log.action_log_contact(), {"type": "ir.actions.act_window_close"})

    @freeze_time("2026-03-02 02:00:00")
    def test_dunning_letter_is_logged_as_a_contact(self):
        letter = self.env["ar.dunning.letter"].with_user(self.collector).create({"partner_id": self.customer.id})
        letter.with_user(self.collector).action_print()
        log = self.env["ar.collection.log"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(log), 1)
        self.assertEqual(log.channel, "letter")
        self.assertEqual(log.result_id, self.env.ref("ar_collections.ar_collection_result_letter_sent"))
        self.assertEqual(log.user_id, self.collector)
        self.assertEqual(log.amount_requested, letter.amount_due)
        self.assertIn(letter.name, log.notes)
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.ar_contact_count, 1)
