"""The collections follow-up of a customer moves to the case owner when a collection case
opens, the nightly run keeps it there while the case is open, and it returns to the stage's
owner (the collector) when the case closes."""

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common_baddebt import ArBadDebtCommon
from .common_collections import ArCollectionRunCommon


@tagged("post_install", "-at_install")
class TestCaseFollowup(ArBadDebtCommon, ArCollectionRunCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agency = cls.env["res.partner"].create({"name": "Shanghai Recovery Agency", "is_company": True})

    def open_case(self, invoices, user, **vals):
        return (
            self.env["ar.collection.case"]
            .with_user(self.credit_manager)
            .create(
                {
                    "partner_id": self.customer.id,
                    "invoice_ids": [Command.set(invoices.ids)],
                    "amount": sum(invoices.mapped("amount_residual")),
                    "user_id": user.id,
                    "last_acknowledgement_date": "2025-12-01",
                    **vals,
                }
            )
        )

    def owner(self):
        activity = self.followup(self.customer)
        self.assertEqual(len(activity), 1, "one open follow-up")
        return activity.user_id

    def notes(self):
        return self.customer.message_ids.filtered(lambda m: m.message_type == "notification" or m.subtype_id)

    def test_legal_case_takes_and_gives_back_the_followup(self):
        # 10 February: 4,000 is 52 days late (31-60: the salesperson follows up)
        with freeze_time("2026-02-10 08:00:00"):
            self.run_collections()
            self.assertEqual(self.owner(), self.salesman)
            case = self.open_case(self.inv2, self.legal, handler="legal")
            self.assertEqual(self.owner(), self.legal)
            self.assertIn(
                f"Collection case {case.name} opened: follow-up handed over to Lawyer Sun.",
                self.customer.message_ids.mapped("body")[0],
            )
        # 11 February: the case's invoice is not dunned; the 10,000 (27 days, 1-30) is, and
        # its stage's follow-up stays with the lawyer
        with freeze_time("2026-02-11 08:00:00"):
            self.run_collections()
            self.assertEqual(self.followup(self.customer).ar_stage_id, self.stage_1_30)
            self.assertEqual(self.owner(), self.legal)
        # handed to someone else by hand: the run gives it back to the case owner
        self.followup(self.customer).sudo().user_id = self.collector
        with freeze_time("2026-02-12 08:00:00"):
            self.run_collections()
            self.assertEqual(self.owner(), self.legal)
        # settled (and paid): back to the owner of the stage (1-30: the collector), and the run
        # keeps it there
        with freeze_time("2026-02-13 08:00:00"):
            self.ar_pay(self.inv2, 4000.0, "2026-02-13")  # the settlement paid
            case.with_user(self.legal).action_settle()
            self.assertEqual(self.owner(), self.collector)
            self.assertIn("closed: follow-up handed back to Collector Li", self.customer.message_ids.mapped("body")[0])
        with freeze_time("2026-02-14 08:00:00"):
            self.run_collections()
            self.assertEqual(self.owner(), self.collector)

    def test_agency_case_of_every_invoice_keeps_the_followup_open(self):
        with freeze_time("2026-02-10 08:00:00"):
            self.run_collections()
            self.assertEqual(self.owner(), self.salesman)
            case = self.open_case(
                self.inv1 | self.inv2,
                self.credit_manager,
                handler="agency",
                agency_id=self.agency.id,
                commission_rate=20.0,
            )
            self.assertEqual(self.owner(), self.credit_manager, "the case's responsible user")
        # nothing left to dun (every invoice is the agency's): the follow-up is not closed
        with freeze_time("2026-02-11 08:00:00"):
            self.run_collections()
            self.assertEqual(self.owner(), self.credit_manager)
        # closed as uncollectable: back to the owner of its stage (31-60: the salesperson)
        with freeze_time("2026-02-12 08:00:00"):
            case.with_user(self.credit_manager).action_close_uncollectable()
            self.assertEqual(self.owner(), self.salesman)
        with freeze_time("2026-02-13 08:00:00"):
            self.run_collections()
            self.assertEqual(self.owner(), self.salesman)

    def test_other_company_followup_untouched(self):
        """A case of this company moves no follow-up of another company's collections."""
        company_2 = self.setup_other_company(name="Suzhou Branch")["company"]
        self.collector.company_ids = [Command.link(company_2.id)]
        Activity = self.env["mail.activity"]
        other = Activity.create(
            {
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": self.customer.id,
                "activity_type_id": self.env.ref("ar_collections.mail_activity_type_collection").id,
                "summary": "Collections in Suzhou",
                "date_deadline": "2026-02-10",
                "user_id": self.collector.id,
                "ar_company_id": company_2.id,
            }
        )
        with freeze_time("2026-02-10 08:00:00"):
            self.run_collections()
            self.open_case(self.inv2, self.legal, handler="legal")
        self.assertEqual(self.owner(), self.legal)
        self.assertEqual(other.user_id, self.collector)

    @freeze_time("2026-03-15 09:00:00")
    def test_demo_case_took_the_followup(self):
        self.company._ar_load_demo_bad_debts()
        case = self.env["ar.collection.case"].search([("company_id", "=", self.company.id)])
        self.assertEqual(case.user_id, self.legal, "the company's legal user follows the case")
        activity = self.followup(case.partner_id)
        self.assertEqual(activity.user_id, self.legal)
        self.assertIn("follow-up handed over to Lawyer Sun", case.partner_id.message_ids.mapped("body")[0])
