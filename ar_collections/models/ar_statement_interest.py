"""The late-payment interest accrued on the statement's overdue invoices at the end of its
period, per invoice and in total, kept as computed when the statement was sent."""

from collections import defaultdict

from odoo import api, fields, models

from .ar_statement import ArStatement as BaseStatement


class ArStatement(models.Model):
    _inherit = "ar.statement"
    # the interest printed on the statement is kept as sent
    _ar_locked_fields = (*BaseStatement._ar_locked_fields, "ar_interest_amount", "ar_interest_lines")

    ar_interest_amount = fields.Monetary(
        string="Accrued Interest",
        compute="_compute_ar_interest",
        store=True,
        readonly=True,
        help="Late-payment interest accrued and not invoiced yet on the overdue invoices at the end of the "
        "period (the customer's terms), as printed on the statement.",
    )
    ar_interest_lines = fields.Json(
        string="Interest per Invoice",
        compute="_compute_ar_interest",
        store=True,
        readonly=True,
        help="The interest of each overdue invoice as printed: invoice, due date, overdue amount, days, rate.",
    )

    @api.depends("partner_id", "company_id", "date_to")
    def _compute_ar_interest(self):
        """One accrual per company and end date for all the statements of ``self``. What it
        depends on is locked once the statement is sent: the figures stay those printed."""
        Move = self.env["account.move"]
        groups = defaultdict(lambda: self.browse())
        for statement in self:
            if statement.partner_id and statement.company_id and statement.date_to:
                groups[statement.company_id, statement.date_to] |= statement
            else:
                statement.ar_interest_amount, statement.ar_interest_lines = 0.0, []
        for (company, date), statements in groups.items():
            rows = Move._ar_get_accrued_interest(
                partner_ids=statements.partner_id.commercial_partner_id.ids, date=date, company=company
            )
            by_partner = defaultdict(list)
            for row in sorted(rows.values(), key=lambda row: (row["date_from"], row["invoice"].id)):
                by_partner[row["invoice"].commercial_partner_id.id].append(self._ar_prepare_interest_line(row))
            for statement in statements:
                lines = by_partner.get(statement.partner_id.commercial_partner_id.id, [])
                statement.ar_interest_lines = lines
                statement.ar_interest_amount = company.currency_id.round(sum(line["amount"] for line in lines))

    @api.model
    def _ar_prepare_interest_line(self, row):
        """What the statement keeps of one invoice's accrued interest (JSON)."""
        invoice = row["invoice"]
        return {
            "invoice_id": invoice.id,
            "invoice": invoice.name,
            "due_date": fields.Date.to_string(invoice.invoice_date_due),
            "date_from": fields.Date.to_string(row["date_from"]),
            "date_to": fields.Date.to_string(row["date_to"]),
            "base": row["base"],
            "days": row["days"],
            "rate": row["rate"],
            "period": row["period"],
            "amount": row["amount"],
        }

    def _ar_get_interest_period_label(self, period):
        return dict(self.env["res.company"]._fields["ar_interest_period"]._description_selection(self.env)).get(
            period, ""
        )
