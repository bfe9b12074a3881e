from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    ar_written_off_amount = fields.Monetary(
        string="Written Off",
        compute="_compute_ar_write_off_figures",
        currency_field="ar_company_currency_id",
        help="Debts of the customer written off in the current company.",
    )
    ar_recovered_amount = fields.Monetary(
        string="Recovered After Write-Off",
        compute="_compute_ar_write_off_figures",
        currency_field="ar_company_currency_id",
        help="Payments received for written-off debts of the customer in the current company.",
    )
    ar_write_off_count = fields.Integer(string="Write-Offs", compute="_compute_ar_write_off_figures")
    ar_company_currency_id = fields.Many2one(
        "res.currency", compute="_compute_ar_write_off_figures", string="Company Currency"
    )

    def _compute_ar_write_off_figures(self):
        commercial = self.commercial_partner_id
        figures = {
            partner.id: (amount, recovered, count)
            for partner, amount, recovered, count in self.env["ar.write.off.request"]._read_group(
                [
                    ("partner_id", "in", commercial.ids),
                    ("company_id", "=", self.env.company.id),
                    ("state", "=", "approved"),
                ],
                ["partner_id"],
                ["amount:sum", "recovered_amount:sum", "__count"],
            )
        } if self.env["ar.write.off.request"].has_access("read") else {}
        for partner in self:
            amount, recovered, count = figures.get(partner.commercial_partner_id.id, (0.0, 0.0, 0))
            partner.ar_written_off_amount = amount
            partner.ar_recovered_amount = recovered
            partner.ar_write_off_count = count
            partner.ar_company_currency_id = self.env.company.currency_id

    def action_ar_view_write_offs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("ar_collections.ar_write_off_request_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action
