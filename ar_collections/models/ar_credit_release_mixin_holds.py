# Side file of issue 14 part B (credit limits by tier, holds following events), kept apart from the
# model's main file for the merge; the integrator folds it in.
# pylint: disable=consider-merging-classes-inherited
from odoo import fields, models


class ArCreditReleaseMixin(models.AbstractModel):
    _inherit = "ar.credit.release.mixin"

    ar_hold_lifted_date = fields.Datetime(
        string="Credit Hold Lifted On",
        readonly=True,
        copy=False,
        help="When a payment removed the reason of the document's credit hold and its hold to-dos were closed; "
        "cleared when a broken promise (or an unreconciled payment) holds it again.",
    )
