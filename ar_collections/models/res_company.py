from datetime import datetime, time, timedelta

import pytz

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from odoo.addons.base.models.res_partner import _tz_get

from ..const import CREDIT_MANAGER_GROUP

# time zone of a company with neither a time zone nor a country (the addon's users are in China)
AR_DEFAULT_TIMEZONE = "Asia/Shanghai"

# Collector's workspace: how good a weekday is for a phone call (by default, following common
# collections advice: Friday, then Thursday and Tuesday; never Monday or Wednesday).
CALL_DAY_RANKS = [("best", "Best"), ("good", "Good"), ("possible", "Possible"), ("avoid", "Avoid")]
CALL_DAY_ORDER = {"best": 0, "good": 1, "possible": 2}
CALL_DAY_FIELDS = (
    "ar_call_monday",
    "ar_call_tuesday",
    "ar_call_wednesday",
    "ar_call_thursday",
    "ar_call_friday",
    "ar_call_saturday",
    "ar_call_sunday",
)

LATE_DEDUCTION_FIELDS = (
    "ar_late_deduction_30",
    "ar_late_deduction_60",
    "ar_late_deduction_90",
    "ar_late_deduction_120",
    "ar_late_deduction_over_120",
)


# bucket key (see ``ar.aging``'s BUCKETS, plus "legal") -> company field holding its rate (%)
PROVISION_RATE_FIELDS = {
    "not_due": "ar_provision_rate_not_due",
    "1_30": "ar_provision_rate_1_30",
    "31_60": "ar_provision_rate_31_60",
    "61_90": "ar_provision_rate_61_90",
    "over_90": "ar_provision_rate_over_90",
    "legal": "ar_provision_rate_legal",
}


# numbering of the bad-debt documents: code -> xmlid of the template (prefix, padding)
BAD_DEBT_SEQUENCES = {
    "ar.write.off.request": "ar_collections.seq_ar_write_off_request",
    "ar.collection.case": "ar_collections.seq_ar_collection_case",
    "ar.credit.limit.request": "ar_collections.seq_ar_credit_limit_request",
}


