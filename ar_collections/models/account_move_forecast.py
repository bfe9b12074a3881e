from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    ar_expected_payment_date = fields.Date(
        string="Expected Payment",
        compute="_compute_ar_expected_payment_date",
        groups="ar_collections.group_ar_collections_user,ar_collections.group_ar_collections_auditor",
        help="When the customer is expected to pay what the invoice still owes: the date of an open promise "
        "to pay, else the due date plus the customer's average days late (weighted by amount) over the "
        "last 180 days.",
    )

    def _compute_ar_expected_payment_date(self):
        """One query per company of the invoices (see ``ar.cash.forecast``)."""
        self.ar_expected_payment_date = False
        Forecast = self.env["ar.cash.forecast"]
        invoices = self.filtered(lambda move: move.id and move.state == "posted" and move.is_sale_document())
        for company, company_invoices in invoices.grouped("company_id").items():
            today = company._ar_get_today()[0]
            expected = Forecast._ar_get_expected_payments(today, company.ids, company_invoices.ids)
            for invoice in company_invoices:
                invoice.ar_expected_payment_date = expected.get(invoice.id, {}).get("expected_date", False)
