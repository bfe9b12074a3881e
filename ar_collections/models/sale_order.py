from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare
from odoo.tools.misc import format_date, formatLang


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "ar.credit.release.mixin"]
    _ar_release_field = "sale_order_id"

    # Credit banner: computed for the order's customer only, never stored.
    ar_company_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    ar_credit_show_banner = fields.Boolean(compute="_compute_ar_credit_banner")
    ar_credit_grade_id = fields.Many2one(
        "ar.credit.grade", string="Customer Credit Grade", compute="_compute_ar_credit_banner")
    ar_credit_uses_limit = fields.Boolean(compute="_compute_ar_credit_banner")
    ar_credit_limit = fields.Monetary(
        string="Credit Limit", currency_field="ar_company_currency_id", compute="_compute_ar_credit_banner")
    ar_credit_exposure = fields.Monetary(
        string="Credit Exposure", currency_field="ar_company_currency_id", compute="_compute_ar_credit_banner",
        help="Open receivable plus confirmed orders not yet invoiced, without this order.")
    ar_credit_remaining = fields.Monetary(
        string="Remaining Credit", currency_field="ar_company_currency_id", compute="_compute_ar_credit_banner")
    ar_credit_order_amount = fields.Monetary(
        string="This Order", currency_field="ar_company_currency_id", compute="_compute_ar_credit_banner",
        help="Total of this order in company currency.")
    ar_credit_overdue_amount = fields.Monetary(
        string="Overdue Amount", currency_field="ar_company_currency_id", compute="_compute_ar_credit_banner")
    ar_credit_oldest_overdue_days = fields.Integer(
        string="Oldest Overdue (days)", compute="_compute_ar_credit_banner")
    ar_credit_hold = fields.Boolean(string="On Credit Hold", compute="_compute_ar_credit_banner")
    ar_credit_hold_reasons = fields.Text(string="Credit Hold Reasons", compute="_compute_ar_credit_banner")
    ar_credit_release_id = fields.Many2one(
        "ar.credit.release", string="Credit Release", compute="_compute_ar_credit_banner",
        help="Approved release that lets this order be confirmed despite the hold.")
    ar_credit_release_ids = fields.One2many("ar.credit.release", "sale_order_id", string="Credit Releases")

    # ------------------------------------------------------------------
    # The credit check
    # ------------------------------------------------------------------
    def _ar_is_immediate_payment(self):
        """No payment term, or a term whose every line is due on the invoice date."""
        self.ensure_one()
        return all(
            line.nb_days == 0 and line.delay_type == "days_after" for line in self.payment_term_id.line_ids)

    def _ar_credit_snapshot(self):
        """Credit figures and hold reasons of the orders of ``self``.

        Per company: two grouped queries for the figures (aging + uninvoiced orders),
        one for the invoices in a stage holding sales; a constant number of queries
        whatever the number of the customers' invoices.

        :returns: dict order id -> dict(partner, grade, currency, uses_limit, limit,
            exposure, remaining, order_amount, overdue, oldest_overdue_days, reasons)
        """
        result = {}
        for company, orders in self.grouped("company_id").items():
            orders = orders.with_company(company)
            partners = orders.partner_id.commercial_partner_id
            if not partners:
                continue
            figures = partners._ar_get_credit_figures(exclude_order_ids=orders._origin.ids)
            limits = partners._ar_get_credit_limits()
            held = partners._ar_get_held_invoices("hold_sales")
            for order in orders:
                partner = order.partner_id.commercial_partner_id
                if not partner:
                    continue
                pid = partner._origin.id
                values = figures.get(pid, {})
                uses_limit, limit = limits.get(pid, (False, 0.0))
                exposure = values.get("exposure", 0.0)
                snapshot = {
                    "partner": partner,
                    "grade": partner.credit_grade_id,
                    "currency": company.currency_id,
                    "uses_limit": uses_limit,
                    "limit": limit,
                    "exposure": exposure,
                    "remaining": limit - exposure if uses_limit else 0.0,
                    "order_amount": order.amount_total / (order.currency_rate or 1.0),
                    "overdue": values.get("overdue", 0.0),
                    "oldest_overdue_days": values.get("oldest_overdue_days", 0),
                    "held_invoices": held.get(pid, []),
                }
                snapshot["reasons"] = order._ar_prepare_credit_hold_reasons(snapshot)
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
            reasons.append({"code": "grade", "message": self.env._(
                "Credit grade %(grade)s does not allow credit sales, and the payment term %(term)s is not "
                "immediate: prepayment or cash on delivery only.",
                grade=grade.display_name, term=self.payment_term_id.display_name)})
        total = snapshot["exposure"] + snapshot["order_amount"]
        if snapshot["uses_limit"] and float_compare(
                total, snapshot["limit"], precision_rounding=currency.rounding) > 0:
            reasons.append({"code": "limit", "message": self.env._(
                "Credit limit exceeded: exposure %(exposure)s + this order %(amount)s = %(total)s, "
                "over the limit of %(limit)s by %(excess)s.",
                exposure=formatLang(self.env, snapshot["exposure"], currency_obj=currency),
                amount=formatLang(self.env, snapshot["order_amount"], currency_obj=currency),
                total=formatLang(self.env, total, currency_obj=currency),
                limit=formatLang(self.env, snapshot["limit"], currency_obj=currency),
                excess=formatLang(self.env, total - snapshot["limit"], currency_obj=currency))})
        reasons += self._ar_held_stage_reasons(snapshot["held_invoices"], "hold_sales")
        return reasons

    def _ar_get_credit_hold_reasons(self):
        """Hold reasons of the orders of ``self``: dict order id -> list of reason dicts."""
        return {order_id: values["reasons"] for order_id, values in self._ar_credit_snapshot().items()}

    def _ar_credit_figures_line(self, snapshot):
        currency = snapshot["currency"]
        limit = (formatLang(self.env, snapshot["limit"], currency_obj=currency)
                 if snapshot["uses_limit"] else self.env._("none"))
        return self.env._(
            "Credit limit: %(limit)s; exposure: %(exposure)s; this order: %(amount)s; overdue: %(overdue)s; "
            "oldest overdue: %(days)s days.",
            limit=limit,
            exposure=formatLang(self.env, snapshot["exposure"], currency_obj=currency),
            amount=formatLang(self.env, snapshot["order_amount"], currency_obj=currency),
            overdue=formatLang(self.env, snapshot["overdue"], currency_obj=currency),
            days=snapshot["oldest_overdue_days"])

    def _ar_credit_hold_text(self, snapshot, release=None):
        """The hold message of one order: every reason, then the figures."""
        self.ensure_one()
        lines = [self.env._(
            "%(order)s for %(partner)s is on credit hold:",
            order=self.name, partner=snapshot["partner"].display_name)]
        lines += ["- " + reason["message"] for reason in snapshot["reasons"]]
        lines.append(self._ar_credit_figures_line(snapshot))
        if release and release.state == "approved" and release.expiry_date and \
                release.expiry_date < fields.Date.context_today(self):
            lines.append(self.env._(
                "The release approved by %(user)s expired on %(date)s.",
                user=release.approved_by_id.name, date=format_date(self.env, release.expiry_date)))
        elif release and release.state == "approved":
            lines.append(self.env._(
                "The release approved by %(user)s was for a total of %(amount)s; the order is now larger.",
                user=release.approved_by_id.name,
                amount=formatLang(self.env, release.amount, currency_obj=release.currency_id)))
        return "\n".join(lines)

    # ------------------------------------------------------------------
    # Banner
    # ------------------------------------------------------------------
    @api.depends("partner_id", "company_id", "state", "amount_total", "currency_rate", "payment_term_id")
    def _compute_ar_credit_banner(self):
        pending = self.filtered(lambda o: o.state in ("draft", "sent") and o.partner_id)
        (self - pending).update({
            "ar_credit_show_banner": False, "ar_credit_grade_id": False, "ar_credit_uses_limit": False,
            "ar_credit_limit": 0.0, "ar_credit_exposure": 0.0, "ar_credit_remaining": 0.0,
            "ar_credit_order_amount": 0.0, "ar_credit_overdue_amount": 0.0, "ar_credit_oldest_overdue_days": 0,
            "ar_credit_hold": False, "ar_credit_hold_reasons": False, "ar_credit_release_id": False,
        })
        if not pending:
            return
        snapshots = pending._ar_credit_snapshot()
        held = pending.filtered(lambda o: snapshots.get(o.id, {}).get("reasons"))
        releases = self.env["ar.credit.release"]._get_releases(held._origin)
        for order in pending:
            snapshot = snapshots.get(order.id)
            if not snapshot:
                order.update({"ar_credit_show_banner": False, "ar_credit_hold": False,
                              "ar_credit_hold_reasons": False, "ar_credit_release_id": False})
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
    # Confirmation
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
        """Check the orders about to be confirmed.

        :returns: (blocked orders, {order id: hold text}, approved releases to use)
        """
        to_check = self.filtered(lambda o: o.state in ("draft", "sent"))
        snapshots = to_check._ar_credit_snapshot()
        held = to_check.filtered(lambda o: snapshots.get(o.id, {}).get("reasons"))
        releases = self.env["ar.credit.release"]._get_releases(held)
        blocked = self.browse()
        texts = {}
        to_use = self.env["ar.credit.release"]
        for order in held:
            release = releases.get(order.id)
            if release and release._is_valid_for(order):
                to_use |= release
                continue
            blocked |= order
            texts[order.id] = order._ar_credit_hold_text(snapshots[order.id], release)
        return blocked, texts, to_use

    def action_confirm(self):
        blocked, texts, releases = self._ar_credit_check()
        if blocked:
            if self._ar_credit_user_present():
                raise UserError("\n\n".join(
                    [texts[order.id] for order in blocked]
                    + [self.env._("A Credit Manager can release the hold: use “Request Release” on the order.")]))
            blocked._ar_credit_hold_notify(texts)
        orders = self - blocked
        if not orders:
            return True
        result = super(SaleOrder, orders).action_confirm()
        for release in releases:
            release.sale_order_id.message_post(body=self.env._(
                "Confirmed despite the credit hold, under the release approved by %(user)s on %(date)s: "
                "%(reason)s",
                user=release.approved_by_id.name, date=format_date(self.env, release.approval_date), reason=release.reason))
        releases._mark_used()
        return result

    def _ar_credit_hold_notify(self, texts):
        """No user to read the hold message: note it on the order, ask the salesperson and
        the credit managers to act."""
        for order in self:
            text = texts[order.id]
            # sudo: run as portal/public user or OdooBot; the note and activities are internal
            order.sudo().message_post(body=text, subtype_xmlid="mail.mt_note")
            Release = self.env["ar.credit.release"]
            Release._schedule_activities(
                order, order.user_id | Release._get_approvers(order), self.env._("Order held: credit check"), text)

    # ------------------------------------------------------------------
    # Releases
    # ------------------------------------------------------------------
    def _ar_credit_salesperson(self):
        return self.user_id

    def _ar_credit_release_field(self):
        return "sale_order_id"

    def _ar_credit_releasable(self):
        return self.state in ("draft", "sent")

    def _ar_credit_hold_messages(self):
        self.ensure_one()
        return [r["message"] for r in self._ar_get_credit_hold_reasons().get(self.id, [])]
