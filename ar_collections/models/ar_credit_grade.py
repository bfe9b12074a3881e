from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ArCreditGrade(models.Model):
    _name = "ar.credit.grade"
    _description = "Customer Credit Grade"
    _order = "sequence, code, id"
    _check_company_auto = True

    code = fields.Char(required=True, size=8)
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    default_credit_limit = fields.Monetary(
        currency_field="currency_id", help="Credit limit proposed for a customer put in this grade."
    )
    max_credit_days = fields.Integer(
        string="Maximum Credit Days",
        help="Longest credit period (days after invoice) a customer of this grade may get.",
    )
    credit_sales_allowed = fields.Boolean(
        default=True,
        help="Unticked: customers of this grade buy on prepayment or cash on delivery only.",
    )
    color = fields.Integer()
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, help="Leave empty to share the grade between all companies."
    )
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
        help="Currency of the default credit limit: the grade's company, else the current company.",
    )
    note = fields.Text(string="Policy", translate=True)

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

    _sql_constraints = [
        ("code_company_uniq", "unique(code, company_id)", "A credit grade code must be unique per company."),
    ]

    @api.depends("company_id")
    @api.depends_context("company")
    def _compute_currency_id(self):
        for grade in self:
            grade.currency_id = (grade.company_id or self.env.company).currency_id

    @api.depends("code", "name")
    def _compute_display_name(self):
        for grade in self:
            grade.display_name = f"{grade.code} - {grade.name}" if grade.code else grade.name

    @api.constrains("default_credit_limit", "max_credit_days")
    def _check_positive(self):
        for grade in self:
            if grade.default_credit_limit < 0:
                raise ValidationError(
                    self.env._(
                        "The default credit limit of grade %(grade)s cannot be negative.", grade=grade.display_name
                    )
                )
            if grade.max_credit_days < 0:
                raise ValidationError(
                    self.env._(
                        "The maximum credit days of grade %(grade)s cannot be negative.", grade=grade.display_name
                    )
                )

    @api.constrains("ar_interest_rate", "ar_interest_grace_days")
    def _check_ar_interest_terms(self):
        if any(min(grade.ar_interest_rate, grade.ar_interest_grace_days) < 0 for grade in self):
            raise ValidationError(self.env._("Late-payment interest rate and grace days cannot be negative."))

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
