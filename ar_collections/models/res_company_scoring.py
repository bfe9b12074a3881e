from odoo import api, fields, models
from odoo.exceptions import ValidationError


# a side file of this feature (the integrator folds it into the main class)
class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    # Credit scoring: reviews, 5C starting limits and the thresholds of the danger signals
    ar_review_months = fields.Integer(
        string="Review Period (months)",
        default=6,
        help="Every customer with a credit score gets a credit review (评级复核) this many months after his last one.",
    )
    ar_5c_limit_share = fields.Float(
        string="5C Starting Limit (%)",
        default=50.0,
        help="A new customer starts at this share of the default credit limit of the grade his 5C evaluation gives.",
    )
    ar_signal_order_drop_pct = fields.Float(
        string="Order Drop (%)",
        default=30.0,
        help="Danger signal when the orders of the last 3 months are this much below the 3 months before.",
    )
    ar_signal_slowing_days = fields.Float(
        string="Payments Slowing (days)",
        default=10.0,
        help="Danger signal when the average days late of the last 3 months exceed those of the 6 months "
        "before by this many days.",
    )
    ar_signal_dispute_amount = fields.Monetary(
        string="Large Dispute",
        currency_field="currency_id",
        default=50000.0,
        help="Danger signal when a dispute opened in the last 30 days covers invoices due at least this amount.",
    )
    ar_signal_over_limit_count = fields.Integer(
        string="Over-Limit Attempts",
        default=3,
        help="Danger signal when this many held orders or deliveries were released in the last 30 days.",
    )

    @api.constrains("ar_review_months", "ar_5c_limit_share", "ar_signal_order_drop_pct", "ar_signal_over_limit_count")
    def _check_ar_scoring_settings(self):
        for company in self:
            if company.ar_review_months < 1 or company.ar_signal_over_limit_count < 1:
                raise ValidationError(self.env._("The review period and the over-limit attempts must be at least 1."))
            if not 0 <= company.ar_5c_limit_share <= 100 or not 0 < company.ar_signal_order_drop_pct <= 100:
                raise ValidationError(
                    self.env._("The 5C starting limit and the order drop are percentages between 0 and 100.")
                )

    def _ar_load_demo_scoring(self):
        """Demo data only: the credit scoring of the company ``self`` (scores, reviews, danger
        signals, a 5C evaluation). Called from demo/ar_scoring_demo.xml after the bad debts."""
        from ..demo.ar_scoring_demo import load_scoring

        self.ensure_one()
        return load_scoring(self)
