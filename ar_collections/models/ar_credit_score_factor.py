from odoo import api, fields, models
from odoo.exceptions import ValidationError

# The factors of the behaviour score (信用评分), with their defaults: code, weight (points),
# "good" value (full points at or better than it) and "bad" value (no points at or worse).
# Points are linear between the two. For every factor but the age of the relationship a
# lower value is better. A company changes them by adding a factor row (Configuration >
# Scoring Factors); a factor without a row uses these defaults.
SCORE_FACTORS = (
    ("days_late", 30.0, 0.0, 60.0),  # average days late, weighted by amount (12 months)
    ("trend", 10.0, 0.0, 30.0),  # days late: last 3 months minus the 6 months before
    ("late_share", 15.0, 10.0, 60.0),  # % of invoices paid (or still open) after their due date
    ("broken_promises", 15.0, 0.0, 50.0),  # % of promises to pay broken or partially kept
    ("disputed", 5.0, 0.0, 20.0),  # % of the invoiced amount disputed (12 months)
    ("utilisation", 10.0, 70.0, 120.0),  # credit exposure in % of the credit limit
    ("over_limit", 5.0, 0.0, 4.0),  # credit releases of held documents (12 months)
    ("age", 10.0, 24.0, 0.0),  # months since the first invoice (higher is better)
)
SCORE_FACTOR_SELECTION = [
    ("days_late", "Average Days Late"),
    ("trend", "Days Late Trend"),
    ("late_share", "Invoices Paid Late (%)"),
    ("broken_promises", "Broken Promises (%)"),
    ("disputed", "Disputed Amount (%)"),
    ("utilisation", "Limit Utilisation (%)"),
    ("over_limit", "Over-Limit Episodes"),
    ("age", "Relationship Age (months)"),
]


class ArCreditScoreFactor(models.Model):
    """A company's weight and thresholds of one factor of the behaviour score."""

    _name = "ar.credit.score.factor"
    _description = "Credit Score Factor"
    _order = "company_id, factor"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    factor = fields.Selection(SCORE_FACTOR_SELECTION, required=True)
    weight = fields.Float(required=True, help="Points the factor gives at its best (0: the factor is not used).")
    good_value = fields.Float(string="Full Points At", required=True)
    bad_value = fields.Float(string="No Points At", required=True)

    _sql_constraints = [
        ("factor_company_uniq", "unique(factor, company_id)", "A score factor is configured once per company."),
    ]

    @api.constrains("weight", "good_value", "bad_value")
    def _check_values(self):
        for factor in self:
            if factor.weight < 0:
                raise ValidationError(self.env._("The weight of a score factor cannot be negative."))
            if factor.good_value == factor.bad_value:
                raise ValidationError(
                    self.env._("A score factor needs different values for full points and for no points.")
                )

    @api.model
    def _ar_get_factors(self, company):
        """Weight and thresholds of each factor for ``company``: its rows, else the defaults.

        :returns: dict factor code -> (weight, good, bad)
        """
        factors = {code: (weight, good, bad) for code, weight, good, bad in SCORE_FACTORS}
        # sudo: the scoring reads the configuration whoever triggers it
        for row in self.sudo().search([("company_id", "=", company.id)]):
            factors[row.factor] = (row.weight, row.good_value, row.bad_value)
        return factors

    @api.model
    def _ar_points(self, value, weight, good, bad):
        """Points of a factor ``value``: ``weight`` at ``good`` or better, 0 at ``bad`` or worse,
        linear between."""
        share = (bad - value) / (bad - good)
        return weight * min(max(share, 0.0), 1.0)
