from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ar_late_deduction_30 = fields.Float(related="company_id.ar_late_deduction_30", readonly=False)
    ar_late_deduction_60 = fields.Float(related="company_id.ar_late_deduction_60", readonly=False)
    ar_late_deduction_90 = fields.Float(related="company_id.ar_late_deduction_90", readonly=False)
    ar_late_deduction_120 = fields.Float(related="company_id.ar_late_deduction_120", readonly=False)
    ar_late_deduction_over_120 = fields.Float(related="company_id.ar_late_deduction_over_120", readonly=False)
