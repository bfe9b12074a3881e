from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .test_ar_aging_report import pdf_text
from .test_auto_dunning import AutoDunningCommon


class RepaymentPlanCommon(AutoDunningCommon):
    """Huadong owes invoice A (3,000, due 3 March 2026) and invoice B (1,500, due 12 March
    2026); the 1-30 stage e-mails its customers. On Monday 16 March 2026 the collector
    agrees a plan with them: 4,500 in three instalments of 1,500 on 20 March, 20 April and
    20 May. Grace period 3 days; two broken instalments cancel a plan; plans above 10,000
    are approved by a Credit Manager."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"ar_promise_grace_days": 3, "ar_plan_max_broken": 2, "ar_plan_approval_amount": 10000.0})
        cls.invoice_a = cls.ar_invoice(cls.customer, 3000.0, "2026-02-01", "2026-03-03")
        cls.invoice_b = cls.ar_invoice(cls.customer, 1500.0, "2026-02-10", "2026-03-12")
        cls.credit_manager_2 = new_test_user(
            cls.env,
            "ar_credit_manager_2",
            groups="base.group_user,ar_collections.group_ar_credit_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
            name="Credit Manager Qian",
        )

    def new_plan(self, invoices=None, amounts=(1500.0, 1500.0, 1500.0), user=None, partner=None):
        dates = ["2026-03-20", "2026-04-20", "2026-05-20", "2026-06-20"]
        with freeze_time("2026-03-16 09:00:00"):
            return (
                self.env["ar.repayment.plan"]
                .with_user(user or self.collector)
                .create(
                    {
                        "partner_id": (partner or self.customer).id,
                        "invoice_ids": [Command.set((invoices or (self.invoice_a | self.invoice_b)).ids)],
                        "line_ids": [
                            Command.create({"date": date, "amount": amount})
                            for date, amount in zip(dates, amounts, strict=False)
                        ],
                    }
                )
            )

    def active_plan(self):
        plan = self.new_plan()
        with freeze_time("2026-03-16 09:00:00"):
            plan.action_propose()
            self.assertEqual(plan.state, "proposed", "4,500 is below the approval amount")
            plan.action_activate()
        return plan.with_env(self.env)

    def run_on(self, day):
        with freeze_time(f"{day} 02:00:00"):
            return self.run_collections()

    def fresh(self, record):
        self.env.invalidate_all()
        return record.browse(record.ids)


@tagged("post_install", "-at_install")
class TestRepaymentPlan(RepaymentPlanCommon):
    def test_amount_covered_and_number(self):
        self.ar_pay(self.invoice_a, 1000.0, "2026-03-10")
        plan = self.new_plan(amounts=(1000.0, 1000.0, 1500.0))
        self.assertEqual(plan.amount_covered, 3500.0, "what the invoices still owe: 2,000 + 1,500")
        self.assertEqual(plan.amount_scheduled, 3500.0)
        self.assertRegex(plan.name, r"^RP/2026/\d{4}$")
        other = self.new_plan(amounts=(1000.0, 1000.0, 1500.0))
        self.assertNotEqual(other.name, plan.name)

    def test_schedule_must_add_up(self):
        plan = self.new_plan(amounts=(1500.0, 1500.0))
        with freeze_time("2026-03-16 09:00:00"), self.assertRaises(ValidationError):
            plan.action_propose()
        self.assertEqual(plan.state, "draft")

    def test_generate_equal_monthly_instalments(self):
        invoice = self.ar_invoice(self.customer, 1000.0, "2026-02-01", "2026-03-03")
        plan = self.new_plan(invoices=invoice, amounts=())
        plan.write({"instalment_count": 3, "first_instalment_date": "2026-04-05"})
        plan.action_generate_instalments()
        self.assertEqual(plan.line_ids.mapped("amount"), [333.33, 333.33, 333.34])
        self.assertEqual([str(d) for d in plan.line_ids.mapped("date")], ["2026-04-05", "2026-05-05", "2026-06-05"])
        with freeze_time("2026-03-16 09:00:00"):
            plan.action_propose()
        self.assertEqual(plan.state, "proposed")

    def test_invoices_of_another_customer_refused(self):
        other = self.env["res.partner"].create({"name": "Other Co", "is_company": True})
        other_invoice = self.ar_invoice(other, 800.0, "2026-02-01", "2026-03-03")
        with self.assertRaises(ValidationError):
            self.new_plan(invoices=self.invoice_a | other_invoice)

    def test_instalments_kept_partly_kept_broken_then_plan_cancelled(self):
        plan = self.active_plan()
        self.assertEqual(plan.date_start.isoformat(), "2026-03-16")
        # first instalment paid on time
        self.ar_pay(self.invoice_a, 1500.0, "2026-03-19")
        self.run_on("2026-03-24")
        first, second, third = plan.line_ids.sorted("date")
        self.assertEqual((first.state, first.paid_amount), ("kept", 1500.0))
        self.assertEqual(second.state, "open")
        self.assertEqual(plan.state, "active")
        with freeze_time("2026-03-24 09:00:00"):
            self.customer.invalidate_recordset()
            self.assertEqual(self.customer.ar_plan_next_date.isoformat(), "2026-04-20")
            self.assertEqual(self.customer.ar_plan_next_amount, 1500.0)
            self.assertEqual(self.customer.ar_plan_arrears, 0.0)
        # second: 500 paid within the grace period (deadline 23 April)
        self.ar_pay(self.invoice_a, 500.0, "2026-04-22")
        self.run_on("2026-04-23")
        self.assertEqual(second.state, "open", "still in its grace period")
        self.run_on("2026-04-24")
        self.assertEqual((second.state, second.paid_amount), ("partial", 500.0))
        self.assertEqual((plan.state, plan.broken_count), ("active", 1))
        with freeze_time("2026-04-24 09:00:00"):
            self.customer.invalidate_recordset()
            self.assertEqual(self.customer.ar_plan_arrears, 1000.0)
            self.assertEqual(self.customer.ar_plan_next_date.isoformat(), "2026-05-20")
        self.assertIn("only partly kept", " ".join(plan.message_ids.mapped("body")))
        followup = self.followup(self.customer)
        self.assertEqual(len(followup), 1, "the broken instalment escalated the follow-up, kept open")
        self.assertFalse(self.message_of(self.customer), "still no dunning: the plan is active")
        # third: nothing paid, a payment after the grace period does not count
        self.ar_pay(self.invoice_a, 1000.0, "2026-05-24")
        self.run_on("2026-05-24")
        self.assertEqual((third.state, third.paid_amount), ("broken", 0.0))
        self.assertEqual((plan.state, plan.broken_count), ("broken", 2))
        self.assertIn("the plan is cancelled and dunning resumes", " ".join(plan.message_ids.mapped("body")))

    def test_plan_completed_when_all_paid(self):
        plan = self.active_plan()
        self.ar_pay(self.invoice_a, 3000.0, "2026-03-18")
        self.ar_pay(self.invoice_b, 1500.0, "2026-03-18")
        self.run_on("2026-03-19")
        self.assertEqual(set(plan.line_ids.mapped("state")), {"kept"})
        self.assertEqual(plan.state, "completed")

    def test_payment_before_the_plan_or_credit_note_does_not_count(self):
        self.ar_pay(self.invoice_a, 100.0, "2026-03-10")  # before the plan
        plan = self.new_plan(amounts=(1400.0, 1500.0, 1500.0))
        with freeze_time("2026-03-16 09:00:00"):
            plan.action_propose()
            plan.action_activate()
        credit_note = self.ar_invoice(self.customer, 1400.0, "2026-03-18", move_type="out_refund")
        (credit_note + self.invoice_b).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).reconcile()
        self.run_on("2026-03-24")
        first = plan.line_ids.sorted("date")[0]
        self.assertEqual((first.state, first.paid_amount), ("broken", 0.0))

    def test_no_dunning_while_kept_dunning_resumes_when_broken(self):
        self.stage_1_30.auto_letter = True
        self.stage_31_60.auto_email = True
        self.company.ar_plan_max_broken = 1
        plan = self.active_plan()
        # the same invoice without a plan is dunned
        control = self.env["res.partner"].create(
            {"name": "No Plan Co", "is_company": True, "email": "ap@noplan.example.com"}
        )
        self.ar_invoice(control, 3000.0, "2026-02-01", "2026-03-03")
        run = self.run_on("2026-03-23")  # 20 and 11 days overdue: 1-30, but paused
        self.assertEqual(self.message_of(control).state, "sent")
        self.assertFalse(self.message_of(self.customer))
        self.assertFalse(self.env["ar.dunning.letter"].search([("partner_id", "=", self.customer.id)]))
        self.assertFalse((self.invoice_a | self.invoice_b).collection_stage_id)
        self.assertEqual(run.dunning_sent_count, 1, "the control customer only")
        # nothing paid by the end of the grace period: broken, cancelled, staged again the same night
        self.run_on("2026-03-24")
        self.assertEqual(plan.state, "broken")
        self.assertEqual(self.invoice_a.collection_stage_id, self.stage_1_30)
        self.assertEqual(self.invoice_b.collection_stage_id, self.stage_1_30)
        self.assertEqual(len(self.followup(self.customer)), 1, "the broken instalment escalated the follow-up")
        # and dunned: invoice A reaches 31-60 days, the stage e-mails the customer
        run = self.run_on("2026-04-03")
        self.assertEqual(self.invoice_a.collection_stage_id, self.stage_31_60)
        message = self.message_of(self.customer)
        self.assertEqual((message.state, message.run_id, message.amount_due), ("sent", run, 4500.0))
        self.assertIn(self.invoice_a.name, self.reminders(self.contact).body_html)

    def test_cancelled_plan_unpauses(self):
        plan = self.active_plan()
        Move = self.env["account.move"]
        self.assertTrue(set(plan.invoice_ids.ids) <= Move._ar_get_paused_invoice_ids(self.company))
        plan.with_user(self.collector).action_cancel()
        self.assertEqual(plan.state, "cancel")
        self.assertFalse(set(plan.invoice_ids.ids) & Move._ar_get_paused_invoice_ids(self.company))

    def test_a_failing_plan_is_logged_and_skipped(self):
        good = self.active_plan()
        other = self.env["res.partner"].create({"name": "Bad Data Co", "is_company": True})
        bad_invoice = self.ar_invoice(other, 1500.0, "2026-02-01", "2026-03-03")
        bad = self.new_plan(invoices=bad_invoice, amounts=(1500.0,), partner=other)
        with freeze_time("2026-03-16 09:00:00"):
            bad.action_propose()
            bad.action_activate()
        self.ar_pay(self.invoice_a, 1500.0, "2026-03-19")
        Plan = type(self.env["ar.repayment.plan"])
        original = Plan._ar_get_payments

        def failing(plans, today):
            if bad in plans:
                raise ValueError("corrupted plan")
            return original(plans, today)

        with patch.object(Plan, "_ar_get_payments", failing):
            run = self.run_on("2026-03-24")
        self.assertEqual(run.state, "done")
        self.assertEqual(run.error_count, 1)
        self.assertIn(bad.name, run.error_log)
        self.assertEqual(good.line_ids.sorted("date")[0].state, "kept")
        self.assertEqual(bad.line_ids.state, "open")

    def test_letter_and_statement_show_the_plan(self):
        self.active_plan()
        other_invoice = self.ar_invoice(self.customer, 700.0, "2026-02-01", "2026-03-01")
        with freeze_time("2026-03-24 09:00:00"):
            letter = self.env["ar.dunning.letter"].with_user(self.collector).create({"partner_id": self.customer.id})
            self.assertIn(other_invoice, letter.invoice_ids)
            self.assertFalse(letter.invoice_ids & (self.invoice_a | self.invoice_b), "the plan's invoices are paused")
            content, _type = (
                self.env["ir.actions.report"]
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf("ar_collections.ar_dunning_letter_report_action", letter.ids)
            )
        text = " ".join(pdf_text(content).split())
        self.assertIn("Repayment plan", text)
        self.assertIn("next instalment $ 1,500.00 on 04/20/2026", text)
        self.assertIn("arrears $ 1,500.00", text, "the instalment of 20 March is due and unpaid")

    def test_agreement_pdf_schedule_and_capital_amount(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.customer.lang = "zh_CN"
        plan = self.active_plan()
        content, report_type = (
            self.env["ir.actions.report"]
            .with_user(self.collector)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("ar_collections.ar_repayment_plan_report_action", plan.ids)
        )
        self.assertEqual(report_type, "pdf")
        text = " ".join(pdf_text(content).split())
        self.assertIn(plan.name, text)
        self.assertIn(self.invoice_a.name, text)
        self.assertIn(self.invoice_b.name, text)
        self.assertIn("大写", text)
        self.assertIn("USD 肆仟伍佰元整", text.replace("USD肆", "USD 肆"))
        for day in ("2026年03月20日", "2026年04月20日", "2026年05月20日"):  # zh_CN dates
            self.assertIn(day, text)
        self.assertEqual(text.count("$ 1,500.00"), 4, "three instalments and invoice B")

    def test_agreement_pdf_in_english(self):
        plan = self.active_plan()
        content, _type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("ar_collections.ar_repayment_plan_report_action", plan.ids)
        )
        text = " ".join(pdf_text(content).split())
        self.assertIn("Repayment Agreement", text)
        self.assertIn("Schedule of instalments", text)
        self.assertIn("Authorised signature", text)
        self.assertNotIn("大写", text)


@tagged("post_install", "-at_install")
class TestRepaymentPlanControls(RepaymentPlanCommon):
    def test_above_the_amount_a_credit_manager_approves(self):
        self.company.ar_plan_approval_amount = 4000.0
        plan = self.new_plan(user=self.credit_manager)
        with freeze_time("2026-03-16 09:00:00"):
            plan.action_propose()
        self.assertEqual(plan.state, "to_approve")
        self.assertEqual(plan.requested_by_id, self.credit_manager)
        with self.assertRaises(UserError):
            plan.with_user(self.collector).action_activate()
        with self.assertRaises(AccessError):
            plan.with_user(self.collector).action_approve()
        with self.assertRaises(AccessError):
            plan.with_user(self.credit_manager).action_approve()  # his own
        self.assertEqual(self.fresh(plan).state, "to_approve")
        plan.with_user(self.credit_manager_2).action_approve()
        self.assertEqual((plan.state, plan.approver_id), ("proposed", self.credit_manager_2))
        with freeze_time("2026-03-17 09:00:00"):
            plan.with_user(self.collector).action_activate()
        self.assertEqual((plan.state, plan.date_agreed.isoformat()), ("active", "2026-03-17"))

    def test_terms_and_state_guarded(self):
        plan = self.active_plan()
        line = plan.line_ids[0]
        for user in (self.collector, self.credit_manager):
            with self.assertRaises(AccessError):
                plan.with_user(user).write({"state": "completed"})
            with self.assertRaises(AccessError):
                line.with_user(user).write({"state": "kept", "paid_amount": 1500.0})
            with self.assertRaises(UserError):
                line.with_user(user).write({"amount": 10.0})
            with self.assertRaises(UserError):
                plan.with_user(user).write({"invoice_ids": [Command.set(self.invoice_b.ids)]})
            with self.assertRaises(UserError):
                line.with_user(user).unlink()
            with self.assertRaises(UserError):
                plan.with_user(user).unlink()
        plan = self.fresh(plan)
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.line_ids.mapped("amount"), [1500.0, 1500.0, 1500.0])
        self.assertEqual(plan.invoice_ids, self.invoice_a | self.invoice_b)
        with self.assertRaises(AccessError):
            self.env["ar.repayment.plan"].with_user(self.collector).create(
                {"partner_id": self.customer.id, "state": "active", "invoice_ids": [Command.set(self.invoice_a.ids)]}
            )

    def test_proposal_sent_by_email_with_its_link(self):
        """The collector e-mails the proposed plan: the agreement attached, the schedule and the
        link to accept it online in the body; the plan stays proposed. A draft cannot be sent;
        an auditor or a salesperson cannot send it (nothing sent, no link made)."""
        plan = self.new_plan()
        Links = self.env["ar.customer.link"]
        with self.assertRaises(UserError):
            plan.with_user(self.collector).action_send_proposal()  # a draft: not proposed yet
        with freeze_time("2026-03-16 09:00:00"):
            plan.with_user(self.collector).action_propose()
            Links.sudo().search([("res_model", "=", "ar.repayment.plan"), ("res_id", "=", plan.id)]).unlink()
            for user in (self.auditor, self.salesman):
                with self.assertRaises(AccessError):
                    plan.with_user(user).action_send_proposal()
            self.assertFalse(Links._ar_valid_links(plan), "refused: no link made")
            action = plan.with_user(self.collector).action_send_proposal()
            composer = Form(
                self.env["mail.compose.message"].with_user(self.collector).with_context(**action["context"])
            )
            composer.save().action_send_mail()
            link = Links._ar_valid_links(plan)[plan.id]
        mail = plan.message_ids.filtered(lambda m: m.attachment_ids and "/ar/link/" in (m.body or ""))
        self.assertEqual(len(mail), 1)
        self.assertIn(f"/ar/link/{link.sudo().token}", mail.body)
        self.assertIn(plan.name, mail.body)
        for day in ("03/20/2026", "04/20/2026", "05/20/2026"):
            self.assertIn(day, mail.body)
        self.assertIn("1,500.00", mail.body)
        self.assertIn("4,500.00", mail.body)
        self.assertEqual(mail.partner_ids, self.customer)
        # the agreement (its report's file name: number and customer)
        self.assertEqual(len(mail.attachment_ids), 1)
        self.assertTrue(mail.attachment_ids.name.startswith(plan.name.replace("/", "_")), mail.attachment_ids.name)
        self.assertEqual(plan.state, "proposed", "sending is not agreeing")

    def test_auditor_reads_changes_nothing(self):
        plan = self.active_plan()
        self.assertEqual(plan.with_user(self.auditor).amount_covered, 4500.0)
        with self.assertRaises(AccessError):
            plan.with_user(self.auditor).write({"note": "seen"})
        with self.assertRaises(AccessError):
            plan.with_user(self.auditor).action_cancel()
        with self.assertRaises(AccessError):
            self.env["ar.repayment.plan"].with_user(self.auditor).create({"partner_id": self.customer.id})
        self.assertEqual(self.fresh(plan).state, "active")

    def test_salesperson_reads_his_customers_plans_only(self):
        plan = self.active_plan()
        other = self.env["res.partner"].create({"name": "Not His Co", "is_company": True})
        other_plan = self.new_plan(
            invoices=self.ar_invoice(other, 900.0, "2026-02-01", "2026-03-03"), amounts=(900.0,), partner=other
        )
        Plan = self.env["ar.repayment.plan"].with_user(self.salesman)
        self.assertEqual(Plan.search([]), plan)
        with self.assertRaises(AccessError):
            other_plan.with_user(self.salesman).read(["amount_covered"])
        with self.assertRaises(AccessError):
            plan.with_user(self.salesman).write({"note": "mine"})
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.with_user(self.salesman).ar_plan_state, "active")

    def test_other_company_sees_nothing(self):
        plan = self.active_plan()
        company_b = self.setup_other_company(name="Company B")["company"]
        manager_b = new_test_user(
            self.env,
            "ar_manager_b",
            groups="base.group_user,ar_collections.group_ar_credit_manager",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
            name="Manager B",
        )
        self.assertFalse(self.env["ar.repayment.plan"].with_user(manager_b).search([]))
        self.assertFalse(self.env["ar.repayment.plan.line"].with_user(manager_b).search([]))
        with self.assertRaises(AccessError):
            plan.with_user(manager_b).read(["amount_covered"])
        customer_b = self.customer.with_user(manager_b).with_company(company_b)
        self.assertFalse(customer_b.ar_plan_state)
        self.assertEqual(customer_b.ar_plan_count, 0)
        self.assertFalse(self.env["account.move"]._ar_get_paused_invoice_ids(company_b) & set(plan.invoice_ids.ids))

    def test_customer_acceptance_hook(self):
        plan = self.new_plan()
        with freeze_time("2026-03-16 09:00:00"):
            plan.action_propose()
            with self.assertRaises(AccessError):
                plan._ar_accept_by_customer(self.env["res.partner"].create({"name": "Stranger", "is_company": True}))
            self.assertEqual(plan.state, "proposed")
            plan._ar_accept_by_customer(self.contact)
        self.assertEqual(plan.state, "active")
        self.assertIn("accepted the repayment plan on the portal", " ".join(plan.message_ids.mapped("body")))


@tagged("post_install", "-at_install")
class TestRepaymentPlanOverJsonRpc(RepaymentPlanCommon, HttpCase):
    """The attacks over /web/dataset/call_kw, logged in as the user to stop, with a
    tempting context."""

    TEMPTING = {"ar_plan_approval": True, "force_approve": True, "active_test": False}

    def call(self, login, model, method, args):
        self.authenticate(login, login)
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": {"context": self.TEMPTING}},
        )

    def assertRefused(self, login, model, method, args, error="odoo.exceptions.AccessError"):
        with self.assertRaises(JsonRpcException) as caught:
            self.call(login, model, method, args)
        self.assertEqual(caught.exception.args[0], error)

    def test_rpc_attacks_change_nothing(self):
        self.company.ar_plan_approval_amount = 4000.0
        plan = self.new_plan(user=self.credit_manager)
        with freeze_time("2026-03-16 09:00:00"):
            plan.with_user(self.credit_manager).action_propose()
        self.assertEqual(plan.state, "to_approve")
        # writing the state
        self.assertRefused("ar_collector", "ar.repayment.plan", "write", [plan.ids, {"state": "active"}])
        # approving as a collector, and as the requester
        self.assertRefused("ar_collector", "ar.repayment.plan", "action_approve", [plan.ids])
        self.assertRefused("ar_credit_manager", "ar.repayment.plan", "action_approve", [plan.ids])
        # the customer's acceptance is not an endpoint
        self.assertRefused("ar_collector", "ar.repayment.plan", "_ar_accept_by_customer", [plan.ids, self.customer.id])
        plan = self.fresh(plan)
        self.assertEqual((plan.state, plan.approver_id.id), ("to_approve", False))
        # approved by the other manager, agreed: the instalments of an active plan are fixed
        plan.with_user(self.credit_manager_2).action_approve()
        plan.with_user(self.collector).action_activate()
        line = plan.line_ids[0]
        self.assertRefused(
            "ar_collector",
            "ar.repayment.plan.line",
            "write",
            [line.ids, {"amount": 1.0}],
            error="odoo.exceptions.UserError",
        )
        self.assertRefused("ar_collector", "ar.repayment.plan.line", "write", [line.ids, {"state": "kept"}])
        self.assertRefused(
            "ar_collector",
            "ar.repayment.plan",
            "write",
            [plan.ids, {"line_ids": [Command.update(line.id, {"amount": 1.0})]}],
            error="odoo.exceptions.UserError",
        )
        self.assertRefused("ar_auditor", "ar.repayment.plan", "action_cancel", [plan.ids])
        plan = self.fresh(plan)
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.line_ids.mapped("amount"), [1500.0, 1500.0, 1500.0])
        self.assertEqual(plan.line_ids.mapped("state"), ["open", "open", "open"])
