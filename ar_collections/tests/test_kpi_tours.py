"""Browser tour of the collections dashboard. Dates cannot be frozen for the browser:
the data is built relative to today."""

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import ArCollectionsCommon


@tagged("post_install", "-at_install")
class TestArKpiTours(ArCollectionsCommon, HttpCase):
    def test_credit_manager_reads_the_dashboard_and_drills_down(self):
        today = fields.Date.context_today(self.customer)
        # 4,000 invoiced three months ago, due two months ago: overdue at the last month-end
        self.ar_invoice(self.customer, 4000.0, today - relativedelta(months=3), today - relativedelta(months=2))
        Period = self.env["ar.kpi.period"]
        Period.with_user(self.credit_manager).action_refresh(months=2)
        last = Period.search([("dimension", "=", "company")], order="date_to desc", limit=1)
        self.assertEqual(last.overdue_end, 4000.0)
        count = Period.search_count([])

        self.start_tour("/odoo", "ar_collections_kpi_dashboard_tour", login=self.credit_manager.login)

        self.assertEqual(Period.search_count([]), count, "reading the dashboard changes nothing")
