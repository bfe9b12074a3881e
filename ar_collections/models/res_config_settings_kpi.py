from odoo import fields, models


# kept apart from res_config_settings.py while the house is refactored; folded in at integration
class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    ar_late_deduction_30 = fields.Float(related="company_id.ar_late_deduction_30", readonly=False)
    ar_late_deduction_60 = fields.Float(related="company_id.ar_late_deduction_60", readonly=False)
    ar_late_deduction_90 = fields.Float(related="company_id.ar_late_deduction_90", readonly=False)
    ar_late_deduction_120 = fields.Float(related="company_id.ar_late_deduction_120", readonly=False)
    ar_late_deduction_over_120 = fields.Float(related="company_id.ar_late_deduction_over_120", readonly=False)
