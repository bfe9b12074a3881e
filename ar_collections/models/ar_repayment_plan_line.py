from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

LINE_STATES = [
    ("open", "Open"),
    ("kept", "Kept"),
    ("partial", "Partially Kept"),
    ("broken", "Broken"),
]


class ArRepaymentPlanLine(models.Model):
    """An instalment of a repayment plan: a date and an amount; its paid amount and state
    are the nightly check's."""

    _name = "ar.repayment.plan.line"
    _description = "Repayment Plan Instalment"
    _order = "plan_id, date, sequence, id"
    _check_company_auto = True

    # written by the plan's check only
    _ar_guarded_fields = ("paid_amount", "state", "checked_date")
    # the instalment's terms: changed only while its plan is a draft
    _ar_term_fields = ("plan_id", "date", "amount", "sequence")

    plan_id = fields.Many2one("ar.repayment.plan", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    partner_id = fields.Many2one(related="plan_id.partner_id", store=True, index=True, string="Customer")
    sequence = fields.Integer(default=10)
    date = fields.Date(string="Due Date", required=True)
    amount = fields.Monetary(required=True, currency_field="currency_id")
    paid_amount = fields.Monetary(string="Paid", currency_field="currency_id", readonly=True, copy=False)
    state = fields.Selection(LINE_STATES, default="open", required=True, readonly=True, copy=False, index=True)
    checked_date = fields.Date(string="Checked On", readonly=True, copy=False)

    _sql_constraints = [
        ("amount_positive", "CHECK(amount > 0)", "An instalment's amount must be positive."),
    ]

    @api.depends("plan_id", "date", "amount")
    def _compute_display_name(self):
        for line in self:
            line.display_name = self.env._(
                "%(amount)s on %(date)s", amount=line.currency_id.format(line.amount), date=line.date or ""
            )

    def _ar_check_draft_plan(self, plans):
        if any(plan.state != "draft" for plan in plans):
            raise UserError(self.env._("The instalments of a plan can only be changed while it is a draft."))

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                if set(self._ar_guarded_fields) & set(vals) and vals.get("state", "open") != "open":
                    raise AccessError(self.env._("The state of an instalment is set by the plan's check only."))
                if {"paid_amount", "checked_date"} & set(vals):
                    raise AccessError(self.env._("The state of an instalment is set by the plan's check only."))
            self._ar_check_draft_plan(self.env["ar.repayment.plan"].browse([v.get("plan_id") for v in vals_list]))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            if set(self._ar_guarded_fields) & set(vals):
                raise AccessError(self.env._("The state of an instalment is set by the plan's check only."))
            if set(self._ar_term_fields) & set(vals):
                self._ar_check_draft_plan(self.plan_id)
                if "plan_id" in vals:
                    self._ar_check_draft_plan(self.env["ar.repayment.plan"].browse(vals["plan_id"]))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_draft_only(self):
        if not self.env.su:
            self._ar_check_draft_plan(self.plan_id)

    def _ar_on_broken(self, broken_plans):
        """Instalments not (fully) kept: noted on the plan, the customer's follow-up
        escalated; ``broken_plans`` were cancelled by it (dunning resumes)."""
        reasons = {}
        for line in self:
            plan = line.plan_id
            if line.state == "broken":
                body = self.env._(
                    "Repayment plan %(plan)s: instalment of %(amount)s due %(date)s broken, nothing was paid.",
                    plan=plan.name,
                    amount=line.currency_id.format(line.amount),
                    date=line.date,
                )
            else:
                body = self.env._(
                    "Repayment plan %(plan)s: instalment of %(amount)s due %(date)s only partly kept, %(paid)s paid.",
                    plan=plan.name,
                    amount=line.currency_id.format(line.amount),
                    date=line.date,
                    paid=line.currency_id.format(line.paid_amount),
                )
            if plan in broken_plans:
                body += " " + self.env._(
                    "%(count)s instalments broken: the plan is cancelled and dunning resumes.", count=plan.broken_count
                )
            plan.message_post(body=body)
            reasons.setdefault(plan.company_id, {})
            reasons[plan.company_id][plan.partner_id.id] = "\n".join(
                filter(None, [reasons[plan.company_id].get(plan.partner_id.id), body])
            )
        for company, partner_reasons in reasons.items():
            partners = self.env["res.partner"].browse(list(partner_reasons)).with_company(company)
            self.env["ar.collection.followup"].with_company(company)._escalate(partners, partner_reasons)
