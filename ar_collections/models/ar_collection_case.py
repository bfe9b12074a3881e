"""Collection cases (催收案件): overdue invoices handed to legal (a user) or to a collection
agency (a partner). While a case is open its invoices are not dunned, the customer is held,
its invoices are provisioned at the legal rate; recoveries are the payments reconciled with
its invoices since it opened; the agency's commission is billed from them; the limitation
clock (last acknowledgement + the limitation period) warns 90 and 30 days before it runs out."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.translate import LazyTranslate

from ..const import CREDIT_MANAGER_GROUP

_lt = LazyTranslate(__name__)

CASE_STATES = [
    ("preparing", "Preparing"),
    ("lawyer_letter", "Lawyer Letter"),
    ("litigation", "Litigation"),
    ("judgment", "Judgment"),
    ("enforcement", "Enforcement"),
    ("settled", "Settled"),
    ("uncollectable", "Closed as Uncollectable"),
]
OPEN_STATES = ("preparing", "lawyer_letter", "litigation", "judgment", "enforcement")
CLOSED_STATES = ("settled", "uncollectable")
# written by the buttons and the limitation cron only
GUARDED_FIELDS = ("state", "name", "date_closed", "limitation_warning", "write_off_request_id")
# the nearer threshold first, so that a case found late gets one warning
WARNING_DAYS = (("30", 30), ("90", 90))


class ArCollectionCase(models.Model):
    _name = "ar.collection.case"
    _description = "Collection Case"
    _inherit = ["ar.request.header.mixin"]
    _order = "date_open desc, id desc"

    _ar_requester_group = CREDIT_MANAGER_GROUP
    _ar_guarded_fields = GUARDED_FIELDS
    _ar_messages = {
        "guarded": _lt("Collection cases move through their stages with their buttons only."),
        "requester": _lt("Only a Credit Manager hands debts over to legal or to an agency."),
        "decided": _lt("A closed collection case cannot be changed."),
    }

    invoice_ids = fields.Many2many(
        "account.move",
        "ar_collection_case_invoice_rel",
        "case_id",
        "move_id",
        string="Invoices",
        required=True,
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), ('move_type', '=', 'out_invoice'), "
        "('state', '=', 'posted')]",
    )
    amount = fields.Monetary(string="Amount Claimed", currency_field="currency_id", required=True, tracking=True)
    handler = fields.Selection(
        [("legal", "Legal Department"), ("agency", "Collection Agency")],
        string="Handed To",
        required=True,
        default="legal",
        tracking=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Case Owner",
        default=lambda self: self.env.company.ar_legal_user_id or self.env.user,
        tracking=True,
        help="Legal officer following the case (and the agency).",
    )
    agency_id = fields.Many2one("res.partner", tracking=True)
    commission_rate = fields.Float(
        string="Commission (%)", tracking=True, help="Share of the recoveries paid to the agency (no cure, no pay)."
    )
    date_open = fields.Date(string="Handed Over On", required=True, default=fields.Date.context_today, tracking=True)
    date_closed = fields.Date(string="Closed On", readonly=True, copy=False)
    state = fields.Selection(CASE_STATES, default="preparing", required=True, readonly=True, tracking=True, index=True)
    recovered_amount = fields.Monetary(
        string="Recovered",
        compute="_compute_recovery",
        currency_field="currency_id",
        help="Payments reconciled with the case's invoices since it was handed over.",
    )
    commission_amount = fields.Monetary(string="Commission", compute="_compute_recovery", currency_field="currency_id")
    commission_bill_ids = fields.One2many("account.move", "ar_collection_case_id", string="Commission Bills")
    commission_billed_amount = fields.Monetary(
        string="Commission Billed", compute="_compute_recovery", currency_field="currency_id"
    )
    last_acknowledgement_date = fields.Date(
        string="Last Acknowledgement",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
        help="Last time the customer acknowledged the debt: confirmed statement, promise, partial payment, "
        "signed reply.",
    )
    limitation_date = fields.Date(
        string="Limitation Runs Out",
        compute="_compute_limitation_date",
        store=True,
        help="Last acknowledgement plus the limitation period of the company.",
    )
    limitation_warning = fields.Selection(
        [("90", "90 Days Before"), ("30", "30 Days Before")], string="Limitation Warned", readonly=True, copy=False
    )
    write_off_request_id = fields.Many2one(
        "ar.write.off.request", string="Write-Off Request", readonly=True, copy=False, check_company=True
    )

    _sql_constraints = [
        ("amount_positive", "CHECK(amount > 0)", "The amount of a collection case must be positive."),
        (
            "commission_range",
            "CHECK(commission_rate >= 0 AND commission_rate <= 100)",
            "The commission of a collection case is a percentage between 0 and 100.",
        ),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("last_acknowledgement_date", "company_id.ar_limitation_years")
    def _compute_limitation_date(self):
        for case in self:
            years = case.company_id.ar_limitation_years or 3
            case.limitation_date = (
                case.last_acknowledgement_date + relativedelta(years=years) if case.last_acknowledgement_date else False
            )

    def _compute_recovery(self):
        recovered = self._ar_get_recovered_amounts()
        for case in self:
            case.recovered_amount = recovered.get(case.id, 0.0)
            case.commission_amount = case.currency_id.round(case.recovered_amount * case.commission_rate / 100.0)
            bills = case.commission_bill_ids.filtered(lambda move: move.state != "cancel")
            case.commission_billed_amount = sum(bills.mapped("amount_untaxed"))

    def _ar_get_recovered_amounts(self):
        """Per case id: the partial reconciliations of its invoices' receivable items dated on
        or after it was handed over, except the write-offs (one query)."""
        cases = self.filtered("id")
        if not cases:
            return {}
        for model, fnames in (
            ("account.partial.reconcile", ["amount", "debit_move_id", "credit_move_id", "max_date"]),
            ("account.move.line", ["move_id", "account_id"]),
            ("account.move", ["ar_write_off_request_id"]),
        ):
            self.env[model].flush_model(fnames)
        self.env.cr.execute(
            SQL(
                """
                SELECT c.id, SUM(pr.amount)
                  FROM ar_collection_case c
                  JOIN ar_collection_case_invoice_rel rel ON rel.case_id = c.id
                  JOIN account_move_line dl ON dl.move_id = rel.move_id
                  JOIN account_account acc ON acc.id = dl.account_id AND acc.account_type = 'asset_receivable'
                  JOIN account_partial_reconcile pr ON pr.debit_move_id = dl.id
                  JOIN account_move_line cl ON cl.id = pr.credit_move_id
                  JOIN account_move cm ON cm.id = cl.move_id
                 WHERE c.id = ANY(%s) AND pr.max_date >= c.date_open AND cm.ar_write_off_request_id IS NULL
                 GROUP BY c.id
                """,
                cases.ids,
            )
        )
        return dict(self.env.cr.fetchall())

    # ------------------------------------------------------------------
    # CRUD guards
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        cases = super().create(vals_list)
        cases._ar_check_case()
        for case in cases:
            # sudo: the number is a guarded field, set here once
            case.sudo().name = case._ar_next_number()
        cases._ar_hand_over_followups()
        return cases

    def write(self, vals):
        result = super().write(vals)
        if {"state", "user_id", "partner_id", "date_open"} & set(vals):
            self.env["res.partner"].invalidate_model(["ar_case_owner_id"])
            self._ar_hand_over_followups()
        if "last_acknowledgement_date" in vals:
            # a new acknowledgement restarts the clock: warn again (sudo: guarded field)
            self.sudo().limitation_warning = False
        self._ar_check_case()
        return result

    def _ar_check_write_values(self, vals):
        """A closed case is not changed; the case owner (not a Credit Manager) records
        acknowledgements only."""
        if any(case.state in CLOSED_STATES for case in self):
            raise UserError(self._ar_header_message("decided"))
        if not self.env.user.has_group(CREDIT_MANAGER_GROUP):
            if any(case.user_id != self.env.user for case in self) or set(vals) - {"last_acknowledgement_date"}:
                raise AccessError(
                    self.env._("The case owner records acknowledgements; a Credit Manager changes the case.")
                )

    def _ar_check_case(self):
        for case in self:
            if any(invoice.commercial_partner_id != case.partner_id for invoice in case.invoice_ids):
                raise ValidationError(self.env._("The invoices of a collection case are invoices of its customer."))
            if case.handler == "agency" and not case.agency_id:
                raise ValidationError(self.env._("Name the agency the case is handed to."))

    def _ar_check_case_handler(self):
        """The Credit Manager or the case owner moves a case on."""
        for case in self:
            if not (self.env.su or self.env.user.has_group(CREDIT_MANAGER_GROUP) or case.user_id == self.env.user):
                raise AccessError(self.env._("Only a Credit Manager or the case owner moves the case on."))
            if case.state in CLOSED_STATES:
                raise UserError(self.env._("The collection case %(name)s is closed.", name=case.name))

    # ------------------------------------------------------------------
    # Stages
    # ------------------------------------------------------------------
    def action_next_stage(self):
        """Preparing → lawyer letter → litigation → judgment → enforcement."""
        self._ar_check_case_handler()
        for case in self:
            index = OPEN_STATES.index(case.state)
            if index + 1 >= len(OPEN_STATES):
                raise UserError(self.env._("Enforcement is the last stage: settle or close the case."))
            # sudo: the stage is a guarded field, moved by this button only (caller checked)
            case.sudo().state = OPEN_STATES[index + 1]
        return True

    def action_settle(self):
        self._ar_check_case_handler()
        # sudo: see action_next_stage
        self.sudo().write({"state": "settled", "date_closed": fields.Date.context_today(self)})
        return True

    def action_close_uncollectable(self):
        """Close the case as uncollectable: a draft write-off request of what its invoices
        still owe, for the caller to complete and submit."""
        self._ar_check_case_handler()
        Request = self.env["ar.write.off.request"]
        for case in self:
            invoices = case.invoice_ids.filtered(lambda move: move.amount_residual_signed > 0)
            if not invoices:
                raise UserError(self.env._("The invoices of %(name)s owe nothing any more.", name=case.name))
            request = Request.create(
                {
                    "partner_id": case.partner_id.id,
                    "company_id": case.company_id.id,
                    "invoice_ids": [Command.set(invoices.ids)],
                    "amount": sum(invoices.mapped("amount_residual_signed")),
                    "reason": self.env._("Collection case %(name)s closed as uncollectable.", name=case.name),
                }
            )
            # sudo: see action_next_stage
            case.sudo().write(
                {
                    "state": "uncollectable",
                    "date_closed": fields.Date.context_today(case),
                    "write_off_request_id": request.id,
                }
            )
        return True

    # ------------------------------------------------------------------
    # Commission
    # ------------------------------------------------------------------
    def action_create_commission_bill(self):
        """Draft the agency's vendor bill of the commission not billed yet."""
        self.ensure_one()
        self._ar_check_requester()
        if self.handler != "agency" or not self.commission_rate:
            raise UserError(self.env._("Only a case handed to an agency with a commission is billed."))
        account = self.company_id.ar_case_commission_account_id
        if not account:
            raise UserError(self.env._("Set the agency commission account in the Collections settings first."))
        amount = self.currency_id.round(self.commission_amount - self.commission_billed_amount)
        if self.currency_id.compare_amounts(amount, 0) <= 0:
            raise UserError(self.env._("No commission left to bill on %(name)s.", name=self.name))
        # sudo: the bill is linked to its case (a guarded field of the entry); the caller was checked
        bill = (
            self.env["account.move"]
            .sudo()
            .with_company(self.company_id)
            .create(
                {
                    "move_type": "in_invoice",
                    "partner_id": self.agency_id.id,
                    "company_id": self.company_id.id,
                    "invoice_date": fields.Date.context_today(self),
                    "ref": self.name,
                    "ar_collection_case_id": self.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": self.env._(
                                    "Commission on the recoveries of %(name)s: %(rate)s %% of %(recovered)s",
                                    name=self.name,
                                    rate=self.commission_rate,
                                    recovered=self.currency_id.format(self.recovered_amount),
                                ),
                                "quantity": 1.0,
                                "price_unit": amount,
                                "account_id": account.id,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        self.invalidate_recordset(["commission_bill_ids", "commission_billed_amount"])
        return {"type": "ir.actions.act_window", "res_model": "account.move", "res_id": bill.id, "view_mode": "form"}

    # ------------------------------------------------------------------
    # Evidence pack
    # ------------------------------------------------------------------
    def _ar_get_evidence(self):
        """What the evidence pack prints, as the caller may read it: the orders and delivery
        slips of the case's invoices, the invoices, the statements and balance confirmations
        with their replies, the letters sent with their dates and the contact log."""
        self.ensure_one()
        orders = self.invoice_ids.invoice_line_ids.sale_line_ids.order_id
        domain = [("partner_id", "=", self.partner_id.id), ("company_id", "=", self.company_id.id)]
        return {
            "orders": orders.sorted("date_order"),
            "pickings": orders.picking_ids.filtered(lambda picking: picking.state == "done").sorted("date_done"),
            "invoices": self.invoice_ids.sorted(lambda move: (move.invoice_date or move.date, move.id)),
            "statements": self.env["ar.statement"].search(domain, order="date, id"),
            "letters": self.env["ar.dunning.letter"].search(domain, order="date, id"),
            "logs": self.env["ar.collection.log"].search(domain, order="date, id"),
        }

    # ------------------------------------------------------------------
    # What open cases mean elsewhere
    # ------------------------------------------------------------------
    def _ar_get_followup_owner(self):
        """Who follows the customer up while the case is open: the case owner (the legal
        officer, or for an agency the case's responsible user), else the company's legal user."""
        self.ensure_one()
        return self.user_id or self.company_id.ar_legal_user_id

    @api.model
    def _ar_get_case_owners(self, partners, company):
        """Per commercial partner id of ``partners``: the follow-up owner of its latest case
        of ``company`` open today (one search)."""
        if not partners:
            return {}
        # sudo: who follows the customer up is asked by the follow-up service, whoever runs it
        cases = self.sudo().search(
            [
                ("partner_id", "in", partners.commercial_partner_id.ids),
                ("company_id", "=", company.id),
                ("state", "in", OPEN_STATES),
                ("date_open", "<=", fields.Date.context_today(self)),
            ],
            order="date_open, id",
        )
        return {case.partner_id.id: case._ar_get_followup_owner() for case in cases}

    def _ar_hand_over_followups(self):
        """The customers' open follow-ups go to the case owner while a case is open, back to
        their collector (the stage's owner) once none is (the follow-up service's owner hook)."""
        Followup = self.env["ar.collection.followup"]
        for company, cases in self.grouped("company_id").items():
            partners = cases.partner_id
            self.env["res.partner"].invalidate_model(["ar_case_owner_id"])

            def note(partner, user, cases=cases):
                case = cases.filtered(lambda c: c.partner_id == partner)[:1]
                if case.state in OPEN_STATES:
                    return self.env._(
                        "Collection case %(case)s opened: follow-up handed over to %(user)s.",
                        case=case.name,
                        user=user.name,
                    )
                return self.env._(
                    "Collection case %(case)s closed: follow-up handed back to %(user)s.",
                    case=case.name,
                    user=user.name,
                )

            Followup.with_company(company)._ar_assign_case_followups(partners.with_company(company), note=note)

    @api.model
    def _ar_get_open_case_invoice_ids(self, company, date=None):
        """Invoices of the cases of ``company`` open on ``date`` (today by default)."""
        date = date or fields.Date.context_today(self)
        # sudo: dunning, holds and provisions ask it whoever runs them (company filtered)
        cases = self.sudo().search(
            [
                ("company_id", "=", company.id),
                ("date_open", "<=", date),
                "|",
                ("state", "in", OPEN_STATES),
                ("date_closed", ">", date),
            ]
        )
        return set(cases.invoice_ids.ids)

    # ------------------------------------------------------------------
    # Limitation clock
    # ------------------------------------------------------------------
    @api.model
    def _cron_ar_limitation_warnings(self):
        """Warn the credit manager 90 and 30 days before the limitation period of an open case
        runs out (an activity on the case, once per threshold)."""
        today = fields.Date.context_today(self)
        for level, days in WARNING_DAYS:
            domain = [
                ("state", "in", OPEN_STATES),
                ("limitation_date", "<=", today + timedelta(days=days)),
            ]
            domain.append(("limitation_warning", "!=", "30") if level == "30" else ("limitation_warning", "=", False))
            for case in self.search(domain):
                try:
                    with self.env.cr.savepoint():
                        case._ar_warn_limitation(level)
                except Exception as error:  # noqa: BLE001 - a failing case must not stop the others
                    case.message_post(body=self.env._("Limitation warning failed: %(error)s", error=error))

    def _ar_warn_limitation(self, level):
        self.ensure_one()
        user = self.company_id.ar_credit_manager_user_id or self.user_id or self.env.user
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=fields.Date.context_today(self),
            summary=self.env._(
                "Limitation of %(name)s runs out on %(date)s: get an acknowledgement or sue",
                name=self.name,
                date=fields.Date.to_string(self.limitation_date),
            ),
            user_id=user.id,
        )
        # sudo: the warning level is a guarded field, written by the cron only
        self.sudo().limitation_warning = level
