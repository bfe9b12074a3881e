from odoo import Command
from odoo.tests import new_test_user

from .common import ArCollectionsCommon


class ArCollectionRunCommon(ArCollectionsCommon):
    """Collection ladder of the test company, people of each owner role, and a run helper."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "UTC"
        ladder = cls.env["ar.collection.stage"]._ar_get_ladder(cls.company)
        cls.stage = {stage.days_from: stage for stage in ladder}
        cls.stage_pre5 = cls.stage[-5]
        cls.stage_pre3 = cls.stage[-3]
        cls.stage_1_30 = cls.stage[1]
        cls.stage_31_60 = cls.stage[31]
        cls.stage_61_90 = cls.stage[61]
        cls.stage_over_90 = cls.stage[91]
        company_ids = [Command.set(cls.company.ids)]
        cls.sales_manager = new_test_user(
            cls.env,
            "ar_sales_manager",
            groups="base.group_user,sales_team.group_sale_manager",
            company_id=cls.company.id,
            company_ids=company_ids,
            name="Sales Manager Wu",
        )
        cls.legal = new_test_user(
            cls.env,
            "ar_legal",
            groups="base.group_user,ar_collections.group_ar_collections_user",
            company_id=cls.company.id,
            company_ids=company_ids,
            name="Lawyer Sun",
        )
        cls.team = cls.env["crm.team"].create(
            {
                "name": "East China",
                "user_id": cls.sales_manager.id,
                "company_id": cls.company.id,
                "member_ids": [Command.link(cls.salesman.id)],
            }
        )
        cls.company.write(
            {
                "ar_default_collector_id": cls.collector.id,
                "ar_credit_manager_user_id": cls.credit_manager.id,
                "ar_legal_user_id": cls.legal.id,
                "ar_key_amount_threshold": 50000.0,
                "ar_long_aging_days": 60,
            }
        )
        cls.customer.user_id = cls.salesman

    def run_collections(self, company=None):
        """One complete collections run (as the cron user, without commits)."""
        runs = self.env["ar.collection.run"].sudo()._ar_start_runs(company or self.company)
        return runs._ar_run_to_end()

    def followup(self, partner, company=None):
        return self.env["ar.collection.followup"].with_company(company or self.company)._get_open_activities(partner)
