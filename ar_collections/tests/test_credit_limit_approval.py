"""Credit limits by authority tier (额度审批): what a Credit Manager writes himself, what a
change request climbs (credit manager → finance manager → general manager), who may approve,
the history of who asked and who approved, per company; attacked through the ORM and over
JSON-RPC as the users it must stop."""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .common import ArCollectionsCommon

TEMPTING_CONTEXT = {"ar_limit_approved": True, "ar_credit_limit_request": True, "bypass": True}


class CreditLimitTierCommon(ArCollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company_ids = [Command.set(cls.company.ids)]
        cls.credit_manager_2 = new_test_user(
            cls.env,
            "ar_credit_manager_2",
            groups="base.group_user,ar_collections.group_ar_credit_manager",
            company_id=cls.company.id,
            company_ids=company_ids,
            name="Credit Manager Sun",
        )
        cls.finance_manager = new_test_user(
            cls.env,
            "ar_finance_manager",
            groups="base.group_user,account.group_account_manager",
            company_id=cls.company.id,
            company_ids=company_ids,
            name="Finance Manager Qian",
        )
        cls.general_manager = new_test_user(
            cls.env,
            "ar_general_manager",
            groups="base.group_user",
            company_id=cls.company.id,
            company_ids=company_ids,
            name="General Manager Zhou",
        )
        Tier = cls.env["ar.credit.limit.tier"]
        # up to 100,000 the credit manager, up to 500,000 the finance manager, above the general manager
        Tier.create({"amount_min": 0.0, "group_id": cls.env.ref("ar_collections.group_ar_credit_manager").id})
        Tier.create({"amount_min": 100000.0, "group_id": cls.env.ref("account.group_account_manager").id})
        Tier.create({"amount_min": 500000.0, "user_id": cls.general_manager.id})

    def limit(self, partner=None, company=None):
        partner = (partner or self.customer).with_company(company or self.company)
        partner.invalidate_recordset(["credit_limit"])
        return partner.sudo().credit_limit

    def ask(self, limit, user=None, partner=None, reason="Framework contract 2026: orders of 60,000 a month"):
        request = (
            self.env["ar.credit.limit.request"]
            .with_user(user or self.credit_manager)
            .create({"partner_id": (partner or self.customer).id, "requested_limit": limit, "reason": reason})
        )
        request.action_submit()
        return request

    def history(self, partner=None):
        return self.env["ar.credit.profile.history"].search(
            [("partner_id", "=", (partner or self.customer).id), ("field_name", "=", "credit_limit")],
            order="id",
        )


@tagged("post_install", "-at_install")
@freeze_time("2026-05-04 10:00:00")
class TestCreditLimitApproval(CreditLimitTierCommon):
    # ------------------------------------------------------------------
    # Direct writes
    # ------------------------------------------------------------------
    def test_credit_manager_sets_limits_within_his_tier(self):
        customer = self.customer.with_user(self.credit_manager)
        customer.write({"credit_limit": 100000.0})
        self.assertEqual(self.limit(), 100000.0)
        line = self.history()
        self.assertEqual(len(line), 1)
        self.assertEqual((line.user_id, line.requested_by_id, line.approved_by_id), (self.credit_manager,) * 3)
        self.assertFalse(line.limit_request_id)

    def test_write_above_the_tier_is_refused(self):
        self.customer.write({"credit_limit": 80000.0})
        with self.assertRaises(AccessError) as error:
            self.customer.with_user(self.credit_manager).write({"credit_limit": 100000.01})
        message = str(error.exception)
        self.assertIn("above your approval authority", message)
        self.assertIn("change request", message)
        self.assertEqual(self.limit(), 80000.0)
        # the finance manager sets it up to 500,000, not above
        self.customer.with_user(self.finance_manager).write({"credit_limit": 500000.0})
        self.assertEqual(self.limit(), 500000.0)
        with self.assertRaises(AccessError):
            self.customer.with_user(self.finance_manager).write({"credit_limit": 500001.0})
        self.assertEqual(self.limit(), 500000.0)

    def test_grade_default_limit_above_the_tier_is_refused(self):
        """The grade's default limit comes with the grade (the form's onchange): a grade whose
        limit is above the tier is refused with it."""
        self.grade_a.default_credit_limit = 300000.0
        with self.assertRaises(AccessError):
            self.customer.with_user(self.credit_manager).write(
                {"credit_grade_id": self.grade_a.id, "credit_limit": 300000.0}
            )
        self.customer.invalidate_recordset()
        self.assertFalse(self.customer.with_company(self.company).sudo().credit_grade_id)
        self.assertEqual(self.limit(), 0.0)

    def test_create_with_a_limit_above_the_tier_is_refused(self):
        Partner = self.env["res.partner"].with_user(self.credit_manager)
        with self.assertRaises(AccessError):
            Partner.create({"name": "Jiangnan Steel", "is_company": True, "credit_limit": 200000.0})
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Jiangnan Steel")]))
        partner = Partner.create({"name": "Jiangnan Steel", "is_company": True, "credit_limit": 90000.0})
        self.assertEqual(self.limit(partner), 90000.0)

    def test_decrease_applies_directly(self):
        self.customer.sudo().write({"credit_limit": 800000.0})
        self.customer.with_user(self.credit_manager).write({"credit_limit": 60000.0})
        self.assertEqual(self.limit(), 60000.0)

    def test_removing_the_limit_needs_the_whole_ladder(self):
        """No limit at all is an infinite limit: above the credit manager's tier."""
        self.customer.write({"credit_limit": 50000.0})
        with self.assertRaises(AccessError):
            self.customer.with_user(self.credit_manager).write({"use_partner_credit_limit": False})
        with self.assertRaises(AccessError):
            self.customer.with_user(self.credit_manager).write({"credit_limit": 0.0})
        self.assertEqual(self.limit(), 50000.0)

    def test_increase_basis(self):
        """Tiers on the increase: from 450,000 to 540,000 is an increase of 90,000 (the credit
        manager's); to 560,000 one of 110,000 (the finance manager's)."""
        self.company.ar_limit_tier_basis = "increase"
        self.customer.write({"credit_limit": 450000.0})
        self.customer.with_user(self.credit_manager).write({"credit_limit": 540000.0})
        self.assertEqual(self.limit(), 540000.0)
        with self.assertRaises(AccessError):
            self.customer.with_user(self.credit_manager).write({"credit_limit": 650000.01})
        request = self.ask(650000.01)
        self.assertEqual(request.current_limit, 540000.0)
        self.assertEqual(request.approval_ids.mapped("group_id"), self.env.ref("account.group_account_manager"))

    # ------------------------------------------------------------------
    # Change requests
    # ------------------------------------------------------------------
    def test_chain_climbs_to_the_general_manager(self):
        self.customer.write({"credit_limit": 80000.0})
        request = self.ask(800000.0)
        self.assertEqual(request.state, "to_approve")
        self.assertEqual(request.current_limit, 80000.0)
        self.assertEqual(request.user_id, self.credit_manager)
        # the credit manager's own tier is his: the chain starts above it
        chain = request.approval_ids.sorted("sequence")
        self.assertEqual(
            [(step.group_id, step.user_id) for step in chain],
            [
                (self.env.ref("account.group_account_manager"), self.env["res.users"]),
                (self.env["res.groups"], self.general_manager),
            ],
        )
        # the finance manager has a to-do
        todo = request.activity_ids
        self.assertIn(self.finance_manager, todo.user_id)
        self.assertNotIn(self.credit_manager, todo.user_id)

        for user in (self.credit_manager, self.collector, self.credit_manager_2, self.general_manager):
            with self.assertRaises(AccessError):
                request.with_user(user).action_approve()
        self.assertEqual(chain.mapped("state"), ["pending", "pending"])

        request.with_user(self.finance_manager).action_approve()
        self.assertEqual(request.state, "to_approve")
        self.assertEqual(chain[0].approver_id, self.finance_manager)
        self.assertEqual(request.next_approval_id, chain[1])
        self.assertEqual(self.limit(), 80000.0)
        self.assertEqual(request.activity_ids.user_id, self.general_manager)
        with self.assertRaises(AccessError):
            request.with_user(self.finance_manager).action_approve()

        request.with_user(self.general_manager).action_approve()
        self.assertEqual(request.state, "approved")
        self.assertEqual(self.limit(), 800000.0)
        self.assertEqual(chain.mapped("approver_id"), self.finance_manager | self.general_manager)
        line = self.history()[-1]
        self.assertEqual(line.old_value, self.currency.format(80000.0))
        self.assertEqual(line.new_value, self.currency.format(800000.0))
        self.assertEqual(line.requested_by_id, self.credit_manager)
        self.assertEqual(line.approved_by_id, self.general_manager)
        self.assertEqual(line.limit_request_id, request)
        self.assertEqual(line.note, "Framework contract 2026: orders of 60,000 a month")

    def test_collector_request_starts_at_the_credit_manager(self):
        request = self.ask(150000.0, user=self.collector)
        self.assertEqual(
            request.approval_ids.sorted("sequence").mapped("group_id"),
            self.env.ref("ar_collections.group_ar_credit_manager") | self.env.ref("account.group_account_manager"),
        )
        request.with_user(self.credit_manager).action_approve()
        request.with_user(self.finance_manager).action_approve()
        self.assertEqual(request.state, "approved")
        self.assertEqual(self.limit(), 150000.0)
        line = self.history()[-1]
        self.assertEqual((line.requested_by_id, line.approved_by_id), (self.collector, self.finance_manager))

    def test_request_within_authority_needs_another_credit_manager(self):
        request = self.ask(40000.0)
        self.assertEqual(request.approval_ids.group_id, self.env.ref("ar_collections.group_ar_credit_manager"))
        with self.assertRaises(AccessError):
            request.with_user(self.credit_manager).action_approve()
        request.with_user(self.credit_manager_2).action_approve()
        self.assertEqual(self.limit(), 40000.0)

    def test_refusal_and_cancel(self):
        request = self.ask(300000.0)
        with self.assertRaises(UserError):
            request.with_user(self.finance_manager).action_refuse()  # no reason given
        request.with_user(self.finance_manager).refusal_reason = "Their balance sheet does not carry it"
        request.with_user(self.finance_manager).action_refuse()
        self.assertEqual(request.state, "refused")
        self.assertEqual(request.approval_ids.state, "refused")
        self.assertEqual(self.limit(), 0.0)
        self.assertFalse(self.history())
        with self.assertRaises(UserError):
            request.with_user(self.finance_manager).action_approve()
        other = self.ask(300000.0)
        with self.assertRaises(AccessError):
            other.with_user(self.collector).action_cancel()
        other.with_user(self.credit_manager).action_cancel()
        self.assertEqual(other.state, "cancelled")
        with self.assertRaises(UserError):
            other.with_user(self.finance_manager).action_approve()
        self.assertEqual(self.limit(), 0.0)

    def test_submitted_terms_and_guarded_fields(self):
        request = self.ask(300000.0)
        as_requester = request.with_user(self.credit_manager).with_context(**TEMPTING_CONTEXT)
        with self.assertRaises(UserError):
            as_requester.write({"requested_limit": 900000.0})
        for vals in (
            {"state": "approved"},
            {"current_limit": 299999.0},
            {"user_id": self.collector.id},
            {"approval_ids": [Command.clear()]},
        ):
            with self.assertRaises(AccessError):
                as_requester.write(vals)
        with self.assertRaises(AccessError):
            request.approval_ids.with_user(self.credit_manager).write(
                {"state": "approved", "approver_id": self.finance_manager.id}
            )
        with self.assertRaises(AccessError):
            self.env["ar.credit.limit.request"].with_user(self.credit_manager).create(
                {"partner_id": self.customer.id, "requested_limit": 900000.0, "reason": "x", "state": "approved"}
            )
        request.invalidate_recordset()
        self.assertEqual((request.state, request.requested_limit), ("to_approve", 300000.0))
        self.assertEqual(request.approval_ids.mapped("state"), ["pending"])
        self.assertEqual(self.limit(), 0.0)

    def test_salesperson_cannot_ask(self):
        with self.assertRaises(AccessError):
            self.env["ar.credit.limit.request"].with_user(self.salesman).create(
                {"partner_id": self.customer.id, "requested_limit": 1000.0, "reason": "x"}
            )

    def test_auditor_reads_and_changes_nothing(self):
        request = self.ask(300000.0)
        as_auditor = request.with_user(self.auditor)
        self.assertEqual(as_auditor.requested_limit, 300000.0)
        with self.assertRaises(AccessError):
            as_auditor.write({"reason": "changed"})
        with self.assertRaises(AccessError):
            as_auditor.action_approve()
        with self.assertRaises(AccessError):
            self.env["ar.credit.limit.tier"].with_user(self.auditor).create(
                {"amount_min": 1.0, "user_id": self.auditor.id}
            )

    def test_credit_manager_cannot_raise_his_own_authority(self):
        with self.assertRaises(AccessError):
            self.env["ar.credit.limit.tier"].with_user(self.credit_manager).search([]).write(
                {"amount_min": 10_000_000.0}
            )

    def test_general_manager_reads_only_the_requests_he_approves(self):
        small = self.ask(300000.0)
        large = self.ask(800000.0)
        Request = self.env["ar.credit.limit.request"].with_user(self.general_manager)
        self.assertEqual(Request.search([]), large)
        with self.assertRaises(AccessError):
            small.with_user(self.general_manager).read(["requested_limit"])

    # ------------------------------------------------------------------
    # Multi-company
    # ------------------------------------------------------------------
    def test_tiers_and_requests_per_company(self):
        company_b = self.setup_other_company(name="Company B")["company"]
        manager_b = new_test_user(
            self.env,
            "ar_credit_manager_b",
            groups="base.group_user,ar_collections.group_ar_credit_manager",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
            name="Credit Manager B",
        )
        self.credit_manager.write({"company_ids": [Command.link(company_b.id)]})
        # company B has no tiers: its credit managers set any limit there
        self.customer.with_user(self.credit_manager).with_company(company_b).write({"credit_limit": 900000.0})
        self.assertEqual(self.limit(company=company_b), 900000.0)
        self.assertEqual(self.limit(), 0.0)
        # a request of company A is invisible in company B
        request = self.ask(300000.0)
        self.assertFalse(self.env["ar.credit.limit.request"].with_user(manager_b).search([]))
        with self.assertRaises(AccessError):
            request.with_user(manager_b).read(["requested_limit"])
        self.assertFalse(self.env["ar.credit.limit.tier"].with_user(manager_b).search([]))
        self.assertFalse(
            self.env["ar.credit.profile.history"]
            .with_user(manager_b)
            .search([("partner_id", "=", self.customer.id), ("company_id", "=", self.company.id)])
        )

    def test_each_company_numbers_its_requests(self):
        """One series of numbers per company: a request of another company takes none of this
        company's numbers."""
        company_b = self.setup_other_company(name="Company B")["company"]
        self.credit_manager.write({"company_ids": [Command.link(company_b.id)]})

        def ask_b(limit):
            request = (
                self.env["ar.credit.limit.request"]
                .with_user(self.credit_manager)
                .with_company(company_b)
                .create(
                    {
                        "partner_id": self.customer.id,
                        "company_id": company_b.id,
                        "requested_limit": limit,
                        "reason": "Orders of the new branch",
                    }
                )
            )
            request.action_submit()
            return request

        first = self.ask(50000.0)
        other_first = ask_b(50000.0)
        other_second = ask_b(70000.0)
        second = self.ask(60000.0)
        requests = (first, other_first, other_second, second)
        for request in requests:
            self.assertRegex(request.name, r"^CL/2026/\d{4}$")
        first_no, other_first_no, other_second_no, second_no = (int(r.name.rsplit("/", 1)[1]) for r in requests)
        self.assertEqual(second_no, first_no + 1, "company B's requests took no number of company A")
        self.assertEqual(other_second_no, other_first_no + 1)


@tagged("post_install", "-at_install")
@freeze_time("2026-05-04 10:00:00")
class TestCreditLimitOverJsonRpc(CreditLimitTierCommon, HttpCase):
    """A credit manager and a collector over /web/dataset/call_kw with tempting context keys:
    nothing changes."""

    def call(self, login, model, method, args, kwargs=None):
        self.authenticate(login, login)
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": dict(kwargs or {}, context=dict(TEMPTING_CONTEXT, allowed_company_ids=self.company.ids)),
            },
        )

    def assertRefused(self, login, model, method, args):
        with self.assertRaises(JsonRpcException) as caught:
            self.call(login, model, method, args)
        self.assertEqual(caught.exception.args[0], "odoo.exceptions.AccessError")

    def test_credit_manager_over_rpc(self):
        self.customer.write({"credit_limit": 80000.0})
        self.assertRefused("ar_credit_manager", "res.partner", "write", [self.customer.ids, {"credit_limit": 2e6}])
        self.assertRefused(
            "ar_credit_manager",
            "res.partner",
            "create",
            [{"name": "Jiangnan Steel", "is_company": True, "credit_limit": 2e6}],
        )
        result = self.call(
            "ar_credit_manager",
            "res.partner",
            "load",
            [[".id", "credit_limit"], [[str(self.customer.id), "2000000"]]],
        )
        self.assertFalse(result["ids"])
        request = self.ask(300000.0)
        self.assertRefused(
            "ar_credit_manager", "ar.credit.limit.request", "write", [request.ids, {"state": "approved"}]
        )
        self.assertRefused(
            "ar_credit_manager",
            "ar.credit.limit.approval",
            "write",
            [request.approval_ids.ids, {"state": "approved", "approver_id": self.finance_manager.id}],
        )
        self.assertRefused("ar_credit_manager", "ar.credit.limit.request", "action_approve", [request.ids])
        self.assertRefused("ar_collector", "ar.credit.limit.request", "action_approve", [request.ids])
        self.assertRefused("ar_collector", "res.partner", "write", [self.customer.ids, {"credit_limit": 1.0}])
        request.invalidate_recordset()
        self.assertEqual(request.state, "to_approve")
        self.assertEqual(request.approval_ids.mapped("state"), ["pending"])
        self.assertEqual(self.limit(), 80000.0)
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Jiangnan Steel")]))
        self.assertEqual(len(self.history()), 1)  # the 80,000 written at the start


