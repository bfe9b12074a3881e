# Kept apart from the main file of the model while the house refactor runs (new files only);
# the integrator folds it in.
# pylint: disable=consider-merging-classes-inherited
"""Bad-debt provision settings of a company: the rate of each aging bucket, the accounts and
the journal of the monthly provision entry."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

# bucket key (see ``ar.aging``'s BUCKETS, plus "legal") -> company field holding its rate (%)
PROVISION_RATE_FIELDS = {
    "not_due": "ar_provision_rate_not_due",
    "1_30": "ar_provision_rate_1_30",
    "31_60": "ar_provision_rate_31_60",
    "61_90": "ar_provision_rate_61_90",
    "over_90": "ar_provision_rate_over_90",
    "legal": "ar_provision_rate_legal",
}


class ResCompany(models.Model):
    _inherit = "res.company"

    ar_provision_rate_not_due = fields.Float(
        string="Provision Rate: Not Due (%)", default=0.0, help="Share of the invoices not yet due provisioned."
    )
    ar_provision_rate_1_30 = fields.Float(
        string="Provision Rate: 1st Overdue Bucket (%)",
        default=1.0,
        help="Share of the invoices in the first overdue bucket (1-30 days by default) provisioned.",
    )
    ar_provision_rate_31_60 = fields.Float(
        string="Provision Rate: 2nd Overdue Bucket (%)",
        default=5.0,
        help="Share of the invoices in the second overdue bucket (31-60 days by default) provisioned.",
    )
    ar_provision_rate_61_90 = fields.Float(
        string="Provision Rate: 3rd Overdue Bucket (%)",
        default=20.0,
        help="Share of the invoices in the third overdue bucket (61-90 days by default) provisioned.",
    )
    ar_provision_rate_over_90 = fields.Float(
        string="Provision Rate: Last Bucket (%)",
        default=50.0,
        help="Share of the invoices in the last bucket (over 90 days by default) provisioned.",
    )
    ar_provision_rate_legal = fields.Float(
        string="Provision Rate: Legal Cases (%)",
        default=100.0,
        help="Share of the invoices handed to legal provisioned, whatever their age.",
    )
    ar_provision_journal_id = fields.Many2one(
        "account.journal",
        string="Bad-Debt Provision Journal",
        check_company=True,
        domain="[('type', '=', 'general')]",
        help="Journal of the monthly bad-debt provision entries.",
    )
    ar_provision_account_id = fields.Many2one(
        "account.account",
        string="Bad-Debt Allowance Account",
        check_company=True,
        domain="[('account_type', 'not in', ('asset_receivable', 'liability_payable', 'off_balance'))]",
        help="Balance sheet account holding the allowance for doubtful receivables (credit balance).",
    )
    ar_provision_expense_account_id = fields.Many2one(
        "account.account",
        string="Bad-Debt Expense Account",
        check_company=True,
        domain="[('account_type', 'in', ('expense', 'expense_other'))]",
        help="Expense account debited when the allowance grows and credited when it shrinks.",
    )

    @api.constrains(*PROVISION_RATE_FIELDS.values())
    def _check_ar_provision_rates(self):
        for company in self:
            if any(not 0.0 <= company[fname] <= 100.0 for fname in PROVISION_RATE_FIELDS.values()):
                raise ValidationError(self.env._("Bad-debt provision rates are percentages between 0 and 100."))

    @api.constrains("ar_provision_account_id", "ar_provision_expense_account_id")
    def _check_ar_provision_accounts(self):
        for company in self:
            allowance = company.ar_provision_account_id
            if allowance and allowance == company.ar_provision_expense_account_id:
                raise ValidationError(
                    self.env._("The bad-debt allowance and expense accounts must be two different accounts.")
                )
            if allowance.account_type in ("asset_receivable", "liability_payable"):
                raise ValidationError(
                    self.env._("The bad-debt allowance account cannot be a receivable or payable account.")
                )

    def _ar_get_provision_rates(self):
        """Provision rate (%) per bucket key of this company."""
        self.ensure_one()
        return {bucket: self[fname] for bucket, fname in PROVISION_RATE_FIELDS.items()}

    # Recovery after write-off
    ar_recovery_mode = fields.Selection(
        [("reverse", "Reverse the Write-Off"), ("income", "Other Income")],
        string="Recovery After Write-Off",
        default="reverse",
        required=True,
        help="A payment received for a written-off debt: credited back to the account the write-off debited, "
        "or to an income account.",
    )
    ar_recovery_income_account_id = fields.Many2one(
        "account.account",
        string="Recovery Income Account",
        check_company=True,
        domain="[('account_type', 'in', ('income', 'income_other'))]",
        help="Income account credited by recoveries after write-off (when they do not reverse the write-off).",
    )

    # Late-payment interest (逾期利息 / 违约金)
    ar_interest_rate = fields.Float(
        string="Late-Payment Interest Rate (%)",
        digits=(16, 4),
        help="Simple interest on the overdue amount of each invoice, per day or per year. 0: no interest.",
    )
    ar_interest_period = fields.Selection(
        [("day", "Per Day"), ("year", "Per Year")], string="Interest Rate Period", default="day", required=True
    )
    ar_interest_grace_days = fields.Integer(
        string="Interest Grace Days",
        default=0,
        help="Days after the due date that are not charged: interest runs from the due date plus these days.",
    )
    ar_interest_account_id = fields.Many2one(
        "account.account",
        string="Interest Income Account",
        check_company=True,
        domain="[('account_type', 'in', ('income', 'income_other'))]",
        help="Income account of the lines of the late-payment interest invoices.",
    )
    ar_interest_fee_final = fields.Monetary(
        string="Fee per Final Notice",
        currency_field="currency_id",
        help="Fixed fee claimed in the final notice, on top of the interest.",
    )
    ar_interest_fee_lawyer = fields.Monetary(
        string="Fee per Lawyer Letter",
        currency_field="currency_id",
        help="Fixed fee claimed in the lawyer letter, on top of the interest.",
    )

    @api.constrains("ar_interest_rate", "ar_interest_grace_days", "ar_interest_fee_final", "ar_interest_fee_lawyer")
    def _check_ar_interest(self):
        for company in self:
            if (
                min(
                    company.ar_interest_rate,
                    company.ar_interest_grace_days,
                    company.ar_interest_fee_final,
                    company.ar_interest_fee_lawyer,
                )
                < 0
            ):
                raise ValidationError(self.env._("Late-payment interest rate, grace days and fees cannot be negative."))

    # Collection cases
    ar_limitation_years = fields.Integer(
        string="Limitation Period (years)",
        default=3,
        help="Limitation period of a debt from its last acknowledgement (confirmed statement, promise, partial "
        "payment, signed reply).",
    )
    ar_case_commission_account_id = fields.Many2one(
        "account.account",
        string="Agency Commission Account",
        check_company=True,
        domain="[('account_type', 'in', ('expense', 'expense_other'))]",
        help="Expense account of the collection agencies' commission bills.",
    )

    @api.constrains("ar_limitation_years")
    def _check_ar_limitation_years(self):
        if any(company.ar_limitation_years <= 0 for company in self):
            raise ValidationError(self.env._("The limitation period is at least one year."))
