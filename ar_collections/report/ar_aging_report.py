"""On-screen aging analysis (pivot and graph): one row per open receivable journal item, built
on the one aging query (``ar.aging._aging_sql(group_by="line")``), so that it shows the same
figures as the printed report, with the bucket limits of the current company."""

from odoo import api, fields, models
from odoo.tools import SQL

from ..const import BUCKETS


class ArAgingReport(models.Model):
    _name = "ar.aging.report"
    _description = "Receivables Aging Analysis"
    _auto = False
    _order = "date_maturity, id"
    _rec_name = "move_id"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    move_id = fields.Many2one("account.move", string="Journal Entry", readonly=True)
    invoice_user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    date = fields.Date(readonly=True)
    date_maturity = fields.Date(string="Due Date", readonly=True)
    days_overdue = fields.Integer(readonly=True, aggregator="max")
    bucket = fields.Selection(selection="_selection_bucket", string="Aging Bucket", readonly=True)
    residual = fields.Monetary(string="Open Amount", readonly=True)
    not_due = fields.Monetary(readonly=True)
    bucket_1 = fields.Monetary(readonly=True)
    bucket_2 = fields.Monetary(readonly=True)
    bucket_3 = fields.Monetary(readonly=True)
    bucket_4 = fields.Monetary(string="Last Bucket", readonly=True)

    @api.model
    def _selection_bucket(self):
        return self.env["ar.aging"]._get_bucket_selection(self.env.company)

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        """Buckets in aging order (not due, 1-30 ... over 90), not in the alphabetical order
        of their keys, wherever the analysis is grouped and ordered by bucket first."""
        rows = super()._read_group(domain, groupby, aggregates, having, offset, limit, order)
        first_order = (order or "bucket").split(",")[0].split()
        if next(iter(groupby), None) == "bucket" and first_order[0] == "bucket":
            rank = {key: index for index, key in enumerate(BUCKETS)}
            descending = len(first_order) > 1 and first_order[1].lower() == "desc"
            rows = sorted(rows, key=lambda row: rank.get(row[0], len(rank)), reverse=descending)
        return rows

    @property
    def _table_query(self):
        today = fields.Date.context_today(self)
        aging = self.env["ar.aging"]._aging_sql("line", date=today, company_ids=self.env.companies.ids)
        return SQL(
            """
            SELECT aging.key AS id,
                   aging.partner_id,
                   aging.company_id,
                   company.currency_id,
                   line.move_id,
                   move.invoice_user_id,
                   line.date,
                   COALESCE(line.date_maturity, line.date) AS date_maturity,
                   GREATEST(%(today)s::date - COALESCE(line.date_maturity, line.date), 0) AS days_overdue,
                   %(bucket)s AS bucket,
                   aging.residual,
                   aging.not_due,
                   aging."1_30" AS bucket_1,
                   aging."31_60" AS bucket_2,
                   aging."61_90" AS bucket_3,
                   aging.over_90 AS bucket_4
              FROM (%(aging)s) aging
              JOIN account_move_line line ON line.id = aging.key
              JOIN account_move move ON move.id = line.move_id
              JOIN res_company company ON company.id = aging.company_id
            """,
            today=today,
            aging=aging,
            bucket=self.env["ar.aging"]._bucket_sql(
                SQL("(%s::date - COALESCE(line.date_maturity, line.date))", today), "company"
            ),
        )

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        """Bucket measures carry the bucket limits of the current company."""
        res = super().fields_get(allfields, attributes)
        labels = self.env["ar.aging"]._get_bucket_labels(self.env.company)
        for fname, key in (
            ("bucket_1", "1_30"),
            ("bucket_2", "31_60"),
            ("bucket_3", "61_90"),
            ("bucket_4", "over_90"),
            ("not_due", "not_due"),
        ):
            if fname in res and "string" in res[fname]:
                res[fname]["string"] = labels[key]
        return res
