from odoo import fields, models


# a side file of this feature (the integrator folds it into the main class)
class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    ar_review_months = fields.Integer(related="company_id.ar_review_months", readonly=False)
    ar_5c_limit_share = fields.Float(related="company_id.ar_5c_limit_share", readonly=False)
    ar_signal_order_drop_pct = fields.Float(related="company_id.ar_signal_order_drop_pct", readonly=False)
    ar_signal_slowing_days = fields.Float(related="company_id.ar_signal_slowing_days", readonly=False)
    ar_signal_dispute_amount = fields.Monetary(
        related="company_id.ar_signal_dispute_amount", readonly=False, currency_field="currency_id"
    )
    ar_signal_over_limit_count = fields.Integer(related="company_id.ar_signal_over_limit_count", readonly=False)
