from odoo import api, fields, models
from odoo.exceptions import AccessError

ACCOUNTANT_GROUP = "account.group_account_user"
# links to the bad-debt records that booked the entry: written by those records only
GUARDED_FIELDS = ("ar_provision_id", "ar_write_off_request_id", "ar_recovery_request_id")


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
    ar_write_off_request_id = fields.Many2one(
        "ar.write.off.request",
        string="Write-Off Request",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Approved write-off request that booked this entry.",
    )
    ar_recovery_request_id = fields.Many2one(
        "ar.write.off.request",
        string="Recovered Write-Off",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Written-off debt this entry records a recovery of.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(vals.get(fname) for vals in vals_list for fname in GUARDED_FIELDS):
            raise AccessError(self.env._("Bad-debt entries are booked by their provision or write-off only."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and set(GUARDED_FIELDS) & set(vals):
            raise AccessError(self.env._("Bad-debt entries are booked by their provision or write-off only."))
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
