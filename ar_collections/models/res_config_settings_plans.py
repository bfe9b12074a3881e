from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    ar_plan_approval_amount = fields.Monetary(related="company_id.ar_plan_approval_amount", readonly=False)
    ar_plan_max_broken = fields.Integer(related="company_id.ar_plan_max_broken", readonly=False)
