# Kept apart from the main file of the model while the house refactor runs (new files only);
# the integrator folds it in.
# pylint: disable=consider-merging-classes-inherited
"""Bad-debt links of journal entries (provision, write-off, recovery) and the late-payment
interest of overdue invoices.

Late-payment interest (逾期利息): simple interest on the overdue amount (the one aging query),
per day or per year, from the due date plus the grace days, or from the date up to which
interest was already invoiced; an interest invoice never charges the same days twice."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

ACCOUNTANT_GROUP = "account.group_account_user"
# links to the bad-debt records that booked the entry: written by those records only
GUARDED_FIELDS = ("ar_provision_id", "ar_write_off_request_id", "ar_recovery_request_id", "ar_collection_case_id")


class AccountMove(models.Model):
    _inherit = "account.move"

    ar_provision_id = fields.Many2one(
        "ar.bad.debt.provision",
        string="Bad-Debt Provision",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Monthly bad-debt provision that drafted this entry.",
    )
    ar_write_off_request_id = fields.Many2one(
        "ar.write.off.request",
        string="Write-Off Request",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Approved write-off request that booked this entry.",
    )
    ar_recovery_request_id = fields.Many2one(
        "ar.write.off.request",
        string="Recovered Write-Off",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Written-off debt this entry records a recovery of.",
    )
    ar_collection_case_id = fields.Many2one(
        "ar.collection.case",
        string="Collection Case",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Collection case whose agency commission this bill pays.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(vals.get(fname) for vals in vals_list for fname in GUARDED_FIELDS):
            raise AccessError(self.env._("Bad-debt entries are booked by their provision or write-off only."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and set(GUARDED_FIELDS) & set(vals):
            raise AccessError(self.env._("Bad-debt entries are booked by their provision or write-off only."))
        return super().write(vals)

    @api.model
    def _ar_get_paused_invoice_ids(self, company):
        """Invoices of an open collection case are not dunned: legal or the agency follow them."""
        return super()._ar_get_paused_invoice_ids(company) | self.env[
            "ar.collection.case"
        ]._ar_get_open_case_invoice_ids(company)

    def _post(self, soft=True):
        # a bad-debt provision entry is posted by an accountant, never by a collector or a
        # credit manager (who drafted it)
        if (
            not self.env.su
            and any(move.ar_provision_id for move in self)
            and not self.env.user.has_group(ACCOUNTANT_GROUP)
        ):
            raise AccessError(self.env._("Only an accountant may post a bad-debt provision entry."))
        return super()._post(soft=soft)

    # ------------------------------------------------------------------
    # Late-payment interest
    # ------------------------------------------------------------------
    ar_interest_invoiced_until = fields.Date(
        string="Interest Invoiced Until",
        compute="_compute_ar_interest_invoiced_until",
        help="Late-payment interest of this invoice is invoiced up to this date (interest invoices not cancelled).",
    )

    def _compute_ar_interest_invoiced_until(self):
        until = self._ar_get_interest_invoiced_until(self.ids)
        for move in self:
            move.ar_interest_invoiced_until = until.get(move.id, False)

    @api.model
    def _ar_get_interest_invoiced_until(self, move_ids):
        """Date up to which interest was invoiced, per invoice id (one grouped query)."""
        if not move_ids:
            return {}
        Line = self.env["account.move.line"]
        Line.flush_model(["ar_interest_source_id", "ar_interest_date_to", "parent_state"])
        self.env.cr.execute(
            SQL(
                """
                SELECT ar_interest_source_id, MAX(ar_interest_date_to)
                  FROM account_move_line
                 WHERE ar_interest_source_id = ANY(%s) AND parent_state != 'cancel'
                 GROUP BY ar_interest_source_id
                """,
                list(move_ids),
            )
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _ar_get_accrued_interest(self, partner_ids=None, date=None, company=None, move_ids=None):
        """Late-payment interest accrued and not yet invoiced on ``date`` (today by default),
        per overdue invoice id: dict(``invoice``, ``base`` (overdue amount), ``date_from``,
        ``date_to``, ``days``, ``rate``, ``period``, ``amount``). Empty without a rate."""
        company = company or self.env.company
        date = fields.Date.to_date(date) or fields.Date.context_today(self)
        if not company.ar_interest_rate:
            return {}
        overdue = self.env["ar.aging"]._get_overdue_invoices(
            partner_ids=partner_ids, date=date, company_ids=company.ids, move_ids=move_ids
        )
        # no interest on interest: the interest invoices themselves are left out
        interest_invoice_ids = {
            move.id
            for (move,) in self.env["account.move.line"]
            .sudo()
            ._read_group([("move_id", "in", list(overdue)), ("ar_interest_source_id", "!=", False)], ["move_id"])
        }
        overdue = {move_id: row for move_id, row in overdue.items() if move_id not in interest_invoice_ids}
        until = self._ar_get_interest_invoiced_until(list(overdue))
        rate, period = company.ar_interest_rate, company.ar_interest_period
        currency = company.currency_id
        result = {}
        for move_id, row in overdue.items():
            start = row["due_date"] + timedelta(days=company.ar_interest_grace_days)
            if until.get(move_id):
                start = max(start, until[move_id])
            days = (date - start).days
            if days <= 0 or row["overdue"] <= 0:
                continue
            amount = row["overdue"] * rate / 100.0 * days
            if period == "year":
                amount /= 365.0
            amount = currency.round(amount)
            if currency.is_zero(amount):
                continue
            result[move_id] = {
                "invoice": self.browse(move_id),
                "base": row["overdue"],
                "date_from": start,
                "date_to": date,
                "days": days,
                "rate": rate,
                "period": period,
                "amount": amount,
            }
        return result
