"""Write-off requests (坏账核销申请) and the recovery of written-off debts (核销后收回).

A collector asks to write off what a customer still owes on some invoices; the request
climbs the company's approval tiers (``ar.write.off.tier``: every tier whose amount the
request reaches, lowest first; the chain is recorded step by step); the last approval
books the write-off: an entry debiting the allowance (or the bad-debt expense) and
crediting the receivable, reconciled with the invoices so that they leave the
receivable, and blacklists the customer when asked. A payment received later for the
written-off debt is recorded as a recovery: the receivable is reinstated against the
account the write-off debited (or other income) and reconciled with the payment.
"""

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.translate import LazyTranslate

from ..const import CREDIT_MANAGER_GROUP

_lt = LazyTranslate(__name__)

ACCOUNTANT_GROUP = "account.group_account_user"


class ArWriteOffRequest(models.Model):
    _name = "ar.write.off.request"
    _description = "Write-Off Request"
    _inherit = ["ar.approval.request.mixin"]
    _order = "create_date desc, id desc"

    # written by the action methods only (after they checked the caller), besides the chain's
    _ar_guarded_fields = ("move_id", "recovery_move_ids")
    # what is asked: fixed once the request is submitted
    _ar_term_fields = ("partner_id", "invoice_ids", "amount", "reason", "charge_to", "blacklist", "company_id")
    _ar_deletable_states = ("draft", "refused")
    _ar_approval_feedback = True
    _ar_messages = {
        "guarded": _lt("Write-off requests are submitted, approved and booked with their buttons only."),
        "requester": _lt("Only a collections user may request a write-off."),
        "decided": _lt("A submitted write-off request cannot be changed."),
        "delete": _lt("Only draft or refused write-off requests can be deleted."),
        "refuse_state": _lt("Only a write-off request awaiting approval can be refused."),
        "already_submitted": _lt("The write-off request %(name)s was already submitted."),
        "submitter": _lt("A write-off request is submitted by the person who asks for it."),
        "not_awaiting": _lt("The write-off request %(name)s is not awaiting approval."),
        "own": _lt("Nobody approves or refuses their own write-off request."),
        "awaits": _lt("The write-off request %(name)s awaits the approval of %(approver)s."),
        "refusal_reason": _lt("Give the reason for refusing the write-off."),
    }

    invoice_ids = fields.Many2many(
        "account.move",
        "ar_write_off_request_invoice_rel",
        "request_id",
        "move_id",
        string="Invoices",
        required=True,
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), ('move_type', '=', 'out_invoice'), "
        "('state', '=', 'posted'), ('payment_state', 'not in', ('paid', 'in_payment', 'reversed'))]",
    )
    open_amount = fields.Monetary(
        string="Still Owed",
        compute="_compute_open_amount",
        currency_field="currency_id",
        help="What the invoices still owe (company currency).",
    )
    amount = fields.Monetary(string="Amount to Write Off", currency_field="currency_id", required=True, tracking=True)
    reason = fields.Text(required=True, help="Why the debt cannot be collected, with the evidence attached.")
    charge_to = fields.Selection(
        [("allowance", "Bad-Debt Allowance"), ("expense", "Bad-Debt Expense")],
        default="allowance",
        required=True,
        help="Account debited by the write-off: the allowance built by the provisions, or the expense directly.",
    )
    blacklist = fields.Boolean(
        string="Blacklist the Customer", help="Blacklist the customer when the write-off is approved."
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("to_approve", "To Approve"),
            ("approved", "Written Off"),
            ("refused", "Refused"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    approval_ids = fields.One2many("ar.write.off.approval", "request_id", string="Approval Chain", readonly=True)
    next_approval_id = fields.Many2one("ar.write.off.approval", string="Awaiting", compute="_compute_next_approval_id")
    approved_date = fields.Date(string="Written Off On", readonly=True, copy=False)
    move_id = fields.Many2one(
        "account.move", string="Write-Off Entry", readonly=True, copy=False, check_company=True, index="btree_not_null"
    )
    recovery_move_ids = fields.One2many(
        "account.move", "ar_recovery_request_id", string="Recovery Entries", readonly=True
    )
    recovered_amount = fields.Monetary(
        string="Recovered",
        compute="_compute_recovered_amount",
        store=True,
        currency_field="currency_id",
        help="Payments received after the write-off and recorded as recoveries.",
    )
    attachment_count = fields.Integer(string="Evidence", compute="_compute_attachment_count")

    _sql_constraints = [
        ("amount_positive", "CHECK(amount > 0)", "The amount of a write-off request must be positive."),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("invoice_ids.amount_residual_signed")
    def _compute_open_amount(self):
        for request in self:
            request.open_amount = sum(request.invoice_ids.mapped("amount_residual_signed"))

    @api.depends("recovery_move_ids.state", "recovery_move_ids.amount_total_signed")
    def _compute_recovered_amount(self):
        for request in self:
            posted = request.recovery_move_ids.filtered(lambda move: move.state == "posted")
            request.recovered_amount = sum(abs(amount) for amount in posted.mapped("amount_total_signed"))

    def _compute_attachment_count(self):
        counts = dict(
            self.env["ir.attachment"]._read_group(
                [("res_model", "=", self._name), ("res_id", "in", self.ids)], ["res_id"], ["__count"]
            )
        )
        for request in self:
            request.attachment_count = counts.get(request.id, 0)

    def _ar_approval_summary(self):
        return self.env._("Approve the write-off of %(amount)s", amount=self.currency_id.format(self.amount))

    # ------------------------------------------------------------------
    # CRUD guards
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        requests = super().create(vals_list)
        requests._ar_check_request()
        return requests

    def write(self, vals):
        result = super().write(vals)
        if set(self._ar_term_fields) & set(vals):
            self._ar_check_request()
        return result

    def _ar_check_request(self):
        for request in self:
            invoices = request.invoice_ids
            if not invoices:
                raise ValidationError(self.env._("A write-off request concerns at least one invoice."))
            if any(
                invoice.commercial_partner_id != request.partner_id
                or invoice.move_type != "out_invoice"
                or invoice.state != "posted"
                for invoice in invoices
            ):
                raise ValidationError(
                    self.env._("The invoices of a write-off request are posted invoices of its customer.")
                )
            if (
                request.state == "draft"
                and request.currency_id.compare_amounts(request.amount, request.open_amount) > 0
            ):
                raise ValidationError(
                    self.env._(
                        "%(amount)s cannot be written off: the invoices still owe %(open)s.",
                        amount=request.currency_id.format(request.amount),
                        open=request.currency_id.format(request.open_amount),
                    )
                )

    # ------------------------------------------------------------------
    # Approval chain
    # ------------------------------------------------------------------
    def _ar_get_tiers(self):
        """The approval tiers the request reaches, lowest first; without tiers configured,
        one approval by a Credit Manager."""
        self.ensure_one()
        reached = self.env["ar.write.off.tier"]._ar_get_reached_tiers(self.company_id, self.amount)
        if reached:
            return reached._ar_step_vals()
        return self._ar_default_steps()

    def _ar_check_submit(self):
        self._ar_check_request()

    # ------------------------------------------------------------------
    # Booking
    # ------------------------------------------------------------------
    def _ar_get_debit_account(self):
        self.ensure_one()
        company = self.company_id
        account = (
            company.ar_provision_account_id
            if self.charge_to == "allowance"
            else company.ar_provision_expense_account_id
        )
        if not account or not company.ar_provision_journal_id:
            raise UserError(
                self.env._(
                    "Set the bad-debt journal and accounts of %(company)s in the Collections settings first.",
                    company=company.name,
                )
            )
        return account

    def _ar_get_shares(self):
        """What is written off of each invoice: the amount applied to the oldest due first (the
        due date of the invoice's oldest unpaid item, from the one aging query)."""
        self.ensure_one()
        remaining = self.amount
        shares = []
        currency = self.currency_id
        aging = self.env["ar.aging"]._get_invoice_aging(move_ids=self.invoice_ids.ids, company_ids=self.company_id.ids)

        def oldest_due(move):
            return (aging.get(move.id, {}).get("due_date") or move.invoice_date_due or move.date, move.id)

        for invoice in self.invoice_ids.sorted(oldest_due):
            share = min(remaining, invoice.amount_residual_signed)
            if currency.compare_amounts(share, 0) > 0:
                shares.append((invoice, currency.round(share)))
                remaining -= share
        if currency.compare_amounts(remaining, 0) > 0:
            raise UserError(
                self.env._(
                    "The invoices of %(name)s no longer owe %(amount)s (paid meanwhile?): refuse the request and "
                    "ask again.",
                    name=self.name,
                    amount=currency.format(self.amount),
                )
            )
        return shares

    def _prepare_write_off_move_vals(self, shares):
        self.ensure_one()
        label = self.env._("Write-off %(name)s", name=self.name)
        lines = [
            Command.create(
                {
                    "account_id": self._ar_get_debit_account().id,
                    "partner_id": self.partner_id.id,
                    "name": label,
                    "debit": self.amount,
                    "credit": 0.0,
                }
            )
        ]
        for invoice, share in shares:
            receivable = invoice.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
            lines.append(
                Command.create(
                    {
                        "account_id": receivable[:1].account_id.id,
                        "partner_id": self.partner_id.id,
                        "name": "%s: %s" % (label, invoice.name),
                        "debit": 0.0,
                        "credit": share,
                    }
                )
            )
        return {
            "move_type": "entry",
            "company_id": self.company_id.id,
            "journal_id": self.company_id.ar_provision_journal_id.id,
            "date": fields.Date.context_today(self),
            "ref": label,
            "ar_write_off_request_id": self.id,
            "line_ids": lines,
        }

    def _ar_apply(self):
        """Book the approved write-off (called by the last approval, caller checked)."""
        for request in self:
            shares = request._ar_get_shares()
            # sudo: the write-off entry is booked and reconciled on the approval of the chain,
            # whatever journals the approver may post in (the approval is the control)
            move = self.env["account.move"].sudo().create(request._prepare_write_off_move_vals(shares))
            move.action_post()
            credits = move.line_ids.filtered(lambda line: line.credit).sorted("id")
            for (invoice, _share), credit in zip(shares, credits, strict=True):
                receivables = invoice.sudo().line_ids.filtered(
                    lambda line, account=credit.account_id: line.account_id == account and not line.reconciled
                )
                (credit + receivables).reconcile()
            request.sudo().write(
                {"state": "approved", "move_id": move.id, "approved_date": fields.Date.context_today(request)}
            )
            # sudo: the approver may not have write access to the request (chatter)
            request.sudo().message_post(
                body=self.env._(
                    "Written off: %(amount)s (entry %(move)s).",
                    amount=request.currency_id.format(request.amount),
                    move=move.name,
                )
            )
            if request.blacklist and not request.partner_id.credit_blacklisted:
                # the blacklist rule of the customer checks the approver itself
                request.partner_id._ar_set_blacklist(
                    self.env._("Debt written off (%(name)s): %(reason)s", name=request.name, reason=request.reason)
                )

    # ------------------------------------------------------------------
    # Recovery
    # ------------------------------------------------------------------
    def _ar_check_recovery_user(self):
        user = self.env.user
        if not self.env.su and not (user.has_group(CREDIT_MANAGER_GROUP) or user.has_group(ACCOUNTANT_GROUP)):
            raise AccessError(self.env._("Only a Credit Manager or an accountant may record a recovery."))

    def _ar_record_recovery(self, payment_line, amount):
        """Record ``amount`` of the unreconciled customer payment item ``payment_line`` as
        recovered on this written-off request: an entry reinstating the receivable against
        the account the write-off debited (or the recovery income account), reconciled with
        the payment. Returns the recovery entry."""
        self.ensure_one()
        self._ar_check_recovery_user()
        currency = self.currency_id
        if self.state != "approved":
            raise UserError(self.env._("Only a written-off debt can be recovered."))
        payment_line = payment_line.sudo()
        if (
            payment_line.account_id.account_type != "asset_receivable"
            or payment_line.parent_state != "posted"
            or payment_line.company_id != self.company_id
            or payment_line.partner_id.commercial_partner_id != self.partner_id
            or currency.compare_amounts(-payment_line.amount_residual, 0) <= 0
        ):
            raise ValidationError(
                self.env._("A recovery is taken from an unreconciled payment received from the customer.")
            )
        if currency.compare_amounts(amount, 0) <= 0:
            raise ValidationError(self.env._("The recovered amount must be positive."))
        if currency.compare_amounts(amount, -payment_line.amount_residual) > 0:
            raise ValidationError(
                self.env._(
                    "The payment has only %(open)s left to allocate.",
                    open=currency.format(-payment_line.amount_residual),
                )
            )
        if currency.compare_amounts(amount, self.amount - self.recovered_amount) > 0:
            raise ValidationError(
                self.env._(
                    "Only %(open)s of %(name)s remains written off.",
                    open=currency.format(self.amount - self.recovered_amount),
                    name=self.name,
                )
            )
        company = self.company_id
        if company.ar_recovery_mode == "income":
            credit_account = company.ar_recovery_income_account_id
            if not credit_account:
                raise UserError(self.env._("Set the recovery income account in the Collections settings first."))
        else:
            credit_account = self.move_id.line_ids.filtered("debit")[:1].account_id
        label = self.env._("Recovery of %(name)s", name=self.name)
        # sudo: the recovery entry is linked to the request (a guarded field) and reconciled with
        # the payment, once the caller was checked (_ar_check_recovery_user above)
        move = (
            self.env["account.move"]
            .sudo()
            .create(
                {
                    "move_type": "entry",
                    "company_id": company.id,
                    "journal_id": company.ar_provision_journal_id.id,
                    "date": fields.Date.context_today(self),
                    "ref": label,
                    "ar_recovery_request_id": self.id,
                    "line_ids": [
                        Command.create(
                            {
                                "account_id": payment_line.account_id.id,
                                "partner_id": self.partner_id.id,
                                "name": label,
                                "debit": amount,
                                "credit": 0.0,
                            }
                        ),
                        Command.create(
                            {
                                "account_id": credit_account.id,
                                "partner_id": self.partner_id.id,
                                "name": label,
                                "debit": 0.0,
                                "credit": amount,
                            }
                        ),
                    ],
                }
            )
        )
        move.action_post()
        (move.line_ids.filtered(lambda line: line.account_id == payment_line.account_id) + payment_line).reconcile()
        # sudo: see _ar_apply (chatter of the request)
        self.sudo().message_post(
            body=self.env._("Recovered: %(amount)s (entry %(move)s).", amount=currency.format(amount), move=move.name)
        )
        return move

    def action_open_recovery_wizard(self):
        self.ensure_one()
        self._ar_check_recovery_user()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record a Recovery"),
            "res_model": "ar.write.off.recovery.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_request_id": self.id},
        }

    def action_view_attachments(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Evidence"),
            "res_model": "ir.attachment",
            "view_mode": "kanban,list,form",
            "domain": [("res_model", "=", self._name), ("res_id", "=", self.id)],
            "context": {"default_res_model": self._name, "default_res_id": self.id},
        }
