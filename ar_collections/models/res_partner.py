from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare

CREDIT_MANAGER_GROUP = "ar_collections.group_ar_credit_manager"

# Fields of the credit profile that only a Credit Manager may change.
CREDIT_PROFILE_FIELDS = (
    "credit_grade_id", "ar_credit_days", "credit_limit", "use_partner_credit_limit", "collector_id",
)
BLACKLIST_FIELDS = ("credit_blacklisted", "credit_blacklist_reason", "credit_blacklist_date", "credit_blacklist_user_id")


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Core fields, tracked: a change of limit is part of the customer's credit history.
    credit_limit = fields.Float(tracking=True)

    credit_grade_id = fields.Many2one(
        "ar.credit.grade", string="Credit Grade", company_dependent=True, tracking=True,
        domain="['|', ('company_id', '=', False), ('company_id', '=', current_company_id)]",
        help="Credit grade of the customer in the current company (A/B/C/D ...).")
    ar_credit_days = fields.Integer(
        string="Credit Period (days)", company_dependent=True, tracking=True,
        help="Number of days of credit granted to the customer.")
    collector_id = fields.Many2one(
        "res.users", string="Collector", company_dependent=True, tracking=True,
        help="Person responsible for collecting this customer's receivables. "
             "Empty: the company's default collector.")
    credit_blacklisted = fields.Boolean(
        string="Blacklisted", company_dependent=True, tracking=True, copy=False, readonly=True)
    credit_blacklist_reason = fields.Text(string="Blacklist Reason", company_dependent=True, copy=False, readonly=True)
    credit_blacklist_date = fields.Date(string="Blacklisted On", company_dependent=True, copy=False, readonly=True)
    credit_blacklist_user_id = fields.Many2one(
        "res.users", string="Blacklisted By", company_dependent=True, copy=False, readonly=True)

    ar_currency_id = fields.Many2one("res.currency", compute="_compute_ar_currency_id")
    ar_receivable_amount = fields.Monetary(
        string="Open Receivable", currency_field="ar_currency_id", compute="_compute_ar_credit_figures",
        help="Posted receivables not yet paid, net of unapplied payments and credit notes.")
    ar_to_invoice_amount = fields.Monetary(
        string="Ordered, Not Invoiced", currency_field="ar_currency_id", compute="_compute_ar_credit_figures",
        help="Confirmed sale orders not yet invoiced (taxes included).")
    ar_exposure = fields.Monetary(
        string="Credit Exposure", currency_field="ar_currency_id", compute="_compute_ar_credit_figures",
        help="Open receivable plus confirmed sale orders not yet invoiced, in company currency.")
    ar_credit_remaining = fields.Monetary(
        string="Remaining Credit", currency_field="ar_currency_id", compute="_compute_ar_credit_figures",
        help="Credit limit minus exposure (only for customers with a credit limit).")
    ar_overdue_amount = fields.Monetary(
        string="Overdue Amount", currency_field="ar_currency_id", compute="_compute_ar_credit_figures",
        search="_search_ar_overdue_amount",
        help="Amount past its due date, less unapplied payments and credit notes.")
    ar_oldest_overdue_days = fields.Integer(
        string="Oldest Overdue (days)", compute="_compute_ar_credit_figures",
        help="Days overdue of the oldest unpaid invoice.")
    ar_credit_limit = fields.Monetary(
        string="Effective Credit Limit", currency_field="ar_currency_id", compute="_compute_ar_credit_figures",
        help="The customer's own credit limit, else the company's default one; empty when no limit applies.")
    ar_uses_credit_limit = fields.Boolean(string="Has a Credit Limit", compute="_compute_ar_credit_figures")
    ar_over_limit = fields.Boolean(
        string="Over Credit Limit", compute="_compute_ar_credit_figures", search="_search_ar_over_limit")

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
            partner_ids=commercial_ids, company_ids=company_ids, exclude_order_ids=exclude_order_ids)
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

    @api.depends_context("company")
    def _compute_ar_credit_figures(self):
        figures = self._ar_get_credit_figures()
        # sudo: the limit fields are restricted to accountants; salespeople see the figure here.
        # Read for all commercial partners at once (one query, not one per partner).
        company_limit = self.env.company.account_use_credit_limit
        limits = {
            p.id: (p.use_partner_credit_limit or company_limit, p.credit_limit)
            for p in self.commercial_partner_id.sudo()
        }
        for partner in self:
            commercial = partner.commercial_partner_id
            values = figures.get(commercial._origin.id or partner._origin.id, {})
            partner.ar_receivable_amount = values.get("receivable", 0.0)
            partner.ar_to_invoice_amount = values.get("to_invoice", 0.0)
            partner.ar_exposure = values.get("exposure", 0.0)
            partner.ar_overdue_amount = values.get("overdue", 0.0)
            partner.ar_oldest_overdue_days = values.get("oldest_overdue_days", 0)
            uses_limit, limit = limits.get(commercial.id, (False, 0.0))
            limit = limit if uses_limit else 0.0
            partner.ar_uses_credit_limit = uses_limit
            partner.ar_credit_limit = limit
            partner.ar_credit_remaining = limit - partner.ar_exposure if uses_limit else 0.0
            partner.ar_over_limit = bool(uses_limit) and float_compare(
                partner.ar_exposure, limit, precision_rounding=self.env.company.currency_id.rounding) > 0

    def _search_ar_overdue_amount(self, operator, value):
        if operator not in (">", ">=", "<", "<=", "=", "!=") or not isinstance(value, (int, float)):
            raise UserError(self.env._("Operation not supported on the overdue amount."))
        aging = self.env["ar.aging"].sudo()._get_partner_aging(company_ids=self._ar_credit_company_ids())
        aging.pop(None, None)  # receivable items without a partner
        ops = {
            ">": lambda a: a > value, ">=": lambda a: a >= value, "<": lambda a: a < value,
            "<=": lambda a: a <= value, "=": lambda a: a == value, "!=": lambda a: a != value,
        }
        matching = [pid for pid, values in aging.items() if ops[operator](values["overdue"])]
        if ops[operator](0.0):
            # customers owing nothing match too: search by exclusion
            others = [pid for pid in aging if pid not in matching]
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
        candidates = self.browse([pid for pid, amount in exposure.items() if amount > 0])
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
                raise ValidationError(self.env._(
                    "The credit limit of %(partner)s cannot be negative.", partner=partner.display_name))
            if partner.ar_credit_days < 0:
                raise ValidationError(self.env._(
                    "The credit period of %(partner)s cannot be negative.", partner=partner.display_name))
            grade = partner.credit_grade_id
            if grade.company_id and grade.company_id != self.env.company:
                raise ValidationError(self.env._(
                    "Credit grade %(grade)s belongs to company %(company)s and cannot be used in %(current)s.",
                    grade=grade.display_name, company=grade.company_id.name, current=self.env.company.name))
            if grade.max_credit_days and partner.ar_credit_days > grade.max_credit_days:
                raise ValidationError(self.env._(
                    "The credit period of %(partner)s (%(days)s days) exceeds the maximum of grade "
                    "%(grade)s (%(max)s days).",
                    partner=partner.display_name, days=partner.ar_credit_days, grade=grade.display_name,
                    max=grade.max_credit_days))

    def _ar_check_profile_write(self, vals):
        """Only Credit Managers change the credit profile of a customer; the blacklist only
        through its actions. Values synchronised from the commercial partner to its
        contacts are not a change of profile."""
        if self.env.su or self.env.context.get("ar_blacklist_action"):
            return
        if any(fname in vals for fname in BLACKLIST_FIELDS):
            raise AccessError(self.env._("Use the Blacklist and Release actions to change a customer's blacklist."))
        changed = [f for f in CREDIT_PROFILE_FIELDS if f in vals]
        if not changed or self.env.user.has_group(CREDIT_MANAGER_GROUP):
            return
        for partner in self.filtered(lambda p: not p.parent_id or p.is_company):
            for fname in changed:
                field = self._fields[fname]
                new = field.convert_to_cache(vals[fname], partner)
                old = field.convert_to_cache(partner[fname], partner)
                if new != old and (new or old):
                    raise AccessError(self.env._(
                        "Only a Credit Manager can change the credit grade, credit limit, credit period "
                        "or collector of a customer (%(partner)s).", partner=partner.display_name))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self.browse()._ar_check_profile_write({k: v for k, v in vals.items() if v})
        return super().create(vals_list)

    def write(self, vals):
        self._ar_check_profile_write(vals)
        return super().write(vals)

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
        partners.with_context(ar_blacklist_action=True).write({
            "credit_blacklisted": True,
            "credit_blacklist_reason": reason,
            "credit_blacklist_date": fields.Date.context_today(self),
            "credit_blacklist_user_id": self.env.user.id,
        })
        for partner in partners:
            partner.message_post(body=self.env._("Blacklisted: %(reason)s", reason=reason))
        return partners

    def _ar_release_blacklist(self, reason):
        """Release the commercial partners of ``self`` from the blacklist (Credit Managers only)."""
        self._ar_check_credit_manager()
        if not (reason or "").strip():
            raise UserError(self.env._("A reason is required to release a customer from the blacklist."))
        partners = self.commercial_partner_id.filtered("credit_blacklisted")
        if not partners:
            raise UserError(self.env._("The selected customers are not blacklisted."))
        partners.with_context(ar_blacklist_action=True).write({
            "credit_blacklisted": False,
            "credit_blacklist_reason": False,
            "credit_blacklist_date": False,
            "credit_blacklist_user_id": False,
        })
        for partner in partners:
            partner.message_post(body=self.env._("Released from the blacklist: %(reason)s", reason=reason))
        return partners

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
    # Credit holds (issue 4: sale order / delivery holds)
    # ------------------------------------------------------------------
    def _ar_get_credit_limits(self):
        """Credit limit of the commercial partners of ``self`` in the current company,
        by the same rule as ``ar_uses_credit_limit``/``ar_credit_limit``.

        :returns: dict commercial partner id -> (uses_limit, limit)
        """
        use_company_limit = self.env.company.account_use_credit_limit
        # sudo: the limit fields are restricted to accountants; the credit check needs them for everyone
        commercials = self.commercial_partner_id.sudo()
        return {
            partner.id: (
                bool(partner.use_partner_credit_limit or use_company_limit),
                partner.credit_limit if (partner.use_partner_credit_limit or use_company_limit) else 0.0,
            )
            for partner in commercials
        }

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
        open_ids = self.env["ar.aging"].sudo()._get_invoice_aging(
            partner_ids=commercial_ids, company_ids=self.env.company.ids)
        if not open_ids:
            return {}
        groups = self.env["account.move"].sudo()._read_group(
            [
                ("id", "in", list(open_ids)),
                (f"collection_stage_id.{flag}", "=", True),
            ],
            ["commercial_partner_id", "collection_stage_id"],
            ["name:array_agg"],
        )
        result = {}
        for partner, stage, names in groups:
            result.setdefault(partner.id, []).append((stage, sorted(names)))
        return result
    # Collection stage, procedure and follow-ups
    # (feature: aging engine, collection policy and stages, nightly run)
    # ------------------------------------------------------------------
    collection_stage_id = fields.Many2one(
        "ar.collection.stage", string="Collection Stage", company_dependent=True, copy=False, readonly=True,
        help="Worst collection stage of the customer's open invoices in the current company, "
             "set by the nightly collections run.")
    ar_procedure = fields.Selection(
        [("general", "General"), ("key", "Key")], string="Collection Procedure", company_dependent=True,
        copy=False, readonly=True,
        help="From the strategy matrix (amount owed × aging), set by the collections run: key customers owe "
             "at least the key amount and are followed up first.")
    ar_strategy = fields.Selection(
        [("short_small", "Short aging, small amount"), ("long_small", "Long aging, small amount"),
         ("short_large", "Short aging, large amount"), ("long_large", "Long aging, large amount")],
        string="Collection Strategy", company_dependent=True, copy=False, readonly=True,
        help="Quadrant of the strategy matrix. Long aging and large amount: the credit manager owns the "
             "follow-up in the early stages.")

    @api.model
    def _ar_get_strategy(self, amount, max_days_overdue, company):
        """Quadrant and procedure of the strategy matrix for a customer owing ``amount``
        with its oldest invoice ``max_days_overdue`` days late."""
        large = company.currency_id.compare_amounts(amount, company.ar_key_amount_threshold) >= 0 \
            and amount > 0
        long_aging = max_days_overdue >= company.ar_long_aging_days and max_days_overdue > 0
        strategy = "%s_%s" % ("long" if long_aging else "short", "large" if large else "small")
        return strategy, "key" if large else "general"

    def _ar_get_followup_user(self, stage, strategy=None):
        """Owner of the follow-up of commercial partner ``self`` in ``stage`` (current
        company): the stage's owner role resolved on the customer, falling back on the
        company's default collector, then its credit manager."""
        self.ensure_one()
        from .ar_collection_stage import OWNER_ROLE_RANK

        company = self.env.company
        role = stage.owner_role or "collector"
        if strategy == "long_large" and OWNER_ROLE_RANK[role] < OWNER_ROLE_RANK["credit_manager"]:
            role = "credit_manager"
        salesperson = self.user_id
        users = {
            "collector": self.collector_id,
            "salesperson": salesperson,
            "sales_manager": salesperson.sale_team_id.user_id,
            "credit_manager": company.ar_credit_manager_user_id,
            "legal": company.ar_legal_user_id,
        }
        return (users.get(role) or company.ar_default_collector_id or company.ar_credit_manager_user_id
                or self.collector_id or salesperson or self.env.user)

    def _ar_get_followup_activity(self):
        """Open collections activities of the partners of ``self`` in the current company
        (at most one per commercial partner)."""
        partners = self.commercial_partner_id
        if not partners:
            return self.env["mail.activity"]
        return self.env["mail.activity"].search([
            ("res_model", "=", "res.partner"),
            ("res_id", "in", partners.ids),
            ("ar_company_id", "=", self.env.company.id),
        ])

    def _ar_prepare_followup_activity_vals(self, stage, deadline, user, note=None):
        """Values of the collections activity of commercial partner ``self`` (overridable)."""
        self.ensure_one()
        activity_type = stage.activity_type_id or self.env.ref("ar_collections.mail_activity_type_collection")
        return {
            "res_model_id": self.env["ir.model"]._get_id("res.partner"),
            "res_id": self.id,
            "activity_type_id": activity_type.id,
            "summary": self.env._("Collections: %(stage)s", stage=stage.name),
            "note": note or stage.note or False,
            "date_deadline": deadline,
            "user_id": user.id,
            "ar_company_id": self.env.company.id,
            "ar_stage_id": stage.id,
        }

    def _ar_schedule_followup(self, stage=None, deadline=None, user=None, note=None, feedback=None):
        """Close the open collections activity of each commercial partner of ``self`` (if
        any) and schedule the next one, in the current company.

        :param stage: stage of the follow-up (default: the customer's stage)
        :param deadline: default: today + the stage's cadence
        :param user: default: the owner of the stage (see ``_ar_get_followup_user``)
        :param note: note of the new activity (default: the stage's note)
        :param feedback: feedback recorded on the closed activity
        :returns: the new activities
        """
        today = self.env.company._ar_get_today()[0]
        partners = self.commercial_partner_id
        old = partners._ar_get_followup_activity()
        if old:
            # sudo: a collector closes a follow-up that may be assigned to a colleague
            old.sudo().action_feedback(feedback=feedback or self.env._("Follow-up done."))
        vals_list = []
        for partner in partners:
            partner_stage = stage or partner.collection_stage_id
            if not partner_stage:
                continue
            vals_list.append(partner._ar_prepare_followup_activity_vals(
                partner_stage,
                deadline or fields.Date.add(today, days=partner_stage.cadence_days),
                user or partner._ar_get_followup_user(partner_stage, partner.ar_strategy),
                note=note,
            ))
        # sudo: the follow-up may be assigned to another user (salesperson, legal ...)
        return self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)

    # ------------------------------------------------------------------
    # Collector's workspace: contacts, promises, disputes
    # (feature: contact log, promises to pay, disputes, extension requests)
    # ------------------------------------------------------------------
    ar_contact_count = fields.Integer(
        string="Contacts", compute="_compute_ar_workspace_figures",
        help="Number of collection contacts logged with the customer in the current company.")
    ar_last_contact_date = fields.Datetime(string="Last Contact", compute="_compute_ar_workspace_figures")
    ar_broken_promise_count = fields.Integer(
        string="Broken Promises", compute="_compute_ar_workspace_figures",
        help="Promises to pay the customer broke or only partially kept.")
    ar_next_promise_date = fields.Date(
        string="Next Promised Payment", compute="_compute_ar_workspace_figures")
    ar_next_promise_amount = fields.Monetary(
        string="Next Promised Amount", currency_field="ar_currency_id", compute="_compute_ar_workspace_figures")
    ar_open_dispute_count = fields.Integer(string="Open Disputes", compute="_compute_ar_workspace_figures")

    @api.depends_context("company")
    def _compute_ar_workspace_figures(self):
        commercial_ids = list({p.commercial_partner_id._origin.id or p._origin.id for p in self} - {False})
        company_domain = [("partner_id", "in", commercial_ids), ("company_id", "=", self.env.company.id)]
        # sudo: counts and dates only, for the current company; a salesperson sees the history
        # figures of his customers even when he may not read every colleague's log.
        contacts = {
            partner.id: (count, last)
            for partner, count, last in self.env["ar.collection.log"].sudo()._read_group(
                company_domain, ["partner_id"], ["__count", "date:max"])
        }
        Promise = self.env["ar.payment.promise"].sudo()
        broken = {
            partner.id: count for partner, count in Promise._read_group(
                company_domain + [("state", "in", ("broken", "partial"))], ["partner_id"], ["__count"])
        }
        next_promise = {}
        for partner, date, amount in Promise._read_group(
                company_domain + [("state", "=", "open")], ["partner_id", "date:day"], ["amount:sum"],
                order="date:day desc"):
            next_promise[partner.id] = (date, amount)  # the earliest date wins (last written)
        disputes = {
            partner.id: count for partner, count in self.env["ar.dispute"].sudo()._read_group(
                company_domain + [("state", "=", "open")], ["partner_id"], ["__count"])
        }
        for partner in self:
            commercial = partner.commercial_partner_id._origin or partner._origin
            count, last = contacts.get(commercial.id, (0, False))
            partner.ar_contact_count = count
            partner.ar_last_contact_date = last
            partner.ar_broken_promise_count = broken.get(commercial.id, 0)
            date, amount = next_promise.get(commercial.id, (False, 0.0))
            partner.ar_next_promise_date = date
            partner.ar_next_promise_amount = amount
            partner.ar_open_dispute_count = disputes.get(commercial.id, 0)

    def _ar_escalate_followup(self, reasons):
        """A signal against the customers of ``self`` (e.g. a broken promise), in the
        current company: note it on the customer and give its follow-up, due today, to
        the owner of the next stage of the ladder (the credit manager past the last one).

        :param reasons: text, or dict commercial partner id -> text
        """
        partners = self.commercial_partner_id
        if not partners:
            return
        company = self.env.company
        today = company._ar_get_today()[0]
        Stage = self.env["ar.collection.stage"]
        ladder = Stage._ar_get_ladder(company)
        activity_of = {a.res_id: a for a in partners._ar_get_followup_activity()}
        # customers whose invoices were all paused have no stage yet: the stage of their
        # oldest overdue invoice (one aging query for all)
        unstaged = partners.filtered(lambda p: not p.collection_stage_id and not activity_of.get(p.id))
        aging = self.env["ar.aging"]._get_partner_aging(
            partner_ids=unstaged.ids, company_ids=company.ids) if unstaged else {}
        for partner in partners:
            reason = reasons.get(partner.id, "") if isinstance(reasons, dict) else reasons
            partner.message_post(body=reason)
            activity = activity_of.get(partner.id)
            stage = partner.collection_stage_id or (activity and activity.ar_stage_id) or Stage._ar_stage_for_days(
                ladder, aging.get(partner.id, {}).get("max_days_overdue", 0))
            if not stage:
                continue
            current = activity.user_id if activity else partner._ar_get_followup_user(stage, partner.ar_strategy)
            next_stage = ladder.filtered(lambda s, stage=stage: s.days_from > stage.days_from)[:1]
            user = next_stage and partner._ar_get_followup_user(next_stage, partner.ar_strategy)
            if not user or user == current:
                user = company.ar_credit_manager_user_id or current
            partner._ar_schedule_followup(
                stage=stage, deadline=today, user=user, note=reason,
                feedback=self.env._("Escalated: %(reason)s", reason=reason))

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

    def action_ar_view_disputes(self):
        return self._ar_open_related("ar.dispute", self.env._("Disputes"))
