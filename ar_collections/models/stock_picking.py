from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date, formatLang

# fields of a delivery that decide whose delivery it is and whether it leaves to a customer
LOCK_FIELDS = frozenset(("partner_id", "sale_id", "group_id", "picking_type_id", "location_dest_id", "company_id"))


class StockPicking(models.Model):
    _name = "stock.picking"
    _inherit = ["stock.picking", "ar.credit.release.mixin"]

    ar_delivery_locked = fields.Boolean(
        string="Delivery Locked",
        compute="_compute_ar_delivery_lock",
        help="The customer is blacklisted or has an invoice in a collection stage that locks deliveries.",
    )
    ar_delivery_lock_reasons = fields.Text(string="Delivery Lock Reasons", compute="_compute_ar_delivery_lock")
    ar_credit_release_id = fields.Many2one(
        "ar.credit.release",
        string="Credit Release",
        compute="_compute_ar_delivery_lock",
        help="Approved release that lets this delivery be validated despite the lock.",
    )

    # ------------------------------------------------------------------
    # The delivery lock
    # ------------------------------------------------------------------
    def _ar_is_customer_delivery(self):
        """Deliveries to a customer that are not done yet (overridable): outgoing or to a
        customer location, for a partner or for a sale order."""
        return self.filtered(
            lambda p: (
                (p.picking_type_code == "outgoing" or p.location_dest_id.usage == "customer")
                and (p.partner_id or p.sale_id or p.sudo().move_ids.sale_line_id)
                and p.state not in ("done", "cancel")
            )
        )

    def _ar_delivery_partners(self):
        """Commercial partners the lock of the delivery looks at: the customer and the invoiced
        customer of its sale order (and of the orders of its moves) first, then the partner of
        the delivery, whatever is written on it."""
        self.ensure_one()
        # sudo: a stock user may not read the sale order; the lock follows its customer
        order = self.sudo().sale_id | self.sudo().move_ids.sale_line_id.order_id
        partners = (
            order.partner_invoice_id.commercial_partner_id
            | order.partner_id.commercial_partner_id
            | self.partner_id.commercial_partner_id
        )
        return partners.with_env(self.env)

    def _ar_delivery_snapshot(self):
        """Lock reasons and figures of the customer deliveries of ``self``, with a constant
        number of queries per company.

        :returns: dict picking id -> dict(partner, currency, overdue, oldest_overdue_days, reasons)
        """
        result = {}
        for company, pickings in self._ar_is_customer_delivery().grouped("company_id").items():
            pickings = pickings.with_company(company)
            by_picking = {picking: picking._ar_delivery_partners() for picking in pickings}
            partners = self.env["res.partner"].union(*by_picking.values())
            held = pickings._ar_get_hold_invoices(partners, "lock_deliveries")
            blacklisted = partners.filtered("credit_blacklisted")
            if not held and not blacklisted:
                continue
            figures = partners._ar_get_credit_figures()
            for picking, payers in by_picking.items():
                snapshots = []
                for partner in payers:
                    pid = partner._origin.id
                    snapshot = {
                        "partner": partner,
                        "currency": company.currency_id,
                        "overdue": figures.get(pid, {}).get("overdue", 0.0),
                        "oldest_overdue_days": figures.get(pid, {}).get("oldest_overdue_days", 0),
                        "held_invoices": held.get(pid, []),
                    }
                    snapshot["reasons"] = picking._ar_prepare_delivery_lock_reasons(snapshot)
                    snapshots.append(snapshot)
                # the figures shown are those of the first partner with a reason
                snapshot = dict(next((s for s in snapshots if s["reasons"]), snapshots[0]))
                snapshot["reasons"] = [reason for s in snapshots for reason in s["reasons"]]
                result[picking.id] = snapshot
        return result

    def _ar_prepare_delivery_lock_reasons(self, snapshot):
        """Reasons why the delivery must not leave (overridable): list of dicts with
        ``code`` and ``message``."""
        self.ensure_one()
        partner = snapshot["partner"]
        reasons = self._ar_blacklist_reasons(partner)
        reasons += self._ar_held_stage_reasons(snapshot["held_invoices"], "lock_deliveries")
        return reasons

    def _ar_delivery_lock_text(self, snapshot, release=None):
        self.ensure_one()
        currency = snapshot["currency"]
        lines = [
            self.env._(
                "Delivery %(picking)s to %(partner)s is locked:",
                picking=self.name,
                partner=snapshot["partner"].display_name,
            )
        ]
        lines += ["- " + reason["message"] for reason in snapshot["reasons"]]
        lines.append(
            self.env._(
                "Overdue: %(overdue)s; oldest overdue: %(days)s days.",
                overdue=formatLang(self.env, snapshot["overdue"], currency_obj=currency),
                days=snapshot["oldest_overdue_days"],
            )
        )
        note = release and release._ar_release_note(self)
        if note:
            lines.append(note)
        return "\n".join(lines)

    @api.depends("partner_id", "picking_type_code", "location_dest_id", "sale_id", "state", "company_id")
    def _compute_ar_delivery_lock(self):
        snapshots = self._ar_delivery_snapshot()
        locked = self.filtered(lambda p: snapshots.get(p.id, {}).get("reasons"))
        releases = self.env["ar.credit.release"]._get_releases(locked._origin)
        for picking in self:
            reasons = snapshots.get(picking.id, {}).get("reasons")
            release = releases.get(picking._origin.id)
            picking.ar_delivery_locked = bool(reasons)
            picking.ar_delivery_lock_reasons = "\n".join(r["message"] for r in reasons) if reasons else False
            picking.ar_credit_release_id = release if release and release._is_valid_for(picking) else False

    def write(self, vals):
        """The partner (and what makes it a customer delivery) of a locked delivery cannot be
        changed: the lock would otherwise be lifted by clearing or changing it."""
        if not self.env.su and LOCK_FIELDS & set(vals):
            changing = self.filtered(
                lambda p: any(
                    fname in vals and p._fields[fname].convert_to_write(p[fname], p) != vals[fname]
                    for fname in LOCK_FIELDS & set(vals)
                )
            )
            locked = changing._ar_delivery_snapshot()
            if any(snapshot["reasons"] for snapshot in locked.values()):
                raise UserError(
                    "\n\n".join(
                        [self.env._("The partner of a locked delivery cannot be changed.")]
                        + [
                            picking._ar_delivery_lock_text(locked[picking.id])
                            for picking in changing
                            if locked.get(picking.id, {}).get("reasons")
                        ]
                    )
                )
        return super().write(vals)

    def button_validate(self):
        """Validating a customer delivery is refused while the customer is locked, unless a
        Credit Manager approved a release of this delivery. Validation is interactive: the
        check is on the button (``_action_done`` called from code is not checked), on the
        deliveries validated and on those the context adds to them."""
        to_check = self
        extra_ids = self.env.context.get("picking_ids_not_to_backorder")
        if extra_ids and isinstance(extra_ids, (list, tuple)):
            to_check |= self.browse([pid for pid in extra_ids if isinstance(pid, int)]).exists()
        snapshots = to_check._ar_delivery_snapshot()
        locked = to_check.filtered(lambda p: snapshots.get(p.id, {}).get("reasons"))
        releases = self.env["ar.credit.release"]._get_releases(locked)
        texts = []
        to_use = self.env["ar.credit.release"]
        for picking in locked:
            release = releases.get(picking.id)
            if release and release._is_valid_for(picking):
                to_use |= release
            else:
                texts.append(picking._ar_delivery_lock_text(snapshots[picking.id], release))
        if texts:
            raise UserError(
                "\n\n".join(
                    texts
                    + [self.env._("A Credit Manager can release the lock: use “Request Release” on the delivery.")]
                )
            )
        result = super().button_validate()
        for release in to_use:
            picking = release._ar_document()
            if picking.state != "done":
                continue
            picking.message_post(
                body=self.env._(
                    "Validated despite the delivery lock, under the release approved by %(user)s on %(date)s: "
                    "%(reason)s",
                    user=release.approved_by_id.name,
                    date=format_date(self.env, release.approval_date),
                    reason=release.reason,
                )
            )
            release._mark_used()
        return result

    # ------------------------------------------------------------------
    # Releases
    # ------------------------------------------------------------------
    def _ar_credit_salesperson(self):
        # sudo: a stock user may not read the sale order
        return self.sudo().sale_id.user_id.sudo(False)

    def _ar_credit_sellers(self):
        # sudo: see _ar_credit_salesperson
        return self.sudo().sale_id._ar_credit_sellers()

    def _ar_release_scope(self):
        """A release of a delivery is for the customer it is locked for."""
        self.ensure_one()
        return {"partner_id": self._ar_delivery_partners()[:1]._origin.id}

    def _ar_release_field(self):
        return "picking_id"

    def _ar_credit_releasable(self):
        return bool(self._ar_is_customer_delivery())

    def _ar_hold_reasons(self):
        self.ensure_one()
        return self._ar_delivery_snapshot().get(self.id, {}).get("reasons", [])


class StockMove(models.Model):
    _inherit = "stock.move"

    def write(self, vals):
        """The moves of a locked delivery stay locked: moved to another transfer or detached
        from their sale order line, they must still be in a locked delivery (a backorder of the
        delivery is)."""
        if self.env.su or not {"picking_id", "sale_line_id"} & set(vals):
            return super().write(vals)
        locked_before = self.picking_id._ar_delivery_snapshot()
        leaving = self.filtered(lambda m: locked_before.get(m.picking_id.id, {}).get("reasons"))
        result = super().write(vals)
        if leaving:
            locked_after = leaving.picking_id._ar_delivery_snapshot()
            if any(not locked_after.get(move.picking_id.id, {}).get("reasons") for move in leaving):
                raise UserError(
                    "\n\n".join(
                        [self.env._("The moves of a locked delivery cannot leave it.")]
                        + [
                            picking._ar_delivery_lock_text(snapshot)
                            for picking in self.env["stock.picking"].browse(list(locked_before))
                            for snapshot in [locked_before[picking.id]]
                            if snapshot["reasons"]
                        ]
                    )
                )
        return result
