import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, html2plaintext

from ..const import CREDIT_MANAGER_GROUP

_logger = logging.getLogger(__name__)

# records created in bulk by the schedule and the run: no creation message, no tracking, no
# follower, no notification of the activity's owner per record
QUIET_CREATE = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_activity_quick_update": True,
}


def create_activities_in_bulk(records, vals_list):
    """Create the activities ``vals_list`` of ``records`` in one ``create`` (superuser, quiet).

    ``mail.activity`` computes each activity's stored ``res_name`` by browsing its record
    alone (one query per activity); the display names of ``records`` are read here at once
    first, in the environment the activities are created in, so that the computation finds
    them cached. The responsible users are subscribed by ``mail.activity`` itself, once per
    user for all the records."""
    Activity = records.env["mail.activity"].sudo().with_context(**QUIET_CREATE)
    records.with_env(Activity.env).mapped("display_name")
    return Activity.create(vals_list)


# first key of the per-company advisory lock of the review cron (the second is the company id)
REVIEW_LOCK_CLASS = 0x41524352 + 1
# set by the cron and the decision buttons only
REVIEW_GUARDED_FIELDS = (
    "partner_id",
    "company_id",
    "date",
    "state",
    "score",
    "current_grade_id",
    "current_limit",
    "proposed_grade_id",
    "proposed_limit",
    "explanation",
    "decided_by_id",
    "decided_date",
    "limit_request_id",
)


