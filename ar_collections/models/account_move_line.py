from odoo import api, fields, models
from odoo.exceptions import AccessError

# the interest an invoice line charges: written by the interest invoicing only
INTEREST_FIELDS = ("ar_interest_source_id", "ar_interest_date_from", "ar_interest_date_to", "ar_fee_letter_id")


def _flatten_plan(plan):
    for item in plan:
        if isinstance(item, models.BaseModel):
            yield item
        else:
            yield from _flatten_plan(item)


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

    def _reconcile_plan(self, reconciliation_plan):
        """Every reconciliation (payment registered, outstanding payment assigned, credit
        note, bank reconciliation) goes through here: once it is done, the credit holds of the
        customers touched follow it (``ar.collection.followup._ar_sync_holds``), one check
        for all of them."""
        result = super()._reconcile_plan(reconciliation_plan)
        lines = self.browse().union(*_flatten_plan(reconciliation_plan))
        self._ar_sync_holds_of_lines(lines)
        return result

    def _ar_sync_holds_of_lines(self, lines):
        receivable = lines.filtered(lambda line: line.account_id.account_type == "asset_receivable")
        if receivable:
            # sudo: the hold to-dos follow the payment, whoever reconciles it
            self.env["ar.collection.followup"].sudo()._ar_sync_holds(receivable.partner_id.commercial_partner_id.ids)
