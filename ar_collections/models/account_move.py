from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    collection_stage_id = fields.Many2one(
        "ar.collection.stage", string="Collection Stage", copy=False, index="btree_not_null",
        tracking=True, readonly=True, help="Set every night by the collections run.")
    collection_stage_date = fields.Date(string="In Stage Since", copy=False, readonly=True)
