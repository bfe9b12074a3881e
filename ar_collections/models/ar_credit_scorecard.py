import math

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..const import CREDIT_MANAGER_GROUP

C_RATINGS = [("1", "1 - Poor"), ("2", "2 - Weak"), ("3", "3 - Fair"), ("4", "4 - Good"), ("5", "5 - Excellent")]
# the five Cs with their default weights
FIVE_CS = (("character", 30.0), ("capacity", 25.0), ("capital", 20.0), ("collateral", 15.0), ("conditions", 10.0))


class ArCreditScorecard(models.Model):
    """The 5C evaluation (5C 评估) of a new customer by the credit manager: Character,
    Capacity, Capital, Collateral and Conditions rated 1-5 with weights give a score
    0-100, hence a starting grade and a starting limit (a share of the grade's default
    limit: small amounts first). Applying it changes the customer's profile through its
    guarded path."""

    _name = "ar.credit.scorecard"
    _description = "5C Credit Evaluation"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, domain="[('is_company', '=', True)]"
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, default=fields.Date.context_today)
    user_id = fields.Many2one("res.users", string="Evaluated By", default=lambda self: self.env.user)
    state = fields.Selection(
        [("draft", "Draft"), ("applied", "Applied")], default="draft", required=True, readonly=True, tracking=True
    )
    character = fields.Selection(C_RATINGS, required=True, default="3", help="Integrity, payment record, reputation.")
    capacity = fields.Selection(C_RATINGS, required=True, default="3", help="Cash flow and ability to pay.")
    capital = fields.Selection(C_RATINGS, required=True, default="3", help="Equity, financial strength.")
    collateral = fields.Selection(C_RATINGS, required=True, default="3", help="Guarantees and securities offered.")
    conditions = fields.Selection(C_RATINGS, required=True, default="3", help="Industry and economic conditions.")
    character_weight = fields.Float(default=30.0)
    capacity_weight = fields.Float(default=25.0)
    capital_weight = fields.Float(default=20.0)
    collateral_weight = fields.Float(default=15.0)
    conditions_weight = fields.Float(default=10.0)
    score = fields.Integer(compute="_compute_proposal", store=True)
    proposed_grade_id = fields.Many2one(
        "ar.credit.grade", string="Starting Grade", compute="_compute_proposal", store=True
    )
    proposed_limit = fields.Monetary(
        string="Starting Limit", currency_field="currency_id", compute="_compute_proposal", store=True
    )
    note = fields.Text(string="Assessment")
    applied_by_id = fields.Many2one("res.users", readonly=True)
    applied_date = fields.Datetime(string="Applied On", readonly=True)
    limit_request_id = fields.Many2one(
        "ar.credit.limit.request",
        readonly=True,
        copy=False,
        help="The starting limit was above the approver's authority: it awaits this change request's approval chain.",
    )
    limit_request_state = fields.Selection(related="limit_request_id.state", string="Limit Request Status")

    @api.constrains(*(f"{c}_weight" for c, _w in FIVE_CS))
    def _check_weights(self):
        for card in self:
            weights = [card[f"{c}_weight"] for c, _w in FIVE_CS]
            if min(weights) < 0 or not sum(weights):
                raise ValidationError(self.env._("The 5C weights cannot be negative and cannot all be zero."))

    @api.depends(*(c for c, _w in FIVE_CS), *(f"{c}_weight" for c, _w in FIVE_CS), "company_id")
    def _compute_proposal(self):
        Score = self.env["ar.credit.score"]
        for card in self:
            total = sum(card[f"{c}_weight"] for c, _w in FIVE_CS)
            earned = sum(card[f"{c}_weight"] * (int(card[c] or 1) - 1) / 4.0 for c, _w in FIVE_CS)
            card.score = round(100.0 * earned / total) if total else 0
            grade = Score._ar_grade_of_score(card.score, Score._ar_get_score_grades(card.company_id))
            card.proposed_grade_id = grade
            card.proposed_limit = card._ar_starting_limit(grade)

    def _ar_starting_limit(self, grade):
        """Starting limit: the company's 5C share of the grade's default limit, rounded down
        to a thousand (0 for a grade selling on prepayment only)."""
        if not grade or not grade.credit_sales_allowed:
            return 0.0
        share = self.company_id.ar_5c_limit_share / 100.0
        return math.floor(grade.default_credit_limit * share / 1000.0) * 1000.0

    def write(self, vals):
        if not self.env.su and {"state", "applied_by_id", "applied_date", "limit_request_id"} & set(vals):
            raise AccessError(self.env._("A 5C evaluation is applied with its Apply button only."))
        if not self.env.su and any(card.state == "applied" for card in self):
            raise UserError(self.env._("An applied 5C evaluation cannot be changed."))
        return super().write(vals)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(
            {"state", "applied_by_id", "applied_date", "limit_request_id"} & set(vals) for vals in vals_list
        ):
            raise AccessError(self.env._("A 5C evaluation is applied with its Apply button only."))
        return super().create(vals_list)

    def action_apply(self):
        """Give the customer the starting grade and limit (Credit Managers only, through the
        customer's guarded profile path)."""
        if not self.env.user.has_group(CREDIT_MANAGER_GROUP):
            raise AccessError(self.env._("Only a Credit Manager can apply a 5C evaluation."))
        for card in self:
            if card.state != "draft":
                raise UserError(self.env._("This 5C evaluation is already applied."))
            reason = self.env._("5C evaluation of %(date)s (score %(score)s)", date=card.date, score=card.score)
            request_reason = f"{reason}\n\n{card.note}" if card.note else reason
            request = card.partner_id.with_company(card.company_id)._ar_apply_credit_decision(
                card.proposed_grade_id, card.proposed_limit, reason, request_reason=request_reason
            )
            # sudo: the request's link back to the evaluation is a guarded field (caller checked above)
            request.sudo().scorecard_id = card
            # sudo: the state is set by this checked action only
            card.sudo().write(
                {
                    "state": "applied",
                    "applied_by_id": self.env.uid,
                    "applied_date": fields.Datetime.now(),
                    "limit_request_id": request.id,
                }
            )
        return True
