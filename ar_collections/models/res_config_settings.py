from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # Aging buckets and the default collector
    ar_bucket_1_days = fields.Integer(related="company_id.ar_bucket_1_days", readonly=False)
    ar_bucket_2_days = fields.Integer(related="company_id.ar_bucket_2_days", readonly=False)
    ar_bucket_3_days = fields.Integer(related="company_id.ar_bucket_3_days", readonly=False)
    ar_default_collector_id = fields.Many2one(related="company_id.ar_default_collector_id", readonly=False)

    # Collections run: owners of the follow-ups, the strategy matrix, the batches, the company's date
    ar_credit_manager_user_id = fields.Many2one(related="company_id.ar_credit_manager_user_id", readonly=False)
    ar_legal_user_id = fields.Many2one(related="company_id.ar_legal_user_id", readonly=False)
    ar_key_amount_threshold = fields.Monetary(
        related="company_id.ar_key_amount_threshold", readonly=False, currency_field="currency_id"
    )
    ar_long_aging_days = fields.Integer(related="company_id.ar_long_aging_days", readonly=False)
    ar_collection_batch_size = fields.Integer(related="company_id.ar_collection_batch_size", readonly=False)
    ar_statement_cycle = fields.Boolean(related="company_id.ar_statement_cycle", readonly=False)
    ar_statement_prepare_day = fields.Integer(related="company_id.ar_statement_prepare_day", readonly=False)
    ar_statement_send_day = fields.Integer(related="company_id.ar_statement_send_day", readonly=False)
    ar_statement_reminder_day = fields.Integer(related="company_id.ar_statement_reminder_day", readonly=False)
    ar_reminder_default = fields.Selection(related="company_id.ar_reminder_default", readonly=False)
    ar_dunning_send_mode = fields.Selection(related="company_id.ar_dunning_send_mode", readonly=False)
    ar_timezone = fields.Selection(related="company_id.ar_timezone", readonly=False)

    # Credit holds
    ar_credit_approver_id = fields.Many2one(related="company_id.ar_credit_approver_id", readonly=False)

    # Collector's workspace: promises to pay, calling days and hours
    ar_promise_grace_days = fields.Integer(related="company_id.ar_promise_grace_days", readonly=False)
    ar_customer_link_days = fields.Integer(related="company_id.ar_customer_link_days", readonly=False)
    ar_call_monday = fields.Selection(related="company_id.ar_call_monday", readonly=False)
    ar_call_tuesday = fields.Selection(related="company_id.ar_call_tuesday", readonly=False)
    ar_call_wednesday = fields.Selection(related="company_id.ar_call_wednesday", readonly=False)
    ar_call_thursday = fields.Selection(related="company_id.ar_call_thursday", readonly=False)
    ar_call_friday = fields.Selection(related="company_id.ar_call_friday", readonly=False)
    ar_call_saturday = fields.Selection(related="company_id.ar_call_saturday", readonly=False)
    ar_call_sunday = fields.Selection(related="company_id.ar_call_sunday", readonly=False)
    ar_call_max_delay_days = fields.Integer(related="company_id.ar_call_max_delay_days", readonly=False)
    ar_call_avoid_month_end_days = fields.Integer(related="company_id.ar_call_avoid_month_end_days", readonly=False)
    ar_call_hour_from = fields.Float(related="company_id.ar_call_hour_from", readonly=False)
    ar_call_hour_to = fields.Float(related="company_id.ar_call_hour_to", readonly=False)

    # Scheduled reports
    ar_report_recipient_ids = fields.Many2many(related="company_id.ar_report_recipient_ids", readonly=False)

    # Scorecards: lateness deductions
    ar_late_deduction_30 = fields.Float(related="company_id.ar_late_deduction_30", readonly=False)
    ar_late_deduction_60 = fields.Float(related="company_id.ar_late_deduction_60", readonly=False)
    ar_late_deduction_90 = fields.Float(related="company_id.ar_late_deduction_90", readonly=False)
    ar_late_deduction_120 = fields.Float(related="company_id.ar_late_deduction_120", readonly=False)
    ar_late_deduction_over_120 = fields.Float(related="company_id.ar_late_deduction_over_120", readonly=False)

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

    ar_limit_tier_basis = fields.Selection(related="company_id.ar_limit_tier_basis", readonly=False)

    ar_plan_approval_amount = fields.Monetary(related="company_id.ar_plan_approval_amount", readonly=False)
    ar_plan_max_broken = fields.Integer(related="company_id.ar_plan_max_broken", readonly=False)

    ar_review_months = fields.Integer(related="company_id.ar_review_months", readonly=False)
    ar_5c_limit_share = fields.Float(related="company_id.ar_5c_limit_share", readonly=False)
    ar_signal_order_drop_pct = fields.Float(related="company_id.ar_signal_order_drop_pct", readonly=False)
    ar_signal_slowing_days = fields.Float(related="company_id.ar_signal_slowing_days", readonly=False)
    ar_signal_dispute_amount = fields.Monetary(
        related="company_id.ar_signal_dispute_amount", readonly=False, currency_field="currency_id"
    )
    ar_signal_over_limit_count = fields.Integer(related="company_id.ar_signal_over_limit_count", readonly=False)
