# Kept apart from the main file of the model while the house refactor runs (new files only);
# the integrator folds it in.
# pylint: disable=consider-merging-classes-inherited
from odoo import Command, fields, models
from odoo.exceptions import AccessError, UserError

CREDIT_MANAGER_GROUP = "ar_collections.group_ar_credit_manager"


class ResPartner(models.Model):
    _inherit = "res.partner"

    ar_written_off_amount = fields.Monetary(
        string="Written Off",
        compute="_compute_ar_write_off_figures",
        currency_field="ar_company_currency_id",
        help="Debts of the customer written off in the current company.",
    )
    ar_recovered_amount = fields.Monetary(
        string="Recovered After Write-Off",
        compute="_compute_ar_write_off_figures",
        currency_field="ar_company_currency_id",
        help="Payments received for written-off debts of the customer in the current company.",
    )
    ar_write_off_count = fields.Integer(string="Write-Offs", compute="_compute_ar_write_off_figures")
    ar_company_currency_id = fields.Many2one(
        "res.currency", compute="_compute_ar_write_off_figures", string="Company Currency"
    )

    def _compute_ar_write_off_figures(self):
        commercial = self.commercial_partner_id
        figures = (
            {
                partner.id: (amount, recovered, count)
                for partner, amount, recovered, count in self.env["ar.write.off.request"]._read_group(
                    [
                        ("partner_id", "in", commercial.ids),
                        ("company_id", "=", self.env.company.id),
                        ("state", "=", "approved"),
                    ],
                    ["partner_id"],
                    ["amount:sum", "recovered_amount:sum", "__count"],
                )
            }
            if self.env["ar.write.off.request"].has_access("read")
            else {}
        )
        for partner in self:
            amount, recovered, count = figures.get(partner.commercial_partner_id.id, (0.0, 0.0, 0))
            partner.ar_written_off_amount = amount
            partner.ar_recovered_amount = recovered
            partner.ar_write_off_count = count
            partner.ar_company_currency_id = self.env.company.currency_id

    def action_ar_view_write_offs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("ar_collections.ar_write_off_request_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    # Late-payment interest
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
                    "invoice_line_ids": [Command.create(self._prepare_ar_interest_line_vals(row)) for row in ordered],
                }
            )
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": invoice.id,
            "view_mode": "form",
        }
