"""Repayment plans (还款计划): a customer pays the receivables it covers in instalments.

Life of a plan: ``draft`` (the collector prepares the invoices and the schedule) →
``to_approve`` (proposed above the company's approval amount: a Credit Manager other than
the proposer approves) → ``proposed`` (terms fixed, the agreement printed for the customer
to sign) → ``active`` (agreed: the customer signed, or accepted it from the portal through
``_ar_accept_by_customer``) → ``completed`` (all paid) or ``broken`` (too many instalments
broken: cancelled by the nightly check, dunning resumes) or ``cancel``.

Every state change is a checked method writing with ``sudo()``; ``write``/``create`` refuse
the state, the figures and the approval, and the terms once the plan left its draft.
"""

from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..const import COLLECTIONS_USER_GROUP, CREDIT_MANAGER_GROUP, PLAN_STATES
from ..tools.amount_to_chinese import amount_to_chinese
from ..tools.mail_composer import composer_action

# states in which the customer still pays by the plan (the covered invoices are not dunned)
RUNNING_STATES = ("active",)
SEQUENCE_CODE = "ar.repayment.plan"


class ArRepaymentPlan(models.Model):
    _name = "ar.repayment.plan"
    _description = "Repayment Plan"
    _inherit = ["mail.thread", "mail.activity.mixin", "ar.customer.link.mixin"]
    _order = "id desc"
    _check_company_auto = True

    # written by the plan's checked methods only (superuser mode), whatever the context
    _ar_guarded_fields = (
        "name",
        "state",
        "company_id",
        "amount_covered",
        "requested_by_id",
        "approver_id",
        "approval_date",
        "date_start",
        "broken_count",
        "end_date",
    )
    # the terms: changed only while the plan is a draft
    _ar_term_fields = (
        "partner_id",
        "invoice_ids",
        "line_ids",
        "date_agreed",
        "instalment_count",
        "first_instalment_date",
    )

    name = fields.Char(string="Number", readonly=True, copy=False, default="/")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('is_company', '=', True)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    invoice_ids = fields.Many2many(
        "account.move",
        "ar_repayment_plan_invoice_rel",
        "plan_id",
        "move_id",
        string="Invoices Covered",
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), ('move_type', '=', 'out_invoice'), "
        "('state', '=', 'posted'), ('payment_state', 'not in', ('paid', 'in_payment', 'reversed'))]",
    )
    amount_covered = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        tracking=True,
        help="What the covered invoices still owe (the aging's residuals), taken while the plan is a draft.",
    )
    line_ids = fields.One2many("ar.repayment.plan.line", "plan_id", string="Instalments", copy=True)
    instalment_count = fields.Integer(
        string="Number of Instalments", default=3, help="Used by Generate Instalments: equal monthly instalments."
    )
    first_instalment_date = fields.Date(string="First Instalment", help="Used by Generate Instalments.")
    amount_scheduled = fields.Monetary(
        string="Scheduled", currency_field="currency_id", compute="_compute_amount_scheduled"
    )
    date_agreed = fields.Date(string="Agreed On", tracking=True, help="Day the customer agreed to (signed) the plan.")
    date_start = fields.Date(
        string="Counting From", readonly=True, help="Payments reconciled from this day on count toward the plan."
    )
    end_date = fields.Date(string="Ended On", readonly=True)
    note = fields.Text(string="Notes")
    state = fields.Selection(PLAN_STATES, default="draft", required=True, readonly=True, tracking=True, index=True)
    requested_by_id = fields.Many2one("res.users", string="Proposed By", readonly=True, copy=False)
    approver_id = fields.Many2one("res.users", string="Approved By", readonly=True, copy=False, tracking=True)
    approval_date = fields.Date(string="Approved On", readonly=True, copy=False)
    needs_approval = fields.Boolean(compute="_compute_needs_approval")
    broken_count = fields.Integer(
        string="Broken Instalments", readonly=True, copy=False, help="Instalments broken or only partly kept."
    )
    paid_amount = fields.Monetary(string="Paid", currency_field="currency_id", compute="_compute_progress")
    next_line_id = fields.Many2one("ar.repayment.plan.line", string="Next Instalment", compute="_compute_progress")
    next_date = fields.Date(string="Next Instalment Date", compute="_compute_progress")
    next_amount = fields.Monetary(
        string="Next Instalment Amount", currency_field="currency_id", compute="_compute_progress"
    )
    arrears_amount = fields.Monetary(
        string="Arrears",
        currency_field="currency_id",
        compute="_compute_progress",
        help="What the instalments already due still lack.",
    )

    _sql_constraints = [
        ("amount_covered_positive", "CHECK(amount_covered >= 0)", "The amount covered cannot be negative."),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("line_ids.amount")
    def _compute_amount_scheduled(self):
        for plan in self:
            plan.amount_scheduled = sum(plan.line_ids.mapped("amount"))

    @api.depends("amount_covered", "company_id.ar_plan_approval_amount")
    def _compute_needs_approval(self):
        for plan in self:
            plan.needs_approval = plan._ar_needs_approval()

    @api.depends_context("company")
    @api.depends("line_ids.amount", "line_ids.paid_amount", "line_ids.date", "line_ids.state")
    def _compute_progress(self):
        for plan in self:
            today = plan.company_id._ar_get_today()[0] if plan.company_id else fields.Date.context_today(plan)
            lines = plan.line_ids.filtered("date").sorted(lambda line: (line.date, line.id))
            # the next instalment to come: the first open one not yet due (those past due are arrears)
            upcoming = next((line for line in lines if line.state == "open" and line.date >= today), lines.browse())
            plan.paid_amount = sum(lines.mapped("paid_amount"))
            plan.next_line_id = upcoming
            plan.next_date = upcoming.date
            plan.next_amount = upcoming.amount - upcoming.paid_amount if upcoming else 0.0
            due = [line for line in lines if line.date < today and line.state != "kept"]
            plan.arrears_amount = sum(line.amount - line.paid_amount for line in due)

    @api.depends("name", "partner_id")
    def _compute_display_name(self):
        for plan in self:
            number = plan.name if plan.name and plan.name != "/" else self.env._("Draft Plan")
            plan.display_name = f"{number} {plan.partner_id.name or ''}".strip()

    # ------------------------------------------------------------------
    # CRUD: the guarded fields, the terms
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not self.env.su:
                guarded = set(self._ar_guarded_fields) & set(vals)
                guarded -= {"company_id"}  # a new plan may be given its company (checked by the rules)
                if vals.get("state", "draft") == "draft":
                    vals.pop("state", None)
                if vals.get("name") in ("/", False, None):
                    vals.pop("name", None)
                    guarded.discard("name")
                if guarded & set(vals):
                    raise AccessError(self._ar_guarded_message())
            if vals.get("partner_id"):
                vals["partner_id"] = self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id.id
        plans = super().create(vals_list)
        for plan in plans:
            # sudo: the number is the company's (gapless per company), never a user's input
            plan.sudo().name = plan._ar_next_number()
        plans._ar_check_terms()
        plans._ar_update_amount_covered()
        return plans

    def write(self, vals):
        if not self.env.su:
            if set(self._ar_guarded_fields) & set(vals):
                raise AccessError(self._ar_guarded_message())
            if set(self._ar_term_fields) & set(vals) and any(plan.state != "draft" for plan in self):
                raise UserError(self.env._("The terms of a plan can only be changed while it is a draft."))
        if "partner_id" in vals:
            partner = self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id
            vals["partner_id"] = partner.id
        res = super().write(vals)
        if {"partner_id", "invoice_ids"} & set(vals):
            self._ar_check_terms()
            self._ar_update_amount_covered()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if not self.env.su and any(plan.state != "draft" for plan in self):
            raise UserError(self.env._("Only draft repayment plans can be deleted; cancel the others."))

    def _ar_guarded_message(self):
        return self.env._(
            "The state, number, figures and approval of a repayment plan are set by its buttons and its "
            "nightly check only."
        )

    def _ar_check_terms(self):
        for plan in self:
            if plan.invoice_ids.commercial_partner_id - plan.partner_id:
                raise ValidationError(
                    self.env._(
                        "The invoices of a repayment plan must be invoices of %(partner)s.",
                        partner=plan.partner_id.name,
                    )
                )

    def _ar_update_amount_covered(self):
        """The amount covered: what the covered invoices still owe, from the one aging
        query (drafts only: once proposed, the amount is the agreed one)."""
        drafts = self.filtered(lambda plan: plan.state == "draft")
        if not drafts:
            return
        # sudo: the residuals of the invoices the plan covers (a salesperson may not read every
        # journal item); restricted to them
        aging = (
            self.env["ar.aging"]
            .sudo()
            ._get_invoice_aging(move_ids=drafts.invoice_ids.ids or [0], company_ids=drafts.company_id.ids)
        )
        for plan in drafts:
            amount = sum(aging.get(move.id, {}).get("residual", 0.0) for move in plan.invoice_ids)
            # sudo: a figure of the aging, not the user's input
            plan.sudo().amount_covered = plan.currency_id.round(amount)

    @api.model
    def _ar_get_sequence(self, company):
        """The sequence numbering the plans of ``company`` (created the first time)."""
        Sequence = self.env["ir.sequence"].sudo()
        domain = [("code", "=", SEQUENCE_CODE), ("company_id", "=", company.id)]
        sequence = Sequence.search(domain, limit=1)
        if sequence:
            return sequence
        # two first plans of a company at once must not create two sequences
        self.env.cr.execute(SQL("SELECT pg_advisory_xact_lock(hashtext(%s), %s)", SEQUENCE_CODE, company.id))
        return Sequence.search(domain, limit=1) or Sequence.create(
            {
                "name": f"{self._description} ({company.name})",
                "code": SEQUENCE_CODE,
                "company_id": company.id,
                "implementation": "no_gap",
                "prefix": "RP/%(year)s/",
                "padding": 4,
            }
        )

    def _ar_next_number(self):
        self.ensure_one()
        return self._ar_get_sequence(self.company_id).next_by_id()

    # ------------------------------------------------------------------
    # The schedule
    # ------------------------------------------------------------------
    def _ar_check_schedule(self):
        """The instalments add up to the amount covered, each positive and dated."""
        for plan in self:
            if not plan.invoice_ids:
                raise ValidationError(self.env._("A repayment plan covers at least one open invoice."))
            if not plan.line_ids:
                raise ValidationError(self.env._("A repayment plan needs a schedule of instalments."))
            if plan.currency_id.compare_amounts(plan.amount_scheduled, plan.amount_covered) != 0:
                raise ValidationError(
                    self.env._(
                        "The instalments of %(plan)s add up to %(scheduled)s, not to the amount covered %(covered)s.",
                        plan=plan.display_name,
                        scheduled=plan.currency_id.format(plan.amount_scheduled),
                        covered=plan.currency_id.format(plan.amount_covered),
                    )
                )

    def action_generate_instalments(self, count=None, first_date=None):
        """Replace the schedule of the draft plan with ``count`` equal monthly instalments
        (default: the plan's number of instalments) from ``first_date`` (default: the plan's
        first instalment date, else a month from today); the last one takes the rounding
        difference."""
        self.ensure_one()
        self.check_access("write")
        if self.state != "draft":
            raise UserError(self.env._("The schedule of a plan can only be changed while it is a draft."))
        count = int(count or self.instalment_count or 3)
        if count < 1 or count > 120:
            raise ValidationError(self.env._("A plan has between 1 and 120 instalments."))
        today = fields.Date.context_today(self)
        first = fields.Date.to_date(first_date or self.first_instalment_date) or today + relativedelta(months=1)
        self._ar_update_amount_covered()
        currency = self.currency_id
        share = currency.round(self.amount_covered / count)
        amounts = [share] * (count - 1) + [currency.round(self.amount_covered - share * (count - 1))]
        commands = [fields.Command.clear()] + [
            fields.Command.create({"sequence": index, "date": first + relativedelta(months=index), "amount": amount})
            for index, amount in enumerate(amounts)
        ]
        self.write({"line_ids": commands})
        return True

    # ------------------------------------------------------------------
    # State changes: checked here, written as superuser
    # ------------------------------------------------------------------
    def _ar_check_collector(self):
        if not self.env.su and not self.env.user.has_group(COLLECTIONS_USER_GROUP):
            raise AccessError(self.env._("Only collectors and credit managers can work on repayment plans."))
        self.check_access("write")

    def _ar_check_state(self, *states):
        for plan in self:
            if plan.state not in states:
                raise UserError(
                    self.env._(
                        "%(plan)s is %(state)s: this cannot be done now.",
                        plan=plan.display_name,
                        state=dict(self._fields["state"]._description_selection(self.env))[plan.state],
                    )
                )

    def _ar_needs_approval(self):
        self.ensure_one()
        threshold = self.company_id.ar_plan_approval_amount
        return bool(threshold) and self.currency_id.compare_amounts(self.amount_covered, threshold) > 0

    def action_propose(self):
        """Fix the terms: the plan is proposed to the customer, or first sent to a Credit
        Manager when it covers more than the company's approval amount."""
        self._ar_check_collector()
        self._ar_check_state("draft")
        self._ar_update_amount_covered()
        self._ar_check_schedule()
        for plan in self:
            state = "to_approve" if plan._ar_needs_approval() else "proposed"
            # sudo: the state and the proposer are written here only, after the checks above
            plan.sudo().write({"state": state, "requested_by_id": self.env.user.id})
            if state == "to_approve":
                plan._ar_ask_approval()
        # the agreement printed from now on carries the link by which the customer accepts it
        self.filtered(lambda plan: plan.state == "proposed")._ar_make_customer_links()
        return True

    def _ar_ask_approval(self):
        for plan in self:
            approvers = plan.company_id._ar_get_credit_approvers() - self.env.user
            if not approvers:
                continue
            # sudo: the collector schedules an activity for the credit manager
            plan.sudo().activity_schedule(
                "ar_collections.mail_activity_type_ar_plan_approval",
                date_deadline=fields.Date.context_today(plan),
                summary=self.env._("Approve the repayment plan %(plan)s", plan=plan.display_name),
                user_id=approvers[0].id,
            )

    def _ar_check_approver(self):
        if not self.env.su and not self.env.user.has_group(CREDIT_MANAGER_GROUP):
            raise AccessError(self.env._("Only a Credit Manager can approve a repayment plan."))
        self.check_access("write")
        self._ar_check_state("to_approve")
        for plan in self:
            if plan.requested_by_id == self.env.user:
                raise AccessError(
                    self.env._(
                        "%(plan)s was proposed by you: another Credit Manager approves it.", plan=plan.display_name
                    )
                )

    def action_approve(self):
        """A Credit Manager other than the proposer approves the plan: it is proposed to the customer."""
        self._ar_check_approver()
        today = fields.Date.context_today(self)
        for plan in self:
            # sudo: the approval is written here only, after _ar_check_approver
            plan.sudo().write({"state": "proposed", "approver_id": self.env.user.id, "approval_date": today})
            plan._ar_close_approval_activity(self.env._("Approved."))
            plan.message_post(
                body=self.env._("Repayment plan approved."), partner_ids=plan.requested_by_id.partner_id.ids
            )
        self._ar_make_customer_links()
        return True

    def action_refuse(self):
        """A Credit Manager sends the plan back to its draft."""
        if not self.env.su and not self.env.user.has_group(CREDIT_MANAGER_GROUP):
            raise AccessError(self.env._("Only a Credit Manager can refuse a repayment plan."))
        self.check_access("write")
        self._ar_check_state("to_approve")
        for plan in self:
            # sudo: see action_approve
            plan.sudo().write({"state": "draft"})
            plan._ar_close_approval_activity(self.env._("Refused."))
            plan.message_post(
                body=self.env._("Repayment plan refused: back to draft."),
                partner_ids=plan.requested_by_id.partner_id.ids,
            )
        return True

    def _ar_close_approval_activity(self, feedback):
        # sudo: the activity may be assigned to another credit manager
        self.sudo().activity_feedback(["ar_collections.mail_activity_type_ar_plan_approval"], feedback=feedback)

    def action_reset_draft(self):
        """Back to draft to change the terms (an approval given is lost)."""
        self._ar_check_collector()
        self._ar_check_state("to_approve", "proposed")
        self._ar_close_approval_activity(self.env._("Back to draft."))
        # sudo: see action_propose
        self.sudo().write({"state": "draft", "approver_id": False, "approval_date": False})
        return True

    def action_activate(self):
        """The customer agreed (signed the agreement): the plan runs, its invoices are no
        longer dunned. Only a proposed plan (approved when it had to be) is activated."""
        self._ar_check_collector()
        self._ar_check_state("proposed")
        return self._ar_activate()

    def _ar_accept_by_customer(self, partner):
        """The customer ``partner`` accepts the proposed plan (the portal's "accept the
        proposed plan", after its token check): only the plan's own customer, only a
        proposed plan. Private: not callable over RPC."""
        self.ensure_one()
        if partner.commercial_partner_id != self.partner_id:
            raise AccessError(self.env._("This repayment plan is not yours."))
        self._ar_check_state("proposed")
        self._ar_activate(source="portal")
        return True

    def _ar_activate(self, source=None):
        today = fields.Date.context_today(self)
        for plan in self:
            # sudo: the state and the counting date are written here only, after the caller's checks
            plan.sudo().write(
                {
                    "state": "active",
                    "date_agreed": plan.date_agreed or today,
                    "date_start": min(plan.date_agreed or today, today),
                }
            )
            body = (
                self.env._("The customer accepted the repayment plan on the portal.")
                if source == "portal"
                else self.env._("Repayment plan agreed: the covered invoices are not dunned while it is kept.")
            )
            plan.message_post(body=body)
        return True

    def action_cancel(self):
        """Cancel the plan (the customer did not sign, or a new plan replaces it): dunning of
        its invoices resumes."""
        self._ar_check_collector()
        self._ar_check_state("draft", "to_approve", "proposed", "active")
        self._ar_close_approval_activity(self.env._("Cancelled."))
        # sudo: see action_propose
        self.sudo().write({"state": "cancel", "end_date": fields.Date.context_today(self)})
        for plan in self:
            plan.message_post(body=self.env._("Repayment plan cancelled: dunning of its invoices resumes."))
        return True

    def action_send_proposal(self):
        """E-mail the proposed plan to the customer: the agreement attached, and the link by
        which the customer accepts it online (made here, after the caller's check). The plan
        stays proposed until the customer accepts it or a collector records the signature."""
        self.ensure_one()
        self._ar_check_collector()
        self._ar_check_state("proposed")
        self._ar_make_customer_links()
        template = self.env.ref("ar_collections.mail_template_ar_repayment_plan", raise_if_not_found=False)
        return composer_action(self, template)

    def action_print_agreement(self):
        """The agreement to sign. Printed by a collector for a proposed plan, it carries a valid
        customer link (made again if the first one expired); anyone else (an auditor) prints it
        as it is, making nothing."""
        self.ensure_one()
        if self.state == "proposed" and self.env.user.has_group(COLLECTIONS_USER_GROUP) and self.has_access("write"):
            self._ar_make_customer_links()
        return self.env.ref("ar_collections.ar_repayment_plan_report_action").report_action(self)

    # ------------------------------------------------------------------
    # The nightly check
    # ------------------------------------------------------------------
    def _ar_get_payments(self, today):
        """Payments reconciled to the covered invoices of each plan of ``self`` from its
        start up to ``today``, in company currency, in one grouped query (payments and bank
        matchings, not credit notes — as for promises).

        :returns: dict plan id -> list of (date, amount), by date
        """
        if not self.ids:
            return {}
        self.env.flush_all()
        query = SQL(
            """
            SELECT plan.id, part.max_date, SUM(part.amount)
              FROM ar_repayment_plan plan
              JOIN ar_repayment_plan_invoice_rel rel ON rel.plan_id = plan.id
              JOIN account_move_line inv_line ON inv_line.move_id = rel.move_id
                                             AND inv_line.display_type = 'payment_term'
              JOIN account_partial_reconcile part ON part.debit_move_id = inv_line.id
              JOIN account_move_line pay_line ON pay_line.id = part.credit_move_id
              JOIN account_move pay_move ON pay_move.id = pay_line.move_id
             WHERE plan.id IN %(ids)s
               AND pay_move.move_type = 'entry'
               AND pay_move.state = 'posted'
               AND part.max_date >= plan.date_start
               AND part.max_date <= %(today)s
          GROUP BY plan.id, part.max_date
          ORDER BY plan.id, part.max_date
            """,
            ids=tuple(self.ids),
            today=today,
        )
        payments = defaultdict(list)
        for plan_id, date, amount in self.env.execute_query(query):
            payments[plan_id].append((date, amount))
        return payments

    def _ar_check(self, today=None):
        """Check each instalment of the active plans of ``self``: the payments reconciled
        to the covered invoices since the plan started pay the instalments in date order;
        an instalment paid in full is kept; once its grace period is over, partly kept or
        broken. A broken (or partly kept) instalment escalates the customer's follow-up;
        at the company's number of broken instalments the plan is cancelled (broken) and
        dunning resumes; a plan paid in full is completed.

        :returns: dict with the ``kept``, ``partial``, ``broken`` lines and the
            ``broken_plans`` and ``completed`` plans
        """
        today = today or fields.Date.context_today(self)
        plans = self.filtered(lambda plan: plan.state in RUNNING_STATES)
        payments = plans._ar_get_payments(today)
        Line = self.env["ar.repayment.plan.line"]
        result = {
            "kept": Line,
            "partial": Line,
            "broken": Line,
            "broken_plans": self.browse(),
            "completed": self.browse(),
        }
        for plan in plans:
            grace = plan.company_id.ar_promise_grace_days
            plan_payments = payments.get(plan.id, [])
            scheduled_before = 0.0
            currency = plan.currency_id
            for line in plan.line_ids.sorted(lambda line: (line.date, line.sequence, line.id)):
                deadline = fields.Date.add(line.date, days=grace)
                paid_by_deadline = sum(amount for date, amount in plan_payments if date <= deadline)
                paid = currency.round(min(line.amount, max(0.0, paid_by_deadline - scheduled_before)))
                scheduled_before += line.amount
                vals = {"paid_amount": paid, "checked_date": today}
                if line.state == "open":
                    if currency.compare_amounts(paid, line.amount) >= 0:
                        vals["state"] = "kept"
                    elif deadline < today:
                        vals["state"] = "broken" if currency.is_zero(paid) else "partial"
                elif line.state != "kept":
                    vals.pop("paid_amount")  # a decided instalment keeps its figures
                if "state" in vals:
                    result[vals["state"]] |= line
                # sudo: the state and figures are the check's result (payments actually reconciled)
                line.sudo().write(vals)
            broken = plan.line_ids.filtered(lambda line: line.state in ("broken", "partial"))
            plan_vals = {"broken_count": len(broken)}
            max_broken = plan.company_id.ar_plan_max_broken
            if all(line.state == "kept" for line in plan.line_ids):
                plan_vals.update(state="completed", end_date=today)
                result["completed"] |= plan
            elif max_broken and len(broken) >= max_broken:
                plan_vals.update(state="broken", end_date=today)
                result["broken_plans"] |= plan
            # sudo: see above
            plan.sudo().write(plan_vals)
        (result["broken"] | result["partial"])._ar_on_broken(result["broken_plans"])
        for plan in result["completed"]:
            plan.message_post(body=self.env._("Repayment plan completed: every instalment was paid."))
        return result

    @api.model
    def _cron_check_plans(self, companies=None, today=None):
        """Check every active plan (of ``companies``), company by company (tests, manual)."""
        domain = [("state", "in", RUNNING_STATES)]
        if companies:
            domain.append(("company_id", "in", companies.ids))
        for company, plans in self.search(domain).grouped("company_id").items():
            plans.with_company(company)._ar_check(today=today or company._ar_get_today()[0])
        return True

    def action_check_now(self):
        """Check now (the nightly run's check), for the users who may work on the plans."""
        self._ar_check_collector()
        self._ar_check()
        return True

    @api.model
    def _ar_get_paused_invoice_ids(self, company):
        """Invoices of ``company`` covered by a running (active) plan: not dunned."""
        self.env["ar.repayment.plan"].flush_model(["company_id", "state"])
        rows = self.env.execute_query(
            SQL(
                """SELECT DISTINCT rel.move_id FROM ar_repayment_plan plan
                     JOIN ar_repayment_plan_invoice_rel rel ON rel.plan_id = plan.id
                    WHERE plan.company_id = %s AND plan.state IN %s""",
                company.id,
                RUNNING_STATES,
            )
        )
        return {row[0] for row in rows}

    # ------------------------------------------------------------------
    # Print helpers
    # ------------------------------------------------------------------
    def _ar_amount_in_chinese(self):
        self.ensure_one()
        return amount_to_chinese(self.amount_covered)

    def _ar_is_chinese(self):
        self.ensure_one()
        return (self.partner_id.lang or "").startswith("zh")

    def _ar_get_invoice_lines(self):
        """The covered invoices as the agreement lists them: number, dates, what each owed
        when the plan was agreed is not kept, so today's residual from the aging query."""
        self.ensure_one()
        # sudo: the residuals of the plan's own invoices
        aging = (
            self.env["ar.aging"]
            .sudo()
            ._get_invoice_aging(move_ids=self.invoice_ids.ids or [0], company_ids=self.company_id.ids)
        )

        def due_of(move):
            # the due date of the invoice's oldest unpaid instalment (its last one once paid)
            return aging.get(move.id, {}).get("due_date") or move.invoice_date_due or move.date

        return [
            {
                "invoice": move,
                "due_date": due_of(move),
                "amount": move.amount_total_signed,
                "residual": aging.get(move.id, {}).get("residual", 0.0),
            }
            for move in self.invoice_ids.sorted(lambda m: (due_of(m), m.id))
        ]
