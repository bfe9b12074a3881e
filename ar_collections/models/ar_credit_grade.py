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
