from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    # Repayment plans
    ar_plan_approval_amount = fields.Monetary(
        string="Repayment Plan Approval Amount",
        currency_field="currency_id",
        default=50000.0,
        help="A repayment plan covering more than this amount is approved by a Credit Manager (other than its "
        "proposer) before it is proposed to the customer. Zero: every plan is activated by the collectors.",
    )
    ar_plan_max_broken = fields.Integer(
        string="Broken Instalments Cancelling a Plan",
        default=2,
        help="A repayment plan with this many instalments broken or only partly kept is cancelled by the nightly "
        "check, and dunning of its invoices resumes. Zero: never cancelled automatically.",
    )

    @api.constrains("ar_plan_approval_amount", "ar_plan_max_broken")
    def _check_ar_plan_settings(self):
        for company in self:
            if company.ar_plan_approval_amount < 0 or company.ar_plan_max_broken < 0:
                raise ValidationError(
                    self.env._(
                        "The repayment plan approval amount and number of broken instalments cannot be negative."
                    )
                )

    def _ar_load_demo_plans(self):
        """Demo data only: a customer paying by a repayment plan (one instalment kept, the
        next due). Called from demo/ar_plans_demo.xml after the main story."""
        from ..demo.ar_plans_demo import load_plans

        self.ensure_one()
        return load_plans(self)
