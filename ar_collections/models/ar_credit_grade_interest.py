from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ArCreditGrade(models.Model):
    _inherit = "ar.credit.grade"

    ar_interest_own_terms = fields.Boolean(
        string="Own Interest Terms",
        help="Ticked: customers of this grade are charged the late-payment interest rate and grace days below "
        "instead of the company's (a rate of 0 charges them no interest).",
    )
    ar_interest_rate = fields.Float(
        string="Late-Payment Interest Rate (%)",
        digits=(16, 4),
        help="Simple interest on the overdue amount of each invoice, per day or per year.",
    )
    ar_interest_period = fields.Selection(
        [("day", "Per Day"), ("year", "Per Year")], string="Interest Rate Period", default="day"
    )
    ar_interest_grace_days = fields.Integer(
        string="Interest Grace Days",
        help="Days after the due date that are not charged: interest runs from the due date plus these days.",
    )

    @api.constrains("ar_interest_rate", "ar_interest_grace_days")
    def _check_ar_interest_terms(self):
        if any(min(grade.ar_interest_rate, grade.ar_interest_grace_days) < 0 for grade in self):
            raise ValidationError(self.env._("Late-payment interest rate and grace days cannot be negative."))
