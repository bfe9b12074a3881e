from odoo import api, fields, models

from .ar_repayment_plan import PLAN_STATES
from .res_partner import CREDIT_FIELD_GROUPS


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # Repayment plans of the customer in the current company: the running one first
    ar_plan_id = fields.Many2one(
        "ar.repayment.plan", string="Repayment Plan", compute="_compute_ar_plan_figures", groups=CREDIT_FIELD_GROUPS
    )
    ar_plan_state = fields.Selection(
        PLAN_STATES, string="Repayment Plan State", compute="_compute_ar_plan_figures", groups=CREDIT_FIELD_GROUPS
    )
    ar_plan_next_date = fields.Date(
        string="Next Instalment", compute="_compute_ar_plan_figures", groups=CREDIT_FIELD_GROUPS
    )
    ar_plan_next_amount = fields.Monetary(
        string="Next Instalment Amount",
        currency_field="ar_currency_id",
        compute="_compute_ar_plan_figures",
        groups=CREDIT_FIELD_GROUPS,
    )
    ar_plan_arrears = fields.Monetary(
        string="Plan Arrears",
        currency_field="ar_currency_id",
        compute="_compute_ar_plan_figures",
        groups=CREDIT_FIELD_GROUPS,
        help="What the instalments of the active repayment plan already due still lack.",
    )
    ar_plan_count = fields.Integer(
        string="Repayment Plans", compute="_compute_ar_plan_figures", groups=CREDIT_FIELD_GROUPS
    )

    @api.depends_context("company", "uid")
    def _compute_ar_plan_figures(self):
        commercial_ids = {p.commercial_partner_id._origin.id or p._origin.id for p in self} - {False}
        visible = self._ar_get_credit_visible_ids(commercial_ids)
        if visible is not None:
            commercial_ids &= visible
        # sudo: the figures of the customers the user may see (checked above), current company
        plans = (
            self.env["ar.repayment.plan"]
            .sudo()
            .search(
                [("partner_id", "in", list(commercial_ids)), ("company_id", "=", self.env.company.id)],
                order="id desc",
            )
        )
        by_partner = plans.grouped("partner_id")
        for partner in self:
            commercial = partner.commercial_partner_id._origin or partner._origin
            mine = by_partner.get(commercial, plans.browse())
            current = mine.filtered(lambda p: p.state == "active")[:1] or mine[:1]
            partner.ar_plan_count = len(mine)
            partner.ar_plan_id = current.with_env(self.env)
            partner.ar_plan_state = current.state or False
            running = current.state == "active"
            partner.ar_plan_next_date = current.next_date if running else False
            partner.ar_plan_next_amount = current.next_amount if running else 0.0
            partner.ar_plan_arrears = current.arrears_amount if running else 0.0

    def _ar_get_repayment_plan_summary(self, company):
        """The active repayment plan of the commercial partner in ``company`` as letters and
        statements print it: dict(``plan``, ``next_date``, ``next_amount``, ``arrears``), or
        None without an active plan."""
        partner = self.commercial_partner_id[:1]
        if not partner:
            return None
        # sudo: printed on the customer's own documents by whoever prints them
        plan = (
            self.env["ar.repayment.plan"]
            .sudo()
            .with_company(company)
            .search(
                [("partner_id", "=", partner.id), ("company_id", "=", company.id), ("state", "=", "active")],
                order="id desc",
                limit=1,
            )
        )
        if not plan:
            return None
        return {
            "plan": plan,
            "next_date": plan.next_date,
            "next_amount": plan.next_amount,
            "arrears": plan.arrears_amount,
        }

    def action_ar_view_repayment_plans(self):
        partner = self.commercial_partner_id
        partner.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("ar_collections.ar_repayment_plan_action")
        action["domain"] = [("partner_id", "=", partner.id)]
        action["context"] = {"default_partner_id": partner.id}
        return action
