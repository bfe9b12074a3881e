# Side file of the model (issue 15, bad debts): the integrator folds it in.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    ar_case_owner_id = fields.Many2one(
        "res.users",
        string="Collection Case Owner",
        compute="_compute_ar_case_owner_id",
        help="Owner of the customer's open collection case in the current company (legal officer, or the "
        "responsible user of an agency case): the collections follow-up is his while the case is open.",
    )

    @api.depends_context("company")
    def _compute_ar_case_owner_id(self):
        """One search of the open cases for all the partners computed at once."""
        owners = self.env["ar.collection.case"]._ar_get_case_owners(self.commercial_partner_id, self.env.company)
        for partner in self:
            partner.ar_case_owner_id = owners.get(partner.commercial_partner_id.id, False)
