from odoo import models


class ArCreditReleaseMixin(models.AbstractModel):
    _inherit = "ar.credit.release.mixin"

    def _ar_blacklist_reasons(self, partner):
        """A customer with an open collection case is held like a blacklisted one."""
        reasons = super()._ar_blacklist_reasons(partner)
        # sudo: the hold is checked for whoever confirms or delivers (company filtered)
        cases = (
            self.env["ar.collection.case"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.env.company.id),
                    ("partner_id", "=", partner.commercial_partner_id.id),
                    ("state", "in", ("preparing", "lawyer_letter", "litigation", "judgment", "enforcement")),
                ]
            )
        )
        if cases:
            reasons.append(
                {
                    "code": "collection_case",
                    "message": self.env._(
                        "The customer %(partner)s is in a collection case (%(cases)s).",
                        partner=partner.display_name,
                        cases=", ".join(cases.mapped("name")),
                    ),
                }
            )
        return reasons
