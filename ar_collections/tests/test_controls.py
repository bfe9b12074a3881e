"""Controls that hold: every control attacked the way it was found, as the
user it must stop, with the context keys that used to open it, through the ORM and
over JSON-RPC; each test re-reads the database to check that nothing changed."""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .common_workspace import ArWorkspaceCommon

# every context key that used to grant a right, all at once
TEMPTING_CONTEXT = {
    "ar_blacklist_action": True,
    "ar_extension_decision": True,
    "ar_promise_check": True,
    "ar_dispute_resolution": True,
    "ar_log_internal": True,
    "mark_ar_letter_as_sent": True,
}


class ArControlsCommon(ArWorkspaceCommon):
    """The workspace's customer (two overdue invoices), blacklisted by the credit manager;
    an invoicing user who may create contacts; another customer with an invoice; a
    promise, an extension request and a dispute recorded by the collector on 2 March 2026."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company_ids = [Command.set(cls.company.ids)]
        cls.invoicing_user = new_test_user(
            cls.env,
            "ar_invoicing",
            groups="base.group_user,base.group_partner_manager,account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=company_ids,
            name="Invoicing Sun",
        )
        cls.other_customer = cls.env["res.partner"].create({"name": "Other Co", "is_company": True})
        cls.other_invoice = cls.ar_invoice(cls.other_customer, 300.0, "2026-01-10", "2026-02-10")
        cls.ar_blacklist(cls.customer, "Three promises broken")
        with freeze_time("2026-03-02 02:00:00"):
            Log = cls.env["ar.collection.log"].with_user(cls.collector)
            base = {
                "partner_id": cls.customer.id,
                "channel": "phone",
                "invoice_ids": [Command.set(cls.invoice_1.ids)],
                "amount_requested": 1000.0,
            }
            cls.promise_log = Log.create(
                dict(base, result_id=cls.result_promise.id, promise_date="2026-03-06", promise_amount=600.0)
            )
            cls.extension_log = Log.create(dict(base, result_id=cls.result_extension.id, extension_date="2026-03-20"))
            cls.dispute_log = Log.create(
                dict(
                    base,
                    invoice_ids=[Command.set(cls.invoice_2.ids)],
                    result_id=cls.result_dispute.id,
                    dispute_reason="price",
                )
            )
        cls.promise = cls.promise_log.promise_ids
        cls.extension = cls.extension_log.extension_ids
        cls.dispute = cls.dispute_log.dispute_ids
        cls.stage = cls.env["ar.collection.stage"]._ar_get_ladder(cls.company)[-1]
        cls.invoice_1.sudo().write({"collection_stage_id": cls.stage.id})

    def fresh(self, record):
        """``record`` as stored in the database (nothing cached)."""
        self.env.invalidate_all()
        return record.browse(record.ids)


@tagged("post_install", "-at_install")
class TestContextGrantsNothing(ArControlsCommon):
    """Class 1 through the ORM: with every tempting context key, the user is refused and
    nothing changes."""

    def test_salesperson_cannot_lift_a_blacklist(self):
        customer = self.customer.with_user(self.salesman).with_context(**TEMPTING_CONTEXT)
        with self.assertRaises(AccessError):
            customer.write({"credit_blacklisted": False, "credit_blacklist_reason": False})
        with self.assertRaises(AccessError):
            customer._ar_release_blacklist("He paid, he says")
        customer = self.fresh(self.customer)
        self.assertTrue(customer.credit_blacklisted)
        self.assertEqual(customer.credit_blacklist_reason, "Three promises broken")

    def test_even_a_credit_manager_blacklists_through_the_action_only(self):
        customer = self.customer.with_user(self.credit_manager).with_context(**TEMPTING_CONTEXT)
        with self.assertRaises(AccessError):
            customer.write({"credit_blacklisted": False})
        self.assertTrue(self.fresh(self.customer).credit_blacklisted)
        customer._ar_release_blacklist("Paid in full")
        customer = self.fresh(self.customer)
        self.assertFalse(customer.credit_blacklisted)
        events = customer.ar_credit_history_ids.filtered(lambda h: h.kind in ("blacklist", "release"))
        self.assertEqual(events.mapped("kind"), ["release", "blacklist"])
        self.assertEqual(events.mapped("note"), ["Paid in full", "Three promises broken"])

    def test_invoicing_user_cannot_create_a_customer_with_a_credit_profile(self):
        Partner = self.env["res.partner"].with_user(self.invoicing_user).with_context(**TEMPTING_CONTEXT)
        for vals in (
            {"credit_limit": 9000000.0},
            {"credit_grade_id": self.grade_a.id},
            {"ar_credit_days": 90},
            {"collector_id": self.invoicing_user.id},
            {"credit_blacklisted": True},
            {"collection_stage_id": self.stage.id},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                Partner.create(dict(vals, name="Big Spender Ltd", is_company=True))
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Big Spender Ltd")]))
        # a customer without a profile, and a contact of a graded customer, are fine
        customer = Partner.create({"name": "Small Buyer Ltd", "is_company": True})
        self.assertFalse(customer.sudo().credit_grade_id)
        self.customer.write({"credit_grade_id": self.grade_a.id})
        contact = Partner.create({"name": "Ms. Liu", "parent_id": self.customer.id})
        self.assertEqual(contact.credit_grade_id, self.grade_a)

    def test_invoicing_user_cannot_change_the_profile(self):
        with self.assertRaises(AccessError):
            self.customer.with_user(self.invoicing_user).with_context(**TEMPTING_CONTEXT).write(
                {"credit_limit": 9000000.0, "credit_grade_id": self.grade_a.id}
            )
        customer = self.fresh(self.customer)
        self.assertEqual(customer.credit_limit, 0.0)
        self.assertFalse(customer.credit_grade_id)
        self.assertFalse(customer.ar_credit_history_ids.filtered(lambda h: h.kind == "change"))

    def test_credit_manager_creates_a_customer_with_a_profile_on_record(self):
        customer = (
            self.env["res.partner"]
            .with_user(self.credit_manager)
            .create(
                {"name": "Graded Co", "is_company": True, "credit_grade_id": self.grade_a.id, "credit_limit": 5000.0}
            )
        )
        customer = self.fresh(customer)
        self.assertEqual(customer.credit_grade_id, self.grade_a)
        history = customer.ar_credit_history_ids
        self.assertEqual(sorted(history.mapped("field_name")), ["credit_grade_id", "credit_limit"])
        self.assertEqual(set(history.mapped("old_value")), {""})
        self.assertEqual(history.user_id, self.credit_manager)

    def test_collector_cannot_record_an_approval(self):
        extension = self.extension.with_user(self.collector).with_context(**TEMPTING_CONTEXT)
        with self.assertRaises(AccessError):
            extension.write({"state": "approved", "approver_id": self.credit_manager.id})
        with self.assertRaises(AccessError):
            extension.action_approve()
        with self.assertRaises(AccessError):
            self.env["ar.extension.request"].with_user(self.collector).with_context(**TEMPTING_CONTEXT).create(
                {
                    "partner_id": self.customer.id,
                    "invoice_ids": [Command.set(self.invoice_1.ids)],
                    "requested_date": "2099-01-01",
                    "amount": 10.0,
                    "reason": "x",
                    "state": "approved",
                    "approver_id": self.credit_manager.id,
                }
            )
        extension = self.fresh(self.extension)
        self.assertEqual(extension.state, "to_approve")
        self.assertFalse(extension.approver_id)
        self.assertFalse(extension.promise_id)
        self.assertEqual(self.env["ar.extension.request"].search_count([("partner_id", "=", self.customer.id)]), 1)

    def test_credit_manager_approves_with_the_button(self):
        with freeze_time("2026-03-03 02:00:00"):
            self.extension.with_user(self.credit_manager).action_approve()
        extension = self.fresh(self.extension)
        self.assertEqual(extension.state, "approved")
        self.assertEqual(extension.approver_id, self.credit_manager)
        self.assertEqual(extension.promise_id.extension_id, extension)
        self.assertEqual(extension.promise_id.create_uid, self.credit_manager)

    def test_broken_promise_cannot_become_kept(self):
        with freeze_time("2026-03-10 12:00:00"):
            self.env["ar.payment.promise"]._cron_check_promises()
        self.assertEqual(self.fresh(self.promise).state, "broken")
        promise = self.promise.with_user(self.collector).with_context(**TEMPTING_CONTEXT)
        with self.assertRaises(AccessError):
            promise.write({"state": "kept", "paid_amount": 600.0})
        with self.assertRaises(AccessError):
            self.env["ar.payment.promise"].with_user(self.collector).with_context(**TEMPTING_CONTEXT).create(
                {
                    "partner_id": self.customer.id,
                    "invoice_ids": [Command.set(self.invoice_1.ids)],
                    "date": "2099-01-01",
                    "amount": 10.0,
                    "state": "kept",
                }
            )
        promise = self.fresh(self.promise)
        self.assertEqual(promise.state, "broken")
        self.assertEqual(promise.paid_amount, 0.0)
        self.assertEqual(self.env["ar.payment.promise"].search_count([("partner_id", "=", self.customer.id)]), 1)

    def test_dispute_is_resolved_with_the_button_only(self):
        for user in (self.collector, self.salesman):
            with self.subTest(user=user.name), self.assertRaises(AccessError):
                self.dispute.with_user(user).with_context(**TEMPTING_CONTEXT).write(
                    {"state": "resolved", "resolved_user_id": user.id}
                )
        dispute = self.fresh(self.dispute)
        self.assertEqual(dispute.state, "open")
        self.assertFalse(dispute.resolved_user_id)
        self.assertIn(self.invoice_2.id, self.env["ar.dispute"]._ar_get_paused_invoice_ids(self.company))

    def test_log_is_not_rewritten_without_a_correction_note(self):
        log = self.promise_log.with_user(self.collector).with_context(**TEMPTING_CONTEXT)
        with self.assertRaises(UserError):
            log.write({"notes": "The customer never called", "promise_amount": 1.0})
        with self.assertRaises(AccessError):
            log.write({"next_followup_date": "2099-01-01"})
        log = self.fresh(self.promise_log)
        self.assertFalse(log.notes)
        self.assertEqual(log.promise_amount, 600.0)
        self.assertNotEqual(str(log.next_followup_date), "2099-01-01")

    def test_invoicing_user_cannot_clear_the_stage_of_an_invoice(self):
        invoice = self.invoice_1.with_user(self.invoicing_user).with_context(**TEMPTING_CONTEXT)
        with self.assertRaises(AccessError):
            invoice.write({"collection_stage_id": False})
        with self.assertRaises(AccessError):
            invoice.write({"ar_stage_history_ids": [Command.clear()]})
        with self.assertRaises(AccessError):
            self.env["ar.collection.stage.history"].with_user(self.collector).create(
                {"move_id": self.invoice_1.id, "company_id": self.company.id, "date": "2026-03-01"}
            )
        self.assertEqual(self.fresh(self.invoice_1).collection_stage_id, self.stage)
        # nor the stage of the customer
        with self.assertRaises(AccessError):
            self.customer.with_user(self.salesman).with_context(**TEMPTING_CONTEXT).write(
                {"collection_stage_id": False, "ar_procedure": "general"}
            )


@tagged("post_install", "-at_install")
class TestRulesOnEveryWrite(ArControlsCommon):
    """Class 5: the rules of promises and extension requests checked on create hold on write."""

    @freeze_time("2026-03-03 02:00:00")
    def test_promise_not_moved_into_the_past(self):
        promise = self.promise.with_user(self.collector).with_context(**TEMPTING_CONTEXT)
        with self.assertRaises(ValidationError):
            promise.write({"date": "2026-03-01"})
        with self.assertRaises(UserError):
            promise.write({"date_start": "2026-01-01"})
        promise = self.fresh(self.promise)
        self.assertEqual(str(promise.date), "2026-03-06")
        self.assertEqual(str(promise.date_start), "2026-03-02")
        promise.with_user(self.collector).write({"date": "2026-03-09"})
        self.assertEqual(str(self.fresh(self.promise).date), "2026-03-09")

    @freeze_time("2026-03-03 02:00:00")
    def test_promise_not_moved_onto_another_customers_invoice(self):
        promise = self.promise.with_user(self.collector).with_context(**TEMPTING_CONTEXT)
        with self.assertRaises(ValidationError):
            promise.write({"invoice_ids": [Command.link(self.other_invoice.id)]})
        with self.assertRaises(UserError):
            promise.write({"partner_id": self.other_customer.id, "invoice_ids": [Command.set(self.other_invoice.ids)]})
        promise = self.fresh(self.promise)
        self.assertEqual(promise.invoice_ids, self.invoice_1)
        self.assertEqual(promise.partner_id, self.customer)
        paused = self.env["ar.payment.promise"]._ar_get_paused_invoice_ids(self.company)
        self.assertNotIn(self.other_invoice.id, paused, "the other customer is still dunned")

    @freeze_time("2026-03-03 02:00:00")
    def test_promise_past_date_on_create_too(self):
        with self.assertRaises(ValidationError):
            self.env["ar.payment.promise"].with_user(self.collector).create(
                {
                    "partner_id": self.customer.id,
                    "invoice_ids": [Command.set(self.invoice_2.ids)],
                    "date_start": "2026-02-01",
                    "date": "2026-02-20",
                    "amount": 100.0,
                }
            )
        self.assertEqual(self.env["ar.payment.promise"].search_count([("partner_id", "=", self.customer.id)]), 1)

    def test_checked_promise_is_fixed(self):
        with freeze_time("2026-03-10 12:00:00"):
            self.env["ar.payment.promise"]._cron_check_promises()
            with self.assertRaises(UserError):
                self.promise.with_user(self.collector).write({"date": "2026-03-20", "amount": 1.0})
        promise = self.fresh(self.promise)
        self.assertEqual((str(promise.date), promise.amount), ("2026-03-06", 600.0))

    @freeze_time("2026-03-03 02:00:00")
    def test_extension_date_not_in_the_past_nor_other_invoices(self):
        extension = self.extension.with_user(self.collector).with_context(**TEMPTING_CONTEXT)
        with self.assertRaises(ValidationError):
            extension.write({"requested_date": "2020-01-01"})
        with self.assertRaises(ValidationError):
            extension.write({"invoice_ids": [Command.link(self.other_invoice.id)]})
        with self.assertRaises(UserError):
            extension.write({"partner_id": self.other_customer.id})
        extension = self.fresh(self.extension)
        self.assertEqual(str(extension.requested_date), "2026-03-20")
        self.assertEqual(extension.invoice_ids, self.invoice_1)
        self.assertEqual(extension.partner_id, self.customer)

    @freeze_time("2026-03-03 02:00:00")
    def test_decided_extension_is_fixed(self):
        self.extension.with_user(self.credit_manager).action_approve()
        with self.assertRaises(UserError):
            self.extension.with_user(self.collector).write({"requested_date": "2026-04-30", "amount": 1.0})
        extension = self.fresh(self.extension)
        self.assertEqual(str(extension.requested_date), "2026-03-20")
        self.assertEqual(str(extension.promise_id.date), "2026-03-20")

    def test_dispute_not_moved_onto_another_customer(self):
        with self.assertRaises(UserError):
            self.dispute.with_user(self.collector).write(
                {"partner_id": self.other_customer.id, "invoice_ids": [Command.set(self.other_invoice.ids)]}
            )
        with self.assertRaises(ValidationError):
            self.dispute.with_user(self.collector).write({"invoice_ids": [Command.link(self.other_invoice.id)]})
        dispute = self.fresh(self.dispute)
        self.assertEqual((dispute.partner_id, dispute.invoice_ids), (self.customer, self.invoice_2))
        self.assertNotIn(self.other_invoice.id, self.env["ar.dispute"]._ar_get_paused_invoice_ids(self.company))


@tagged("post_install", "-at_install")
class TestWhoSeesCreditFacts(ArControlsCommon):
    """Class 6: each company sees its own collections; credit facts only for who needs them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.setup_other_company(name="Company B")["company"]
        cls.collector_b = new_test_user(
            cls.env,
            "ar_collector_b",
            groups="base.group_user,ar_collections.group_ar_credit_manager",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
            name="Collector B",
        )

    def test_other_company_reads_nothing_of_company_1s_collections(self):
        with freeze_time("2026-03-10 12:00:00"):
            self.env["ar.collection.followup"]._escalate(self.customer, "Promise broken: call the director")
        self.customer.with_user(self.credit_manager).with_context(tracking_disable=False, mail_notrack=False).write(
            {"credit_grade_id": self.grade_a.id, "credit_limit": 7000.0, "ar_credit_days": 45}
        )
        self.env.flush_all()
        self.env.cr.precommit.run()
        activity = self.env["ar.collection.followup"]._get_open_activities(self.customer)
        self.assertTrue(activity)
        bodies = " ".join(self.fresh(self.customer).message_ids.mapped("body"))
        self.assertIn("call the director", bodies, "company 1 reads its notes")
        self.assertIn("Three promises broken", bodies)

        self.env.invalidate_all()
        customer_b = self.customer.with_user(self.collector_b).with_company(self.company_b)
        self.assertFalse(customer_b.activity_ids)
        self.assertFalse(
            self.env["mail.activity"]
            .with_user(self.collector_b)
            .search([("res_model", "=", "res.partner"), ("res_id", "=", self.customer.id)])
        )
        with self.assertRaises(AccessError):
            activity.with_user(self.collector_b).read(["summary"])
        with self.assertRaises(AccessError):
            activity.with_user(self.collector_b).write({"date_deadline": "2099-01-01"})
        messages = customer_b.message_ids
        bodies_b = " ".join(messages.mapped("body"))
        self.assertNotIn("call the director", bodies_b)
        self.assertNotIn("Three promises broken", bodies_b)
        self.assertFalse(
            messages.sudo().tracking_value_ids.filtered(
                lambda t: t.field_id.name in ("credit_grade_id", "credit_limit", "ar_credit_days")
            )
        )
        self.assertFalse(customer_b.ar_credit_history_ids)
        self.assertFalse(self.env["ar.credit.profile.history"].with_user(self.collector_b).search([]))
        self.assertFalse(customer_b.credit_grade_id)
        self.assertFalse(customer_b.credit_blacklisted)
        # company 1 keeps its own history
        self.env.invalidate_all()
        history = self.customer.with_user(self.auditor).ar_credit_history_ids
        self.assertEqual(set(history.company_id.ids), {self.company.id})
        self.assertIn("ar_credit_days", history.mapped("field_name"))

    def test_other_company_reads_no_letter_or_statement_note(self):
        with freeze_time("2026-03-10 12:00:00"):
            letter = self.env["ar.dunning.letter"].with_user(self.collector).create({"partner_id": self.customer.id})
            letter.action_print()
            statement = self.env["ar.statement"].with_user(self.collector).create({"partner_id": self.customer.id})
            statement.action_print()
        self.env.flush_all()
        bodies = " ".join(self.fresh(self.customer).message_ids.mapped("body"))
        self.assertIn(letter.name, bodies, "company 1 reads the letter it printed on the customer")
        self.assertIn(statement.name, bodies, "and the statement")
        self.env.invalidate_all()
        bodies_b = " ".join(
            self.customer.with_user(self.collector_b).with_company(self.company_b).message_ids.mapped("body")
        )
        self.assertNotIn(letter.name, bodies_b)
        self.assertNotIn(statement.name, bodies_b)

    def test_portal_user_reads_no_credit_fact(self):
        portal = new_test_user(
            self.env,
            "ar_portal",
            groups="base.group_portal",
            name="Mr. Portal",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        portal.partner_id.parent_id = self.customer
        Partner = self.env["res.partner"].with_user(portal)
        fields_b = Partner.fields_get()
        for fname in (
            "credit_blacklist_reason",
            "credit_blacklisted",
            "ar_overdue_amount",
            "collection_stage_id",
            "credit_grade_id",
            "ar_credit_history_ids",
        ):
            with self.subTest(field=fname):
                self.assertNotIn(fname, fields_b)
                with self.assertRaises(AccessError):
                    self.customer.with_user(portal).read([fname])
        self.assertFalse(self.customer.with_user(portal).ar_over_limit)

    def test_salesperson_sees_figures_of_his_customers_only(self):
        mine = self.env["res.partner"].create({"name": "My Customer", "is_company": True, "user_id": self.salesman.id})
        ordered = self.env["res.partner"].create({"name": "Ordered From Me", "is_company": True})
        self.ar_invoice(mine, 200.0, "2026-01-01", "2026-01-31")
        self.ar_invoice(ordered, 300.0, "2026-01-01", "2026-01-31")
        self.env["sale.order"].with_user(self.salesman).create({"partner_id": ordered.id})
        self.env.invalidate_all()
        Partner = self.env["res.partner"].with_user(self.salesman)
        customer, mine, ordered = Partner.browse([self.customer.id, mine.id, ordered.id])
        self.assertFalse(customer.ar_credit_visible)
        self.assertEqual((customer.ar_overdue_amount, customer.ar_contact_count, customer.ar_exposure), (0, 0, 0))
        self.assertEqual((mine.ar_credit_visible, mine.ar_overdue_amount), (True, 200.0))
        self.assertEqual((ordered.ar_credit_visible, ordered.ar_overdue_amount), (True, 300.0))
        overdue = Partner.search([("ar_overdue_amount", ">", 0)])
        self.assertIn(mine, overdue)
        self.assertIn(ordered, overdue)
        self.assertNotIn(customer, overdue)
        self.assertNotIn(customer, Partner.search([("ar_overdue_amount", "=", 0), ("is_company", "=", True)]))
        # the collector sees everyone's
        self.assertAlmostEqual(self.customer.with_user(self.collector).ar_overdue_amount, 1500.0)
        self.assertEqual(self.customer.with_user(self.collector).ar_contact_count, 3)


@tagged("post_install", "-at_install")
class TestControlsOverJsonRpc(ArControlsCommon, HttpCase):
    """The same attacks over /web/dataset/call_kw, logged in as the user to stop."""

    def call(self, login, model, method, args, context=None, kwargs=None):
        self.authenticate(login, login)
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": dict(kwargs or {}, context=dict(TEMPTING_CONTEXT, **(context or {}))),
            },
        )

    def assertRefused(self, login, model, method, args, error="odoo.exceptions.AccessError", **kwargs):
        with self.assertRaises(JsonRpcException) as caught:
            self.call(login, model, method, args, **kwargs)
        self.assertEqual(caught.exception.args[0], error)

    def test_salesperson_lifts_no_blacklist(self):
        self.assertRefused(
            "ar_salesman",
            "res.partner",
            "write",
            [[self.customer.id], {"credit_blacklisted": False, "credit_blacklist_reason": False}],
        )
        self.assertTrue(self.fresh(self.customer).credit_blacklisted)

    def test_invoicing_user_creates_no_graded_customer(self):
        self.assertRefused(
            "ar_invoicing",
            "res.partner",
            "create",
            [
                {
                    "name": "Big Spender Ltd",
                    "is_company": True,
                    "credit_limit": 9000000.0,
                    "credit_grade_id": self.grade_a.id,
                }
            ],
        )
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Big Spender Ltd")]))

    def test_collector_approves_no_extension(self):
        self.assertRefused(
            "ar_collector",
            "ar.extension.request",
            "write",
            [[self.extension.id], {"state": "approved", "approver_id": self.credit_manager.id}],
        )
        self.assertRefused("ar_collector", "ar.extension.request", "action_approve", [[self.extension.id]])
        extension = self.fresh(self.extension)
        self.assertEqual((extension.state, extension.approver_id.id), ("to_approve", False))

    def test_collector_keeps_no_broken_promise(self):
        with freeze_time("2026-03-10 12:00:00"):
            self.env["ar.payment.promise"]._cron_check_promises()
        self.assertRefused("ar_collector", "ar.payment.promise", "write", [[self.promise.id], {"state": "kept"}])
        self.assertEqual(self.fresh(self.promise).state, "broken")

    def test_collector_resolves_no_dispute_by_write(self):
        self.assertRefused("ar_collector", "ar.dispute", "write", [[self.dispute.id], {"state": "resolved"}])
        self.assertEqual(self.fresh(self.dispute).state, "open")

    def test_collector_rewrites_no_log(self):
        self.assertRefused(
            "ar_collector",
            "ar.collection.log",
            "write",
            [[self.promise_log.id], {"notes": "Never happened"}],
            error="odoo.exceptions.UserError",
        )
        self.assertFalse(self.fresh(self.promise_log).notes)

    def test_invoicing_user_clears_no_stage(self):
        self.assertRefused(
            "ar_invoicing", "account.move", "write", [[self.invoice_1.id], {"collection_stage_id": False}]
        )
        self.assertEqual(self.fresh(self.invoice_1).collection_stage_id, self.stage)

    def test_promise_and_extension_rules_over_rpc(self):
        with freeze_time("2026-03-03 02:00:00"):
            self.assertRefused(
                "ar_collector",
                "ar.payment.promise",
                "write",
                [[self.promise.id], {"date": "2026-03-01"}],
                error="odoo.exceptions.ValidationError",
            )
            self.assertRefused(
                "ar_collector",
                "ar.payment.promise",
                "write",
                [[self.promise.id], {"invoice_ids": [Command.link(self.other_invoice.id)]}],
                error="odoo.exceptions.ValidationError",
            )
            self.assertRefused(
                "ar_collector",
                "ar.extension.request",
                "write",
                [[self.extension.id], {"requested_date": "2020-01-01"}],
                error="odoo.exceptions.ValidationError",
            )
        promise, extension = self.fresh(self.promise), self.fresh(self.extension)
        self.assertEqual((str(promise.date), promise.invoice_ids), ("2026-03-06", self.invoice_1))
        self.assertEqual(str(extension.requested_date), "2026-03-20")

    def test_portal_user_reads_no_blacklist_reason(self):
        portal = new_test_user(self.env, "ar_portal_rpc", groups="base.group_portal", name="Mr. Portal")
        portal.partner_id.parent_id = self.customer
        self.assertRefused(
            "ar_portal_rpc",
            "res.partner",
            "read",
            [[self.customer.id], ["credit_blacklist_reason", "ar_overdue_amount", "collection_stage_id"]],
        )

    def test_salesperson_reads_no_figures_of_others_customers(self):
        result = self.call(
            "ar_salesman",
            "res.partner",
            "read",
            [[self.customer.id], ["ar_overdue_amount", "ar_contact_count", "ar_credit_visible"]],
        )
        self.assertEqual(
            (result[0]["ar_overdue_amount"], result[0]["ar_contact_count"], result[0]["ar_credit_visible"]),
            (0.0, 0, False),
        )

    def test_other_company_reads_no_collections_note(self):
        company_b = self.setup_other_company(name="Company B")["company"]
        new_test_user(
            self.env,
            "ar_collector_b_rpc",
            groups="base.group_user,ar_collections.group_ar_credit_manager",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
            name="Collector B",
        )
        with freeze_time("2026-03-10 12:00:00"):
            self.env["ar.collection.followup"]._escalate(self.customer, "Promise broken: call the director")

        def chatter(login):
            self.authenticate(login, login)
            thread = self.make_jsonrpc_request(
                "/mail/thread/messages", {"thread_model": "res.partner", "thread_id": self.customer.id}
            )
            return " ".join(str(m.get("body")) for m in thread["data"].get("mail.message", []))

        bodies = chatter("ar_credit_manager")
        self.assertIn("call the director", bodies, "company 1 reads its notes")
        self.assertIn("Three promises broken", bodies)
        bodies = chatter("ar_collector_b_rpc")
        self.assertNotIn("call the director", bodies)
        self.assertNotIn("Three promises broken", bodies)
        activities = self.call(
            "ar_collector_b_rpc",
            "mail.activity",
            "search_read",
            [[("res_model", "=", "res.partner"), ("res_id", "=", self.customer.id)]],
            kwargs={"fields": ["summary"]},
        )
        self.assertEqual(activities, [])
        self.assertTrue(
            self.env["ar.collection.followup"]._get_open_activities(self.customer),
            "company 1's follow-up is still there",
        )
