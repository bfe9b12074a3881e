"""Browser tour of the collections dashboard. Dates cannot be frozen for the browser:
the data is built relative to today."""

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from .common import ArCollectionsCommon


@tagged("post_install", "-at_install")
class TestArKpiTours(ArCollectionsCommon, HttpCase):
    def test_credit_manager_reads_the_dashboard_and_drills_down(self):
        today = fields.Date.context_today(self.customer)
        # 4,000 invoiced three months ago, due two months ago: overdue at the last month-end
        invoice = self.ar_invoice(
            self.customer, 4000.0, today - relativedelta(months=3), today - relativedelta(months=2)
        )
        # another customer owes nothing overdue: not among the top overdue customers
        other = self.env["res.partner"].create({"name": "Jiangnan Textiles", "is_company": True})
        self.ar_invoice(other, 700.0, today, today + relativedelta(days=30))
        # a promise made 20 days ago for 10 days ago, not paid: broken
        with freeze_time(today - relativedelta(days=20)):
            promise = (
                self.env["ar.payment.promise"]
                .with_user(self.collector)
                .create(
                    {
                        "partner_id": self.customer.id,
                        "invoice_ids": [Command.set(invoice.ids)],
                        "date_start": today - relativedelta(days=20),
                        "date": today - relativedelta(days=10),
                        "amount": 1000.0,
                    }
                )
            )
        promise._ar_check(today=today)
        self.assertEqual(promise.state, "broken")
        Period = self.env["ar.kpi.period"]
        Period.with_user(self.credit_manager).action_refresh(months=2)
        last = Period.search([("dimension", "=", "company")], order="date_to desc", limit=1)
        self.assertEqual(last.overdue_end, 4000.0)
        data = self.env["ar.kpi.dashboard"].with_user(self.credit_manager).get_dashboard_data({})
        self.assertEqual([row["partner_id"] for row in data["top_overdue"]["rows"]], self.customer.ids)
        count = Period.search_count([])

        self.start_tour("/odoo", "ar_collections_kpi_dashboard_tour", login=self.credit_manager.login)

        self.assertEqual(Period.search_count([]), count, "reading the dashboard changes nothing")
        self.assertEqual(promise.state, "broken")
