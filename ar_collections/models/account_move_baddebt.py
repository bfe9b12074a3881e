from odoo import api, fields, models
from odoo.exceptions import AccessError

ACCOUNTANT_GROUP = "account.group_account_user"


class AccountMove(models.Model):
    _inherit = "account.move"

    ar_provision_id = fields.Many2one(
        "ar.bad.debt.provision",
        string="Bad-Debt Provision",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Monthly bad-debt provision that drafted this entry.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(vals.get("ar_provision_id") for vals in vals_list):
            raise AccessError(self.env._("Bad-debt provision entries are drafted by the provision only."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and "ar_provision_id" in vals:
            raise AccessError(self.env._("Bad-debt provision entries are drafted by the provision only."))
        return super().write(vals)

    def _post(self, soft=True):
        # a bad-debt provision entry is posted by an accountant, never by a collector or a
        # credit manager (who drafted it)
        if (
            not self.env.su
            and any(move.ar_provision_id for move in self)
            and not self.env.user.has_group(ACCOUNTANT_GROUP)
        ):
            raise AccessError(self.env._("Only an accountant may post a bad-debt provision entry."))
        return super()._post(soft=soft)
