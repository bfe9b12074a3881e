from odoo import fields, models

from .ar_bad_debt_provision import PROVISION_BUCKETS


class ArBadDebtProvisionLine(models.Model):
    """What a customer owes in one bucket at month end, and the provision it requires."""

    _name = "ar.bad.debt.provision.line"
    _description = "Bad-Debt Provision Line"
    _order = "provision_id, id"

    provision_id = fields.Many2one(
        "ar.bad.debt.provision", string="Bad-Debt Provision", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="provision_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="provision_id.currency_id")
    date = fields.Date(related="provision_id.date", store=True, string="Month End")
    partner_id = fields.Many2one("res.partner", string="Customer", index=True)
    bucket = fields.Selection(PROVISION_BUCKETS, required=True)
    invoice_count = fields.Integer(string="Invoices")
    base_amount = fields.Monetary(string="Amount Owed", currency_field="currency_id", aggregator="sum")
    credit_amount = fields.Monetary(
        string="Unapplied Credits",
        currency_field="currency_id",
        aggregator="sum",
        help="The customer's unreconciled payments and credit notes applied to these invoices: they pay its "
        "oldest invoices first, never more than an invoice owes.",
    )
    net_amount = fields.Monetary(
        string="Net Amount Owed",
        currency_field="currency_id",
        aggregator="sum",
        help="Amount owed less the unapplied credits: the base of the provision.",
    )
    rate = fields.Float(string="Rate (%)", aggregator=None)
    provision_amount = fields.Monetary(string="Provision", currency_field="currency_id", aggregator="sum")
