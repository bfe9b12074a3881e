# Side file of issue 14 part B (credit limits by tier, holds following events), kept apart from the
# model's main file for the merge; the integrator folds it in.
# pylint: disable=consider-merging-classes-inherited
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ar_limit_tier_basis = fields.Selection(related="company_id.ar_limit_tier_basis", readonly=False)
