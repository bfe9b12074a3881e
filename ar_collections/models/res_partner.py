from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare

from ..const import (
    AUDITOR_GROUP,
    COLLECTIONS_USER_GROUP,
    CREDIT_MANAGER_GROUP,
    INTEREST_LETTER_FEES,
    PLAN_STATES,
    PROMISE_NOT_KEPT_STATES,
    PROMISE_RUNNING_STATE,
    PROMISE_TO_ACCEPT_STATE,
    SALESMAN_ALL_GROUP,
)

# Credit facts are for employees only (not portal users, not even about their own company).
CREDIT_FIELD_GROUPS = "base.group_user"

# Fields of the credit profile that only a Credit Manager may change (create or write).
CREDIT_PROFILE_FIELDS = (
    "credit_grade_id",
    "ar_credit_days",
    "credit_limit",
    "use_partner_credit_limit",
    "collector_id",
)
# Changes of these are recorded in the company's credit profile history (ar.credit.profile.history).
PROFILE_HISTORY_FIELDS = ("credit_grade_id", "ar_credit_days", "credit_limit", "collector_id")
BLACKLIST_FIELDS = (
    "credit_blacklisted",
    "credit_blacklist_reason",
    "credit_blacklist_date",
    "credit_blacklist_user_id",
)
# Set by the collections run only.
RUN_FIELDS = ("collection_stage_id", "ar_procedure", "ar_strategy")


SCORE_READERS = (
    "ar_collections.group_ar_collections_user,ar_collections.group_ar_collections_auditor,"
    "sales_team.group_sale_salesman"
)


LIMIT_FIELDS = ("credit_limit", "use_partner_credit_limit")


