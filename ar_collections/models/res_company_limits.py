# Side file of issue 14 part B (credit limits by tier, holds following events), kept apart from the
# model's main file for the merge; the integrator folds it in.
# pylint: disable=consider-merging-classes-inherited
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    ar_limit_tier_basis = fields.Selection(
        [("limit", "New Limit"), ("increase", "Increase")],
        string="Limit Tiers Apply To",
        default="limit",
        required=True,
        help="What the credit limit approval tiers compare with their amounts: the new credit limit, or the "
        "increase over the current one.",
    )

    def _ar_load_demo_limits(self):
        """Demo data only: the credit limit approval tiers of the company ``self`` and a pending
        limit change request. Called from demo/ar_limits_demo.xml after the main story."""
        from ..demo.ar_limits_demo import load_limits

        self.ensure_one()
        load_limits(self)
        return True
