# Side file of the model (issue 13, automatic dunning): the integrator folds it in.
# pylint: disable=consider-merging-classes-inherited
from odoo import fields, models


class ArCollectionStage(models.Model):
    _inherit = "ar.collection.stage"

    auto_attach_invoices = fields.Boolean(
        string="Attach Invoices",
        help="The e-mail of the collections run carries the PDF of each invoice it lists.",
    )
