"""Collection cases: dunning paused and the customer held while open, provisioned at the
legal rate, recoveries from reconciled payments and the agency's commission bill, closing as
uncollectable into a write-off request, the limitation clock's warnings."""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common_baddebt import ArBadDebtCommon


@tagged("post_install", "-at_install")
class TestCollectionCase(ArBadDebtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agency = cls.env["res.partner"].create({"name": "Shanghai Recovery Agency", "is_company": True})
        cls.commission_account = cls.company_data["default_account_expense"]
        cls.company.ar_case_commission_account_id = cls.commission_account
        cls.credit_manager_user = cls.credit_manager
        cls.company.ar_credit_manager_user_id = cls.credit_manager

    def open_case(self, invoices, **vals):
        return (
            self.env["ar.collection.case"]
            .with_user(self.credit_manager)
            .create(
                {
                    "partner_id": invoices[:1].partner_id.id,
                    "invoice_ids": [Command.set(invoices.ids)],
                    "amount": sum(invoices.mapped("amount_residual")),
                    "handler": "agency",
                    "agency_id": self.agency.id,
                    "commission_rate": 20.0,
                    "date_open": "2026-02-01",
                    "last_acknowledgement_date": "2025-06-30",
                    **vals,
                }
            )
        )

    @freeze_time("2026-02-10 09:00:00")
    def test_case_pauses_dunning_and_holds(self):
        Move = self.env["account.move"]
        dunnable = Move.search(Move._ar_get_dunning_domain(self.company))
        self.assertIn(self.inv2, dunnable)
        self.assertFalse(self.env["sale.order"]._ar_blacklist_reasons(self.customer))
        case = self.open_case(self.inv2)
        self.assertRegex(case.name, r"^CASE/2026/\d{4}$")
        dunnable = Move.search(Move._ar_get_dunning_domain(self.company))
        self.assertNotIn(self.inv2, dunnable, "legal follows it: no dunning")
        self.assertIn(self.inv1, dunnable, "the other invoice is still dunned")
        reasons = self.env["sale.order"].with_user(self.salesman)._ar_blacklist_reasons(self.customer)
        self.assertEqual([reason["code"] for reason in reasons], ["collection_case"])
        self.assertIn(case.name, reasons[0]["message"])
        # provisioned at the legal rate at the month end while open
        provision = self.env["ar.bad.debt.provision"].with_user(self.credit_manager).create({"date": "2026-02-28"})
        provision.action_compute()
        legal = provision.line_ids.filtered(lambda line: line.bucket == "legal")
        self.assertEqual((legal.partner_id, legal.base_amount, legal.provision_amount), (self.customer, 4000.0, 4000.0))
        # settled: dunning and orders resume
        case.with_user(self.credit_manager).action_settle()
        self.assertIn(self.inv2, Move.search(Move._ar_get_dunning_domain(self.company)))
        self.assertFalse(self.env["sale.order"]._ar_blacklist_reasons(self.customer))

    @freeze_time("2026-03-15 09:00:00")
    def test_recoveries_and_commission_bill(self):
        self.ar_pay(self.inv2, 500.0, "2026-01-20")  # before the handover: not the agency's
        case = self.open_case(self.inv2 | self.inv1)
        self.ar_pay(self.inv2, 3000.0, "2026-03-01")
        self.assertEqual(case.recovered_amount, 3000.0)
        self.assertEqual(case.commission_amount, 600.0)
        action = case.with_user(self.credit_manager).action_create_commission_bill()
        bill = self.env["account.move"].browse(action["res_id"])
        self.assertEqual((bill.move_type, bill.state, bill.partner_id), ("in_invoice", "draft", self.agency))
        self.assertEqual(bill.amount_total, 600.0)
        self.assertEqual(bill.invoice_line_ids.account_id, self.commission_account)
        self.assertEqual(case.commission_billed_amount, 600.0)
        with self.assertRaisesRegex(UserError, "No commission left"):
            case.with_user(self.credit_manager).action_create_commission_bill()
        self.ar_pay(self.inv1, 1000.0, "2026-03-10")
        case.invalidate_recordset()
        self.assertEqual(case.recovered_amount, 4000.0)
        action = case.with_user(self.credit_manager).action_create_commission_bill()
        self.assertEqual(self.env["account.move"].browse(action["res_id"]).amount_total, 200.0, "only the rest")
        with self.assertRaises(AccessError):
            case.with_user(self.collector).action_create_commission_bill()

    @freeze_time("2026-03-15 09:00:00")
    def test_stages_and_uncollectable(self):
        case = self.open_case(self.inv2, handler="legal", agency_id=False, user_id=self.collector.id)
        case.with_user(self.collector).action_next_stage()
        self.assertEqual(case.state, "lawyer_letter")
        for vals in ({"state": "settled"}, {"limitation_warning": "30"}, {"name": "X"}):
            with self.assertRaises(AccessError):
                case.with_user(self.credit_manager).write(vals)
        with self.assertRaises(AccessError):
            case.with_user(self.collector).write({"amount": 1.0})
        case.with_user(self.collector).write({"last_acknowledgement_date": "2026-03-01"})
        self.assertEqual(case.limitation_date, self.d("2029-03-01"))
        case.with_user(self.collector).action_close_uncollectable()
        self.assertEqual(case.state, "uncollectable")
        request = case.write_off_request_id
        self.assertEqual((request.state, request.amount, request.invoice_ids), ("draft", 4000.0, self.inv2))
        self.assertEqual(request.user_id, self.collector)
        with self.assertRaises(UserError):
            case.with_user(self.credit_manager).action_next_stage()
        with self.assertRaises(AccessError):
            self.env["ar.collection.case"].with_user(self.collector).create(
                {"partner_id": self.customer.id, "invoice_ids": [Command.set(self.inv1.ids)], "amount": 1.0}
            )

    def test_limitation_warnings(self):
        with freeze_time("2026-01-05 09:00:00"):
            case = self.open_case(self.inv2, last_acknowledgement_date="2023-03-31")
        self.assertEqual(case.limitation_date, self.d("2026-03-31"))
        Case = self.env["ar.collection.case"]

        def warnings():
            return case.activity_ids.filtered(lambda activity: "Limitation" in (activity.summary or ""))

        with freeze_time("2026-01-05 09:00:00"):  # 85 days before
            Case._cron_ar_limitation_warnings()
        self.assertEqual(case.limitation_warning, "90")
        self.assertEqual(len(warnings()), 1)
        self.assertEqual(warnings().user_id, self.credit_manager)
        with freeze_time("2026-01-06 09:00:00"):
            Case._cron_ar_limitation_warnings()
        self.assertEqual(len(warnings()), 1, "warned once per threshold")
        with freeze_time("2026-03-02 09:00:00"):  # 29 days before
            Case._cron_ar_limitation_warnings()
        self.assertEqual(case.limitation_warning, "30")
        self.assertEqual(len(warnings()), 2)
        # a signed reply restarts the clock
        with freeze_time("2026-03-05 09:00:00"):
            case.with_user(self.credit_manager).last_acknowledgement_date = "2026-03-05"
            Case._cron_ar_limitation_warnings()
        self.assertFalse(case.limitation_warning)
        self.assertEqual(len(warnings()), 2)

    @freeze_time("2026-03-15 09:00:00")
    def test_evidence_pack(self):
        case = self.open_case(self.inv2 | self.inv1)
        letter = (
            self.env["ar.dunning.letter"]
            .with_user(self.collector)
            .create({"partner_id": self.customer.id, "level": "final", "date": "2026-02-20"})
        )
        self.env["ar.collection.log"].with_user(self.collector).create(
            {
                "partner_id": self.customer.id,
                "channel": "phone",
                "result_id": self.env.ref("ar_collections.ar_collection_result_waiting_customer").id,
                "notes": "Customer says the bank refused the loan",
            }
        )
        evidence = case.with_user(self.auditor)._ar_get_evidence()
        self.assertEqual(evidence["invoices"], self.inv2 | self.inv1)
        self.assertEqual(evidence["letters"], letter)
        self.assertEqual(len(evidence["logs"]), 1)
        html = (
            self.env["ir.actions.report"]
            .with_user(self.auditor)
            ._render_qweb_html("ar_collections.ar_collection_case_evidence_report_action", case.ids)[0]
            .decode()
        )
        for text in (case.name, self.inv1.name, self.inv2.name, "Final Notice", "02/20/2026", "bank refused the loan"):
            self.assertIn(text, html)
        content, report_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("ar_collections.ar_collection_case_evidence_report_action", case.ids)
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(content.startswith(b"%PDF"))

    @freeze_time("2026-03-15 09:00:00")
    def test_customer_is_the_company(self):
        """A contact given as the case's customer, on creation or later, is replaced by his
        company (the invoices and the dunning pause are the company's)."""
        contact = self.env["res.partner"].create({"name": "Li Wei", "parent_id": self.customer.id})
        case = self.open_case(self.inv2, partner_id=contact.id)
        self.assertEqual(case.partner_id, self.customer)
        case.with_user(self.credit_manager).write({"partner_id": contact.id})
        self.assertEqual(case.partner_id, self.customer)


@tagged("post_install", "-at_install")
class TestBadDebtDemo(ArBadDebtCommon):
    @freeze_time("2026-03-15 09:00:00")
    def test_demo_builds_real_entries(self):
        self.company._ar_load_demo_bad_debts()
        self.assertFalse(
            self.env["ir.model"].search([("model", "=like", "ar.%demo%")]), "no demo model in the database"
        )
        provision = self.env["ar.bad.debt.provision"].search([("company_id", "=", self.company.id)])
        self.assertEqual(provision.date, self.d("2026-02-28"))
        self.assertEqual(provision.move_id.state, "draft")
        request = self.env["ar.write.off.request"].search([("company_id", "=", self.company.id)])
        self.assertEqual((request.state, request.recovered_amount), ("approved", 6000.0))
        self.assertTrue(request.partner_id.credit_blacklisted)
        self.assertEqual(request.invoice_ids.payment_state, "paid")
        case = self.env["ar.collection.case"].search([("company_id", "=", self.company.id)])
        self.assertEqual((case.handler, case.commission_rate, case.state), ("agency", 25.0, "preparing"))
