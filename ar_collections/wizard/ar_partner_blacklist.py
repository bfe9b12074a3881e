from odoo import fields, models


class ArPartnerBlacklist(models.TransientModel):
    _name = "ar.partner.blacklist"
    _description = "Blacklist or Release Customers"

    partner_ids = fields.Many2many("res.partner", string="Customers", required=True)
    mode = fields.Selection(
        [("blacklist", "Blacklist"), ("release", "Release from blacklist")], required=True, default="blacklist"
    )
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        if self.mode == "blacklist":
            self.partner_ids._ar_set_blacklist(self.reason)
        else:
            self.partner_ids._ar_release_blacklist(self.reason)
        return {"type": "ir.actions.act_window_close"}
