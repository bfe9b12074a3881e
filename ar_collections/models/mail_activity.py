from odoo import fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    # A customer is followed up separately in each company: the collections activity
    # remembers its company and the stage it was scheduled for (to detect escalations).
    ar_company_id = fields.Many2one("res.company", string="Collections Company", index="btree_not_null")
    ar_stage_id = fields.Many2one("ar.collection.stage", string="Collection Stage", ondelete="set null")