class ResCompany(models.Model):
    _inherit = "res.company"

    # Aging buckets and the default collector
    ar_bucket_1_days = fields.Integer(string="Aging Bucket 1 (days)", default=30)
    ar_bucket_2_days = fields.Integer(string="Aging Bucket 2 (days)", default=60)
    ar_bucket_3_days = fields.Integer(string="Aging Bucket 3 (days)", default=90)
    ar_default_collector_id = fields.Many2one(
        "res.users", string="Default Collector", help="Collector of customers that have none of their own."
    )

    # Collections run: owners of the follow-ups, the strategy matrix, the batches, the company's date
    ar_credit_manager_user_id = fields.Many2one(
        "res.users",
        string="Credit Manager (user)",
        help="Owner of follow-ups in stages owned by the credit manager, and of key customers with long aging.",
    )
    ar_legal_user_id = fields.Many2one(
        "res.users", string="Legal Officer", help="Owner of follow-ups in stages owned by legal."
    )
    ar_key_amount_threshold = fields.Monetary(
        string="Key Customer Amount",
        currency_field="currency_id",
        default=50000.0,
        help="Customers owing at least this amount (open receivable) follow the key procedure.",
    )
    ar_long_aging_days = fields.Integer(
        string="Long Aging (days)",
        default=60,
        help="Customers whose oldest unpaid invoice is at least this many days overdue have a long aging.",
    )
    ar_collection_batch_size = fields.Integer(
        string="Collections Batch Size",
        default=500,
        help="Customers processed per batch (and committed together) by the nightly collections run.",
    )
    ar_timezone = fields.Selection(
        _tz_get,
        string="Collections Time Zone",
        compute="_compute_ar_timezone",
        store=True,
        readonly=False,
        help="The nightly run, the promise checks and the follow-ups take the company's date in this time "
        "zone, whoever launches them. Follows the time zone of the company's address when that is set "
        "or changed; by default the time zone of the company's country, else China (Asia/Shanghai).",
    )

    # Automatic dunning: who is written to, and whether a person reviews it first
    ar_reminder_default = fields.Selection(
        [("automatic", "Automatic"), ("manual", "Manual")],
        string="Customer Reminders",
        default="automatic",
        required=True,
        help="Reminders of the customers that have no setting of their own.",
    )
    ar_dunning_send_mode = fields.Selection(
        [("send", "Send automatically"), ("review", "Prepare for review")],
        string="Dunning Messages",
        default="review",
        required=True,
        help="Send automatically: the run queues the e-mails. Prepare for review: they wait in the review queue "
        "until a collector sends them.",
    )

    # Monthly statement cycle: balance confirmations prepared, sent and chased on these days
    ar_statement_cycle = fields.Boolean(
        string="Monthly Statement Cycle",
        help="Every month, prepare a balance confirmation for each customer with a balance, send it and remind "
        "the collector when the reply is not back.",
    )
    ar_statement_prepare_day = fields.Integer(string="Prepare On (day)", default=5)
    ar_statement_send_day = fields.Integer(string="Send By (day)", default=8)
    ar_statement_reminder_day = fields.Integer(string="Remind On (day)", default=20)

    # Credit holds
    ar_credit_approver_id = fields.Many2one(
        "res.users",
        string="Credit Release Approver",
        help="Credit Manager asked to release held orders and deliveries. Empty: every Credit Manager of the company.",
    )

    # Collector's workspace: promises to pay, calling days and hours
    ar_promise_grace_days = fields.Integer(
        string="Promise Grace Period (days)",
        default=3,
        help="Days after the promised date during which a payment still keeps the promise.",
    )
    ar_customer_link_days = fields.Integer(
        string="Customer Link Validity (days)",
        default=30,
        help="Days during which the link of a letter or a reminder e-mail opens the customer's page.",
    )
    ar_call_monday = fields.Selection(CALL_DAY_RANKS, string="Monday", default="avoid", required=True)
    ar_call_tuesday = fields.Selection(CALL_DAY_RANKS, string="Tuesday", default="good", required=True)
    ar_call_wednesday = fields.Selection(CALL_DAY_RANKS, string="Wednesday", default="avoid", required=True)
    ar_call_thursday = fields.Selection(CALL_DAY_RANKS, string="Thursday", default="good", required=True)
    ar_call_friday = fields.Selection(CALL_DAY_RANKS, string="Friday", default="best", required=True)
    ar_call_saturday = fields.Selection(CALL_DAY_RANKS, string="Saturday", default="avoid", required=True)
    ar_call_sunday = fields.Selection(CALL_DAY_RANKS, string="Sunday", default="avoid", required=True)
    ar_call_max_delay_days = fields.Integer(
        string="Wait for a Better Day (days)",
        default=3,
        help="A phone follow-up may be postponed by up to this many days to fall on a better calling day.",
    )
    ar_call_avoid_month_end_days = fields.Integer(
        string="Avoid Month End (days)",
        default=2,
        help="Phone follow-ups avoid the last days of the month (0: no restriction).",
    )
    ar_call_hour_from = fields.Float(
        string="Call From", default=9.0, help="Phone follow-ups are scheduled at this time (collector's time zone)."
    )
    ar_call_hour_to = fields.Float(string="Call Until", default=9.25)

    # Scheduled reports
    ar_report_recipient_ids = fields.Many2many(
        "res.partner",
        "res_company_ar_report_recipient_rel",
        "company_id",
        "partner_id",
        string="Collection Report Recipients",
        help="Receive the weekly overdue report (Fridays) and the monthly aging analysis (1st of the month).",
    )

    # Lateness table of the collectors' and salespeople's scorecards: a receipt counts
    # less the later it comes after the due date of the invoice it pays.
    ar_late_deduction_30 = fields.Float(
        string="Deduction 1-30 Days Late (%)",
        default=20.0,
        help="Share of a receipt 1 to 30 days late that does not count in the scorecards.",
    )
    ar_late_deduction_60 = fields.Float(
        string="Deduction 31-60 Days Late (%)",
        default=40.0,
        help="Share of a receipt 31 to 60 days late that does not count in the scorecards.",
    )
    ar_late_deduction_90 = fields.Float(
        string="Deduction 61-90 Days Late (%)",
        default=60.0,
        help="Share of a receipt 61 to 90 days late that does not count in the scorecards.",
    )
    ar_late_deduction_120 = fields.Float(
        string="Deduction 91-120 Days Late (%)",
        default=80.0,
        help="Share of a receipt 91 to 120 days late that does not count in the scorecards.",
    )
    ar_late_deduction_over_120 = fields.Float(
        string="Deduction Over 120 Days Late (%)",
        default=100.0,
        help="Share of a receipt more than 120 days late that does not count in the scorecards.",
    )

    ar_provision_rate_not_due = fields.Float(
        string="Provision Rate: Not Due (%)", default=0.0, help="Share of the invoices not yet due provisioned."
    )
    ar_provision_rate_1_30 = fields.Float(
        string="Provision Rate: 1st Overdue Bucket (%)",
        default=1.0,
        help="Share of the invoices in the first overdue bucket (1-30 days by default) provisioned.",
    )
    ar_provision_rate_31_60 = fields.Float(
        string="Provision Rate: 2nd Overdue Bucket (%)",
        default=5.0,
        help="Share of the invoices in the second overdue bucket (31-60 days by default) provisioned.",
    )
    ar_provision_rate_61_90 = fields.Float(
        string="Provision Rate: 3rd Overdue Bucket (%)",
        default=20.0,
        help="Share of the invoices in the third overdue bucket (61-90 days by default) provisioned.",
    )
    ar_provision_rate_over_90 = fields.Float(
        string="Provision Rate: Last Bucket (%)",
        default=50.0,
        help="Share of the invoices in the last bucket (over 90 days by default) provisioned.",
    )
    ar_provision_rate_legal = fields.Float(
        string="Provision Rate: Legal Cases (%)",
        default=100.0,
        help="Share of the invoices handed to legal provisioned, whatever their age.",
    )
    ar_provision_journal_id = fields.Many2one(
        "account.journal",
        string="Bad-Debt Provision Journal",
        check_company=True,
        domain="[('type', '=', 'general')]",
        help="Journal of the monthly bad-debt provision entries.",
    )
    ar_provision_account_id = fields.Many2one(
        "account.account",
        string="Bad-Debt Allowance Account",
        check_company=True,
        domain="[('account_type', 'not in', ('asset_receivable', 'liability_payable', 'off_balance'))]",
        help="Balance sheet account holding the allowance for doubtful receivables (credit balance).",
    )
    ar_provision_expense_account_id = fields.Many2one(
        "account.account",
        string="Bad-Debt Expense Account",
        check_company=True,
        domain="[('account_type', 'in', ('expense', 'expense_other'))]",
        help="Expense account debited when the allowance grows and credited when it shrinks.",
    )
    # Recovery after write-off
    ar_recovery_mode = fields.Selection(
        [("reverse", "Reverse the Write-Off"), ("income", "Other Income")],
        string="Recovery After Write-Off",
        default="reverse",
        required=True,
        help="A payment received for a written-off debt: credited back to the account the write-off debited, "
        "or to an income account.",
    )
    ar_recovery_income_account_id = fields.Many2one(
        "account.account",
        string="Recovery Income Account",
        check_company=True,
        domain="[('account_type', 'in', ('income', 'income_other'))]",
        help="Income account credited by recoveries after write-off (when they do not reverse the write-off).",
    )
    # Late-payment interest (逾期利息 / 违约金)
    ar_interest_rate = fields.Float(
        string="Late-Payment Interest Rate (%)",
        digits=(16, 4),
        help="Simple interest on the overdue amount of each invoice, per day or per year. 0: no interest.",
    )
    ar_interest_period = fields.Selection(
        [("day", "Per Day"), ("year", "Per Year")], string="Interest Rate Period", default="day", required=True
    )
    ar_interest_grace_days = fields.Integer(
        string="Interest Grace Days",
        default=0,
        help="Days after the due date that are not charged: interest runs from the due date plus these days.",
    )
    ar_interest_account_id = fields.Many2one(
        "account.account",
        string="Interest Income Account",
        check_company=True,
        domain="[('account_type', 'in', ('income', 'income_other'))]",
        help="Income account of the lines of the late-payment interest invoices.",
    )
    ar_interest_fee_final = fields.Monetary(
        string="Fee per Final Notice",
        currency_field="currency_id",
        help="Fixed fee claimed in the final notice, on top of the interest.",
    )
    ar_interest_fee_lawyer = fields.Monetary(
        string="Fee per Lawyer Letter",
        currency_field="currency_id",
        help="Fixed fee claimed in the lawyer letter, on top of the interest.",
    )
    # Collection cases
    ar_limitation_years = fields.Integer(
        string="Limitation Period (years)",
        default=3,
        help="Limitation period of a debt from its last acknowledgement (confirmed statement, promise, partial "
        "payment, signed reply).",
    )
    ar_case_commission_account_id = fields.Many2one(
        "account.account",
        string="Agency Commission Account",
        check_company=True,
        domain="[('account_type', 'in', ('expense', 'expense_other'))]",
        help="Expense account of the collection agencies' commission bills.",
    )

    ar_limit_tier_basis = fields.Selection(
        [("limit", "New Limit"), ("increase", "Increase")],
        string="Limit Tiers Apply To",
        default="limit",
        required=True,
        help="What the credit limit approval tiers compare with their amounts: the new credit limit, or the "
        "increase over the current one.",
    )

    # Repayment plans
    ar_plan_approval_amount = fields.Monetary(
        string="Repayment Plan Approval Amount",
        currency_field="currency_id",
        default=50000.0,
        help="A repayment plan covering more than this amount is approved by a Credit Manager (other than its "
        "proposer) before it is proposed to the customer. Zero: every plan is activated by the collectors.",
    )
    ar_plan_max_broken = fields.Integer(
        string="Broken Instalments Cancelling a Plan",
        default=2,
        help="A repayment plan with this many instalments broken or only partly kept is cancelled by the nightly "
        "check, and dunning of its invoices resumes. Zero: never cancelled automatically.",
    )

    # Credit scoring: reviews, 5C starting limits and the thresholds of the danger signals
    ar_review_months = fields.Integer(
        string="Review Period (months)",
        default=6,
        help="Every customer with a credit score gets a credit review (评级复核) this many months after his last one.",
    )
    ar_5c_limit_share = fields.Float(
        string="5C Starting Limit (%)",
        default=50.0,
        help="A new customer starts at this share of the default credit limit of the grade his 5C evaluation gives.",
    )
    ar_signal_order_drop_pct = fields.Float(
        string="Order Drop (%)",
        default=30.0,
        help="Danger signal when the orders of the last 3 months are this much below the 3 months before.",
    )
    ar_signal_slowing_days = fields.Float(
        string="Payments Slowing (days)",
        default=10.0,
        help="Danger signal when the average days late of the last 3 months exceed those of the 6 months "
        "before by this many days.",
    )
    ar_signal_dispute_amount = fields.Monetary(
        string="Large Dispute",
        currency_field="currency_id",
        default=50000.0,
        help="Danger signal when a dispute opened in the last 30 days covers invoices due at least this amount.",
    )
    ar_signal_over_limit_count = fields.Integer(
        string="Over-Limit Attempts",
        default=3,
        help="Danger signal when this many held orders or deliveries were released in the last 30 days.",
    )

    @api.constrains("ar_statement_prepare_day", "ar_statement_send_day", "ar_statement_reminder_day")
    def _check_ar_statement_days(self):
        for company in self:
            days = (company.ar_statement_prepare_day, company.ar_statement_send_day, company.ar_statement_reminder_day)
            if not all(1 <= day <= 28 for day in days) or not days[0] <= days[1] <= days[2]:
                raise ValidationError(
                    self.env._(
                        "The days of the monthly statement cycle are days of the month (1 to 28), in order: "
                        "prepare, send, remind."
                    )
                )

    @api.constrains("ar_bucket_1_days", "ar_bucket_2_days", "ar_bucket_3_days")
    def _check_ar_buckets(self):
        for company in self:
            if not 0 < company.ar_bucket_1_days < company.ar_bucket_2_days < company.ar_bucket_3_days:
                raise ValidationError(
                    self.env._("Aging bucket limits must be positive and increasing (e.g. 30, 60, 90 days).")
                )

    @api.constrains("ar_key_amount_threshold", "ar_long_aging_days", "ar_collection_batch_size")
    def _check_ar_collection_settings(self):
        for company in self:
            if company.ar_key_amount_threshold < 0 or company.ar_long_aging_days < 0:
                raise ValidationError(self.env._("The key customer amount and the long aging days cannot be negative."))
            if company.ar_collection_batch_size <= 0:
                raise ValidationError(self.env._("The collections batch size must be positive."))

    @api.constrains(
        "ar_promise_grace_days",
        "ar_call_max_delay_days",
        "ar_call_avoid_month_end_days",
        "ar_call_hour_from",
        "ar_call_hour_to",
    )
    def _check_ar_workspace_settings(self):
        for company in self:
            if (
                company.ar_promise_grace_days < 0
                or company.ar_call_max_delay_days < 0
                or company.ar_call_avoid_month_end_days < 0
            ):
                raise ValidationError(
                    self.env._("The promise grace period and the calling-day delays cannot be negative.")
                )
            if not 0 <= company.ar_call_hour_from <= company.ar_call_hour_to < 24:
                raise ValidationError(self.env._("The calling hours must be within the day, the start before the end."))

    @api.constrains(*LATE_DEDUCTION_FIELDS)
    def _check_ar_late_deductions(self):
        for company in self:
            if any(not 0 <= company[fname] <= 100 for fname in LATE_DEDUCTION_FIELDS):
                raise ValidationError(self.env._("A lateness deduction is a percentage from 0 to 100."))

    @api.depends("partner_id.tz", "partner_id.country_id")
    def _compute_ar_timezone(self):
        for company in self:
            company.ar_timezone = company.partner_id.tz or company.ar_timezone or company._ar_default_timezone()

    def _ar_get_credit_approvers(self):
        """The one rule of who decides on the company's credit questions (the release of a
        credit hold, a customer's request to pay later): its appointed Credit Release Approver
        when there is one, else every Credit Manager of the company (internal, active users,
        not the superuser), its Credit Manager (user) first, then by id.

        A release asks them all (but the document's salesperson); an extension request asks
        the first one."""
        self.ensure_one()
        if self.ar_credit_approver_id:
            return self.ar_credit_approver_id
        # sudo: whoever asks for a decision (a salesperson, a collector) may not read the group's members
        managers = (
            self.env.ref(CREDIT_MANAGER_GROUP)
            .sudo()
            .users.filtered(lambda u: u.active and not u.share and u.id != SUPERUSER_ID and self in u.company_ids)
        )
        return managers.sorted(lambda u: (u != self.ar_credit_manager_user_id, u.id))

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._ar_create_default_stages()
        companies._ar_setup_bad_debt_sequences()
        return companies

    def _ar_default_timezone(self):
        """Time zone of a company whose address has none: its country's (the first one, as
        listed by the tz database), else ``AR_DEFAULT_TIMEZONE``."""
        self.ensure_one()
        zones = pytz.country_timezones.get(self.partner_id.country_id.code or "", [])
        return zones[0] if zones else AR_DEFAULT_TIMEZONE

    def _ar_get_today(self):
        """The company's today and time zone: the date in the company's collections time
        zone (Settings), never the current user's, so that a run, a promise check or a
        follow-up has the same date whoever launches it."""
        self.ensure_one()
        tz = self.ar_timezone or self._ar_default_timezone()
        return fields.Date.context_today(self.with_context(tz=tz)), tz

    def _ar_create_default_stages(self):
        """Give the companies of ``self`` without any stage (or all companies, on an
        empty recordset) a copy of the default ladder defined in data."""
        companies = self or self.search([])
        Stage = self.env["ar.collection.stage"].sudo().with_context(active_test=False)
        # sudo: creating a company (or installing) must not depend on the collections rights
        templates = (
            Stage.browse(
                [
                    res_id
                    for res_id in self.env["ir.model.data"]
                    .sudo()
                    .search([("module", "=", "ar_collections"), ("model", "=", "ar.collection.stage")])
                    .mapped("res_id")
                ]
            )
            .exists()
            .filtered("active")
            .sorted("days_from")
        )
        if not templates:
            return Stage
        with_stages = set(Stage.search([("company_id", "in", companies.ids)]).company_id.ids)
        vals_list = []
        for company in companies.filtered(lambda c: c.id not in with_stages):
            for template in templates:
                vals_list.append(template.copy_data({"company_id": company.id})[0])
        return Stage.create(vals_list)

    @api.model
    def _ar_load_demo_language(self, code):
        """Demo data only: activate language ``code`` with the terms of the installed modules
        (called from demo/ar_collections_demo.xml, see ``_ar_load_demo_story``)."""
        from ..demo.ar_collections_demo import load_language

        return load_language(self.env, code)

    def _ar_load_demo_story(self):
        """Demo data only: build the dated story of the company ``self`` (invoices, payments,
        orders, letters, the collections run). Called from demo/ar_collections_demo.xml; the
        demo code is imported here, so a database without demo data never imports it."""
        from ..demo.ar_collections_demo import load_story

        self.ensure_one()
        return load_story(self)

    def _ar_load_demo_bad_debts(self):
        """Demo data only: the bad-debt side of the story of the company ``self`` (a provision
        entry, a customer written off with a recovery, a legal case handed to an agency).
        Called from demo/ar_baddebt_demo.xml after the main story."""
        from ..demo.ar_baddebt_demo import load_bad_debts

        self.ensure_one()
        return load_bad_debts(self)

    def _ar_call_day_rank(self, day):
        """Rank of ``day`` for a phone call: 0 best, 1 good, 2 possible, None avoided."""
        self.ensure_one()
        rank = self[CALL_DAY_FIELDS[day.weekday()]]
        if rank == "avoid":
            return None
        avoid_days = self.ar_call_avoid_month_end_days
        if avoid_days and (day + timedelta(days=avoid_days)).month != day.month:
            return None
        return CALL_DAY_ORDER[rank]

    def _ar_next_call_date(self, from_date, max_delay=None):
        """The day to phone a customer whose follow-up falls on ``from_date``: the best
        ranked calling day within the allowed delay (the earliest of equal ones), else
        the first day that is not avoided, else ``from_date`` itself.

        :param max_delay: days the call may wait for a better day (default: the setting);
            0 for a follow-up bound to a date (a promise): only avoided days are skipped
        """
        self.ensure_one()
        max_delay = self.ar_call_max_delay_days if max_delay is None else max_delay
        window = [from_date + timedelta(days=offset) for offset in range(max_delay + 1)]
        ranked = [(rank, day) for day in window if (rank := self._ar_call_day_rank(day)) is not None]
        if ranked:
            return min(ranked)[1]
        for offset in range(len(window), len(window) + 31):
            day = from_date + timedelta(days=offset)
            if self._ar_call_day_rank(day) is not None:
                return day
        return from_date

    def _ar_next_call_datetime(self, from_dt, tz=None, max_delay=None):
        """Date and time (UTC, naive) of the next phone follow-up on or after ``from_dt``
        (a date, or a UTC datetime): a good calling day, at the start of the calling
        hours in time zone ``tz`` (default: the current user's)."""
        self.ensure_one()
        zone = pytz.timezone(tz or self.env.user.tz or "UTC")
        if isinstance(from_dt, datetime):
            local = pytz.utc.localize(from_dt).astimezone(zone)
            start = local.date()
            hour_to = self.ar_call_hour_to
            if local.hour + local.minute / 60.0 > hour_to:
                start += timedelta(days=1)  # today's calling hours are over
        else:
            start = from_dt
        day = self._ar_next_call_date(start, max_delay=max_delay)
        hours = int(self.ar_call_hour_from)
        minutes = int(round((self.ar_call_hour_from - hours) * 60))
        local_dt = zone.localize(datetime.combine(day, time(hours, minutes)))
        return local_dt.astimezone(pytz.utc).replace(tzinfo=None)

    @api.constrains(*PROVISION_RATE_FIELDS.values())
    def _check_ar_provision_rates(self):
        for company in self:
            if any(not 0.0 <= company[fname] <= 100.0 for fname in PROVISION_RATE_FIELDS.values()):
                raise ValidationError(self.env._("Bad-debt provision rates are percentages between 0 and 100."))

    @api.constrains("ar_provision_account_id", "ar_provision_expense_account_id")
    def _check_ar_provision_accounts(self):
        for company in self:
            allowance = company.ar_provision_account_id
            if allowance and allowance == company.ar_provision_expense_account_id:
                raise ValidationError(
                    self.env._("The bad-debt allowance and expense accounts must be two different accounts.")
                )
            if allowance.account_type in ("asset_receivable", "liability_payable"):
                raise ValidationError(
                    self.env._("The bad-debt allowance account cannot be a receivable or payable account.")
                )

    def _ar_get_provision_rates(self):
        """Provision rate (%) per bucket key of this company."""
        self.ensure_one()
        return {bucket: self[fname] for bucket, fname in PROVISION_RATE_FIELDS.items()}

    @api.constrains("ar_interest_rate", "ar_interest_grace_days", "ar_interest_fee_final", "ar_interest_fee_lawyer")
    def _check_ar_interest(self):
        for company in self:
            if (
                min(
                    company.ar_interest_rate,
                    company.ar_interest_grace_days,
                    company.ar_interest_fee_final,
                    company.ar_interest_fee_lawyer,
                )
                < 0
            ):
                raise ValidationError(self.env._("Late-payment interest rate, grace days and fees cannot be negative."))

    @api.constrains("ar_limitation_years")
    def _check_ar_limitation_years(self):
        if any(company.ar_limitation_years <= 0 for company in self):
            raise ValidationError(self.env._("The limitation period is at least one year."))

    def _ar_load_demo_limits(self):
        """Demo data only: the credit limit approval tiers of the company ``self`` and a pending
        limit change request. Called from demo/ar_limits_demo.xml after the main story."""
        from ..demo.ar_limits_demo import load_limits

        self.ensure_one()
        load_limits(self)
        return True

    @api.constrains("ar_plan_approval_amount", "ar_plan_max_broken")
    def _check_ar_plan_settings(self):
        for company in self:
            if company.ar_plan_approval_amount < 0 or company.ar_plan_max_broken < 0:
                raise ValidationError(
                    self.env._(
                        "The repayment plan approval amount and number of broken instalments cannot be negative."
                    )
                )

    def _ar_load_demo_plans(self):
        """Demo data only: a customer paying by a repayment plan (one instalment kept, the
        next due). Called from demo/ar_plans_demo.xml after the main story."""
        from ..demo.ar_plans_demo import load_plans

        self.ensure_one()
        return load_plans(self)

    def _ar_load_demo_portal(self):
        """Demo data only: the customer portal user's documents (a statement of account sent,
        a repayment plan proposed). Called from demo/ar_portal_demo.xml after the plans."""
        from ..demo.ar_portal_demo import load_portal

        self.ensure_one()
        return load_portal(self)

    @api.constrains("ar_review_months", "ar_5c_limit_share", "ar_signal_order_drop_pct", "ar_signal_over_limit_count")
    def _check_ar_scoring_settings(self):
        for company in self:
            if company.ar_review_months < 1 or company.ar_signal_over_limit_count < 1:
                raise ValidationError(self.env._("The review period and the over-limit attempts must be at least 1."))
            if not 0 <= company.ar_5c_limit_share <= 100 or not 0 < company.ar_signal_order_drop_pct <= 100:
                raise ValidationError(
                    self.env._("The 5C starting limit and the order drop are percentages between 0 and 100.")
                )

    def _ar_load_demo_scoring(self):
        """Demo data only: the credit scoring of the company ``self`` (scores, reviews, danger
        signals, a 5C evaluation). Called from demo/ar_scoring_demo.xml after the bad debts."""
        from ..demo.ar_scoring_demo import load_scoring

        self.ensure_one()
        return load_scoring(self)

    def _ar_prepare_bad_debt_sequence_vals(self, code):
        """Values of the own sequence of company ``self`` numbering the documents of ``code``,
        copied from the template (numbers the shared sequence gave stay taken)."""
        self.ensure_one()
        template = self.env.ref(BAD_DEBT_SEQUENCES[code], raise_if_not_found=False)
        template = template.sudo() if template else None
        return {
            "name": f"{template.name if template else code} ({self.name})",
            "code": code,
            "company_id": self.id,
            "prefix": template.prefix if template else False,
            "padding": template.padding if template else 4,
            "number_next": template.number_next_actual if template else 1,
        }

    def _ar_setup_bad_debt_sequences(self):
        """Each company of ``self`` gets its own sequence of each bad-debt document (one search
        for all)."""
        # sudo: sequences are technical records, created for the company whoever creates it
        Sequence = self.env["ir.sequence"].sudo()
        existing = {
            (sequence.code, sequence.company_id.id)
            for sequence in Sequence.with_context(active_test=False).search(
                [("code", "in", list(BAD_DEBT_SEQUENCES)), ("company_id", "in", self.ids)]
            )
        }
        Sequence.create(
            [
                company._ar_prepare_bad_debt_sequence_vals(code)
                for code in BAD_DEBT_SEQUENCES
                for company in self
                if (code, company.id) not in existing
            ]
        )

    @api.model
    def _ar_install_bad_debt_sequences(self):
        """Install and update: every company gets its own sequences; the shared templates are
        archived (they only give the prefix and padding)."""
        self.sudo().search([])._ar_setup_bad_debt_sequences()
        for xmlid in BAD_DEBT_SEQUENCES.values():
            template = self.env.ref(xmlid, raise_if_not_found=False)
            if template and template.active:
                template.sudo().active = False

    def _ar_next_bad_debt_number(self, code):
        """Next number of the documents ``code`` of company ``self``, from its own sequence
        (created first, under a lock, for a company that has none yet)."""
        self.ensure_one()
        Sequence = self.env["ir.sequence"].sudo()
        domain = [("code", "=", code), ("company_id", "=", self.id)]
        sequence = Sequence.search(domain, limit=1)
        if not sequence:
            # two users numbering the first document of a company at once: the second waits
            self.env.cr.execute(SQL("SELECT pg_advisory_xact_lock(hashtext(%s), %s)", code, self.id))
            sequence = Sequence.search(domain, limit=1) or Sequence.create(
                self._ar_prepare_bad_debt_sequence_vals(code)
            )
        return sequence.next_by_id()
