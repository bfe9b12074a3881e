from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..const import CREDIT_MANAGER_GROUP, PROMISE_DECIDED_STATES, PROMISE_NOT_KEPT_STATES
from .ar_credit_review import create_activities_in_bulk

WARNING_SIGNALS = [
    ("order_drop", "Order Intake Dropping"),
    ("slowing", "Payments Slowing"),
    ("broken_twice", "Second Broken Promise in a Row"),
    ("large_dispute", "Large New Dispute"),
    ("over_limit", "Repeated Over-Limit Attempts"),
]


class ArCreditWarning(models.Model):
    """A danger signal (危险信号) raised on a customer by the nightly run: once per signal,
    customer, company and month, with an activity for the company's credit manager."""

    _name = "ar.credit.warning"
    _description = "Credit Warning"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_name = "signal"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    signal = fields.Selection(WARNING_SIGNALS, required=True, readonly=True)
    period = fields.Char(required=True, readonly=True, help="Month of the signal (YYYY-MM): raised once per month.")
    date = fields.Date(required=True, readonly=True)
    value = fields.Float(readonly=True, digits=(16, 1), help="What was measured (%, days, amount or count).")
    threshold = fields.Float(readonly=True, digits=(16, 1))
    note = fields.Text(string="Details", readonly=True)
    state = fields.Selection(
        [("new", "New"), ("done", "Acknowledged")], default="new", required=True, readonly=True, tracking=True
    )

    _sql_constraints = [
        (
            "signal_period_uniq",
            "unique(partner_id, company_id, signal, period)",
            "A danger signal is raised once per customer and month.",
        ),
    ]

    @api.depends("signal", "partner_id")
    def _compute_display_name(self):
        labels = dict(self._fields["signal"]._description_selection(self.env))
        for warning in self:
            warning.display_name = f"{warning.partner_id.display_name}: {labels.get(warning.signal, '')}"

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(self.env._("Credit warnings are raised by the nightly run only."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and set(vals) - {"message_follower_ids", "activity_ids"}:
            raise AccessError(self.env._("Credit warnings are acknowledged with their button only."))
        return super().write(vals)

    def action_acknowledge(self):
        """Acknowledge the warnings (Credit Managers only): their activities are done."""
        if not self.env.user.has_group(CREDIT_MANAGER_GROUP):
            raise AccessError(self.env._("Only a Credit Manager can acknowledge a credit warning."))
        warnings = self.filtered(lambda w: w.state == "new")
        # sudo: the state is set by this checked action only
        warnings.sudo().write({"state": "done"})
        warnings.activity_ids.sudo().action_feedback(feedback=self.env._("Acknowledged"))
        return True

    # ------------------------------------------------------------------
    # Detection (nightly, set-based)
    # ------------------------------------------------------------------
    @api.model
    def _ar_detect(self, company, today=None):
        """Raise the danger signals of every customer of ``company`` as of ``today``: a
        fixed number of grouped queries, one insert that skips the signals already raised
        this month, one activity per new warning.

        :returns: the new warnings
        """
        today = fields.Date.to_date(today) or fields.Date.context_today(self)
        self.env.flush_all()
        found = []
        for method in self._ar_get_signal_methods():
            found += getattr(self, method)(company, today)
        if not found:
            return self.browse()
        period = today.strftime("%Y-%m")
        rows = [
            SQL(
                "(%s, %s, %s, %s, %s, %s, %s, %s, 'new', %s, now() at time zone 'utc', %s, now() at time zone 'utc')",
                partner_id,
                company.id,
                signal,
                period,
                today,
                value,
                threshold,
                note,
                self.env.uid,
                self.env.uid,
            )
            for partner_id, signal, value, threshold, note in found
        ]
        ids = [
            row[0]
            for row in self.env.execute_query(
                SQL(
                    """
            INSERT INTO ar_credit_warning (partner_id, company_id, signal, period, date, value, threshold,
                                           note, state, create_uid, create_date, write_uid, write_date)
            VALUES %s
            ON CONFLICT (partner_id, company_id, signal, period) DO NOTHING
            RETURNING id
            """,
                    SQL(", ").join(rows),
                )
            )
        ]
        warnings = self.browse(ids)
        warnings._ar_schedule_activities(company)
        return warnings

    def _ar_get_signal_methods(self):
        """Names of the detection methods (overridable): each returns a list of
        (commercial partner id, signal, value, threshold, note)."""
        return [
            "_ar_signal_order_drop",
            "_ar_signal_slowing",
            "_ar_signal_broken_twice",
            "_ar_signal_large_dispute",
            "_ar_signal_over_limit",
        ]

    def _ar_schedule_activities(self, company):
        user = company.ar_credit_manager_user_id or company._ar_get_credit_approvers()[:1]
        if not self or not user:
            return
        labels = dict(self._fields["signal"]._description_selection(self.env))
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        # sudo (in create_activities_in_bulk): the run raises the warnings for the credit manager
        create_activities_in_bulk(
            self,
            [
                {
                    "res_model_id": model_id,
                    "res_id": warning.id,
                    "activity_type_id": activity_type.id,
                    "user_id": user.id,
                    "summary": self.env._("Danger signal: %(signal)s", signal=labels[warning.signal]),
                    "note": warning.note,
                    "date_deadline": warning.date,
                }
                for warning in self
            ],
        )

    def _ar_signal_order_drop(self, company, today):
        threshold = company.ar_signal_order_drop_pct
        rows = self.env.execute_query(
            SQL(
                """
            SELECT p.commercial_partner_id,
                   COALESCE(SUM(so.amount_total / COALESCE(NULLIF(so.currency_rate, 0), 1))
                            FILTER (WHERE so.date_order::date > %(d90)s), 0),
                   COALESCE(SUM(so.amount_total / COALESCE(NULLIF(so.currency_rate, 0), 1))
                            FILTER (WHERE so.date_order::date <= %(d90)s), 0)
              FROM sale_order so
              JOIN res_partner p ON p.id = so.partner_id
             WHERE so.company_id = %(company)s AND so.state = 'sale'
               AND so.date_order::date > %(d180)s AND so.date_order::date <= %(today)s
             GROUP BY p.commercial_partner_id
            """,
                company=company.id,
                today=today,
                d90=today - relativedelta(months=3),
                d180=today - relativedelta(months=6),
            )
        )
        result = []
        for partner_id, recent, before in rows:
            drop = 100.0 * (before - recent) / before if before > 0 else 0.0
            if drop > threshold:
                note = self.env._(
                    "Orders of the last 3 months: %(recent)s, of the 3 months before: %(before)s (%(drop)s%% less).",
                    recent=company.currency_id.format(recent),
                    before=company.currency_id.format(before),
                    drop=round(drop, 1),
                )
                result.append((partner_id, "order_drop", drop, threshold, note))
        return result

    def _ar_signal_slowing(self, company, today):
        """The trend of the behaviour score (one definition of days late): the score's
        refreshed values, read in one query."""
        threshold = company.ar_signal_slowing_days
        rows = self.env.execute_query(
            SQL(
                "SELECT partner_id, trend_days FROM ar_credit_score WHERE company_id = %s AND trend_days >= %s",
                company.id,
                threshold,
            )
        )
        return [
            (
                partner_id,
                "slowing",
                trend,
                threshold,
                self.env._(
                    "Average days late up by %(days)s days (last 3 months against the 6 before).", days=round(trend, 1)
                ),
            )
            for partner_id, trend in rows
        ]

    def _ar_signal_broken_twice(self, company, today):
        rows = self.env.execute_query(
            SQL(
                """
            SELECT partner_id
              FROM (SELECT partner_id, state, date_deadline,
                           ROW_NUMBER() OVER (PARTITION BY partner_id ORDER BY date_deadline DESC, id DESC) AS rank
                      FROM ar_payment_promise
                     WHERE company_id = %(company)s AND state IN %(decided)s
                       AND date_deadline <= %(today)s) last_two
             WHERE rank <= 2
             GROUP BY partner_id
            HAVING COUNT(*) FILTER (WHERE state IN %(not_kept)s) = 2 AND MAX(date_deadline) > %(d30)s
            """,
                company=company.id,
                # the last two promises decided by the check: one to accept or refused is none
                decided=PROMISE_DECIDED_STATES,
                not_kept=PROMISE_NOT_KEPT_STATES,
                today=today,
                d30=today - relativedelta(days=30),
            )
        )
        note = self.env._("The last two promises to pay were both broken.")
        return [(partner_id, "broken_twice", 2.0, 2.0, note) for (partner_id,) in rows]

    def _ar_signal_large_dispute(self, company, today):
        threshold = company.ar_signal_dispute_amount
        rows = self.env.execute_query(
            SQL(
                """
            SELECT partner_id, MAX(amount)
              FROM (SELECT d.id, d.partner_id, SUM(m.amount_residual_signed) AS amount
                      FROM ar_dispute d
                      JOIN ar_dispute_invoice_rel rel ON rel.dispute_id = d.id
                      JOIN account_move m ON m.id = rel.move_id
                     WHERE d.company_id = %(company)s AND d.state = 'open'
                       AND d.create_date::date > %(d30)s AND d.create_date::date <= %(today)s
                     GROUP BY d.id, d.partner_id) dispute
             GROUP BY partner_id
            HAVING MAX(amount) >= %(threshold)s
            """,
                company=company.id,
                today=today,
                d30=today - relativedelta(days=30),
                threshold=threshold,
            )
        )
        return [
            (
                partner_id,
                "large_dispute",
                amount,
                threshold,
                self.env._("A new dispute covers invoices due %(amount)s.", amount=company.currency_id.format(amount)),
            )
            for partner_id, amount in rows
        ]

    def _ar_signal_over_limit(self, company, today):
        threshold = company.ar_signal_over_limit_count
        counts = self.env["ar.credit.score"]._ar_query_release_counts(company.id, today - relativedelta(days=30), today)
        return [
            (
                partner_id,
                "over_limit",
                float(count),
                float(threshold),
                self.env._("%(count)s held orders or deliveries released in the last 30 days.", count=count),
            )
            for partner_id, count in counts.items()
            if count >= threshold
        ]
