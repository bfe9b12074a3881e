from freezegun import freeze_time

from odoo import Command

from .common import ArCollectionsCommon

TODAY = "2026-06-30"


class ArScoringCommon(ArCollectionsCommon):
    """Three customers scored on Tuesday 30 June 2026 (12 months back: from 1 July 2025; the
    last 3 months: from 31 March; the 6 before: from 1 October 2025):

    - Good Payer: three invoices of 120,000, paid on time but one 2 days late; grade B, limit 50,000
    - Slowing Payer: paid 5 days late last year, 45 days late in May, an invoice 46 days overdue;
      grade A, limit 100,000
    - Bad Payer: customer since January, 60 days late once, two invoices 119 and 91 days overdue,
      two broken promises, a dispute, three releases of held orders; grade C, limit 30,000
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.grade_b = cls.env.ref("ar_collections.ar_credit_grade_b")
        cls.grade_c = cls.env.ref("ar_collections.ar_credit_grade_c")
        cls.company.ar_credit_manager_user_id = cls.credit_manager
        Partner = cls.env["res.partner"]
        cls.good = Partner.create(
            {
                "name": "Good Payer",
                "is_company": True,
                "credit_grade_id": cls.grade_b.id,
                "use_partner_credit_limit": True,
                "credit_limit": 50000.0,
            }
        )
        cls.slow = Partner.create(
            {
                "name": "Slowing Payer",
                "is_company": True,
                "credit_grade_id": cls.grade_a.id,
                "use_partner_credit_limit": True,
                "credit_limit": 100000.0,
            }
        )
        cls.bad = Partner.create(
            {
                "name": "Bad Payer",
                "is_company": True,
                "credit_grade_id": cls.grade_c.id,
                "use_partner_credit_limit": True,
                "credit_limit": 30000.0,
            }
        )
        # Good: on time, on time, 2 days late
        for inv_date, due, paid in (
            ("2025-06-15", "2025-07-15", "2025-07-10"),
            ("2026-01-10", "2026-02-10", "2026-02-05"),
            ("2026-04-01", "2026-05-01", "2026-05-03"),
        ):
            cls.ar_pay(cls.ar_invoice(cls.good, 120000.0, inv_date, due), 120000.0, paid)
        # Slow: an old invoice (age only), 5, 5 and 45 days late, one open 46 days overdue
        cls.ar_pay(cls.ar_invoice(cls.slow, 10000.0, "2025-01-10", "2025-02-09"), 10000.0, "2025-02-09")
        for inv_date, due, paid in (
            ("2025-10-01", "2025-10-31", "2025-11-05"),
            ("2026-01-01", "2026-01-31", "2026-02-05"),
            ("2026-03-01", "2026-03-31", "2026-05-15"),
        ):
            cls.ar_pay(cls.ar_invoice(cls.slow, 30000.0, inv_date, due), 30000.0, paid)
        cls.ar_invoice(cls.slow, 30000.0, "2026-04-15", "2026-05-15")
        # Bad: 60 days late, then two invoices left open
        cls.ar_pay(cls.ar_invoice(cls.bad, 20000.0, "2026-01-05", "2026-02-04"), 20000.0, "2026-04-05")
        cls.bad_inv_2 = cls.ar_invoice(cls.bad, 20000.0, "2026-02-01", "2026-03-03")
        cls.bad_inv_3 = cls.ar_invoice(cls.bad, 20000.0, "2026-03-01", "2026-03-31")
        Promise = cls.env["ar.payment.promise"].with_user(cls.collector)
        with freeze_time("2026-05-01 09:00:00"):
            Promise.create(
                {
                    "partner_id": cls.bad.id,
                    "date": "2026-05-10",
                    "amount": 20000.0,
                    "invoice_ids": [Command.set(cls.bad_inv_2.ids)],
                }
            )
        with freeze_time("2026-06-01 09:00:00"):
            Promise.create(
                {
                    "partner_id": cls.bad.id,
                    "date": "2026-06-10",
                    "amount": 20000.0,
                    "invoice_ids": [Command.set(cls.bad_inv_3.ids)],
                }
            )
        with freeze_time("2026-06-30 02:00:00"):
            cls.env["ar.payment.promise"]._cron_check_promises()
        cls.dispute = (
            cls.env["ar.dispute"]
            .with_user(cls.collector)
            .create({"partner_id": cls.bad.id, "reason": "price", "invoice_ids": [Command.set(cls.bad_inv_3.ids)]})
        )
        # opened on 25 June (the database's clock is not frozen)
        cls.env.flush_all()
        cls.env.cr.execute("UPDATE ar_dispute SET create_date = '2026-06-25 10:00:00' WHERE id = %s", [cls.dispute.id])
        # three held orders released this month
        orders = cls.env["sale.order"].create(
            [{"partner_id": cls.bad.id, "order_line": [Command.create({"product_id": cls.product_a.id})]}] * 3
        )
        for order, day in zip(orders, ("2026-06-05", "2026-06-12", "2026-06-20"), strict=True):
            cls.env["ar.credit.release"].sudo().create(
                {
                    "sale_order_id": order.id,
                    "partner_id": cls.bad.id,
                    "company_id": cls.company.id,
                    "reason": "Urgent order",
                    "approved_by_id": cls.credit_manager.id,
                    "approval_date": f"{day} 10:00:00",
                }
            )

    def refresh(self, company=None, today=TODAY):
        with freeze_time(f"{today} 03:00:00"):
            return self.env["ar.credit.score"]._ar_refresh(company or self.company, today)

    def score_of(self, partner, company=None):
        return self.env["ar.credit.score"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", (company or self.company).id)]
        )
