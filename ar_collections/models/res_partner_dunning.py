# Side file of the model (issue 13, automatic dunning): the integrator folds it in.
# pylint: disable=consider-merging-classes-inherited
from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def action_ar_email_letters(self):
        """Bulk "E-mail Letters" of the selected customers: the draft letter of each (see
        ``_ar_get_bulk_letters``) e-mailed to its invoicing contact, numbered and logged
        (``ar.dunning.letter.action_email_letters``). Collectors and credit managers only,
        checked before any letter is created."""
        self.env["ar.dunning.letter"]._ar_check_bulk_caller()
        return self._ar_get_bulk_letters().action_email_letters()
