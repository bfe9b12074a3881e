from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ar_limit_tier_basis = fields.Selection(related="company_id.ar_limit_tier_basis", readonly=False)