class ArCreditReview(models.Model):
    """A periodic credit review (评级复核) of a customer in a company: the current grade and
    limit against those the behaviour score proposes, with the score's explanation. The
    credit manager approves (possibly adjusted) or refuses; an approval changes the
    customer's profile through its guarded path."""

    _name = "ar.credit.review"
    _description = "Credit Review"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, readonly=True)
    state = fields.Selection(
        [("open", "To Review"), ("approved", "Approved"), ("refused", "Refused")],
        default="open",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    score = fields.Integer(readonly=True)
    current_grade_id = fields.Many2one("ar.credit.grade", readonly=True)
    current_limit = fields.Monetary(readonly=True, currency_field="currency_id")
    proposed_grade_id = fields.Many2one("ar.credit.grade", readonly=True)
    proposed_limit = fields.Monetary(readonly=True, currency_field="currency_id")
    new_grade_id = fields.Many2one(
        "ar.credit.grade",
        string="Decided Grade",
        tracking=True,
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
        help="The proposed grade; change it to adjust the proposal before approving.",
    )
    new_limit = fields.Monetary(string="Decided Limit", currency_field="currency_id", tracking=True)
    explanation = fields.Html(string="Why", readonly=True, sanitize=False)
    decision_note = fields.Text(string="Reason")
    decided_by_id = fields.Many2one("res.users", readonly=True)
    decided_date = fields.Datetime(string="Decided On", readonly=True)
    limit_request_id = fields.Many2one(
        "ar.credit.limit.request",
        readonly=True,
        copy=False,
        help="The decided limit was above the approver's authority: it awaits this change request's approval chain.",
    )
    limit_request_state = fields.Selection(related="limit_request_id.state", string="Limit Request Status")

    def init(self):
        # never two open reviews of the same customer in the same company
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS ar_credit_review_open_uniq
                ON ar_credit_review (partner_id, company_id) WHERE state = 'open'
            """
        )

    # ------------------------------------------------------------------
    # Guards
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(self.env._("Credit reviews are created by the review schedule only."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            if any(fname in vals for fname in REVIEW_GUARDED_FIELDS):
                raise AccessError(self.env._("A credit review is decided with its Approve and Refuse buttons only."))
            if {"new_grade_id", "new_limit", "decision_note"} & set(vals):
                self._ar_check_manager()
                if any(review.state != "open" for review in self):
                    raise UserError(self.env._("A decided credit review cannot be changed."))
        return super().write(vals)

    def _ar_check_manager(self):
        if not self.env.user.has_group(CREDIT_MANAGER_GROUP):
            raise AccessError(self.env._("Only a Credit Manager can decide a credit review."))

    # ------------------------------------------------------------------
    # Decisions
    # ------------------------------------------------------------------
    def action_approve(self):
        """Apply the decided grade and limit to each open review's customer (through the
        customer's guarded profile path, as the deciding user) and close the review."""
        self._ar_check_manager()
        for review in self:
            if review.state != "open":
                raise UserError(
                    self.env._(
                        "The credit review of %(partner)s is already decided.", partner=review.partner_id.display_name
                    )
                )
            if not review.new_grade_id:
                raise UserError(
                    self.env._(
                        "Choose the grade of %(partner)s before approving.", partner=review.partner_id.display_name
                    )
                )
            reason = review.decision_note or self.env._(
                "Credit review of %(date)s (score %(score)s)", date=review.date, score=review.score
            )
            request = review.partner_id.with_company(review.company_id)._ar_apply_credit_decision(
                review.new_grade_id, review.new_limit, reason, request_reason=review._ar_request_reason(reason)
            )
            if request:
                # sudo: the links are guarded fields, set by this checked button only
                request.sudo().review_id = review
                review.sudo().limit_request_id = request
            review._ar_close("approved")
        return True

    def _ar_request_reason(self, reason):
        """The reason of the change request of a limit above the approver's authority: the
        decision's reason and the review's explanation (plain text)."""
        self.ensure_one()
        explanation = html2plaintext(self.explanation or "").strip()
        return f"{reason}\n\n{explanation}" if explanation else reason

    def action_refuse(self):
        """Close the open reviews without changing the customer's grade or limit."""
        self._ar_check_manager()
        if any(review.state != "open" for review in self):
            raise UserError(self.env._("Only a credit review to review can be refused."))
        for review in self:
            review._ar_close("refused")
        return True

    def _ar_close(self, state):
        # sudo: the decision and who took it are written by the checked buttons only
        self.sudo().write({"state": state, "decided_by_id": self.env.uid, "decided_date": fields.Datetime.now()})
        self.activity_ids.sudo().action_feedback(
            feedback=dict(self._fields["state"]._description_selection(self.env))[state]
        )

    # ------------------------------------------------------------------
    # Schedule
    # ------------------------------------------------------------------
    @api.model
    def _cron_create_reviews(self, companies=None, today=None):
        """Create the credit reviews that are due, company by company (a company another
        worker is processing is skipped; a company that fails is logged and skipped)."""
        companies = companies or self.env["res.company"].search([])
        reviews = self.browse()
        for company in companies:
            try:
                with self.env.cr.savepoint():
                    reviews |= self.with_company(company)._ar_create_due_reviews(company, today)
            except Exception:
                _logger.exception("Creating the credit reviews of company %s failed", company.name)
        return reviews

    @api.model
    def _ar_create_due_reviews(self, company, today=None):
        """Reviews for the scored customers of ``company`` with no open review and none in
        the company's review period, under a per-company lock.

        :returns: the new reviews
        """
        today = fields.Date.to_date(today) or fields.Date.context_today(self)
        if not self.env.execute_query(SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", REVIEW_LOCK_CLASS, company.id))[
            0
        ][0]:
            _logger.info("Credit reviews of company %s: another worker is creating them", company.name)
            return self.browse()
        self.env.flush_all()
        since = today - relativedelta(months=company.ar_review_months)
        partner_ids = [
            row[0]
            for row in self.env.execute_query(
                SQL(
                    """
            SELECT s.partner_id
              FROM ar_credit_score s
             WHERE s.company_id = %s
               AND NOT EXISTS (SELECT 1 FROM ar_credit_review r
                                WHERE r.partner_id = s.partner_id AND r.company_id = s.company_id
                                  AND (r.state = 'open' OR r.date > %s))
             ORDER BY s.partner_id
            """,
                    company.id,
                    since,
                )
            )
        ]
        if not partner_ids:
            return self.browse()
        # sudo: the schedule reads the scores and profiles and creates the reviews, whoever runs it
        scores = (
            self.env["ar.credit.score"]
            .sudo()
            .search([("company_id", "=", company.id), ("partner_id", "in", partner_ids)])
        )
        vals_list = [self._prepare_review_vals(score, today) for score in scores.with_company(company)]
        # no chatter message, tracking or follower per review: thousands are created at once
        reviews = self.sudo().with_company(company).with_context(**QUIET_CREATE).create(vals_list)
        reviews._ar_schedule_activity(company)
        return reviews

    @api.model
    def _prepare_review_vals(self, score, today):
        partner = score.partner_id.sudo()
        return {
            "partner_id": partner.id,
            "company_id": score.company_id.id,
            "date": today,
            "score": score.score,
            "current_grade_id": partner.credit_grade_id.id,
            "current_limit": partner.credit_limit if partner.use_partner_credit_limit else 0.0,
            "proposed_grade_id": score.proposed_grade_id.id,
            "proposed_limit": score.proposed_limit,
            "new_grade_id": score.proposed_grade_id.id,
            "new_limit": score.proposed_limit,
            "explanation": score.explanation,
        }

    def _ar_schedule_activity(self, company):
        user = company.ar_credit_manager_user_id or company._ar_get_credit_approvers()[:1]
        if not self or not user:
            return
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        # sudo (in create_activities_in_bulk): the schedule assigns the reviews to the credit manager
        create_activities_in_bulk(
            self,
            [
                {
                    "res_model_id": model_id,
                    "res_id": review.id,
                    "activity_type_id": activity_type.id,
                    "user_id": user.id,
                    "summary": self.env._("Credit review"),
                    "date_deadline": review.date,
                }
                for review in self
            ],
        )
