from odoo import fields, models


class ArCollectionStage(models.Model):
    """A rung of the collection ladder: which invoices (by days relative to their due
    date) it holds, who follows them up, how, and whether it holds sales or locks
    deliveries. The aging/stages work fills in the rest of the policy."""

    _name = "ar.collection.stage"
    _description = "Collection Stage"
    _order = "company_id, days_from, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    days_from = fields.Integer(
        string="From (days)", required=True,
        help="First day of the stage, in days after the due date (negative: before the due date).")
    days_to = fields.Integer(
        string="To (days)",
        help="Last day of the stage, in days after the due date. Empty (0) on the last stage: no end.")
    hold_sales = fields.Boolean(
        string="Hold Sales", help="New sale orders of a customer with an invoice in this stage are held.")
    lock_deliveries = fields.Boolean(
        string="Lock Deliveries", help="Deliveries to a customer with an invoice in this stage are locked.")
