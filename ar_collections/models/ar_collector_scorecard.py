"""Scorecards of the collectors and salespeople, per company and month (催收员绩效).

Per person and month: the receipts reconciled in the month with the invoices of the
customers he is responsible for (collector: the customer's collector, or the company's
default collector; salesperson: the customer's salesperson), the same receipts weighted by
the company's lateness table (1-30 days late −20 %, 31-60 −40 %, 61-90 −60 %, 91-120 −80 %,
over 120 −100 % by default), the contacts he logged, the promises he took and those of his
promises that were kept, and the CEI of his portfolio (see ``ar.kpi``).

Collectors read their own scorecards only; credit managers and auditors everyone's.
"""

import io
from datetime import timedelta

import xlsxwriter

from odoo import api, fields, models
from odoo.tools import SQL

from ..const import PROMISE_ACCEPTED_STATES

ROLES = [("collector", "Collector"), ("salesperson", "Salesperson")]


class ArCollectorScorecard(models.Model):
    _name = "ar.collector.scorecard"
    _description = "Collector Scorecard"
    _order = "date_to desc, company_id, role, weighted_amount desc, id"
    _rec_name = "user_id"

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(string="From", required=True, readonly=True)
    date_to = fields.Date(string="To", required=True, readonly=True, index=True)
    period = fields.Char(required=True, readonly=True)
    user_id = fields.Many2one("res.users", string="Person", required=True, readonly=True, index=True)
    role = fields.Selection(ROLES, required=True, readonly=True)
    collected_amount = fields.Monetary(string="Collected", readonly=True, aggregator="sum")
    weighted_amount = fields.Monetary(
        string="Collected (Lateness-Weighted)",
        readonly=True,
        aggregator="sum",
        help="Receipts counted less the later they came after the due date, by the company's lateness table.",
    )
    contact_count = fields.Integer(string="Contacts", readonly=True)
    promise_count = fields.Integer(string="Promises Made", readonly=True)
    promise_kept_count = fields.Integer(string="Promises Kept", readonly=True)
    cei = fields.Float(string="CEI (%)", readonly=True, digits=(16, 1), aggregator="avg")

    @api.model
    def _ar_generate(self, companies, date_from, date_to):
        """Replace the scorecards of the month of ``companies``: a few grouped queries for
        all the people. Private (no check): called by the checked dashboard refresh."""
        Kpi = self.env["ar.kpi"]
        date_from, date_to = fields.Date.to_date(date_from), fields.Date.to_date(date_to)
        self.flush_model()
        self.env.cr.execute(
            SQL(
                "DELETE FROM ar_collector_scorecard WHERE company_id = ANY(%s) AND date_from = %s AND date_to = %s",
                companies.ids,
                date_from,
                date_to,
            )
        )
        self.invalidate_model()
        # what each user did himself (either role)
        contacts = {
            (company.id, user.id): count
            for company, user, count in self.env["ar.collection.log"]._read_group(
                [
                    ("company_id", "in", companies.ids),
                    ("date", ">=", fields.Datetime.to_datetime(date_from)),
                    ("date", "<", fields.Datetime.to_datetime(date_to + timedelta(days=1))),
                ],
                ["company_id", "user_id"],
                ["__count"],
            )
        }
        Promise = self.env["ar.payment.promise"]
        made = {
            (company.id, user.id): count
            for company, user, count in Promise._read_group(
                [
                    ("company_id", "in", companies.ids),
                    ("date_start", ">=", date_from),
                    ("date_start", "<=", date_to),
                    # the promises he took: a customer's own promise counts once he accepted it
                    ("state", "in", PROMISE_ACCEPTED_STATES),
                ],
                ["company_id", "user_id"],
                ["__count"],
            )
        }
        kept = {
            (company.id, user.id): count
            for company, user, count in Promise._read_group(
                [
                    ("company_id", "in", companies.ids),
                    ("date_deadline", ">=", date_from),
                    ("date_deadline", "<=", date_to),
                    ("state", "=", "kept"),
                ],
                ["company_id", "user_id"],
                ["__count"],
            )
        }
        vals_list = []
        for role, _label in ROLES:
            receipts = Kpi._ar_receipts(date_from, date_to, companies.ids, role, None)
            kpis = Kpi._ar_compute(date_from, date_to, companies.ids, role)
            people = {key for key in set(receipts) | set(kpis) if key[1]}
            if role == "collector":
                people |= {key for key in set(contacts) | set(made) | set(kept) if key[1]}
            for key in sorted(people):
                company_id, user_id = key
                vals_list.append(
                    {
                        "company_id": company_id,
                        "date_from": date_from,
                        "date_to": date_to,
                        "period": date_to.strftime("%Y-%m"),
                        "user_id": user_id,
                        "role": role,
                        "collected_amount": receipts.get(key, {}).get("collected", 0.0),
                        "weighted_amount": receipts.get(key, {}).get("weighted", 0.0),
                        "contact_count": contacts.get(key, 0),
                        "promise_count": made.get(key, 0),
                        "promise_kept_count": kept.get(key, 0),
                        "cei": kpis.get(key, {}).get("cei", 0.0),
                    }
                )
        return self.create(vals_list)

    # ------------------------------------------------------------------
    # Export for payroll
    # ------------------------------------------------------------------
    def _ar_xlsx(self):
        """The scorecards of ``self`` as an .xlsx file (bytes): one row per scorecard."""
        self.check_access("read")
        Xlsx = self.env["ar.report.xlsx"]
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        formats = Xlsx._xlsx_formats(workbook)
        sheet = workbook.add_worksheet(self.env._("Scorecards"))
        sheet.write(0, 0, self.env._("Collector Scorecards"), formats["title"])
        roles = dict(self._fields["role"]._description_selection(self.env))
        columns = [
            {"label": self.env._("Period"), "value": lambda card: card.period, "type": "text", "width": 10},
            {"label": self.env._("Company"), "value": lambda card: card.company_id.name, "type": "text", "width": 20},
            {"label": self.env._("Person"), "value": lambda card: card.user_id.name, "type": "text", "width": 24},
            {"label": self.env._("Role"), "value": lambda card: roles.get(card.role), "type": "text", "width": 14},
            {
                "label": self.env._("Collected"),
                "value": lambda card: card.collected_amount,
                "type": "money",
                "width": 16,
                "total": True,
            },
            {
                "label": self.env._("Collected (Lateness-Weighted)"),
                "value": lambda card: card.weighted_amount,
                "type": "money",
                "width": 18,
                "total": True,
            },
            {"label": self.env._("Contacts"), "value": lambda card: card.contact_count, "type": "int", "width": 10},
            {"label": self.env._("Promises Made"), "value": lambda card: card.promise_count, "type": "int"},
            {"label": self.env._("Promises Kept"), "value": lambda card: card.promise_kept_count, "type": "int"},
            {"label": self.env._("CEI (%)"), "value": lambda card: round(card.cei, 1), "type": "int"},
        ]
        Xlsx._xlsx_write_table(sheet, formats, 2, columns, self, total_label=self.env._("Total"))
        workbook.close()
        return output.getvalue()

    def action_export_xlsx(self):
        """Download the selected scorecards as a spreadsheet (for payroll)."""
        content = self._ar_xlsx()
        # sudo: the attachment only carries the rows the caller could read (checked by
        # _ar_xlsx); it is created for his download and belongs to no record
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": self.env._("collector_scorecards.xlsx"),
                    "raw": content,
                    "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "res_model": False,
                    "public": False,
                }
            )
        )
        return {"type": "ir.actions.act_url", "url": f"/web/content/{attachment.id}?download=true", "target": "self"}
