from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ArCreditGrade(models.Model):
    _inherit = "ar.credit.grade"

    ar_min_score = fields.Integer(
        string="Minimum Score",
        help="Credit score (0-100) from which the behaviour score or the 5C evaluation proposes this grade: "
        "the grade with the highest minimum not above the score.",
    )
    ar_limit_months = fields.Float(
        string="Months of Sales",
        default=1.0,
        help="Proposed credit limit = average monthly sales x this number, capped at the default credit limit.",
    )

    @api.constrains("ar_min_score", "ar_limit_months")
    def _check_ar_scoring(self):
        for grade in self:
            if not 0 <= grade.ar_min_score <= 100 or grade.ar_limit_months < 0:
                raise ValidationError(
                    self.env._(
                        "Grade %(grade)s: the minimum score is between 0 and 100 and the months of sales "
                        "cannot be negative.",
                        grade=grade.display_name,
                    )
                )