class ResPartner(models.Model):
    _inherit = "res.partner"

    # No tracking of the credit profile in the chatter: the partner is shared by the companies
    # and the profile is per company; its history is kept in ar.credit.profile.history instead.
    credit_grade_id = fields.Many2one(
        "ar.credit.grade",
        company_dependent=True,
        groups=CREDIT_FIELD_GROUPS,
        domain="['|', ('company_id', '=', False), ('company_id', '=', current_company_id)]",
        help="Credit grade of the customer in the current company (A/B/C/D ...).",
    )
    ar_credit_days = fields.Integer(
        string="Credit Period (days)",
        company_dependent=True,
        groups=CREDIT_FIELD_GROUPS,
        help="Number of days of credit granted to the customer.",
    )
    collector_id = fields.Many2one(
        "res.users",
        company_dependent=True,
        groups=CREDIT_FIELD_GROUPS,
        help="Person responsible for collecting this customer's receivables. Empty: the company's default collector.",
    )
    ar_reminder_mode = fields.Selection(
        [("automatic", "Automatic"), ("manual", "Manual")],
        string="Reminders",
        company_dependent=True,
        groups=CREDIT_FIELD_GROUPS,
        help="Automatic: the collections run e-mails the customer's reminders. Manual: the collector gets the "
        "follow-up activity only. Empty: the company's default.",
    )
    credit_blacklisted = fields.Boolean(
        string="Blacklisted", company_dependent=True, copy=False, readonly=True, groups=CREDIT_FIELD_GROUPS
    )
    credit_blacklist_reason = fields.Text(
        string="Blacklist Reason", company_dependent=True, copy=False, readonly=True, groups=CREDIT_FIELD_GROUPS
    )
    credit_blacklist_date = fields.Date(
        string="Blacklisted On", company_dependent=True, copy=False, readonly=True, groups=CREDIT_FIELD_GROUPS
    )
    credit_blacklist_user_id = fields.Many2one(
        "res.users",
        string="Blacklisted By",
        company_dependent=True,
        copy=False,
        readonly=True,
        groups=CREDIT_FIELD_GROUPS,
    )
    ar_credit_history_ids = fields.One2many(
        "ar.credit.profile.history",
        "partner_id",
        string="Credit Profile History",
        readonly=True,
        groups="ar_collections.group_ar_collections_user,ar_collections.group_ar_collections_auditor",
        domain=lambda self: [("company_id", "=", self.env.company.id)],
    )
    ar_credit_visible = fields.Boolean(
        string="Credit Figures Visible",
        compute="_compute_ar_credit_visible",
        groups=CREDIT_FIELD_GROUPS,
        help="Whether the current user may see the credit figures of the customer: collectors, credit "
        "managers, auditors and sales managers see every customer's, a salesperson those of his "
        "customers and of the customers of his orders.",
    )

    ar_currency_id = fields.Many2one("res.currency", compute="_compute_ar_currency_id")
    ar_receivable_amount = fields.Monetary(
        string="Open Receivable",
        currency_field="ar_currency_id",
        compute="_compute_ar_credit_figures",
        groups=CREDIT_FIELD_GROUPS,
        help="Posted receivables not yet paid, net of unapplied payments and credit notes.",
    )
    ar_to_invoice_amount = fields.Monetary(
        string="Ordered, Not Invoiced",
        currency_field="ar_currency_id",
        compute="_compute_ar_credit_figures",
        groups=CREDIT_FIELD_GROUPS,
        help="Confirmed sale orders not yet invoiced (taxes included).",
    )
    ar_exposure = fields.Monetary(
        string="Credit Exposure",
        currency_field="ar_currency_id",
        compute="_compute_ar_credit_figures",
        groups=CREDIT_FIELD_GROUPS,
        help="Open receivable plus confirmed sale orders not yet invoiced, in company currency.",
    )
    ar_credit_remaining = fields.Monetary(
        string="Remaining Credit",
        currency_field="ar_currency_id",
        compute="_compute_ar_credit_figures",
        groups=CREDIT_FIELD_GROUPS,
        help="Credit limit minus exposure (only for customers with a credit limit).",
    )
    ar_overdue_amount = fields.Monetary(
        string="Overdue Amount",
        currency_field="ar_currency_id",
        compute="_compute_ar_credit_figures",
        groups=CREDIT_FIELD_GROUPS,
        search="_search_ar_overdue_amount",
        help="Amount past its due date, less unapplied payments and credit notes.",
    )
    ar_oldest_overdue_days = fields.Integer(
        string="Oldest Overdue (days)",
        compute="_compute_ar_credit_figures",
        groups=CREDIT_FIELD_GROUPS,
        help="Days overdue of the oldest unpaid invoice.",
    )
    ar_credit_limit = fields.Monetary(
        string="Effective Credit Limit",
        currency_field="ar_currency_id",
        compute="_compute_ar_credit_figures",
        groups=CREDIT_FIELD_GROUPS,
        help="The customer's own credit limit, else the company's default one; empty when no limit applies.",
    )
    ar_uses_credit_limit = fields.Boolean(
        string="Has a Credit Limit", compute="_compute_ar_credit_figures", groups=CREDIT_FIELD_GROUPS
    )
    # No groups= (the customer list decorates its rows with it): it is False for whoever may
    # not see the customer's credit figures (see _ar_get_credit_visible_ids).
    ar_over_limit = fields.Boolean(
        string="Over Credit Limit", compute="_compute_ar_credit_figures", search="_search_ar_over_limit"
    )

    # Collection stage and strategy, set by the nightly collections run
    collection_stage_id = fields.Many2one(
        "ar.collection.stage",
        company_dependent=True,
        copy=False,
        readonly=True,
        groups=CREDIT_FIELD_GROUPS,
        help="Worst collection stage of the customer's open invoices in the current company, "
        "set by the nightly collections run.",
    )
    ar_procedure = fields.Selection(
        [("general", "General"), ("key", "Key")],
        string="Collection Procedure",
        company_dependent=True,
        copy=False,
        readonly=True,
        groups=CREDIT_FIELD_GROUPS,
        help="From the strategy matrix (amount owed × aging), set by the collections run: key customers owe "
        "at least the key amount and are followed up first.",
    )
    ar_strategy = fields.Selection(
        [
            ("short_small", "Short aging, small amount"),
            ("long_small", "Long aging, small amount"),
            ("short_large", "Short aging, large amount"),
            ("long_large", "Long aging, large amount"),
        ],
        string="Collection Strategy",
        company_dependent=True,
        copy=False,
        readonly=True,
        groups=CREDIT_FIELD_GROUPS,
        help="Quadrant of the strategy matrix. Long aging and large amount: the credit manager owns the "
        "follow-up in the early stages.",
    )

    # Collector's workspace: figures of the contacts, promises and disputes
    ar_contact_count = fields.Integer(
        string="Contacts",
        compute="_compute_ar_workspace_figures",
        groups=CREDIT_FIELD_GROUPS,
        help="Number of collection contacts logged with the customer in the current company.",
    )
    ar_last_contact_date = fields.Datetime(
        string="Last Contact", compute="_compute_ar_workspace_figures", groups=CREDIT_FIELD_GROUPS
    )
    ar_broken_promise_count = fields.Integer(
        string="Broken Promises",
        compute="_compute_ar_workspace_figures",
        groups=CREDIT_FIELD_GROUPS,
        help="Promises to pay the customer broke or only partially kept.",
    )
    ar_to_accept_promise_count = fields.Integer(
        string="Promises to Accept",
        compute="_compute_ar_workspace_figures",
        groups=CREDIT_FIELD_GROUPS,
        help="Promises the customer made from his link that no collector has accepted or refused yet: "
        "they neither count nor pause the reminders.",
    )
    ar_next_promise_date = fields.Date(
        string="Next Promised Payment",
        compute="_compute_ar_workspace_figures",
        groups=CREDIT_FIELD_GROUPS,
        help="The earliest accepted promise to pay still running.",
    )
    ar_next_promise_amount = fields.Monetary(
        string="Next Promised Amount",
        currency_field="ar_currency_id",
        compute="_compute_ar_workspace_figures",
        groups=CREDIT_FIELD_GROUPS,
    )
    ar_open_dispute_count = fields.Integer(
        string="Open Disputes", compute="_compute_ar_workspace_figures", groups=CREDIT_FIELD_GROUPS
    )

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
    # Late-payment interest
    ar_accrued_interest = fields.Monetary(
        string="Accrued Late-Payment Interest",
        compute="_compute_ar_accrued_interest",
        currency_field="ar_company_currency_id",
        help="Late-payment interest of the overdue invoices not invoiced yet (today, current company).",
    )

    ar_case_owner_id = fields.Many2one(
        "res.users",
        string="Collection Case Owner",
        compute="_compute_ar_case_owner_id",
        help="Owner of the customer's open collection case in the current company (legal officer, or the "
        "responsible user of an agency case): the collections follow-up is his while the case is open.",
    )

    # Repayment plans of the customer in the current company: the running one first
    ar_plan_id = fields.Many2one(
        "ar.repayment.plan", string="Repayment Plan", compute="_compute_ar_plan_figures", groups=CREDIT_FIELD_GROUPS
    )
    ar_plan_state = fields.Selection(
        PLAN_STATES, string="Repayment Plan State", compute="_compute_ar_plan_figures", groups=CREDIT_FIELD_GROUPS
    )
    ar_plan_next_date = fields.Date(
        string="Next Instalment", compute="_compute_ar_plan_figures", groups=CREDIT_FIELD_GROUPS
    )
    ar_plan_next_amount = fields.Monetary(
        string="Next Instalment Amount",
        currency_field="ar_currency_id",
        compute="_compute_ar_plan_figures",
        groups=CREDIT_FIELD_GROUPS,
    )
    ar_plan_arrears = fields.Monetary(
        string="Plan Arrears",
        currency_field="ar_currency_id",
        compute="_compute_ar_plan_figures",
        groups=CREDIT_FIELD_GROUPS,
        help="What the instalments of the active repayment plan already due still lack.",
    )
    ar_plan_count = fields.Integer(
        string="Repayment Plans", compute="_compute_ar_plan_figures", groups=CREDIT_FIELD_GROUPS
    )

    ar_score = fields.Integer(string="Credit Score", compute="_compute_ar_score", groups=SCORE_READERS)
    ar_score_date = fields.Date(string="Score Computed On", compute="_compute_ar_score", groups=SCORE_READERS)
    ar_score_grade_id = fields.Many2one(
        "ar.credit.grade", string="Proposed Grade", compute="_compute_ar_score", groups=SCORE_READERS
    )
    ar_score_limit = fields.Monetary(
        string="Proposed Limit", currency_field="ar_currency_id", compute="_compute_ar_score", groups=SCORE_READERS
    )
    ar_score_explanation = fields.Html(
        string="Score Factors", compute="_compute_ar_score", sanitize=False, groups=SCORE_READERS
    )
    ar_credit_warning_count = fields.Integer(
        string="Credit Warnings",
        compute="_compute_ar_credit_warning_count",
        groups="ar_collections.group_ar_collections_user,ar_collections.group_ar_collections_auditor",
    )

    ar_limit_request_count = fields.Integer(
        string="Limit Requests", compute="_compute_ar_limit_request_count", groups=CREDIT_FIELD_GROUPS
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends_context("company")
    def _compute_ar_currency_id(self):
        self.ar_currency_id = self.env.company.currency_id

    def _ar_credit_company_ids(self):
        """Companies whose receivables and orders count for the credit figures (overridable
        hook): the current company with its whole family of branches (the root company and
        every branch under it, as Odoo's own ``credit``), so that a customer cannot go over
        his limit by buying from several branches."""
        # sudo: the branches of the company, whether or not the user may switch to them
        family = branches = self.env.company.sudo().root_id
        while branches:  # read through the cache, level by level
            branches = branches.child_ids
            family |= branches
        return family.ids

    def _ar_get_credit_figures(self, exclude_order_ids=None):
        """Credit figures of the commercial partners of ``self``, in two grouped queries.

        Aggregated figures only: computed as superuser so that a salesperson sees the
        exposure of his customer without reading other people's invoices, restricted
        to the current company.

        :returns: dict commercial partner id -> dict of figures
        """
        commercial_ids = {p.commercial_partner_id._origin.id or p._origin.id for p in self} - {False}
        company_ids = self._ar_credit_company_ids()
        Aging = self.env["ar.aging"].sudo()
        aging = Aging._get_partner_aging(partner_ids=commercial_ids, company_ids=company_ids)
        to_invoice = Aging._get_uninvoiced_order_amounts(
            partner_ids=commercial_ids, company_ids=company_ids, exclude_order_ids=exclude_order_ids
        )
        figures = {}
        for pid in commercial_ids:
            values = aging.get(pid, {})
            receivable = values.get("residual", 0.0)
            figures[pid] = {
                "receivable": receivable,
                "to_invoice": to_invoice.get(pid, 0.0),
                "exposure": receivable + to_invoice.get(pid, 0.0),
                "overdue": values.get("overdue", 0.0),
                "oldest_overdue_days": values.get("max_days_overdue", 0),
                "buckets": values,
            }
        return figures

    def _ar_sees_all_credit_figures(self):
        """Whether the current user sees the credit figures of every customer (overridable):
        collectors, credit managers, auditors, accountants and sales managers do."""
        user = self.env.user
        return self.env.su or any(
            user.has_group(group)
            for group in (
                COLLECTIONS_USER_GROUP,
                AUDITOR_GROUP,
                SALESMAN_ALL_GROUP,
                "account.group_account_invoice",
                "account.group_account_readonly",
            )
        )

    def _ar_get_credit_visible_ids(self, partner_ids=None):
        """Commercial partners whose credit figures the current user may see, among
        ``partner_ids`` (all when None); None when he sees every customer's.

        A salesperson sees the figures of his customers and of the customers of his
        orders in the current company (what the order's credit banner shows him), not
        everyone's. One query for the orders, one for the salespersons of the customers.
        """
        if self._ar_sees_all_credit_figures():
            return None
        if not self.env.user.has_group("sales_team.group_sale_salesman"):
            return set()
        uid = self.env.uid
        order_domain = [("user_id", "=", uid), ("company_id", "=", self.env.company.id)]
        partner_domain = [("user_id", "=", uid)]
        if partner_ids is not None:
            order_domain.append(("partner_id.commercial_partner_id", "in", list(partner_ids)))
            partner_domain.append(("id", "in", list(partner_ids)))
        # sudo: which customers the salesperson has orders for, whoever may read the orders
        visible = {partner.id for [partner] in self.env["sale.order"].sudo()._read_group(order_domain, ["partner_id"])}
        visible = {p.commercial_partner_id.id for p in self.browse(visible).sudo()}
        visible.update(self.sudo().with_context(active_test=False)._search(partner_domain))
        return visible

    @api.depends_context("company", "uid")
    def _compute_ar_credit_visible(self):
        commercial_ids = {p.commercial_partner_id._origin.id or p._origin.id for p in self} - {False}
        visible = self._ar_get_credit_visible_ids(commercial_ids)
        for partner in self:
            commercial_id = partner.commercial_partner_id._origin.id or partner._origin.id
            partner.ar_credit_visible = visible is None or commercial_id in visible

    @api.depends_context("company", "uid")
    def _compute_ar_credit_figures(self):
        commercial_ids = {p.commercial_partner_id._origin.id or p._origin.id for p in self} - {False}
        visible = self._ar_get_credit_visible_ids(commercial_ids)
        figures = self._ar_get_credit_figures()
        if visible is not None:
            figures = {pid: values for pid, values in figures.items() if pid in visible}
        # read for all commercial partners at once (one query, not one per partner)
        limits = self._ar_get_credit_limits()
        for partner in self:
            commercial = partner.commercial_partner_id
            values = figures.get(commercial._origin.id or partner._origin.id, {})
            partner.ar_receivable_amount = values.get("receivable", 0.0)
            partner.ar_to_invoice_amount = values.get("to_invoice", 0.0)
            partner.ar_exposure = values.get("exposure", 0.0)
            partner.ar_overdue_amount = values.get("overdue", 0.0)
            partner.ar_oldest_overdue_days = values.get("oldest_overdue_days", 0)
            uses_limit, limit = (
                limits.get(commercial.id, (False, 0.0)) if visible is None or commercial.id in visible else (False, 0.0)
            )
            partner.ar_uses_credit_limit = uses_limit
            partner.ar_credit_limit = limit
            partner.ar_credit_remaining = limit - partner.ar_exposure if uses_limit else 0.0
            partner.ar_over_limit = (
                bool(uses_limit)
                and float_compare(partner.ar_exposure, limit, precision_rounding=self.env.company.currency_id.rounding)
                > 0
            )

    def _search_ar_overdue_amount(self, operator, value):
        if operator not in (">", ">=", "<", "<=", "=", "!=") or not isinstance(value, (int, float)):
            raise UserError(self.env._("Operation not supported on the overdue amount."))
        aging = self.env["ar.aging"].sudo()._get_partner_aging(company_ids=self._ar_credit_company_ids())
        aging.pop(None, None)  # receivable items without a partner
        ops = {
            ">": lambda a: a > value,
            ">=": lambda a: a >= value,
            "<": lambda a: a < value,
            "<=": lambda a: a <= value,
            "=": lambda a: a == value,
            "!=": lambda a: a != value,
        }
        visible = self._ar_get_credit_visible_ids()
        if visible is not None:
            # a salesperson searches among the customers whose figures he sees only
            aging = {pid: values for pid, values in aging.items() if pid in visible}
        matching = [pid for pid, values in aging.items() if ops[operator](values["overdue"])]
        if ops[operator](0.0):
            # customers owing nothing match too: search by exclusion
            others = [pid for pid in aging if pid not in matching]
            if visible is not None:
                return [("commercial_partner_id", "in", [pid for pid in visible if pid not in others])]
            return [("commercial_partner_id", "not in", others)]
        return [("commercial_partner_id", "in", matching)]

    def _search_ar_over_limit(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Operation not supported on 'Over Credit Limit'."))
        company_ids = self._ar_credit_company_ids()
        Aging = self.env["ar.aging"].sudo()
        exposure = Aging._get_uninvoiced_order_amounts(company_ids=company_ids)
        for pid, values in Aging._get_partner_aging(company_ids=company_ids).items():
            if pid:  # not the receivable items without a partner
                exposure[pid] = exposure.get(pid, 0.0) + values["residual"]
        visible = self._ar_get_credit_visible_ids()
        candidates = self.browse(
            [pid for pid, amount in exposure.items() if amount > 0 and (visible is None or pid in visible)]
        )
        over = candidates.filtered(lambda p: p.ar_over_limit)
        positive = (operator == "=") == bool(value)
        return [("commercial_partner_id", "in" if positive else "not in", over.ids)]

    # ------------------------------------------------------------------
    # Constraints and guards
    # ------------------------------------------------------------------
    @api.constrains("credit_limit", "ar_credit_days", "credit_grade_id")
    def _check_ar_credit_profile(self):
        for partner in self:
            if partner.credit_limit < 0:
                raise ValidationError(
                    self.env._("The credit limit of %(partner)s cannot be negative.", partner=partner.display_name)
                )
            if partner.ar_credit_days < 0:
                raise ValidationError(
                    self.env._("The credit period of %(partner)s cannot be negative.", partner=partner.display_name)
                )
            grade = partner.credit_grade_id
            if grade.company_id and grade.company_id != self.env.company:
                raise ValidationError(
                    self.env._(
                        "Credit grade %(grade)s belongs to company %(company)s and cannot be used in %(current)s.",
                        grade=grade.display_name,
                        company=grade.company_id.name,
                        current=self.env.company.name,
                    )
                )
            if grade.max_credit_days and partner.ar_credit_days > grade.max_credit_days:
                raise ValidationError(
                    self.env._(
                        "The credit period of %(partner)s (%(days)s days) exceeds the maximum of grade "
                        "%(grade)s (%(max)s days).",
                        partner=partner.display_name,
                        days=partner.ar_credit_days,
                        grade=grade.display_name,
                        max=grade.max_credit_days,
                    )
                )

    def _ar_check_profile_write(self, vals, new=False):
        """Guard of the credit profile, for ``write`` and ``create`` (whatever the context):
        who may change which part (``_ar_check_profile_rights``), then a credit limit within
        the writer's authority tier (``_ar_check_limit_authority``)."""
        self._ar_check_profile_rights(vals, new=new)
        if not self.env.su and set(LIMIT_FIELDS) & set(vals):
            self._ar_check_limit_authority(vals, new=new)

    def _ar_check_profile_rights(self, vals, new=False):
        """Who may change which part of the credit profile:

        - the blacklist changes only through its actions (``_ar_set_blacklist``,
          ``_ar_release_blacklist``), which check the caller and write in superuser mode;
        - the collection stage and procedure only through the collections run (superuser);
        - grade, credit period, limit and collector only by a Credit Manager. Values
          equal to the commercial partner's (synchronised to its contacts) are no change.
        """
        if self.env.su:
            return
        if any(fname in vals for fname in BLACKLIST_FIELDS):
            raise AccessError(self.env._("Use the Blacklist and Release actions to change a customer's blacklist."))
        if any(fname in vals for fname in RUN_FIELDS):
            raise AccessError(
                self.env._("The collection stage and procedure of a customer are set by the collections run only.")
            )
        changed = [f for f in CREDIT_PROFILE_FIELDS if f in vals]
        if not changed or self.env.user.has_group(CREDIT_MANAGER_GROUP):
            return
        # sudo: compare with the current values, which the caller may not be allowed to read
        for partner in [None] if new else self.sudo():
            if partner is None:  # a new partner: its own profile, or its commercial partner's
                parent = (
                    self.sudo().browse(vals.get("parent_id")).commercial_partner_id
                    if vals.get("parent_id") and not vals.get("is_company")
                    else self.sudo().browse()
                )
            else:
                parent = partner.commercial_partner_id
            for fname in changed:
                field = self._fields[fname]
                new_value = field.convert_to_cache(vals[fname], parent or self.sudo().browse(), validate=False)
                if parent:
                    old = field.convert_to_cache(parent[fname], parent)
                elif field.company_dependent:
                    old = field.convert_to_cache(field.get_company_dependent_fallback(self.sudo()), self)
                else:
                    old = False
                if new_value != old and (new_value or old):
                    raise AccessError(
                        self.env._(
                            "Only a Credit Manager can change the credit grade, credit limit, credit period "
                            "or collector of a customer (%(partner)s).",
                            partner=partner.display_name if partner else vals.get("name") or "",
                        )
                    )

    def _ar_history_value(self, fname):
        """Display value of field ``fname`` of ``self`` for the credit profile history."""
        self.ensure_one()
        field = self._fields[fname]
        value = self[fname]
        if field.type == "many2one":
            return value.display_name or ""
        if field.type == "boolean":
            return self.env._("Yes") if value else self.env._("No")
        if field.type == "float":
            return self.env.company.currency_id.format(value)
        return str(value) if value or value == 0 else ""

    def _ar_profile_snapshot(self, fnames):
        """Current display values of ``fnames`` of the commercial partners of ``self``
        (superuser: the values are recorded whoever changes them)."""
        return {
            partner.id: {fname: partner._ar_history_value(fname) for fname in fnames}
            for partner in self.sudo()
            if not partner.parent_id or partner.is_company
        }

    def _ar_record_profile_history(self, before, fnames, note=False, kind="change"):
        """Record the changes of ``fnames`` of the partners of ``self`` since ``before``
        (see ``_ar_profile_snapshot``) in the current company's credit profile history.
        ``note`` defaults to the reason of a decision applied through
        ``_ar_apply_credit_decision`` (a text in the context, no right)."""
        note = note or self.env.context.get("ar_profile_note")
        after = self._ar_profile_snapshot(fnames)
        if not after:
            return
        vals_list = []
        for partner_id, values in after.items():
            for fname in fnames:
                old = before.get(partner_id, {}).get(fname, "")
                if old != values[fname]:
                    vals_list.append(
                        {
                            "partner_id": partner_id,
                            "company_id": self.env.company.id,
                            "user_id": self.env.uid,
                            "kind": kind,
                            "field_name": fname,
                            "old_value": old,
                            "new_value": values[fname],
                            "note": note,
                        }
                    )
        if vals_list:
            # sudo: the history is written only here, after the change was allowed; nobody writes it directly
            self.env["ar.credit.profile.history"].sudo().create(vals_list)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self.browse()._ar_check_profile_write({k: v for k, v in vals.items() if v}, new=True)
        partners = super().create(vals_list)
        tracked = [f for f in PROFILE_HISTORY_FIELDS if any(vals.get(f) for vals in vals_list)]
        if tracked:
            # a customer created with a profile: the values given are the first change
            after = partners._ar_profile_snapshot(tracked)
            before = {
                partner.id: {f: "" if vals.get(f) else after[partner.id][f] for f in tracked}
                for partner, vals in zip(partners, vals_list)
                if partner.id in after
            }
            partners._ar_record_profile_history(before, tracked)
        return partners

    def write(self, vals):
        self._ar_check_profile_write(vals)
        tracked = [f for f in PROFILE_HISTORY_FIELDS if f in vals]
        before = self._ar_profile_snapshot(tracked) if tracked else None
        res = super().write(vals)
        if tracked:
            self._ar_record_profile_history(before, tracked)
        return res

    def _commercial_fields(self):
        return super()._commercial_fields() + ["credit_grade_id", "ar_credit_days", "collector_id", *BLACKLIST_FIELDS]

    @api.onchange("credit_grade_id")
    def _onchange_credit_grade_id(self):
        grade = self.credit_grade_id
        if grade.default_credit_limit:
            self.use_partner_credit_limit = True
            self.credit_limit = grade.default_credit_limit
        if grade.max_credit_days and (not self.ar_credit_days or self.ar_credit_days > grade.max_credit_days):
            self.ar_credit_days = grade.max_credit_days

    # ------------------------------------------------------------------
    # Blacklist
    # ------------------------------------------------------------------
    def _ar_check_credit_manager(self):
        if not self.env.su and not self.env.user.has_group(CREDIT_MANAGER_GROUP):
            raise AccessError(self.env._("Only a Credit Manager can blacklist a customer or release it."))

    def _ar_set_blacklist(self, reason):
        """Blacklist the commercial partners of ``self`` with ``reason`` (Credit Managers only)."""
        self._ar_check_credit_manager()
        if not (reason or "").strip():
            raise UserError(self.env._("A reason is required to blacklist a customer."))
        partners = self.commercial_partner_id.filtered(lambda p: not p.credit_blacklisted)
        if not partners:
            raise UserError(self.env._("The selected customers are already blacklisted."))
        before = partners._ar_profile_snapshot(["credit_blacklisted"])
        # sudo: the blacklist fields are written in superuser mode only, here, once the caller
        # was checked (Credit Manager, _ar_check_credit_manager above)
        partners.sudo().write(
            {
                "credit_blacklisted": True,
                "credit_blacklist_reason": reason,
                "credit_blacklist_date": fields.Date.context_today(self),
                "credit_blacklist_user_id": self.env.user.id,
            }
        )
        partners._ar_record_profile_history(before, ["credit_blacklisted"], note=reason, kind="blacklist")
        partners._ar_post_company_note(self.env._("Blacklisted: %(reason)s", reason=reason))
        return partners

    def _ar_release_blacklist(self, reason):
        """Release the commercial partners of ``self`` from the blacklist (Credit Managers only)."""
        self._ar_check_credit_manager()
        if not (reason or "").strip():
            raise UserError(self.env._("A reason is required to release a customer from the blacklist."))
        partners = self.commercial_partner_id.filtered("credit_blacklisted")
        if not partners:
            raise UserError(self.env._("The selected customers are not blacklisted."))
        before = partners._ar_profile_snapshot(["credit_blacklisted"])
        # sudo: see _ar_set_blacklist (the caller was checked above)
        partners.sudo().write(
            {
                "credit_blacklisted": False,
                "credit_blacklist_reason": False,
                "credit_blacklist_date": False,
                "credit_blacklist_user_id": False,
            }
        )
        partners._ar_record_profile_history(before, ["credit_blacklisted"], note=reason, kind="release")
        partners._ar_post_company_note(self.env._("Released from the blacklist: %(reason)s", reason=reason))
        return partners

    def _ar_post_company_note(self, body, company=None):
        """Post ``body`` as an internal note on each partner of ``self``, visible in
        ``company`` only (default: the current company; ``mail.message.ar_company_id`` and its
        record rule): a customer shared by companies is followed up separately in each."""
        messages = self.env["mail.message"]
        for partner in self:
            # sudo: a note of the collections of this company; the author stays the current user
            messages |= partner.sudo().message_post(
                body=body, subtype_xmlid="mail.mt_note", author_id=self.env.user.partner_id.id
            )
        # sudo: tag the notes just posted (message_post does not take the field)
        messages.sudo().write({"ar_company_id": (company or self.env.company).id})
        return messages

    def _ar_open_blacklist_wizard(self, mode):
        self._ar_check_credit_manager()
        return {
            "type": "ir.actions.act_window",
            "res_model": "ar.partner.blacklist",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_ids": self.commercial_partner_id.ids, "default_mode": mode},
        }

    def action_ar_blacklist(self):
        return self._ar_open_blacklist_wizard("blacklist")

    def action_ar_release_blacklist(self):
        return self._ar_open_blacklist_wizard("release")

    # ------------------------------------------------------------------
    # Credit holds of sale orders and deliveries
    # ------------------------------------------------------------------
    def _ar_get_credit_limits(self):
        """The one credit-limit rule: the limit of the commercial partners of ``self`` in the
        current company, for their credit figures (``ar_uses_credit_limit``, ``ar_credit_limit``)
        and the credit check of sale orders. A customer has a limit when his own limit is
        switched on or the company applies limits to every customer; without one, his limit
        counts as 0.

        :returns: dict commercial partner id -> (uses_limit, limit)
        """
        use_company_limit = self.env.company.account_use_credit_limit
        # sudo: the limit fields are restricted to accountants; the credit figures and the credit
        # check need them for everyone
        limits = {}
        for partner in self.commercial_partner_id.sudo():
            uses_limit = bool(partner.use_partner_credit_limit or use_company_limit)
            limits[partner.id] = (uses_limit, partner.credit_limit if uses_limit else 0.0)
        return limits

    def _ar_get_held_invoices(self, flag):
        """Open invoices of the commercial partners of ``self`` (current company) whose
        collection stage has ``flag`` (``"hold_sales"`` or ``"lock_deliveries"``) set.
        One grouped query, whatever the number of invoices.

        :returns: dict commercial partner id -> list of (stage, [invoice names])
        """
        assert flag in ("hold_sales", "lock_deliveries")
        commercial_ids = self.commercial_partner_id._origin.ids
        if not commercial_ids:
            return {}
        # sudo: aggregated check over all the customer's invoices, whoever confirms; restricted
        # to the current company. Open invoices: those the one aging query says still owe
        # something today.
        open_ids = (
            self.env["ar.aging"].sudo()._get_invoice_aging(partner_ids=commercial_ids, company_ids=self.env.company.ids)
        )
        if not open_ids:
            return {}
        groups = (
            self.env["account.move"]
            .sudo()
            ._read_group(
                [
                    ("id", "in", list(open_ids)),
                    (f"collection_stage_id.{flag}", "=", True),
                ],
                ["commercial_partner_id", "collection_stage_id"],
                ["name:array_agg"],
            )
        )
        result = {}
        for partner, stage, names in groups:
            result.setdefault(partner.id, []).append((stage, sorted(names)))
        return result

    # ------------------------------------------------------------------
    # Strategy matrix of the collections (the follow-ups: ar.collection.followup)
    # ------------------------------------------------------------------
    @api.model
    def _ar_get_strategy(self, amount, max_days_overdue, company):
        """Quadrant and procedure of the strategy matrix for a customer owing ``amount``
        with its oldest invoice ``max_days_overdue`` days late."""
        large = company.currency_id.compare_amounts(amount, company.ar_key_amount_threshold) >= 0 and amount > 0
        long_aging = max_days_overdue >= company.ar_long_aging_days and max_days_overdue > 0
        strategy = "%s_%s" % ("long" if long_aging else "short", "large" if large else "small")
        return strategy, "key" if large else "general"

    # ------------------------------------------------------------------
    # Collector's workspace: contacts, promises, disputes, extension requests
    # ------------------------------------------------------------------
    @api.depends_context("company", "uid")
    def _compute_ar_workspace_figures(self):
        commercial_ids = {p.commercial_partner_id._origin.id or p._origin.id for p in self} - {False}
        visible = self._ar_get_credit_visible_ids(commercial_ids)
        if visible is not None:
            commercial_ids &= visible
        commercial_ids = list(commercial_ids)
        company_domain = [("partner_id", "in", commercial_ids), ("company_id", "=", self.env.company.id)]
        # sudo: counts and dates only, for the current company; a salesperson sees the history
        # figures of his customers even when he may not read every colleague's log.
        contacts = {
            partner.id: (count, last)
            for partner, count, last in self.env["ar.collection.log"]
            .sudo()
            ._read_group(company_domain, ["partner_id"], ["__count", "date:max"])
        }
        Promise = self.env["ar.payment.promise"].sudo()
        broken, to_accept = defaultdict(int), defaultdict(int)
        for partner, state, count in Promise._read_group(
            company_domain + [("state", "in", (*PROMISE_NOT_KEPT_STATES, PROMISE_TO_ACCEPT_STATE))],
            ["partner_id", "state"],
            ["__count"],
        ):
            (to_accept if state == PROMISE_TO_ACCEPT_STATE else broken)[partner.id] += count
        next_promise = {}
        # accepted promises only: one to accept is the customer's word until a collector accepts it
        for partner, date, amount in Promise._read_group(
            company_domain + [("state", "=", PROMISE_RUNNING_STATE)],
            ["partner_id", "date:day"],
            ["amount:sum"],
            order="date:day desc",
        ):
            next_promise[partner.id] = (date, amount)  # the earliest date wins (last written)
        disputes = {
            partner.id: count
            for partner, count in self.env["ar.dispute"]
            .sudo()
            ._read_group(company_domain + [("state", "=", "open")], ["partner_id"], ["__count"])
        }
        for partner in self:
            commercial = partner.commercial_partner_id._origin or partner._origin
            count, last = contacts.get(commercial.id, (0, False))
            partner.ar_contact_count = count
            partner.ar_last_contact_date = last
            partner.ar_broken_promise_count = broken.get(commercial.id, 0)
            partner.ar_to_accept_promise_count = to_accept.get(commercial.id, 0)
            date, amount = next_promise.get(commercial.id, (False, 0.0))
            partner.ar_next_promise_date = date
            partner.ar_next_promise_amount = amount
            partner.ar_open_dispute_count = disputes.get(commercial.id, 0)

    def action_ar_log_contact(self):
        """One click from a customer: the "Log a Contact" dialog, filled with its overdue invoices."""
        partner = self.commercial_partner_id
        partner.ensure_one()
        # the customer's overdue invoices and their overdue part, from the one aging query
        overdue = self.env["ar.aging"]._get_overdue_invoices(partner_ids=partner.ids, company_ids=self.env.company.ids)
        invoices = self.env["account.move"].browse(sorted(overdue, key=lambda mid: (overdue[mid]["due_date"], mid)))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log a Contact"),
            "res_model": "ar.collection.log",
            "view_mode": "form",
            "views": [(self.env.ref("ar_collections.ar_collection_log_view_form_dialog").id, "form")],
            "target": "new",
            "context": {
                "default_partner_id": partner.id,
                "default_contact_id": self.id if self != partner else False,
                "default_invoice_ids": invoices.ids,
                "default_amount_requested": sum(values["overdue"] for values in overdue.values()),
            },
        }

    def action_ar_print_letters(self):
        """Bulk "Send / Print Letters" of the selected customers: the draft letter of each
        (created, of its stage's level, when it has none), all printed as one PDF, each
        numbered and logged as a contact (see ``ar.dunning.letter.action_print_one_pdf``). The letters are the collector's own documents:
        written with his rights (no superuser mode)."""
        return self._ar_get_bulk_letters().action_print_one_pdf()

    def _ar_get_bulk_letters(self):
        """The draft letter of each selected customer (created, of its stage's level, when
        it has none), with the caller's rights: the letters of the bulk "Send / Print
        Letters" (printed as one PDF or e-mailed)."""
        partners = self.commercial_partner_id.with_company(self.env.company)
        Letter = self.env["ar.dunning.letter"]
        Letter.check_access("create")
        company = self.env.company
        drafts = Letter.search(
            [("partner_id", "in", partners.ids), ("company_id", "=", company.id), ("state", "=", "draft")]
        )
        missing = partners - drafts.partner_id
        unstaged = missing.filtered(lambda p: not p.collection_stage_id)
        if unstaged:
            raise UserError(
                self.env._(
                    "These customers are in no collection stage, so they get no letter: %(partners)s.",
                    partners=", ".join(unstaged.mapped("display_name")),
                )
            )
        return drafts | Letter.create([{"partner_id": partner.id, "company_id": company.id} for partner in missing])

    def _ar_open_related(self, model, name):
        partner = self.commercial_partner_id
        partner.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "list,form",
            "domain": [("partner_id", "=", partner.id)],
            "context": {"default_partner_id": partner.id},
        }

    def action_ar_view_contacts(self):
        return self._ar_open_related("ar.collection.log", self.env._("Contacts"))

    def action_ar_view_promises(self):
        return self._ar_open_related("ar.payment.promise", self.env._("Promises to Pay"))

    def action_ar_view_promises_to_accept(self):
        """The customer's promises made from his link, waiting for a collector's Accept or Refuse."""
        action = self._ar_open_related("ar.payment.promise", self.env._("Promises to Accept"))
        action["domain"] = [*action["domain"], ("state", "=", PROMISE_TO_ACCEPT_STATE)]
        return action

    def action_ar_view_disputes(self):
        return self._ar_open_related("ar.dispute", self.env._("Disputes"))

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
        fee_letters = partner._ar_get_uncharged_fee_letters(company)
        if not rows and not fee_letters:
            raise UserError(
                self.env._("%(partner)s owes no late-payment interest not invoiced yet.", partner=partner.name)
            )
        ordered = sorted(rows.values(), key=lambda row: (row["due_date"], row["invoice"].id))
        line_commands = [Command.create(self._prepare_ar_interest_line_vals(row)) for row in ordered] + [
            Command.create(self._prepare_ar_fee_line_vals(letter)) for letter in fee_letters
        ]
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
                    "invoice_line_ids": line_commands,
                }
            )
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": invoice.id,
            "view_mode": "form",
        }

    @api.depends_context("company")
    def _compute_ar_case_owner_id(self):
        """One search of the open cases for all the partners computed at once."""
        owners = self.env["ar.collection.case"]._ar_get_case_owners(self.commercial_partner_id, self.env.company)
        for partner in self:
            partner.ar_case_owner_id = owners.get(partner.commercial_partner_id.id, False)

    def action_ar_email_letters(self):
        """Bulk "E-mail Letters" of the selected customers: the draft letter of each (see
        ``_ar_get_bulk_letters``) e-mailed to its invoicing contact, numbered and logged
        (``ar.dunning.letter.action_email_letters``). Collectors and credit managers only,
        checked before any letter is created."""
        self.env["ar.dunning.letter"]._ar_check_bulk_caller()
        return self._ar_get_bulk_letters().action_email_letters()

    def _ar_get_interest_terms(self, company):
        """The one rule of the late-payment interest terms of the customers of ``self`` in
        ``company``: those of the customer's credit grade in that company when the grade has
        its own terms, else the company's. Returns ``{commercial partner id: dict(rate,
        period, grace_days, grade)}`` (one read of the grades for the batch)."""
        company_terms = {
            "rate": company.ar_interest_rate,
            "period": company.ar_interest_period or "day",
            "grace_days": company.ar_interest_grace_days,
            "grade": False,
        }
        # sudo: the grade is a credit field; only the interest terms are read from it
        partners = self.sudo().with_company(company).commercial_partner_id
        terms = {}
        for partner in partners:
            grade = partner.credit_grade_id
            if grade.ar_interest_own_terms:
                terms[partner.id] = {
                    "rate": grade.ar_interest_rate,
                    "period": grade.ar_interest_period or "day",
                    "grace_days": grade.ar_interest_grace_days,
                    "grade": grade,
                }
            else:
                terms[partner.id] = company_terms
        return terms

    def _ar_get_uncharged_fee_letters(self, company):
        """Letters sent or printed to the customer ``self`` by ``company`` at a level with a
        fee, whose fee no interest invoice (not cancelled) charged yet, oldest first."""
        self.ensure_one()
        levels = [level for level, fname in INTEREST_LETTER_FEES.items() if company[fname] > 0]
        if not levels:
            return self.env["ar.dunning.letter"]
        # sudo: the letters of the customer the caller (a checked Credit Manager) invoices
        letters = (
            self.env["ar.dunning.letter"]
            .sudo()
            .search(
                [
                    ("partner_id", "child_of", self.commercial_partner_id.id),
                    ("company_id", "=", company.id),
                    ("state", "in", ("sent", "printed")),
                    ("level", "in", levels),
                ],
                order="date, id",
            )
        )
        charged = {
            letter.id
            for (letter,) in self.env["account.move.line"]
            .sudo()
            ._read_group(
                [("ar_fee_letter_id", "in", letters.ids), ("parent_state", "!=", "cancel")], ["ar_fee_letter_id"]
            )
        }
        return letters.filtered(lambda letter: letter.id not in charged)

    def _prepare_ar_fee_line_vals(self, letter):
        """Line of the interest invoice charging the collection fee of ``letter``."""
        level = dict(letter._fields["level"]._description_selection(self.env))[letter.level]
        return {
            "name": self.env._(
                "Collection fee of the %(level)s %(number)s of %(date)s",
                level=level.lower(),
                number=letter.name,
                date=fields.Date.to_string(letter.date),
            ),
            "quantity": 1.0,
            "price_unit": letter._ar_get_letter_fee(),
            "account_id": letter.company_id.ar_interest_account_id.id,
            "tax_ids": [Command.clear()],
            "ar_fee_letter_id": letter.id,
        }

    @api.depends_context("company", "uid")
    def _compute_ar_plan_figures(self):
        commercial_ids = {p.commercial_partner_id._origin.id or p._origin.id for p in self} - {False}
        visible = self._ar_get_credit_visible_ids(commercial_ids)
        if visible is not None:
            commercial_ids &= visible
        # sudo: the figures of the customers the user may see (checked above), current company
        plans = (
            self.env["ar.repayment.plan"]
            .sudo()
            .search(
                [("partner_id", "in", list(commercial_ids)), ("company_id", "=", self.env.company.id)],
                order="id desc",
            )
        )
        by_partner = plans.grouped("partner_id")
        for partner in self:
            commercial = partner.commercial_partner_id._origin or partner._origin
            mine = by_partner.get(commercial, plans.browse())
            current = mine.filtered(lambda p: p.state == "active")[:1] or mine[:1]
            partner.ar_plan_count = len(mine)
            partner.ar_plan_id = current.with_env(self.env)
            partner.ar_plan_state = current.state or False
            running = current.state == "active"
            partner.ar_plan_next_date = current.next_date if running else False
            partner.ar_plan_next_amount = current.next_amount if running else 0.0
            partner.ar_plan_arrears = current.arrears_amount if running else 0.0

    def _ar_get_repayment_plan_summary(self, company):
        """The active repayment plan of the commercial partner in ``company`` as letters and
        statements print it: dict(``plan``, ``next_date``, ``next_amount``, ``arrears``), or
        None without an active plan."""
        partner = self.commercial_partner_id[:1]
        if not partner:
            return None
        # sudo: printed on the customer's own documents by whoever prints them
        plan = (
            self.env["ar.repayment.plan"]
            .sudo()
            .with_company(company)
            .search(
                [("partner_id", "=", partner.id), ("company_id", "=", company.id), ("state", "=", "active")],
                order="id desc",
                limit=1,
            )
        )
        if not plan:
            return None
        return {
            "plan": plan,
            "next_date": plan.next_date,
            "next_amount": plan.next_amount,
            "arrears": plan.arrears_amount,
        }

    def action_ar_view_repayment_plans(self):
        partner = self.commercial_partner_id
        partner.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("ar_collections.ar_repayment_plan_action")
        action["domain"] = [("partner_id", "=", partner.id)]
        action["context"] = {"default_partner_id": partner.id}
        return action

    @api.depends_context("company")
    def _compute_ar_score(self):
        # sudo: the score is read with the customer by everyone allowed to see the customer's score
        # (the fields' groups); one search for all the partners of ``self``
        commercial = self.commercial_partner_id
        scores = (
            self.env["ar.credit.score"]
            .sudo()
            .search([("company_id", "=", self.env.company.id), ("partner_id", "in", commercial.ids)])
            .grouped("partner_id")
        )
        for partner in self:
            score = scores.get(partner.commercial_partner_id, self.env["ar.credit.score"])
            partner.ar_score = score.score
            partner.ar_score_date = score.date
            partner.ar_score_grade_id = score.proposed_grade_id
            partner.ar_score_limit = score.proposed_limit
            partner.ar_score_explanation = score.explanation if score else False

    @api.depends_context("company")
    def _compute_ar_credit_warning_count(self):
        counts = dict(
            self.env["ar.credit.warning"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids), ("state", "=", "new")],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.ar_credit_warning_count = counts.get(partner.commercial_partner_id, 0)

    def _ar_apply_credit_decision(self, grade, limit, reason, request_reason=None):
        """Apply a credit decision (a review's or a 5C evaluation's) to the customer ``self``
        in the current company through the guarded profile path: the partner's ``write``,
        as the deciding user (only a Credit Manager may change a grade or a limit), with
        ``reason`` in the credit profile history.

        A limit above the decider's authority tier is not written: the grade (and credit
        period) is, and the limit is asked for with a credit limit change request by the
        decider (``request_reason``, default ``reason``), which climbs the remaining tiers
        and writes the limit at its last approval. The customer keeps his current limit
        until then (no partial raise: the one figure decided is the one approved).

        :returns: the change request submitted, or an empty recordset
        """
        self.ensure_one()
        vals = self._prepare_ar_credit_decision_vals(grade, limit)
        limit_vals = {fname: vals.pop(fname) for fname in LIMIT_FIELDS}
        above = not self.env.su and self._ar_limit_above_authority(limit_vals)
        if not above:
            vals.update(limit_vals)
        self.with_context(ar_profile_note=reason).write(vals)
        Request = self.env["ar.credit.limit.request"]
        if not above:
            return Request
        request = Request.create(
            {
                "partner_id": self.commercial_partner_id.id,
                "company_id": self.env.company.id,
                "requested_limit": limit,
                "reason": request_reason or reason,
            }
        )
        request.action_submit()
        return request

    def _prepare_ar_credit_decision_vals(self, grade, limit):
        vals = {"credit_grade_id": grade.id, "use_partner_credit_limit": True, "credit_limit": limit}
        # sudo: read the current credit period, to fit it into the new grade's maximum
        days = self.sudo().ar_credit_days
        if grade.max_credit_days and days > grade.max_credit_days:
            vals["ar_credit_days"] = grade.max_credit_days
        return vals

    def action_ar_view_credit_warnings(self):
        return self._ar_open_related("ar.credit.warning", self.env._("Credit Warnings"))

    @api.depends_context("company")
    def _compute_ar_limit_request_count(self):
        Request = self.env["ar.credit.limit.request"]
        counts = {}
        if Request.has_access("read"):
            counts = {
                partner.id: count
                for partner, count in Request._read_group(
                    [("partner_id", "in", self.commercial_partner_id.ids), ("company_id", "=", self.env.company.id)],
                    ["partner_id"],
                    ["__count"],
                )
            }
        for partner in self:
            partner.ar_limit_request_count = counts.get(partner.commercial_partner_id.id, 0)

    def _ar_has_limit(self, limit, fallback):
        """Whether a stored ``credit_limit`` is a limit: not when it is the company's fallback
        value and the company does not apply limits to every customer (no limit at all)."""
        return limit != fallback or self.env.company.account_use_credit_limit

    def _ar_limit_tiers_needed(self, old, new):
        """Tiers of the current company a limit change from ``old`` to ``new`` reaches, lowest
        first (None: no limit; a customer without a limit gets his first one from 0); none for
        a decrease."""
        Tier = self.env["ar.credit.limit.tier"]
        company = self.env.company
        if new is None:
            if old is None:
                return Tier
            # no limit at all: the whole ladder (sudo: see _ar_check_limit_authority)
            top = max(Tier.sudo().search([("company_id", "=", company.id)]).mapped("amount_min"), default=0.0)
            return Tier._ar_get_reached_tiers(company, top + 1.0)
        old = old or 0.0
        if company.currency_id.compare_amounts(new, old) <= 0:
            return Tier
        amount = new - old if company.ar_limit_tier_basis == "increase" else new
        return Tier._ar_get_reached_tiers(company, amount)

    def _ar_limit_above_authority(self, vals, new=False):
        """The first partner of ``self`` (None for ``new``) whose limit after ``vals`` is above
        the current user's authority, as ``(partner, limit, tiers)``, or None."""
        company = self.env.company
        # sudo: the ladder and the current limits decide, whoever writes
        if not self.env["ar.credit.limit.tier"].sudo().search_count([("company_id", "=", company.id)], limit=1):
            return None
        fallback = self._fields["credit_limit"].get_company_dependent_fallback(self.sudo())
        user = self.env.user
        for partner in [None] if new else self.sudo():
            current = partner.credit_limit if partner else fallback
            if "credit_limit" in vals:
                limit = vals["credit_limit"] or 0.0
            elif "use_partner_credit_limit" in vals and not vals["use_partner_credit_limit"]:
                limit = fallback
            else:
                limit = current
            old = current if partner and self._ar_has_limit(current, fallback) else None
            new_limit = limit if self._ar_has_limit(limit, fallback) else None
            tiers = self._ar_limit_tiers_needed(old, new_limit)
            if tiers and not tiers[-1]._ar_covers(user):
                return partner, (limit if new_limit is not None else None), tiers
        return None

    def _ar_check_limit_authority(self, vals, new=False):
        """Refuse a credit limit above the current user's authority (see the module docstring)."""
        above = self._ar_limit_above_authority(vals, new=new)
        if not above:
            return
        partner, limit, tiers = above
        company = self.env.company
        name = partner.display_name if partner else vals.get("name") or ""
        raise AccessError(
            self.env._(
                "A credit limit of %(limit)s for %(partner)s is above your approval authority "
                "(it needs %(approver)s): ask for it with a credit limit change request.",
                limit=company.currency_id.format(limit) if limit is not None else self.env._("no limit"),
                partner=name,
                approver=(tiers[-1].user_id or tiers[-1].group_id).display_name,
            )
        )

    # ------------------------------------------------------------------
    # Applying an approved request
    # ------------------------------------------------------------------
    def _ar_apply_limit_request(self, request):
        """Write the limit of the approved ``request`` on the customer ``self`` and record who
        asked and who approved in the credit profile history. Called by the last approval of
        the request only (``ar.credit.limit.request._ar_apply``), once the approver was checked."""
        self.ensure_one()
        partner = self.with_company(request.company_id)
        History = self.env["ar.credit.profile.history"].sudo()
        last_id = History.search([], order="id desc", limit=1).id
        before = partner._ar_profile_snapshot(["credit_limit"])
        # sudo: the limit above the approver's own authority is the request's, approved by its
        # chain: written here only, after the chain was checked
        partner.sudo().write({"credit_limit": request.requested_limit, "use_partner_credit_limit": True})
        lines = History.search(
            [("id", ">", last_id), ("partner_id", "=", partner.id), ("company_id", "=", request.company_id.id)]
        )
        if not lines:  # the same value: still on record that it was approved
            lines = History.create(
                {
                    "partner_id": partner.id,
                    "company_id": request.company_id.id,
                    "user_id": self.env.uid,
                    "field_name": "credit_limit",
                    "old_value": before.get(partner.id, {}).get("credit_limit", ""),
                    "new_value": partner.sudo()._ar_history_value("credit_limit"),
                }
            )
        lines.write(
            {
                "requested_by_id": request.user_id.id,
                "approved_by_id": self.env.uid,
                "limit_request_id": request.id,
                "note": request.reason,
            }
        )
        return lines

    # ------------------------------------------------------------------
    # Actions of the customer form
    # ------------------------------------------------------------------
    def action_ar_view_limit_history(self):
        """The customer's "Credit Limit History": grade and limit changes in the current company."""
        partner = self.commercial_partner_id
        partner.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("ar_collections.ar_credit_limit_history_action")
        action["domain"] = [
            ("partner_id", "=", partner.id),
            ("company_id", "=", self.env.company.id),
            ("field_name", "in", ("credit_limit", "credit_grade_id")),
        ]
        return action

    def action_ar_request_limit_change(self):
        """A new credit limit change request for the customer."""
        partner = self.commercial_partner_id
        partner.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Credit Limit Change Request"),
            "res_model": "ar.credit.limit.request",
            "view_mode": "form",
            "context": {"default_partner_id": partner.id},
        }

    def action_ar_view_limit_requests(self):
        partner = self.commercial_partner_id
        partner.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("ar_collections.ar_credit_limit_request_action")
        action["domain"] = [("partner_id", "=", partner.id)]
        action["context"] = {"default_partner_id": partner.id}
        return action
