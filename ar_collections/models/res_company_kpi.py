from odoo import api, fields, models
from odoo.exceptions import ValidationError

LATE_DEDUCTION_FIELDS = (
    "ar_late_deduction_30",
    "ar_late_deduction_60",
    "ar_late_deduction_90",
    "ar_late_deduction_120",
    "ar_late_deduction_over_120",
)


# kept apart from res_company.py while the house is refactored; folded in at integration
class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    # Lateness table of the collectors' and salespeople's scorecards: a receipt counts
    # less the later it comes after the due date of the invoice it pays.
    ar_late_deduction_30 = fields.Float(
        string="Deduction 1-30 Days Late (%)",
        default=20.0,
        help="Share of a receipt 1 to 30 days late that does not count in the scorecards.",
    )
    ar_late_deduction_60 = fields.Float(
        string="Deduction 31-60 Days Late (%)",
        default=40.0,
        help="Share of a receipt 31 to 60 days late that does not count in the scorecards.",
    )
    ar_late_deduction_90 = fields.Float(
        string="Deduction 61-90 Days Late (%)",
        default=60.0,
        help="Share of a receipt 61 to 90 days late that does not count in the scorecards.",
    )
    ar_late_deduction_120 = fields.Float(
        string="Deduction 91-120 Days Late (%)",
        default=80.0,
        help="Share of a receipt 91 to 120 days late that does not count in the scorecards.",
    )
    ar_late_deduction_over_120 = fields.Float(
        string="Deduction Over 120 Days Late (%)",
        default=100.0,
        help="Share of a receipt more than 120 days late that does not count in the scorecards.",
    )

    @api.constrains(*LATE_DEDUCTION_FIELDS)
    def _check_ar_late_deductions(self):
        for company in self:
            if any(not 0 <= company[fname] <= 100 for fname in LATE_DEDUCTION_FIELDS):
                raise ValidationError(self.env._("A lateness deduction is a percentage from 0 to 100."))
