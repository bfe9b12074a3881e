from odoo import fields, models
from odoo.tools import SQL

from ..const import PLAN_STATES, PROMISE_NOT_KEPT_STATES, PROMISE_RUNNING_STATE, PROMISE_TO_ACCEPT_STATE


class ArCollectionWorklist(models.Model):
    """The collector's worklist ("My Collections"): one line per open collections
    follow-up, with what the customer owes, live.

    A read-only view computed at each read (``_table_query``): the open collections
    activities of the allowed companies joined with the one aging query, the last
    contact, the next promised payment (accepted promises only) and the promises the customer
    made from his link that wait for the collector's Accept or Refuse. Ordered by priority: key procedure before
    general, then overdue amount × days overdue, then the worse credit grade first."""

    _name = "ar.collection.worklist"
    _description = "Collections Worklist"
    _auto = False
    _rec_name = "partner_id"
    _order = "procedure_rank, priority desc, grade_rank desc, date_deadline, id"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Assigned To", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    activity_id = fields.Many2one("mail.activity", string="Follow-up", readonly=True)
    date_deadline = fields.Date(string="Follow-up Deadline", readonly=True)
    summary = fields.Char(readonly=True)
    stage_id = fields.Many2one("ar.collection.stage", readonly=True)
    procedure = fields.Selection([("general", "General"), ("key", "Key")], readonly=True)
    procedure_rank = fields.Integer(readonly=True)
    credit_grade_id = fields.Many2one("ar.credit.grade", string="Grade", readonly=True)
    grade_rank = fields.Integer(readonly=True)
    overdue_amount = fields.Monetary(string="Overdue", readonly=True, aggregator="sum")
    not_due_amount = fields.Monetary(string="Not Due", readonly=True, aggregator="sum")
    amount_1_30 = fields.Monetary(string="1-30", readonly=True, aggregator="sum")
    amount_31_60 = fields.Monetary(string="31-60", readonly=True, aggregator="sum")
    amount_61_90 = fields.Monetary(string="61-90", readonly=True, aggregator="sum")
    amount_over_90 = fields.Monetary(string="Over 90", readonly=True, aggregator="sum")
    days_overdue = fields.Integer(string="Oldest Overdue (days)", readonly=True, aggregator="max")
    priority = fields.Float(
        readonly=True, aggregator="sum", help="Overdue amount × days overdue of the oldest invoice."
    )
    last_contact_date = fields.Datetime(string="Last Contact", readonly=True)
    contact_count = fields.Integer(string="Contacts", readonly=True, aggregator="sum")
    next_promise_date = fields.Date(string="Next Promised Payment", readonly=True)
    next_promise_amount = fields.Monetary(string="Promised Amount", readonly=True, aggregator="sum")
    broken_promise_count = fields.Integer(string="Broken Promises", readonly=True, aggregator="sum")
    to_accept_promise_count = fields.Integer(
        string="Promises to Accept",
        readonly=True,
        aggregator="sum",
        help="Promises the customer made from his link: accept or refuse them (until then they count for nothing).",
    )

    # the customer's active repayment plan in the line's company (computed per read, one search)
    plan_state = fields.Selection(PLAN_STATES, string="Repayment Plan", compute="_compute_plan_figures")
    plan_next_date = fields.Date(string="Next Instalment", compute="_compute_plan_figures")
    plan_next_amount = fields.Monetary(string="Next Instalment Amount", compute="_compute_plan_figures")
    plan_arrears = fields.Monetary(compute="_compute_plan_figures")

    @property
    def _table_query(self):
        company_ids = self.env.companies.ids
        # sudo: the worklist shows aggregated figures of the customers assigned to the
        # user (a salesperson may not read every journal item); rows are restricted below
        # and by the record rules of this model.
        aging = self.env["ar.aging"].sudo()._aging_sql("partner", company_ids=company_ids)
        for model, fnames in (
            (
                "mail.activity",
                [
                    "res_model",
                    "res_id",
                    "user_id",
                    "date_deadline",
                    "summary",
                    "ar_company_id",
                    "ar_stage_id",
                    "active",
                ],
            ),
            ("res.partner", ["collection_stage_id", "ar_procedure", "credit_grade_id"]),
            ("ar.collection.log", ["partner_id", "company_id", "date"]),
            ("ar.payment.promise", ["partner_id", "company_id", "date", "amount", "state"]),
        ):
            self.env[model].flush_model(fnames)
        return SQL(
            """
            SELECT act.id AS id,
                   act.id AS activity_id,
                   act.res_id AS partner_id,
                   act.user_id,
                   act.ar_company_id AS company_id,
                   company.currency_id,
                   act.date_deadline,
                   act.summary,
                   COALESCE((partner.collection_stage_id ->> act.ar_company_id::text)::int, act.ar_stage_id) AS stage_id,
                   partner.ar_procedure ->> act.ar_company_id::text AS procedure,
                   CASE WHEN partner.ar_procedure ->> act.ar_company_id::text = 'key' THEN 0 ELSE 1 END
                       AS procedure_rank,
                   grade.id AS credit_grade_id,
                   COALESCE(grade.sequence, 0) AS grade_rank,
                   COALESCE(aging.overdue, 0) AS overdue_amount,
                   COALESCE(aging.not_due, 0) AS not_due_amount,
                   COALESCE(aging."1_30", 0) AS amount_1_30,
                   COALESCE(aging."31_60", 0) AS amount_31_60,
                   COALESCE(aging."61_90", 0) AS amount_61_90,
                   COALESCE(aging.over_90, 0) AS amount_over_90,
                   COALESCE(aging.max_days_overdue, 0) AS days_overdue,
                   COALESCE(aging.overdue, 0) * GREATEST(COALESCE(aging.max_days_overdue, 0), 0) AS priority,
                   contact.last_date AS last_contact_date,
                   COALESCE(contact.count, 0) AS contact_count,
                   promise.next_date AS next_promise_date,
                   promise.next_amount AS next_promise_amount,
                   COALESCE(promise.broken, 0) AS broken_promise_count,
                   COALESCE(promise.to_accept, 0) AS to_accept_promise_count
              FROM mail_activity act
              JOIN res_partner partner ON partner.id = act.res_id
              JOIN res_company company ON company.id = act.ar_company_id
         LEFT JOIN ar_credit_grade grade
                ON grade.id = (partner.credit_grade_id ->> act.ar_company_id::text)::int
         LEFT JOIN (%(aging)s) aging
                ON aging.partner_id = act.res_id AND aging.company_id = act.ar_company_id
         LEFT JOIN LATERAL (
                   SELECT MAX(log.date) AS last_date, COUNT(*) AS count
                     FROM ar_collection_log log
                    WHERE log.partner_id = act.res_id AND log.company_id = act.ar_company_id
                   ) contact ON TRUE
         LEFT JOIN LATERAL (
                   SELECT MIN(p.date) FILTER (WHERE p.state = %(running)s) AS next_date,
                          (ARRAY_AGG(p.amount ORDER BY p.date, p.id) FILTER (WHERE p.state = %(running)s))[1]
                              AS next_amount,
                          COUNT(*) FILTER (WHERE p.state IN %(not_kept)s) AS broken,
                          COUNT(*) FILTER (WHERE p.state = %(to_accept)s) AS to_accept
                     FROM ar_payment_promise p
                    WHERE p.partner_id = act.res_id AND p.company_id = act.ar_company_id
                   ) promise ON TRUE
             WHERE act.res_model = 'res.partner'
               AND act.active
               AND act.ar_company_id = ANY(%(company_ids)s)
            """,
            aging=aging,
            company_ids=company_ids,
            running=PROMISE_RUNNING_STATE,
            not_kept=PROMISE_NOT_KEPT_STATES,
            to_accept=PROMISE_TO_ACCEPT_STATE,
        )

    def action_log_contact(self):
        """One click from the worklist: log a contact with the customer."""
        self.ensure_one()
        action = self.partner_id.with_company(self.company_id).action_ar_log_contact()
        # logging closes this follow-up (the worklist line disappears): back to the worklist after
        action["context"] = {**action["context"], "ar_log_from_worklist": True}
        return action

    def action_open_promises_to_accept(self):
        """The customer's promises to accept, with their Accept and Refuse buttons."""
        self.ensure_one()
        return self.partner_id.with_company(self.company_id).action_ar_view_promises_to_accept()

    def action_open_partner(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_ar_print_letters(self):
        """Bulk "Send / Print Letters" of the selected lines' customers (one PDF), see
        ``res.partner.action_ar_print_letters``: the same checks, the caller's rights."""
        return self.partner_id.action_ar_print_letters()

    def action_ar_email_letters(self):
        """Bulk "E-mail Letters" of the selected lines' customers, see
        ``res.partner.action_ar_email_letters``."""
        return self.partner_id.action_ar_email_letters()

    def _compute_plan_figures(self):
        # sudo: the plan figures of the customers on the user's own worklist lines
        plans = (
            self.env["ar.repayment.plan"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", self.partner_id.ids),
                    ("company_id", "in", self.company_id.ids),
                    ("state", "=", "active"),
                ],
                order="id desc",
            )
        )
        plan_of = {}
        for plan in plans:
            plan_of.setdefault((plan.partner_id.id, plan.company_id.id), plan)
        for line in self:
            plan = plan_of.get((line.partner_id.id, line.company_id.id))
            line.plan_state = plan.state if plan else False
            line.plan_next_date = plan.next_date if plan else False
            line.plan_next_amount = plan.next_amount if plan else 0.0
            line.plan_arrears = plan.arrears_amount if plan else 0.0