@tagged("post_install", "-at_install")
@freeze_time("2026-05-04 10:00:00")
class TestCreditDecisionAboveTheTier(CreditLimitTierCommon):
    """A credit review or a 5C evaluation approved by a credit manager: the grade is his to
    set; a limit above his tier becomes a change request climbing the tiers above his."""

    def review(self, limit, note="Orders doubled since the new plant opened"):
        # the review schedule's record (created in superuser mode, as the cron does)
        review = (
            self.env["ar.credit.review"]
            .sudo()
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "date": "2026-05-04",
                    "score": 91,
                    "current_limit": 80000.0,
                    "proposed_grade_id": self.grade_a.id,
                    "proposed_limit": limit,
                    "new_grade_id": self.grade_a.id,
                    "new_limit": limit,
                    "explanation": "<p>Average Days Late: 1.5</p>",
                }
            )
        )
        review.with_user(self.credit_manager).write({"decision_note": note})
        return review.with_user(self.credit_manager)

    def test_review_within_the_tier_is_applied(self):
        self.customer.write({"credit_limit": 80000.0, "use_partner_credit_limit": True})
        review = self.review(95000.0)
        review.action_approve()
        self.assertEqual((self.customer.credit_grade_id, self.limit()), (self.grade_a, 95000.0))
        self.assertEqual(review.state, "approved")
        self.assertFalse(review.limit_request_id)
        self.assertFalse(self.env["ar.credit.limit.request"].search([("partner_id", "=", self.customer.id)]))
        line = self.history()[-1]
        self.assertEqual((line.user_id, line.note), (self.credit_manager, "Orders doubled since the new plant opened"))

    def test_review_above_the_tier_climbs_the_chain(self):
        self.customer.write({"credit_limit": 80000.0, "use_partner_credit_limit": True})
        review = self.review(800000.0)
        review.action_approve()
        # the grade is applied at once, the limit waits for the chain
        self.assertEqual((self.customer.credit_grade_id, self.limit()), (self.grade_a, 80000.0))
        self.assertEqual(review.state, "approved")
        request = review.limit_request_id
        self.assertEqual((request.state, review.limit_request_state), ("to_approve", "to_approve"))
        self.assertEqual(request.review_id, review)
        self.assertEqual((request.user_id, request.requested_limit), (self.credit_manager, 800000.0))
        self.assertEqual(request.current_limit, 80000.0)
        self.assertEqual(request.reason, "Orders doubled since the new plant opened\n\nAverage Days Late: 1.5")
        chain = request.approval_ids.sorted("sequence")
        self.assertEqual(
            [(step.group_id, step.user_id) for step in chain],
            [
                (self.env.ref("account.group_account_manager"), self.env["res.users"]),
                (self.env["res.groups"], self.general_manager),
            ],
        )
        # nobody forges the link
        with self.assertRaises(AccessError):
            request.with_user(self.credit_manager).write({"review_id": False})
        with self.assertRaises(AccessError):
            review.write({"limit_request_id": False})
        # the credit manager does not approve his own request
        with self.assertRaises(AccessError):
            request.with_user(self.credit_manager).action_approve()
        request.with_user(self.finance_manager).action_approve()
        self.assertEqual(self.limit(), 80000.0)
        request.with_user(self.general_manager).action_approve()
        self.assertEqual((request.state, self.limit()), ("approved", 800000.0))
        line = self.history()[-1]
        self.assertEqual(
            (line.old_value, line.new_value), (self.currency.format(80000.0), self.currency.format(800000.0))
        )
        self.assertEqual((line.requested_by_id, line.approved_by_id), (self.credit_manager, self.general_manager))
        self.assertEqual(line.limit_request_id, request)
        self.assertEqual(line.note, "Orders doubled since the new plant opened\n\nAverage Days Late: 1.5")

    def test_5c_evaluation_above_the_tier(self):
        newcomer = self.env["res.partner"].create({"name": "Jiangnan Steel", "is_company": True})
        card = (
            self.env["ar.credit.scorecard"]
            .with_user(self.credit_manager)
            .create(
                {
                    "partner_id": newcomer.id,
                    "character": "5",
                    "capacity": "5",
                    "capital": "5",
                    "collateral": "5",
                    "conditions": "5",
                    "note": "Listed group, bank guarantee of 300,000",
                }
            )
        )
        # score 100: grade A, half of its default limit of 500,000
        self.assertEqual((card.score, card.proposed_grade_id, card.proposed_limit), (100, self.grade_a, 250000.0))
        card.action_apply()
        self.assertEqual(card.state, "applied")
        self.assertEqual(newcomer.credit_grade_id, self.grade_a)
        self.assertFalse(newcomer.sudo().use_partner_credit_limit, "no limit until the chain approves it")
        request = card.limit_request_id
        self.assertEqual((request.scorecard_id, request.user_id), (card, self.credit_manager))
        self.assertEqual(
            request.reason, "5C evaluation of 2026-05-04 (score 100)\n\nListed group, bank guarantee of 300,000"
        )
        chain = request.approval_ids
        self.assertEqual(chain.group_id, self.env.ref("account.group_account_manager"))
        self.assertEqual(len(chain), 1)
        request.with_user(self.finance_manager).action_approve()
        self.assertEqual((self.limit(newcomer), newcomer.sudo().use_partner_credit_limit), (250000.0, True))
        line = self.history(newcomer)[-1]
        self.assertEqual((line.requested_by_id, line.approved_by_id), (self.credit_manager, self.finance_manager))
        self.assertIn("5C evaluation of 2026-05-04", line.note)

    def test_5c_evaluation_within_the_tier(self):
        newcomer = self.env["res.partner"].create({"name": "Jiangnan Steel", "is_company": True})
        card = (
            self.env["ar.credit.scorecard"]
            .with_user(self.credit_manager)
            .create({"partner_id": newcomer.id, "character": "1", "capacity": "5", "capital": "5", "collateral": "5"})
        )
        # 30 x 0 + 25 + 20 + 15 + 10 x 0.5 = 65: grade B, half of 200,000
        self.assertEqual((card.score, card.proposed_grade_id), (65, self.env.ref("ar_collections.ar_credit_grade_b")))
        self.assertEqual(card.proposed_limit, 100000.0)
        card.action_apply()
        self.assertEqual(self.limit(newcomer), 100000.0)
        self.assertFalse(card.limit_request_id)
