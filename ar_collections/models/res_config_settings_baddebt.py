# Kept apart from the main file of the model while the house refactor runs (new files only);
# the integrator folds it in.
# pylint: disable=consider-merging-classes-inherited
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # Bad-debt provision
    ar_provision_rate_not_due = fields.Float(related="company_id.ar_provision_rate_not_due", readonly=False)
    ar_provision_rate_1_30 = fields.Float(related="company_id.ar_provision_rate_1_30", readonly=False)
    ar_provision_rate_31_60 = fields.Float(related="company_id.ar_provision_rate_31_60", readonly=False)
    ar_provision_rate_61_90 = fields.Float(related="company_id.ar_provision_rate_61_90", readonly=False)
    ar_provision_rate_over_90 = fields.Float(related="company_id.ar_provision_rate_over_90", readonly=False)
    ar_provision_rate_legal = fields.Float(related="company_id.ar_provision_rate_legal", readonly=False)
    ar_provision_journal_id = fields.Many2one(related="company_id.ar_provision_journal_id", readonly=False)
    ar_provision_account_id = fields.Many2one(related="company_id.ar_provision_account_id", readonly=False)
    ar_provision_expense_account_id = fields.Many2one(
        related="company_id.ar_provision_expense_account_id", readonly=False
    )
    # Write-off and recovery
    ar_recovery_mode = fields.Selection(related="company_id.ar_recovery_mode", readonly=False)
    ar_recovery_income_account_id = fields.Many2one(related="company_id.ar_recovery_income_account_id", readonly=False)
    # Late-payment interest
    ar_interest_rate = fields.Float(related="company_id.ar_interest_rate", readonly=False)
    ar_interest_period = fields.Selection(related="company_id.ar_interest_period", readonly=False)
    ar_interest_grace_days = fields.Integer(related="company_id.ar_interest_grace_days", readonly=False)
    ar_interest_account_id = fields.Many2one(related="company_id.ar_interest_account_id", readonly=False)
    ar_interest_fee_final = fields.Monetary(related="company_id.ar_interest_fee_final", readonly=False)
    ar_interest_fee_lawyer = fields.Monetary(related="company_id.ar_interest_fee_lawyer", readonly=False)
    # Collection cases
    ar_limitation_years = fields.Integer(related="company_id.ar_limitation_years", readonly=False)
    ar_case_commission_account_id = fields.Many2one(related="company_id.ar_case_commission_account_id", readonly=False)
