from odoo import fields, models

from ..models.ar_repayment_plan import PLAN_STATES


class ArCollectionWorklist(models.Model):
    _inherit = "ar.collection.worklist"

    # the customer's active repayment plan in the line's company (computed per read, one search)
    plan_state = fields.Selection(PLAN_STATES, string="Repayment Plan", compute="_compute_plan_figures")
    plan_next_date = fields.Date(string="Next Instalment", compute="_compute_plan_figures")
    plan_next_amount = fields.Monetary(string="Next Instalment Amount", compute="_compute_plan_figures")
    plan_arrears = fields.Monetary(compute="_compute_plan_figures")

    def _compute_plan_figures(self):
        # sudo: the plan figures of the customers on the user's own worklist lines
        plans = (
            self.env["ar.repayment.plan"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", self.partner_id.ids),
                    ("company_id", "in", self.company_id.ids),
                    ("state", "=", "active"),
                ],
                order="id desc",
            )
        )
        plan_of = {}
        for plan in plans:
            plan_of.setdefault((plan.partner_id.id, plan.company_id.id), plan)
        for line in self:
            plan = plan_of.get((line.partner_id.id, line.company_id.id))
            line.plan_state = plan.state if plan else False
            line.plan_next_date = plan.next_date if plan else False
            line.plan_next_amount = plan.next_amount if plan else 0.0
            line.plan_arrears = plan.arrears_amount if plan else 0.0
