from odoo import api, fields, models
from odoo.exceptions import AccessError

# the interest an invoice line charges: written by the interest invoicing only
INTEREST_FIELDS = ("ar_interest_source_id", "ar_interest_date_from", "ar_interest_date_to", "ar_fee_letter_id")


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    ar_interest_source_id = fields.Many2one(
        "account.move",
        string="Interest On",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Overdue invoice whose late-payment interest this line charges.",
    )
    ar_interest_date_from = fields.Date(string="Interest From", readonly=True, copy=False)
    ar_interest_date_to = fields.Date(string="Interest To", readonly=True, copy=False)
    ar_fee_letter_id = fields.Many2one(
        "ar.dunning.letter",
        string="Fee of Letter",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Dunning letter whose collection fee this line charges.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(vals.get(fname) for vals in vals_list for fname in INTEREST_FIELDS):
            raise AccessError(self.env._("Late-payment interest lines are created by the interest invoicing only."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and set(INTEREST_FIELDS) & set(vals):
            raise AccessError(self.env._("Late-payment interest lines are created by the interest invoicing only."))
        return super().write(vals)
