from odoo import Command, fields, models
from odoo.exceptions import AccessError, UserError

CREDIT_MANAGER_GROUP = "ar_collections.group_ar_credit_manager"


class ResPartner(models.Model):
    _inherit = "res.partner"

    ar_accrued_interest = fields.Monetary(
        string="Accrued Late-Payment Interest",
        compute="_compute_ar_accrued_interest",
        currency_field="ar_company_currency_id",
        help="Late-payment interest of the overdue invoices not invoiced yet (today, current company).",
    )

    def _compute_ar_accrued_interest(self):
        partners = self.commercial_partner_id
        interest = {}
        if partners.ids and self.env["account.move"].has_access("read"):
            for row in self.env["account.move"]._ar_get_accrued_interest(partner_ids=partners.ids).values():
                key = row["invoice"].commercial_partner_id.id
                interest[key] = interest.get(key, 0.0) + row["amount"]
        for partner in self:
            partner.ar_accrued_interest = interest.get(partner.commercial_partner_id.id, 0.0)

    def _prepare_ar_interest_line_vals(self, row):
        period = dict(self.env["res.company"]._fields["ar_interest_period"]._description_selection(self.env))
        return {
            "name": self.env._(
                "Late-payment interest on %(invoice)s: %(base)s overdue, %(days)s days from %(start)s to "
                "%(end)s at %(rate)s %% %(period)s",
                invoice=row["invoice"].name,
                base=row["invoice"].company_id.currency_id.format(row["base"]),
                days=row["days"],
                start=fields.Date.to_string(row["date_from"]),
                end=fields.Date.to_string(row["date_to"]),
                rate=row["rate"],
                period=period.get(row["period"], "").lower(),
            ),
            "quantity": 1.0,
            "price_unit": row["amount"],
            "account_id": self.env.company.ar_interest_account_id.id,
            "tax_ids": [Command.clear()],
            "ar_interest_source_id": row["invoice"].id,
            "ar_interest_date_from": row["date_from"],
            "ar_interest_date_to": row["date_to"],
        }

    def action_ar_create_interest_invoice(self):
        """Draft an invoice of the late-payment interest accrued on the customer's overdue
        invoices up to today: one line per invoice with its days and rate."""
        self.ensure_one()
        if not self.env.su and not self.env.user.has_group(CREDIT_MANAGER_GROUP):
            raise AccessError(self.env._("Only a Credit Manager may invoice late-payment interest."))
        partner = self.commercial_partner_id
        company = self.env.company
        if not company.ar_interest_account_id:
            raise UserError(self.env._("Set the interest income account in the Collections settings first."))
        rows = self.env["account.move"]._ar_get_accrued_interest(partner_ids=partner.ids, company=company)
        if not rows:
            raise UserError(
                self.env._("%(partner)s owes no late-payment interest not invoiced yet.", partner=partner.name)
            )
        ordered = sorted(rows.values(), key=lambda row: (row["invoice"].invoice_date_due, row["invoice"].id))
        # sudo: the interest lines carry guarded fields (what they charge), written here only,
        # once the caller was checked; the invoice stays a draft for the biller to post
        invoice = (
            self.env["account.move"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "invoice_date": fields.Date.context_today(self),
                    "invoice_origin": self.env._("Late-payment interest"),
                    "invoice_line_ids": [
                        Command.create(self._prepare_ar_interest_line_vals(row)) for row in ordered
                    ],
                }
            )
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": invoice.id,
            "view_mode": "form",
        }
