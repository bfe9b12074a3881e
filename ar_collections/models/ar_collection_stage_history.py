from odoo import fields, models


class ArCollectionStageHistory(models.Model):
    """One change of an invoice's collection stage: which invoice, from which stage to
    which, when, by which run (or user). Written in bulk by the collections run."""

    _name = "ar.collection.stage.history"
    _description = "Collection Stage Change"
    _order = "date desc, id desc"

    move_id = fields.Many2one("account.move", string="Invoice", required=True, ondelete="cascade", index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", index=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    from_stage_id = fields.Many2one("ar.collection.stage", ondelete="set null")
    to_stage_id = fields.Many2one("ar.collection.stage", ondelete="set null")
    date = fields.Date(required=True, help="Day of the change (the company's date of the run).")
    run_id = fields.Many2one("ar.collection.run", ondelete="set null", index="btree_not_null")
    user_id = fields.Many2one("res.users", string="By", help="The user who made the change or launched the run.")
