# Side file of issue 14 part B (credit limits by tier, holds following events), kept apart from the
# model's main file for the merge; the integrator folds it in.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models


class ArCreditProfileHistory(models.Model):
    """Who asked for each change and who approved it: a change written directly (within the
    writer's authority) was asked for and approved by its writer; a limit applied by a change
    request names its requester, its last approver and the request (whose chain lists every
    step)."""

    _inherit = "ar.credit.profile.history"

    requested_by_id = fields.Many2one("res.users", readonly=True)
    approved_by_id = fields.Many2one("res.users", readonly=True)
    limit_request_id = fields.Many2one(
        "ar.credit.limit.request", string="Change Request", readonly=True, index="btree_not_null"
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("kind", "change") == "change" and vals.get("user_id"):
                vals.setdefault("requested_by_id", vals["user_id"])
                vals.setdefault("approved_by_id", vals["user_id"])
        return super().create(vals_list)
