"""Snapshots of the receivable aging, kept for trends and KPIs.

One row per date, company, customer (commercial partner) and bucket, with the amount the
customer owed in that bucket on that date, and the customer's collector, salesperson and
credit grade in that company on the day the snapshot was taken. A snapshot is written by
one set-based ``INSERT … SELECT`` over the addon's one aging query (``ar.aging._aging_sql``,
as of the snapshot's date), and replaces the snapshot of the same company and date
(idempotent). The nightly collections run takes today's; past month-ends are backfilled on
demand from the as-of aging of the ledger.
"""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..models.ar_aging import BUCKETS

CREDIT_MANAGER_GROUP = "ar_collections.group_ar_credit_manager"
BUCKET_SELECTION = [
    ("not_due", "Not due"),
    ("1_30", "1-30 days"),
    ("31_60", "31-60 days"),
    ("61_90", "61-90 days"),
    ("over_90", "Over 90 days"),
]
# months a backfill may reach back
MAX_BACKFILL_MONTHS = 60


class ArAgingSnapshot(models.Model):
    _name = "ar.aging.snapshot"
    _description = "Receivable Aging Snapshot"
    _order = "date desc, company_id, partner_id, bucket"
    _rec_name = "partner_id"

    date = fields.Date(required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, index=True)
    collector_id = fields.Many2one("res.users", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    credit_grade_id = fields.Many2one("ar.credit.grade", readonly=True)
    bucket = fields.Selection(BUCKET_SELECTION, required=True, readonly=True)
    amount = fields.Monetary(currency_field="currency_id", readonly=True, aggregator="sum")

    def init(self):
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS ar_aging_snapshot_company_date_idx ON ar_aging_snapshot (company_id, date)"
        )

    # ------------------------------------------------------------------
    # Taking snapshots
    # ------------------------------------------------------------------
    @api.model
    def _ar_take_snapshot(self, company, date):
        """Replace the snapshot of ``company`` on ``date`` by the aging of the ledger as of
        that date: one DELETE and one INSERT … SELECT. Private: called by the nightly run
        and by the checked backfill. Returns the number of rows written."""
        date = fields.Date.to_date(date)
        Aging = self.env["ar.aging"].with_company(company)
        self.flush_model()
        self.env["res.partner"].flush_model(["user_id", "collector_id", "credit_grade_id", "commercial_partner_id"])
        self.env["res.company"].flush_model(["ar_default_collector_id"])
        self.env.cr.execute(SQL("DELETE FROM ar_aging_snapshot WHERE company_id = %s AND date = %s", company.id, date))
        values = SQL(", ").join(SQL("(%s, aging.%s)", bucket, SQL.identifier(bucket)) for bucket in BUCKETS)
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO ar_aging_snapshot (date, company_id, partner_id, collector_id, user_id, credit_grade_id,
                                           bucket, amount, create_uid, create_date, write_uid, write_date)
            SELECT %(date)s, aging.company_id, aging.partner_id,
                   COALESCE(ar_collector.id, ar_snapshot_company.ar_default_collector_id),
                   ar_salesperson.id, ar_grade.id, bucket.bucket, bucket.amount,
                   %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
              FROM (%(aging)s) aging
              JOIN res_company ar_snapshot_company ON ar_snapshot_company.id = aging.company_id
         LEFT JOIN res_partner ar_customer ON ar_customer.id = aging.partner_id
         LEFT JOIN res_users ar_collector
                ON ar_collector.id = (ar_customer.collector_id ->> aging.company_id::text)::int
         LEFT JOIN res_users ar_salesperson ON ar_salesperson.id = ar_customer.user_id
         LEFT JOIN ar_credit_grade ar_grade
                ON ar_grade.id = (ar_customer.credit_grade_id ->> aging.company_id::text)::int
        CROSS JOIN LATERAL (VALUES %(values)s) AS bucket(bucket, amount)
             WHERE bucket.amount != 0
            """,
                date=date,
                uid=self.env.uid,
                aging=Aging._aging_sql("partner", date=date, company_ids=company.ids),
                values=values,
            )
        )
        count = self.env.cr.rowcount
        self.invalidate_model()
        return count

    @api.model
    def _ar_month_ends(self, months, today):
        """The last ``months`` month-ends strictly before ``today``, oldest first."""
        first_of_month = today.replace(day=1)
        return [
            first_of_month - relativedelta(months=index - 1) - relativedelta(days=1) for index in range(months, 0, -1)
        ]

    @api.model
    def _ar_backfill(self, companies, months=12, today=None, overwrite=False):
        """Take the snapshots of the past ``months`` month-ends of ``companies`` that are
        missing (all of them with ``overwrite``), from the as-of aging. Private (no check):
        see ``action_backfill``. One query to find what exists, two per snapshot taken.
        Returns the number of snapshots taken."""
        dates_by_company = {}
        for company in companies:
            company_today = today or company._ar_get_today()[0]
            dates_by_company[company.id] = self._ar_month_ends(months, fields.Date.to_date(company_today))
        existing = set()
        if not overwrite and dates_by_company:
            self.flush_model(["company_id", "date"])
            self.env.cr.execute(
                SQL(
                    "SELECT DISTINCT company_id, date FROM ar_aging_snapshot WHERE company_id = ANY(%s) AND date = ANY(%s)",
                    list(dates_by_company),
                    sorted({date for dates in dates_by_company.values() for date in dates}),
                )
            )
            existing = set(self.env.cr.fetchall())
        taken = 0
        for company in companies:
            for date in dates_by_company[company.id]:
                if (company.id, date) not in existing:
                    self._ar_take_snapshot(company, date)
                    taken += 1
        return taken

    @api.model
    def action_backfill(self, months=12, overwrite=False):
        """Button / RPC: backfill the month-end snapshots of the allowed companies for the
        past ``months`` months. Credit managers only."""
        if not self.env.user.has_group(CREDIT_MANAGER_GROUP):
            raise AccessError(self.env._("Only a Credit Manager can backfill the aging snapshots."))
        if not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= MAX_BACKFILL_MONTHS:
            raise UserError(
                self.env._(
                    "The number of months to backfill must be a whole number from 1 to %(max)s.",
                    max=MAX_BACKFILL_MONTHS,
                )
            )
        # sudo: the caller is a credit manager of these companies (checked above); the
        # snapshot rows are written by the system only (no user has write access)
        self.sudo()._ar_backfill(self.env.companies, months=months, overwrite=bool(overwrite))
        return {"type": "ir.actions.client", "tag": "reload"}
