from datetime import date

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common_collections import ArCollectionRunCommon
from .common_workspace import ArWorkspaceCommon


@tagged("post_install", "-at_install")
class TestWorkspaceWiring(ArWorkspaceCommon, ArCollectionRunCommon):
    """The collector's workspace inside the nightly collections run and the follow-ups.

    Ladder of the default data: 1-30 days (collector, phone + letter, every 3 days),
    31-60 days (salesperson), 61-90 days (sales manager) ..."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "Asia/Shanghai"
        # a second customer, a few days late: stays in the 1-30 stage through March
        cls.customer_2 = cls.env["res.partner"].create(
            {"name": "Jiangnan Textiles", "is_company": True, "customer_rank": 1, "user_id": cls.salesman.id}
        )
        cls.invoice_a = cls.ar_invoice(cls.customer_2, 1000.0, "2026-01-26", "2026-02-25")
        cls.invoice_b = cls.ar_invoice(cls.customer_2, 500.0, "2026-01-27", "2026-02-26")

    def run_on(self, day):
        with freeze_time(f"{day} 01:00:00"):  # 9:00 in Shanghai
            return self.run_collections()

    def test_logging_a_contact_schedules_the_next_followup(self):
        self.run_on("2026-03-02")
        activity = self.followup(self.customer_2)
        self.assertEqual(activity.user_id, self.collector)
        self.assertEqual(activity.ar_stage_id, self.stage_1_30)
        with freeze_time("2026-03-02 02:00:00"):  # Monday
            log = self.log_contact(
                partner_id=self.customer_2.id,
                invoice_ids=[Command.set((self.invoice_a | self.invoice_b).ids)],
                customer_feedback="Will ask the boss",
            )
        self.assertFalse(activity.exists(), "the follow-up is marked done")
        done = self.customer_2.message_ids.filtered(lambda m: m.mail_activity_type_id)
        self.assertTrue(any("Contact logged" in body for body in done.mapped("body")))
        new = self.followup(self.customer_2)
        self.assertEqual(len(new), 1)
        self.assertEqual(new.user_id, self.collector)
        # cadence 3 days: Thursday 5 March, a phone stage: Friday 6 is better
        self.assertEqual(new.date_deadline, date(2026, 3, 6))
        self.assertEqual(log.next_followup_date, date(2026, 3, 6))
        self.assertIn("Will ask the boss", new.note)
        self.customer_2.invalidate_recordset()
        self.assertEqual(self.customer_2.ar_contact_count, 1)

    def test_no_answer_retries_next_business_day(self):
        self.run_on("2026-03-02")
        with freeze_time("2026-03-02 02:00:00"):
            self.log_contact(
                partner_id=self.customer_2.id, result_id=self.result_no_answer.id, invoice_ids=[Command.clear()]
            )
        self.assertEqual(self.followup(self.customer_2).date_deadline, date(2026, 3, 3))

    def test_no_reminders_during_an_open_promise(self):
        self.run_on("2026-03-02")
        self.assertEqual(self.invoice_b.collection_stage_id, self.stage_1_30)
        with freeze_time("2026-03-02 02:00:00"):
            self.log_contact(
                partner_id=self.customer_2.id,
                result_id=self.result_promise.id,
                promise_date="2026-03-06",
                promise_amount=500.0,
                invoice_ids=[Command.set(self.invoice_b.ids)],
            )
        self.run_on("2026-03-03")
        self.assertFalse(self.invoice_b.collection_stage_id, "a promised invoice is not dunned")
        self.assertEqual(self.invoice_a.collection_stage_id, self.stage_1_30)
        self.run_on("2026-03-09")  # last day of the grace period
        self.assertFalse(self.invoice_b.collection_stage_id)
        self.run_on("2026-03-10")  # broken: dunned again
        self.assertEqual(self.invoice_b.collection_stage_id, self.stage_1_30)

    def test_broken_promise_escalates_the_followup(self):
        self.run_on("2026-03-02")
        self.assertEqual(self.followup(self.customer_2).user_id, self.collector)
        with freeze_time("2026-03-02 02:00:00"):
            log = self.log_contact(
                partner_id=self.customer_2.id,
                result_id=self.result_promise.id,
                promise_date="2026-03-06",
                promise_amount=500.0,
                invoice_ids=[Command.set(self.invoice_b.ids)],
            )
        self.run_on("2026-03-10")
        self.assertEqual(log.promise_ids.state, "broken")
        activity = self.followup(self.customer_2)
        self.assertEqual(len(activity), 1)
        # the owner of the next stage (31-60: the salesperson), due today
        self.assertEqual(activity.user_id, self.salesman)
        self.assertEqual(activity.date_deadline, date(2026, 3, 10))
        self.assertIn("broken", activity.note)
        self.assertTrue(any("broken" in body for body in self.customer_2.message_ids.mapped("body")))
        self.customer_2.invalidate_recordset()
        self.assertEqual(self.customer_2.ar_broken_promise_count, 1)
        # the next night the customer is still in the same stage: the escalated owner stays
        self.run_on("2026-03-11")
        self.assertEqual(self.followup(self.customer_2).user_id, self.salesman)

    def test_kept_promise_does_not_escalate(self):
        self.run_on("2026-03-02")
        with freeze_time("2026-03-02 02:00:00"):
            log = self.log_contact(
                partner_id=self.customer_2.id,
                result_id=self.result_promise.id,
                promise_date="2026-03-06",
                promise_amount=500.0,
                invoice_ids=[Command.set(self.invoice_b.ids)],
            )
        self.ar_pay(self.invoice_b, 500.0, "2026-03-06")
        self.run_on("2026-03-10")
        self.assertEqual(log.promise_ids.state, "kept")
        self.assertEqual(self.followup(self.customer_2).user_id, self.collector)

    def test_dispute_pauses_dunning_and_resolution_resumes_it(self):
        with freeze_time("2026-03-02 02:00:00"):
            log = self.log_contact(
                partner_id=self.customer_2.id,
                result_id=self.result_dispute.id,
                dispute_reason="quantity",
                invoice_ids=[Command.set(self.invoice_a.ids)],
            )
        self.run_on("2026-03-02")
        self.assertFalse(self.invoice_a.collection_stage_id)
        self.assertEqual(self.invoice_b.collection_stage_id, self.stage_1_30)
        dispute = log.dispute_ids
        dispute.resolution = "Quantity confirmed by the warehouse"
        dispute.with_user(self.collector).action_resolve()
        self.run_on("2026-03-03")
        self.assertEqual(self.invoice_a.collection_stage_id, self.stage_1_30)

    def test_worklist_priority_and_figures(self):
        key_customer = self.env["res.partner"].create(
            {"name": "Big Key Account", "is_company": True, "customer_rank": 1}
        )
        self.ar_invoice(key_customer, 60000.0, "2026-01-28", "2026-02-27")  # 3 days late
        self.run_on("2026-03-02")
        with freeze_time("2026-03-02 02:00:00"):  # the worklist is live: figures as of today
            self._check_worklist(key_customer)

    def _check_worklist(self, key_customer):
        self.log_contact(
            partner_id=self.customer_2.id,
            result_id=self.result_promise.id,
            promise_date="2026-03-06",
            promise_amount=500.0,
            invoice_ids=[Command.set(self.invoice_b.ids)],
        )
        Worklist = self.env["ar.collection.worklist"].with_user(self.collector)
        rows = Worklist.search([("user_id", "=", self.collector.id)])
        # key procedure first, then overdue amount x days overdue:
        # Huadong 1,500 (29 days) = 43,500 before Jiangnan 1,500 (5 days) = 7,500
        self.assertEqual(rows.partner_id.ids, [key_customer.id, self.customer.id, self.customer_2.id])
        row = rows.filtered(lambda r: r.partner_id == self.customer)
        self.assertEqual((row.overdue_amount, row.amount_1_30, row.days_overdue), (1500.0, 1500.0, 29))
        self.assertEqual(row.stage_id, self.stage_1_30)
        self.assertEqual(rows[0].procedure, "key")
        row_2 = rows.filtered(lambda r: r.partner_id == self.customer_2)
        self.assertEqual(row_2.next_promise_date, date(2026, 3, 6))
        self.assertEqual(row_2.next_promise_amount, 500.0)
        self.assertEqual(row_2.contact_count, 1)
        self.assertTrue(row_2.last_contact_date)
        # one click from the worklist
        action = row.action_log_contact()
        self.assertEqual(action["context"]["default_partner_id"], self.customer.id)
        # the salesperson sees the follow-ups of his own customers only
        seen = self.env["ar.collection.worklist"].with_user(self.salesman).search([])
        self.assertEqual(seen.partner_id, self.customer | self.customer_2)

    def test_collector_opens_my_collections(self):
        """The collector opens "My Collections": the list shows each customer he follows up
        with the figures he works by, and "Collections Activities" lists the same customers."""
        self.run_on("2026-03-02")
        action = self.env.ref("ar_collections.ar_collection_worklist_action")
        Worklist = self.env["ar.collection.worklist"].with_user(self.collector)
        views = Worklist.get_views([(False, mode) for mode in action.view_mode.split(",")] + [(False, "search")])
        self.assertEqual(set(views["views"]), {"list", "kanban", "calendar", "form", "search"})
        columns = etree.fromstring(views["views"]["list"]["arch"]).xpath("//field[not(@column_invisible='1')]")
        shown = {column.get("name") for column in columns}
        self.assertLessEqual({"partner_id", "stage_id", "overdue_amount", "days_overdue", "date_deadline"}, shown)
        # the action's default filter, as the search view defines it
        self.assertEqual(safe_eval(action.context), {"search_default_my": 1})
        my_filter = etree.fromstring(views["views"]["search"]["arch"]).xpath("//filter[@name='my']")[0]
        domain = safe_eval(my_filter.get("domain"), {"uid": self.collector.id})
        with freeze_time("2026-03-02 02:00:00"):
            rows = Worklist.web_search_read(domain, {name: {} for name in sorted(shown)})["records"]
        by_partner = {row["partner_id"]: row for row in rows}
        self.assertEqual(set(by_partner), {self.customer.id, self.customer_2.id})
        huadong = by_partner[self.customer.id]
        # 1,000 due 1 February and 500 due 15 February: 1,500 overdue, the oldest 29 days
        self.assertEqual((huadong["overdue_amount"], huadong["days_overdue"]), (1500.0, 29))
        self.assertEqual(huadong["stage_id"], self.stage_1_30.id)
        jiangnan = by_partner[self.customer_2.id]
        self.assertEqual((jiangnan["overdue_amount"], jiangnan["days_overdue"]), (1500.0, 5))

        activities = self.env.ref("ar_collections.res_partner_action_collection_activities")
        Partner = self.env["res.partner"].with_user(self.collector)
        self.assertIn("activity", Partner.get_views([(False, "activity")])["views"])
        followed = Partner.search(safe_eval(activities.domain, {"uid": self.collector.id}))
        self.assertEqual(followed, self.customer | self.customer_2)

    def test_settings_app_has_every_block(self):
        """The Collections settings, in one view: each block a manager looks for, with its
        fields, in the order of the work (holds and limits, scoring, contacts, plans...)."""
        arch = etree.fromstring(self.env["res.config.settings"].get_views([(False, "form")])["views"]["form"]["arch"])
        app = arch.find(".//app[@name='ar_collections']")
        blocks = [block.get("name") for block in app.iter("block")]
        for before, after in (
            ("ar_credit_hold_setting_container", "ar_scoring_setting_container"),
            ("ar_scoring_setting_container", "ar_workspace_setting_container"),
            ("ar_workspace_setting_container", "ar_repayment_plan_setting_container"),
            ("ar_repayment_plan_setting_container", "ar_reports_setting_container"),
        ):
            self.assertEqual(blocks.index(after), blocks.index(before) + 1, blocks)
        for block, fname in (
            ("ar_credit_hold_setting_container", "ar_limit_tier_basis"),
            ("ar_scoring_setting_container", "ar_review_months"),
            ("ar_workspace_setting_container", "ar_customer_link_days"),
            ("ar_repayment_plan_setting_container", "ar_plan_max_broken"),
        ):
            self.assertIsNotNone(app.find(f".//block[@name='{block}']//field[@name='{fname}']"), fname)
