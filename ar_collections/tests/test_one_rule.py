"""Rules defined once: a company's bucket limits give the same bucket to an invoice wherever it is
shown (the invoice's field, the aging query, the on-screen analysis); the customer's credit
figures and the credit check of an order read the same limit; the same Credit Managers decide on
the release of a hold and on a request to pay later."""

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .credit_hold_common import CreditHoldCommon

TODAY = "2026-06-15"


@tagged("post_install", "-at_install")
class TestOneRule(CreditHoldCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a company with buckets of 10 / 20 / 40 days, and invoices due at every distance from
        # today (15 June): 3 days ahead, 5, 10, 15, 25, 40 and 45 days late
        cls.company_2 = cls.setup_other_company(name="Shenzhen Subsidiary")["company"]
        cls.company_2.write({"ar_bucket_1_days": 10, "ar_bucket_2_days": 20, "ar_bucket_3_days": 40})
        cls.expected = {}
        for amount, due, bucket in (
            (100.0, "2026-06-18", "not_due"),
            (200.0, "2026-06-10", "1_30"),
            (300.0, "2026-06-05", "1_30"),  # 10 days: the last day of the first bucket
            (400.0, "2026-05-31", "31_60"),
            (500.0, "2026-05-21", "61_90"),
            (600.0, "2026-05-06", "61_90"),  # 40 days: the last day of the third bucket
            (700.0, "2026-05-01", "over_90"),
        ):
            invoice = cls.ar_invoice(cls.customer, amount, "2026-04-01", due, company=cls.company_2)
            cls.expected[invoice] = bucket

    def setUp(self):
        super().setUp()
        self.frozen = freeze_time(f"{TODAY} 08:00:00")
        self.frozen.start()
        self.addCleanup(self.frozen.stop)

    # ------------------------------------------------------------------
    # Buckets
    # ------------------------------------------------------------------
    def test_custom_buckets_agree_everywhere(self):
        env = self.env(context=dict(self.env.context, allowed_company_ids=[self.company_2.id]))
        invoices = env["account.move"].browse([invoice.id for invoice in self.expected])
        analysis = env["ar.aging.report"].search([("move_id", "in", invoices.ids)])
        analysis_buckets = {row.move_id.id: row.bucket for row in analysis}
        invoice_aging = env["ar.aging"]._get_invoice_aging(company_ids=self.company_2.ids)
        for invoice in invoices:
            bucket = self.expected[invoice]
            with self.subTest(invoice=invoice.name, due=invoice.invoice_date_due):
                self.assertEqual(invoice.aging_bucket, bucket, "the invoice's field")
                self.assertEqual(invoice_aging[invoice.id]["bucket"], bucket, "the aging query")
                self.assertEqual(analysis_buckets[invoice.id], bucket, "the on-screen analysis")
                days = invoice_aging[invoice.id]["days"]
                self.assertEqual(env["ar.aging"]._ar_bucket_of_days(days, self.company_2), bucket)
        # the searches and the customer's buckets follow the same limits
        self.assertEqual(
            env["account.move"].search([("id", "in", invoices.ids), ("aging_bucket", "=", "61_90")]),
            invoices.filtered(lambda inv: self.expected[inv] == "61_90"),
        )
        aging = env["ar.aging"]._get_partner_aging([self.customer.id], company_ids=self.company_2.ids)
        self.assertEqual(
            {key: aging[self.customer.id][key] for key in ("not_due", "1_30", "31_60", "61_90", "over_90")},
            {"not_due": 100.0, "1_30": 500.0, "31_60": 400.0, "61_90": 1100.0, "over_90": 700.0},
        )

    def test_bucket_labels_follow_the_company(self):
        labels = dict(
            self.env["account.move"]
            .with_company(self.company_2)
            .fields_get(["aging_bucket"], ["selection"])["aging_bucket"]["selection"]
        )
        self.assertEqual(labels["1_30"], "1-10 days")
        self.assertEqual(labels["31_60"], "11-20 days")
        self.assertEqual(labels["61_90"], "21-40 days")
        self.assertEqual(labels["over_90"], "Over 40 days")
        analysis_labels = dict(
            self.env["ar.aging.report"]
            .with_company(self.company_2)
            .fields_get(["bucket"], ["selection"])["bucket"]["selection"]
        )
        self.assertEqual(analysis_labels, labels)

    # ------------------------------------------------------------------
    # Credit limit
    # ------------------------------------------------------------------
    def test_credit_figures_and_order_check_read_the_same_limit(self):
        customer = self.customer
        self.assertTrue(customer.ar_uses_credit_limit)
        self.assertEqual(customer.ar_credit_limit, 5000.0)
        order = self.ar_order(self.customer, 6000.0)
        snapshot = order._ar_credit_snapshot()[order.id]
        self.assertEqual((snapshot["uses_limit"], snapshot["limit"]), (True, 5000.0))
        # no limit of his own, none for the company: no limit at all, in both places
        self.customer.use_partner_credit_limit = False
        self.company.account_use_credit_limit = False
        self.customer.invalidate_recordset()
        self.assertEqual((customer.ar_uses_credit_limit, customer.ar_credit_limit), (False, 0.0))
        snapshot = order._ar_credit_snapshot()[order.id]
        self.assertEqual((snapshot["uses_limit"], snapshot["limit"]), (False, 0.0))

    # ------------------------------------------------------------------
    # Approvers
    # ------------------------------------------------------------------
    def extension_request(self):
        invoice = self.ar_invoice(self.customer, 800.0, "2026-05-01", "2026-05-31")
        return (
            self.env["ar.extension.request"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": self.contact.id,
                    "invoice_ids": [(6, 0, invoice.ids)],
                    "requested_date": "2026-06-30",
                    "amount": 800.0,
                    "reason": "Cash comes end of month",
                }
            )
        )

    def test_release_and_extension_ask_the_same_credit_managers(self):
        Release = self.env["ar.credit.release"]
        order = self.ar_order(self.customer, 9000.0)
        # no approver appointed: every Credit Manager of the company, the company's own first
        self.company.ar_credit_manager_user_id = self.credit_manager_2
        approvers = self.company._ar_get_credit_approvers()
        self.assertEqual(approvers[:1], self.credit_manager_2)
        self.assertIn(self.credit_manager, approvers)
        self.assertNotIn(self.env.ref("base.user_root"), approvers)
        self.assertFalse(approvers.filtered(lambda u: not u.has_group("ar_collections.group_ar_credit_manager")))
        self.assertEqual(Release._get_approvers(order), approvers)
        request = self.extension_request()
        self.assertEqual(request._ar_get_approver(), self.credit_manager_2)
        self.assertEqual(request.activity_ids.user_id, self.credit_manager_2)
        # an appointed approver decides on both
        self.company.ar_credit_approver_id = self.credit_manager
        self.assertEqual(Release._get_approvers(order), self.credit_manager)
        self.assertEqual(self.extension_request()._ar_get_approver(), self.credit_manager)
        # never his own order
        own = self.ar_order(self.customer, 9000.0, user=self.credit_manager)
        self.assertFalse(Release._get_approvers(own))

    # ------------------------------------------------------------------
    # Customer requests (promises, disputes, extension requests)
    # ------------------------------------------------------------------
    def test_customer_requests_share_their_rules(self):
        invoice = self.ar_invoice(self.customer, 800.0, "2026-05-01", "2026-05-31")
        other = self.env["res.partner"].create({"name": "Lingnan Trading", "is_company": True})
        other_invoice = self.ar_invoice(other, 100.0, "2026-05-01", "2026-05-31")
        values = {
            "ar.payment.promise": {"date": "2026-06-30", "amount": 800.0},
            "ar.dispute": {"reason": "quality"},
            "ar.extension.request": {"requested_date": "2026-06-30", "amount": 800.0, "reason": "Cash"},
        }
        for model, vals in values.items():
            with self.subTest(model=model):
                Model = self.env[model].with_user(self.collector)
                # the customer is the commercial partner, whoever the invoice contact was
                record = Model.create(dict(vals, partner_id=self.contact.id, invoice_ids=[(6, 0, invoice.ids)]))
                self.assertEqual(record.partner_id, self.customer)
                self.assertEqual(record.company_id, self.company)
                with self.assertRaises(ValidationError):
                    Model.create(dict(vals, partner_id=self.customer.id, invoice_ids=[(6, 0, other_invoice.ids)]))
                with self.assertRaises(ValidationError):
                    Model.create(dict(vals, partner_id=self.customer.id))
                with self.assertRaises(UserError):
                    record.write({"partner_id": other.id})
                with self.assertRaises(AccessError):
                    record.with_context(tracking_disable=True).write({"state": record._ar_open_state})
                with self.assertRaises(AccessError):
                    Model.create(dict(vals, partner_id=self.customer.id, invoice_ids=[(6, 0, invoice.ids)], state="x"))
                with self.assertRaises(UserError):
                    record.unlink()
                self.assertTrue(record.exists())
                self.assertEqual(record.partner_id, self.customer)
