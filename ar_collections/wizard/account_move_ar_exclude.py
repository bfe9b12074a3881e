from odoo import api, fields, models


class AccountMoveArExclude(models.TransientModel):
    _name = "account.move.ar.exclude"
    _description = "Exclude Invoices from Collections"

    move_ids = fields.Many2many("account.move", string="Invoices", required=True)
    reason = fields.Char(required=True, help="Why the invoices are left out of collections, e.g. a dispute.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "account.move" and "move_ids" in fields_list:
            values["move_ids"] = [fields.Command.set(self.env.context.get("active_ids", []))]
        return values

    def action_confirm(self):
        self.ensure_one()
        self.move_ids._ar_set_collection_exclusion(self.reason)
        return {"type": "ir.actions.act_window_close"}
