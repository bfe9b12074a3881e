from collections import defaultdict
from contextvars import ContextVar

from odoo import SUPERUSER_ID, Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare
from odoo.tools.misc import format_date, formatLang

# Orders whose confirmation is under way in ``action_confirm``, after it ran the credit check
# on them: their write of ``state`` is not checked a second time. A Python context variable,
# not an Odoo context key: it cannot be set over RPC.
_AR_CONFIRM_CHECKED = ContextVar("ar_credit_confirm_checked", default=frozenset())
# Confirmed orders being written (``sale.order.write``), which checks them once at the end:
# their lines' create/write leave the check to it.
_AR_CHANGE_DEFERRED = ContextVar("ar_credit_change_deferred", default=frozenset())

# fields of a confirmed order whose change is checked again (what the customer owes, who pays)
ORDER_CREDIT_FIELDS = frozenset(
    (
        "partner_id",
        "partner_invoice_id",
        "pricelist_id",
        "currency_id",
        "order_line",
        "company_id",
        "payment_term_id",
        "date_order",
    )
)
# the Many2one of ``ar.credit.release`` (and of its wizard) to the order
RELEASE_FIELD = "sale_order_id"
LINE_CREDIT_FIELDS = frozenset(
    (
        "product_uom_qty",
        "price_unit",
        "discount",
        "tax_id",
        "product_id",
        "product_uom",
        "order_id",
        "display_type",
        "technical_price_unit",
    )
)
# computed amounts the credit check and the exposure rely on: only the ORM computes them
ORDER_COMPUTED_AMOUNTS = frozenset(("amount_untaxed", "amount_tax", "amount_total", "currency_rate"))
LINE_COMPUTED_AMOUNTS = frozenset(
    (
        "price_subtotal",
        "price_tax",
        "price_total",
        "price_reduce_taxexcl",
        "price_reduce_taxinc",
        "qty_invoiced",
        "qty_invoiced_posted",
        "untaxed_amount_invoiced",
        "untaxed_amount_to_invoice",
        "amount_to_invoice",
    )
)


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "ar.credit.release.mixin"]

    # Credit banner: computed for the order's customer only, never stored.
    ar_company_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    ar_credit_show_banner = fields.Boolean(compute="_compute_ar_credit_banner")
    ar_credit_grade_id = fields.Many2one(
        "ar.credit.grade", string="Customer Credit Grade", compute="_compute_ar_credit_banner"
    )
    ar_credit_uses_limit = fields.Boolean(compute="_compute_ar_credit_banner")
    ar_credit_limit = fields.Monetary(
        string="Credit Limit", currency_field="ar_company_currency_id", compute="_compute_ar_credit_banner"
    )
    ar_credit_exposure = fields.Monetary(
        string="Credit Exposure",
        currency_field="ar_company_currency_id",
        compute="_compute_ar_credit_banner",
        help="Open receivable plus confirmed orders not yet invoiced, without this order.",
    )
    ar_credit_remaining = fields.Monetary(
        string="Remaining Credit", currency_field="ar_company_currency_id", compute="_compute_ar_credit_banner"
    )
    ar_credit_order_amount = fields.Monetary(
        string="This Order",
        currency_field="ar_company_currency_id",
        compute="_compute_ar_credit_banner",
        help="Total of this order in company currency.",
    )
    ar_credit_overdue_amount = fields.Monetary(
        string="Overdue Amount", currency_field="ar_company_currency_id", compute="_compute_ar_credit_banner"
    )
    ar_credit_oldest_overdue_days = fields.Integer(string="Oldest Overdue (days)", compute="_compute_ar_credit_banner")
    ar_credit_hold = fields.Boolean(string="On Credit Hold", compute="_compute_ar_credit_banner")
    ar_credit_hold_reasons = fields.Text(string="Credit Hold Reasons", compute="_compute_ar_credit_banner")
    ar_credit_release_id = fields.Many2one(
        "ar.credit.release",
        string="Credit Release",
        compute="_compute_ar_credit_banner",
        help="Approved release that lets this order be confirmed despite the hold.",
    )
    ar_credit_release_ids = fields.One2many("ar.credit.release", RELEASE_FIELD, string="Credit Releases")
    ar_salesperson_history_ids = fields.Many2many(
        "res.users",
        "sale_order_ar_salesperson_rel",
        "order_id",
        "user_id",
        string="Salesperson History",
        readonly=True,
        copy=False,
        help="Users who were ever the salesperson of the order: none of them may release its credit hold.",
    )

    # ------------------------------------------------------------------
    # The credit check
    # ------------------------------------------------------------------
    def _ar_is_immediate_payment(self):
        """No payment term, or a term whose every line is due on the invoice date."""
        self.ensure_one()
        return all(line.nb_days == 0 and line.delay_type == "days_after" for line in self.payment_term_id.line_ids)

    def _ar_payers(self):
        """Commercial partners who answer for the order: the one invoiced (who pays) first,
        then the customer of the order when it is another one. Both must pass the check."""
        self.ensure_one()
        invoiced = (self.partner_invoice_id or self.partner_id).commercial_partner_id
        return invoiced | self.partner_id.commercial_partner_id

    def _ar_amount_company(self):
        """Total of the order in company currency, at the rate of the order date (from the
        currency rates, not from the order's stored rate)."""
        self.ensure_one()
        company_currency = self.company_id.currency_id
        if not self.currency_id or self.currency_id == company_currency:
            return self.amount_total
        return self.currency_id._convert(
            self.amount_total,
            company_currency,
            self.company_id,
            fields.Date.to_date(self.date_order) or fields.Date.context_today(self),
        )

    def _ar_credit_snapshot(self, increases=None):
        """Credit figures and hold reasons of the orders of ``self``.

        Per company: two grouped queries for the figures (aging + uninvoiced orders),
        one for the invoices holding sales; a constant number of queries whatever the
        number of the customers' invoices. Each payer of an order (see ``_ar_payers``)
        is checked; the snapshot's figures are those of the first one.

        :param increases: for confirmed orders that grow: order id -> increase of their
            total in company currency (their exposure already counts them)
        :returns: dict order id -> dict(partner, grade, currency, uses_limit, limit,
            exposure, remaining, order_amount, overdue, oldest_overdue_days, reasons, payers)
        """
        increases = increases or {}
        result = {}
        for company, orders in self.grouped("company_id").items():
            orders = orders.with_company(company)
            partners = orders.partner_id.commercial_partner_id | orders.partner_invoice_id.commercial_partner_id
            if not partners:
                continue
            figures = partners._ar_get_credit_figures(
                exclude_order_ids=[oid for oid in orders._origin.ids if oid not in increases]
            )
            limits = partners._ar_get_credit_limits()
            held = orders._ar_get_hold_invoices(partners, "hold_sales")
            for order in orders:
                payers = order._ar_payers()
                if not payers:
                    continue
                amount = order._ar_amount_company()
                increase = increases.get(order._origin.id)
                payer_snapshots = []
                for partner in payers:
                    pid = partner._origin.id
                    values = figures.get(pid, {})
                    uses_limit, limit = limits.get(pid, (False, 0.0))
                    exposure = values.get("exposure", 0.0)
                    order_amount = amount
                    if increase is not None:
                        exposure, order_amount = exposure - increase, increase
                    snapshot = {
                        "partner": partner,
                        "grade": partner.credit_grade_id,
                        "currency": company.currency_id,
                        "uses_limit": uses_limit,
                        "limit": limit,
                        "exposure": exposure,
                        "remaining": limit - exposure if uses_limit else 0.0,
                        "order_amount": order_amount,
                        "overdue": values.get("overdue", 0.0),
                        "oldest_overdue_days": values.get("oldest_overdue_days", 0),
                        "held_invoices": held.get(pid, []),
                    }
                    snapshot["reasons"] = order._ar_prepare_credit_hold_reasons(snapshot)
                    payer_snapshots.append(snapshot)
                snapshot = dict(payer_snapshots[0], payers=payer_snapshots)
                if len(payer_snapshots) > 1:
                    snapshot["reasons"] = [
                        dict(
                            reason,
                            message=self.env._(
                                "%(partner)s: %(reason)s",
                                partner=payer["partner"].display_name,
                                reason=reason["message"],
                            )
                            if reason["code"] != "blacklist"
                            else reason["message"],
                        )
                        for payer in payer_snapshots
                        for reason in payer["reasons"]
                    ]
                result[order.id] = snapshot
        return result

    def _ar_prepare_credit_hold_reasons(self, snapshot):
        """Reasons why the order must not be confirmed (overridable).

        :param snapshot: the order's figures (see ``_ar_credit_snapshot``)
        :returns: list of dicts with ``code`` and ``message`` (translated, with figures)
        """
        self.ensure_one()
        partner, currency = snapshot["partner"], snapshot["currency"]
        reasons = self._ar_blacklist_reasons(partner)
        grade = snapshot["grade"]
        if grade and not grade.credit_sales_allowed and not self._ar_is_immediate_payment():
            reasons.append(
                {
                    "code": "grade",
                    "message": self.env._(
                        "Credit grade %(grade)s does not allow credit sales, and the payment term %(term)s is not "
                        "immediate: prepayment or cash on delivery only.",
                        grade=grade.display_name,
                        term=self.payment_term_id.display_name,
                    ),
                }
            )
        total = snapshot["exposure"] + snapshot["order_amount"]
        if snapshot["uses_limit"] and float_compare(total, snapshot["limit"], precision_rounding=currency.rounding) > 0:
            reasons.append(
                {
                    "code": "limit",
                    "message": self.env._(
                        "Credit limit exceeded: exposure %(exposure)s + this order %(amount)s = %(total)s, "
                        "over the limit of %(limit)s by %(excess)s.",
                        exposure=formatLang(self.env, snapshot["exposure"], currency_obj=currency),
                        amount=formatLang(self.env, snapshot["order_amount"], currency_obj=currency),
                        total=formatLang(self.env, total, currency_obj=currency),
                        limit=formatLang(self.env, snapshot["limit"], currency_obj=currency),
                        excess=formatLang(self.env, total - snapshot["limit"], currency_obj=currency),
                    ),
                }
            )
        reasons += self._ar_held_stage_reasons(snapshot["held_invoices"], "hold_sales")
        return reasons

    def _ar_get_credit_hold_reasons(self):
        """Hold reasons of the orders of ``self``: dict order id -> list of reason dicts."""
        return {order_id: values["reasons"] for order_id, values in self._ar_credit_snapshot().items()}

    def _ar_credit_figures_line(self, snapshot):
        currency = snapshot["currency"]
        limit = (
            formatLang(self.env, snapshot["limit"], currency_obj=currency)
            if snapshot["uses_limit"]
            else self.env._("none")
        )
        return self.env._(
            "Credit limit: %(limit)s; exposure: %(exposure)s; this order: %(amount)s; overdue: %(overdue)s; "
            "oldest overdue: %(days)s days.",
            limit=limit,
            exposure=formatLang(self.env, snapshot["exposure"], currency_obj=currency),
            amount=formatLang(self.env, snapshot["order_amount"], currency_obj=currency),
            overdue=formatLang(self.env, snapshot["overdue"], currency_obj=currency),
            days=snapshot["oldest_overdue_days"],
        )

    def _ar_credit_hold_text(self, snapshot, release=None, change=False):
        """The hold message of one order: every reason, then the figures.

        :param change: the order is confirmed and a change of it is refused
        """
        self.ensure_one()
        if change:
            lines = [
                self.env._(
                    "The change of the confirmed order %(order)s is refused: %(partner)s is on credit hold:",
                    order=self.name,
                    partner=snapshot["partner"].display_name,
                )
            ]
        else:
            lines = [
                self.env._(
                    "%(order)s for %(partner)s is on credit hold:",
                    order=self.name,
                    partner=snapshot["partner"].display_name,
                )
            ]
        lines += ["- " + reason["message"] for reason in snapshot["reasons"]]
        lines.append(self._ar_credit_figures_line(snapshot))
        note = release and release._ar_release_note(self)
        if note:
            lines.append(note)
        return "\n".join(lines)

    # ------------------------------------------------------------------
    # Banner
    # ------------------------------------------------------------------
    @api.depends("partner_id", "company_id", "state", "amount_total", "currency_rate", "payment_term_id")
    def _compute_ar_credit_banner(self):
        pending = self.filtered(lambda o: o.state in ("draft", "sent") and o.partner_id)
        (self - pending).update(
            {
                "ar_credit_show_banner": False,
                "ar_credit_grade_id": False,
                "ar_credit_uses_limit": False,
                "ar_credit_limit": 0.0,
                "ar_credit_exposure": 0.0,
                "ar_credit_remaining": 0.0,
                "ar_credit_order_amount": 0.0,
                "ar_credit_overdue_amount": 0.0,
                "ar_credit_oldest_overdue_days": 0,
                "ar_credit_hold": False,
                "ar_credit_hold_reasons": False,
                "ar_credit_release_id": False,
            }
        )
        if not pending:
            return
        snapshots = pending._ar_credit_snapshot()
        held = pending.filtered(lambda o: snapshots.get(o.id, {}).get("reasons"))
        releases = self.env["ar.credit.release"]._get_releases(held._origin)
        for order in pending:
            snapshot = snapshots.get(order.id)
            if not snapshot:
                order.update(
                    {
                        "ar_credit_show_banner": False,
                        "ar_credit_hold": False,
                        "ar_credit_hold_reasons": False,
                        "ar_credit_release_id": False,
                    }
                )
                continue
            release = releases.get(order._origin.id)
            order.ar_credit_show_banner = True
            order.ar_credit_grade_id = snapshot["grade"]
            order.ar_credit_uses_limit = snapshot["uses_limit"]
            order.ar_credit_limit = snapshot["limit"]
            order.ar_credit_exposure = snapshot["exposure"]
            order.ar_credit_remaining = snapshot["remaining"]
            order.ar_credit_order_amount = snapshot["order_amount"]
            order.ar_credit_overdue_amount = snapshot["overdue"]
            order.ar_credit_oldest_overdue_days = snapshot["oldest_overdue_days"]
            order.ar_credit_hold = bool(snapshot["reasons"])
            order.ar_credit_hold_reasons = "\n".join(r["message"] for r in snapshot["reasons"]) or False
            order.ar_credit_release_id = release if release and release._is_valid_for(order) else False

    # ------------------------------------------------------------------
    # Confirmation: every road to a confirmed order passes the same check
    # ------------------------------------------------------------------
    def _ar_credit_user_present(self):
        """Whether a user is there to read a hold message.

        Not when the confirmation runs as a portal or public user (portal acceptance,
        online payment callbacks) nor as the superuser account (OdooBot: crons, payment
        post-processing): then a held order stays unconfirmed and activities are
        scheduled instead of raising an error nobody would read.
        """
        user = self.env.user
        return user.id != SUPERUSER_ID and user._is_internal()

    def _ar_credit_check(self):
        """Check the quotations of ``self`` about to be confirmed.

        :returns: (blocked orders, {order id: hold text}, approved releases to use)
        """
        return self.filtered(lambda o: o.state in ("draft", "sent"))._ar_credit_evaluate()

    def _ar_credit_evaluate(self, increases=None, release_states=("approved",), change=False):
        """Hold reasons of the orders of ``self`` and the releases that cover them.

        :param increases: see ``_ar_credit_snapshot`` (confirmed orders that grow)
        :param release_states: states of the releases that may let an order through:
            approved (a confirmation), or also used (the release a confirmed order was
            confirmed under covers its changes up to what was approved)
        :returns: (blocked orders, {order id: hold text}, approved releases to use)
        """
        snapshots = self._ar_credit_snapshot(increases)
        held = self.filtered(lambda o: snapshots.get(o.id, {}).get("reasons"))
        Release = self.env["ar.credit.release"]
        releases = Release._get_releases(held, release_states)
        blocked = self.browse()
        texts = {}
        to_use = Release
        for order in held:
            release = releases.get(order.id)
            if release and (
                release._is_valid_for(order) if release.state == "approved" else release._ar_release_covers(order)
            ):
                to_use |= release.filtered(lambda r: r.state == "approved")
                continue
            blocked |= order
            texts[order.id] = order._ar_credit_hold_text(snapshots[order.id], release, change=change)
        return blocked, texts, to_use

    def action_confirm(self):
        blocked, texts, releases = self._ar_credit_check()
        if blocked:
            if self._ar_credit_user_present():
                raise UserError(
                    "\n\n".join(
                        [texts[order.id] for order in blocked]
                        + [self.env._("A Credit Manager can release the hold: use “Request Release” on the order.")]
                    )
                )
            blocked._ar_credit_hold_notify(texts)
        orders = self - blocked
        if not orders:
            return True
        token = _AR_CONFIRM_CHECKED.set(_AR_CONFIRM_CHECKED.get() | frozenset(orders.ids))
        try:
            result = super(SaleOrder, orders).action_confirm()
        finally:
            _AR_CONFIRM_CHECKED.reset(token)
        orders._ar_credit_use_releases(releases)
        return result

    def _ar_credit_hold_notify(self, texts):
        """No user to read the hold message: note it on the order, ask the salesperson and
        the credit managers to act."""
        for order in self:
            text = texts[order.id]
            # sudo: run as portal/public user or OdooBot; the note and activities are internal
            order.sudo().message_post(body=text, subtype_xmlid="mail.mt_note")
            self.env["ar.collection.followup"]._schedule_hold_activities(
                order,
                order.user_id | self.env["ar.credit.release"]._get_approvers(order),
                self.env._("Order held: credit check"),
                text,
            )

    def _ar_credit_guard_confirmation(self):
        """Orders of ``self`` were set to confirmed by a plain ``write``/``create`` (not by
        ``action_confirm``): the same check, refused with the reasons unless a release
        covers them (it is then used)."""
        blocked, texts, releases = self._ar_credit_evaluate()
        if blocked:
            raise UserError(
                "\n\n".join(
                    [texts[order.id] for order in blocked]
                    + [self.env._("A Credit Manager can release the hold: use “Request Release” on the order.")]
                )
            )
        self._ar_credit_use_releases(releases)

    def _ar_credit_use_releases(self, releases):
        """The orders were confirmed under ``releases``: say so on each, mark them used."""
        for release in releases:
            release._ar_document().message_post(
                body=self.env._(
                    "Confirmed despite the credit hold, under the release approved by %(user)s on %(date)s: %(reason)s",
                    user=release.approved_by_id.name,
                    date=format_date(self.env, release.approval_date),
                    reason=release.reason,
                )
            )
        releases._mark_used()

    def _ar_credit_state(self):
        """What the credit check of a confirmed order looks at: order id -> (total in company
        currency, payer ids, payment term id)."""
        return {
            order.id: (order._ar_amount_company(), set(order._ar_payers().ids), order.payment_term_id.id)
            for order in self
        }

    def _ar_credit_check_changes(self, before):
        """Check again the confirmed orders of ``self`` changed since ``before`` (see
        ``_ar_credit_state``): one that grows, changes payer or payment term must pass the
        credit check for the change, unless the release it was confirmed under covers it."""
        increases = {}
        changed = self.browse()
        for order in self:
            if order.state != "sale" or order.id not in before:
                continue
            amount, payer_ids, term_id = before[order.id]
            if not set(order._ar_payers().ids) <= payer_ids:
                changed |= order  # a new payer answers for the whole order
                continue
            increase = order._ar_amount_company() - amount
            grew = order.company_id.currency_id.compare_amounts(increase, 0.0) > 0
            if grew or order.payment_term_id.id != term_id:
                changed |= order
                increases[order.id] = max(increase, 0.0)
        if not changed:
            return
        blocked, texts, _releases = changed._ar_credit_evaluate(
            increases=increases, release_states=("approved", "used"), change=True
        )
        if blocked:
            raise UserError(
                "\n\n".join(
                    [texts[order.id] for order in blocked]
                    + [self.env._("Sell more on a new quotation: a Credit Manager can release it.")]
                )
            )

    # ------------------------------------------------------------------
    # Guards: the roads around action_confirm
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(
            ORDER_COMPUTED_AMOUNTS & set(vals) or "ar_salesperson_history_ids" in vals for vals in vals_list
        ):
            raise AccessError(self.env._("The totals and the salesperson history of an order are computed."))
        orders = super().create(vals_list)
        orders._ar_record_salespersons()
        if not self.env.su:
            confirmed = orders.filtered(lambda o: o.state not in ("draft", "sent", "cancel"))
            if confirmed:
                confirmed._ar_credit_guard_confirmation()
        return orders

    def write(self, vals):
        if self.env.su:
            result = super().write(vals)
            if "user_id" in vals or "partner_id" in vals:
                self._ar_record_salespersons()
            return result
        if ORDER_COMPUTED_AMOUNTS & set(vals) or "ar_salesperson_history_ids" in vals:
            raise AccessError(self.env._("The totals and the salesperson history of an order are computed."))
        confirming = self.browse()
        if "state" in vals and vals["state"] not in ("draft", "sent", "cancel"):
            checked = _AR_CONFIRM_CHECKED.get()
            confirming = self.filtered(lambda o: o.state != "sale" and o.id not in checked)
        watched = self.browse()
        if ORDER_CREDIT_FIELDS & set(vals):
            watched = self.filtered(lambda o: o.state == "sale")
        before = watched._ar_credit_state()
        token = _AR_CHANGE_DEFERRED.set(_AR_CHANGE_DEFERRED.get() | frozenset(watched.ids)) if watched else None
        try:
            result = super().write(vals)
        finally:
            if token:
                _AR_CHANGE_DEFERRED.reset(token)
        if confirming:
            confirming._ar_credit_guard_confirmation()
        if watched:
            watched._ar_credit_check_changes(before)
        if "user_id" in vals or "partner_id" in vals:
            self._ar_record_salespersons()
        return result

    # ------------------------------------------------------------------
    # Releases
    # ------------------------------------------------------------------
    def _ar_record_salespersons(self):
        """Add the salesperson of the orders of ``self`` to their history."""
        to_add = defaultdict(list)
        for order in self.filtered("user_id"):
            if order.user_id not in order.ar_salesperson_history_ids:
                to_add[order.user_id.id].append(order.id)
        for user_id, order_ids in to_add.items():
            # sudo: the history is written by the ORM only, whoever changes the salesperson
            self.browse(order_ids).sudo().write({"ar_salesperson_history_ids": [Command.link(user_id)]})

    def _ar_credit_sellers(self):
        """Users who sell or sold the orders of ``self``: none of them may release their hold. The history, the salesperson now, and for orders older than the
        history the salesperson changes tracked in their chatter."""
        users = self.user_id | self.sudo().ar_salesperson_history_ids
        if self.ids:
            field = self.env["ir.model.fields"].sudo()._get("sale.order", "user_id")
            # sudo: the tracking values of the orders' chatter are read to find former salespeople
            tracked = (
                self.env["mail.tracking.value"]
                .sudo()
                .search_read(
                    [
                        ("field_id", "=", field.id),
                        ("mail_message_id.model", "=", "sale.order"),
                        ("mail_message_id.res_id", "in", self.ids),
                    ],
                    ["old_value_integer", "new_value_integer"],
                )
            )
            ids = {value for row in tracked for value in (row["old_value_integer"], row["new_value_integer"])}
            users |= self.env["res.users"].browse(ids - {0}).exists()
        return users.sudo(False)

    def _ar_credit_salesperson(self):
        return self.user_id

    def _ar_release_field(self):
        return RELEASE_FIELD

    def _ar_release_scope(self):
        """What a release of the order is for: its customer, who pays, currency and total."""
        self.ensure_one()
        return {
            "partner_id": self.partner_id.commercial_partner_id._origin.id,
            "invoice_partner_id": (self.partner_invoice_id or self.partner_id).commercial_partner_id._origin.id,
            "currency_id": self.currency_id._origin.id,
            "amount": self.amount_total,
        }

    def _ar_credit_releasable(self):
        return self.state in ("draft", "sent")

    def _ar_hold_reasons(self):
        self.ensure_one()
        return self._ar_get_credit_hold_reasons().get(self.id, [])


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    def _ar_confirmed_orders(self, order_ids=()):
        """Confirmed orders of the lines of ``self`` (and ``order_ids``) whose changes are
        checked here, not by an enclosing ``sale.order.write``."""
        orders = self.order_id | self.env["sale.order"].browse(order_ids)
        deferred = _AR_CHANGE_DEFERRED.get()
        return orders.filtered(lambda o: o.state == "sale" and o.id not in deferred)

    @api.model_create_multi
    def create(self, vals_list):
        if self.env.su:
            return super().create(vals_list)
        if any(LINE_COMPUTED_AMOUNTS & set(vals) for vals in vals_list):
            raise AccessError(self.env._("The amounts of an order line are computed."))
        orders = self._ar_confirmed_orders([vals["order_id"] for vals in vals_list if vals.get("order_id")])
        before = orders._ar_credit_state()
        lines = super().create(vals_list)
        if orders:
            orders._ar_credit_check_changes(before)
        return lines

    def write(self, vals):
        if self.env.su:
            return super().write(vals)
        if LINE_COMPUTED_AMOUNTS & set(vals):
            raise AccessError(self.env._("The amounts of an order line are computed."))
        if not LINE_CREDIT_FIELDS & set(vals):
            return super().write(vals)
        orders = self._ar_confirmed_orders([vals["order_id"]] if vals.get("order_id") else [])
        before = orders._ar_credit_state()
        result = super().write(vals)
        if orders:
            orders._ar_credit_check_changes(before)
        return result
