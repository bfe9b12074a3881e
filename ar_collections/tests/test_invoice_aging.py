from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import ArCollectionsCommon

DUE = "2026-06-15"
# days after the due date -> expected bucket (default limits 30/60/90)
EXPECTED_BUCKETS = [
    (-10, "not_due"),
    (-1, "not_due"),
    (0, "not_due"),
    (1, "1_30"),
    (29, "1_30"),
    (30, "1_30"),
    (31, "31_60"),
    (59, "31_60"),
    (60, "31_60"),
    (61, "61_90"),
    (90, "61_90"),
    (91, "over_90"),
    (200, "over_90"),
]


@tagged("post_install", "-at_install")
class TestInvoiceAging(ArCollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.ar_invoice(cls.customer, 1000.0, "2026-05-16", DUE)

    def _at(self, days):
        return freeze_time(self.d(DUE) + timedelta(days=days))

    def test_days_overdue_and_bucket_day_by_day(self):
        Move = self.env["account.move"]
        for days, bucket in EXPECTED_BUCKETS:
            with self.subTest(days=days), self._at(days):
                self.invoice.invalidate_recordset(["days_overdue", "aging_bucket"])
                self.assertEqual(self.invoice.days_overdue, days)
                self.assertEqual(self.invoice.aging_bucket, bucket)
                # the same answer through search (SQL, relative to the frozen today)
                found = Move.search([("id", "=", self.invoice.id), ("aging_bucket", "=", bucket)])
                self.assertEqual(found, self.invoice)
                other = Move.search([("id", "=", self.invoice.id), ("aging_bucket", "!=", bucket)])
                self.assertFalse(other)
                self.assertEqual(Move.search([("id", "=", self.invoice.id), ("days_overdue", "=", days)]), self.invoice)
                self.assertFalse(Move.search([("id", "=", self.invoice.id), ("days_overdue", ">", days)]))

    def test_group_by_bucket(self):
        self.ar_invoice(self.customer, 300.0, "2026-04-01", "2026-05-01")  # 45 days on 15 June
        self.ar_invoice(self.customer, 200.0, "2026-04-01", "2026-06-01")  # 14 days
        with freeze_time(DUE):
            groups = self.env["account.move"]._read_group(
                [("partner_id", "=", self.customer.id), ("move_type", "=", "out_invoice")],
                ["aging_bucket"],
                ["amount_total:sum", "__count"],
            )
        totals = {bucket: (amount, count) for bucket, amount, count in groups}
        self.assertEqual(totals, {"not_due": (1000.0, 1), "1_30": (200.0, 1), "31_60": (300.0, 1)})

    def test_configurable_limits(self):
        self.company.write({"ar_bucket_1_days": 15, "ar_bucket_2_days": 45, "ar_bucket_3_days": 75})
        with self._at(20):
            self.assertEqual(self.invoice.aging_bucket, "31_60")
            self.assertEqual(
                self.env["account.move"].search([("id", "=", self.invoice.id), ("aging_bucket", "=", "31_60")]),
                self.invoice,
            )
        with self._at(76):
            self.invoice.invalidate_recordset(["aging_bucket"])
            self.assertEqual(self.invoice.aging_bucket, "over_90")

    def test_paid_and_partially_paid(self):
        self.ar_pay(self.invoice, 400.0, "2026-06-20")
        with self._at(40):
            self.assertEqual(self.invoice.aging_bucket, "31_60")
            self.assertEqual(self.invoice.days_overdue, 40)
        self.ar_pay(self.invoice, 600.0, "2026-07-30")
        with self._at(50):
            self.invoice.invalidate_recordset(["days_overdue", "aging_bucket"])
            self.assertEqual(self.invoice.payment_state in ("paid", "in_payment"), True)
            self.assertFalse(self.invoice.aging_bucket)
            self.assertEqual(self.invoice.days_overdue, 0)
            Move = self.env["account.move"]
            self.assertEqual(Move.search([("id", "=", self.invoice.id), ("aging_bucket", "=", False)]), self.invoice)
            self.assertFalse(Move.search([("id", "=", self.invoice.id), ("aging_bucket", "!=", False)]))

    def test_credit_note_has_no_bucket(self):
        refund = self.ar_invoice(self.customer, 100.0, "2026-05-01", "2026-05-01", move_type="out_refund")
        with self._at(30):
            self.assertFalse(refund.aging_bucket)
            self.assertEqual(refund.days_overdue, 0)
