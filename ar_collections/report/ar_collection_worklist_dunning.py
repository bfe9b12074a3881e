# Side file of the model (issue 13, automatic dunning): the integrator folds it in.
# pylint: disable=consider-merging-classes-inherited
from odoo import models


class ArCollectionWorklist(models.Model):
    _inherit = "ar.collection.worklist"

    def action_ar_print_letters(self):
        """Bulk "Send / Print Letters" of the selected lines' customers (one PDF), see
        ``res.partner.action_ar_print_letters``: the same checks, the caller's rights."""
        return self.partner_id.action_ar_print_letters()

    def action_ar_email_letters(self):
        """Bulk "E-mail Letters" of the selected lines' customers, see
        ``res.partner.action_ar_email_letters``."""
        return self.partner_id.action_ar_email_letters()
