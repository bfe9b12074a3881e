from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare
from odoo.tools.misc import format_date, formatLang

from ..const import CREDIT_MANAGER_GROUP


class ArCreditRelease(models.Model):
    """A one-time release of a credit hold, approved by a Credit Manager, for ONE
    document: a sale order (confirmation) or a delivery (validation).

    Releases are the record of who let a held document through, when and why: they
    are never deleted nor edited, only used (by the confirmation or validation they
    allowed), cancelled (superseded, or withdrawn by a Credit Manager) or expired.
    """

    _name = "ar.credit.release"
    _description = "Credit Hold Release"
    _order = "approval_date desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["sale_order_id", "picking_id", "partner_id"]  # not display_name: it loops forever

    sale_order_id = fields.Many2one(
        "sale.order", index="btree_not_null", readonly=True, ondelete="cascade", check_company=True
    )
    picking_id = fields.Many2one(
        "stock.picking",
        string="Delivery",
        index="btree_not_null",
        readonly=True,
        ondelete="cascade",
        check_company=True,
    )
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True, index=True)
    invoice_partner_id = fields.Many2one(
        "res.partner",
        string="Invoiced Customer",
        readonly=True,
        help="Commercial partner of the order's invoice address when the release was approved: the release "
        "no longer applies if the order is invoiced to someone else.",
    )
    salesperson_id = fields.Many2one(
        "res.users",
        readonly=True,
        help="Salesperson of the document when the release was approved.",
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    reason = fields.Text(required=True, readonly=True)
    hold_reasons = fields.Text(readonly=True, help="Why the document was held when the release was approved.")
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount = fields.Monetary(
        string="Approved Amount",
        readonly=True,
        help="Total of the sale order when the release was approved, in its currency: the release no longer "
        "applies if the order grows beyond it or changes currency.",
    )
    approved_by_id = fields.Many2one("res.users", required=True, readonly=True)
    approval_date = fields.Datetime(string="Approved On", required=True, readonly=True)
    expiry_date = fields.Date(
        string="Valid Until", readonly=True, help="Last day on which the release may be used. Empty: no end."
    )
    state = fields.Selection(
        [("approved", "Approved"), ("used", "Used"), ("expired", "Expired"), ("cancelled", "Cancelled")],
        required=True,
        default="approved",
        readonly=True,
        index=True,
    )
    used_date = fields.Datetime(string="Used On", readonly=True)
    used_by_id = fields.Many2one("res.users", readonly=True)

    _sql_constraints = [
        (
            "one_document",
            "CHECK((sale_order_id IS NULL) != (picking_id IS NULL))",
            "A credit release is for exactly one sale order or one delivery.",
        ),
    ]

    @api.model
    def _ar_document_fields(self):
        """Names of the release's Many2one fields to held documents, as each kind of document
        states it (``_ar_release_field`` of the models inheriting ``ar.credit.release.mixin``)."""
        models = self.env.registry.descendants(["ar.credit.release.mixin"], "_inherit")
        return [self.env[model]._ar_release_field() for model in models if not self.env[model]._abstract]

    def _ar_document(self):
        """The document (sale order, delivery, ...) the release is for."""
        self.ensure_one()
        return next((self[fname] for fname in self._ar_document_fields() if self[fname]), None)

    @api.depends(lambda self: self._ar_document_fields())
    def _compute_display_name(self):
        for release in self:
            document = release._ar_document()
            release.display_name = self.env._(
                "Release of %(document)s", document=document.display_name if document else ""
            )

    @api.constrains("expiry_date", "approval_date")
    def _check_expiry_date(self):
        for release in self:
            if release.expiry_date and release.approval_date and release.expiry_date < release.approval_date.date():
                raise ValidationError(self.env._("A release cannot expire before it is approved."))

    # ------------------------------------------------------------------
    # Guards: releases are read-only for every group (ACL); they are created by approval
    # and changed by the methods below only, as superuser (``sudo()`` after checking the
    # caller); no context key opens them.
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(self.env._("Credit releases are created by approving a release on the document."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            raise AccessError(self.env._("A credit release cannot be changed; cancel it and approve a new one."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("Credit releases are kept on record: cancel them instead of deleting them."))

    # ------------------------------------------------------------------
    # Who is asked, who approves
    # ------------------------------------------------------------------
    @api.model
    def _get_approvers(self, document):
        """Users to ask for a release of ``document``: the company's credit release approver
        if set, else every Credit Manager of the company (``res.company._ar_get_credit_approvers``);
        never its salesperson."""
        return document.company_id._ar_get_credit_approvers() - document._ar_credit_sellers()

    @api.model
    def _request(self, document, message=None):
        """Ask the approvers for a release of ``document`` (note + activities)."""
        document.ensure_one()
        if not document._ar_credit_releasable():
            raise UserError(
                self.env._(
                    "%(document)s is not waiting for confirmation or validation: there is nothing to release.",
                    document=document.display_name,
                )
            )
        approvers = self._get_approvers(document)
        if not approvers:
            raise UserError(
                self.env._(
                    "No Credit Manager can release %(document)s in %(company)s: ask an administrator to appoint one.",
                    document=document.display_name,
                    company=document.company_id.name,
                )
            )
        note = "\n".join(
            [
                self.env._(
                    "%(user)s asks for a release of %(document)s.",
                    user=self.env.user.name,
                    document=document.display_name,
                )
            ]
            + ["- " + reason["message"] for reason in document._ar_hold_reasons()]
            + ([message.strip()] if message and message.strip() else [])
        )
        document.message_post(body=note, subtype_xmlid="mail.mt_note")
        self.env["ar.collection.followup"]._schedule_hold_activities(
            document, approvers, self.env._("Credit release requested"), note
        )
        return True

    # ------------------------------------------------------------------
    # Approval
    # ------------------------------------------------------------------
    @api.model
    def _check_can_approve(self, document):
        """Only a Credit Manager releases a hold, and never on his own sale: not when he is,
        was or created the document's order as its salesperson (reassigning the order to
        someone else for the approval does not help)."""
        if self.env.su:
            return
        user = self.env.user
        if not user.has_group(CREDIT_MANAGER_GROUP):
            raise AccessError(self.env._("Only a Credit Manager can release a credit hold."))
        if user in document._ar_credit_sellers():
            raise AccessError(
                self.env._(
                    "You are or were the salesperson of %(document)s: another Credit Manager must release it.",
                    document=document.display_name,
                )
            )

    @api.model
    def _approve(self, document, reason, expiry_date=False):
        """Approve a one-time release of ``document`` (a sale order or a delivery).

        A previous release of the same document still waiting to be used is cancelled.
        """
        document.ensure_one()
        self._check_can_approve(document)
        if not (reason or "").strip():
            raise UserError(self.env._("A reason is required to release a credit hold."))
        today = fields.Date.context_today(self)
        if expiry_date and fields.Date.to_date(expiry_date) < today:
            raise UserError(self.env._("The expiry date of a release cannot be in the past."))
        if not document._ar_credit_releasable():
            raise UserError(
                self.env._(
                    "%(document)s is not waiting for confirmation or validation: there is nothing to release.",
                    document=document.display_name,
                )
            )
        field = document._ar_release_field()
        # sudo: releases are written only through these methods (the guard above checked the approver)
        Release = self.sudo()
        previous = Release.search([(field, "=", document.id), ("state", "=", "approved")])
        previous.write({"state": "cancelled"})
        reasons = [reason["message"] for reason in document._ar_hold_reasons()]
        release = Release.create(
            {
                field: document.id,
                **document._ar_release_scope(),
                "company_id": document.company_id.id,
                "reason": reason.strip(),
                "hold_reasons": "\n".join(reasons) or False,
                "salesperson_id": document._ar_credit_salesperson().id,
                "approved_by_id": self.env.user.id,
                "approval_date": fields.Datetime.now(),
                "expiry_date": expiry_date or False,
            }
        )
        partner = release.partner_id
        body = self.env._(
            "Credit hold released for %(document)s by %(user)s: %(reason)s",
            document=document.display_name,
            user=self.env.user.name,
            reason=release.reason,
        )
        if release.expiry_date:
            body = self.env._(
                "%(body)s (valid until %(date)s)", body=body, date=format_date(self.env, release.expiry_date)
            )
        # sudo: a Credit Manager may only read the document and the customer; the notes are part of
        # their history (author stays the approver)
        document.sudo().message_post(body=body, author_id=self.env.user.partner_id.id)
        # on the customer: a note of this company's credit control only (customers may be shared)
        partner._ar_post_company_note(body, company=release.company_id)
        self.env["ar.collection.followup"]._close_hold_activities(document, self.env._("Release approved."))
        return release

    def action_cancel(self):
        if not self.env.su and not self.env.user.has_group(CREDIT_MANAGER_GROUP):
            raise AccessError(self.env._("Only a Credit Manager can cancel a credit release."))
        if any(release.state != "approved" for release in self):
            raise UserError(self.env._("Only a release not yet used can be cancelled."))
        # sudo: releases are read-only for everyone (ACL); only these methods change them
        self.sudo().write({"state": "cancelled"})
        for release in self:
            document = release._ar_document()
            # sudo: see _approve
            document.sudo().message_post(
                body=self.env._("Credit release cancelled by %(user)s.", user=self.env.user.name),
                author_id=self.env.user.partner_id.id,
            )
        return True

    # ------------------------------------------------------------------
    # Use
    # ------------------------------------------------------------------
    def _is_valid_for(self, document, today=None):
        """Whether this approved release may let ``document`` through today."""
        self.ensure_one()
        today = today or fields.Date.context_today(self)
        if self.state != "approved" or (self.expiry_date and self.expiry_date < today):
            return False
        return self._ar_release_covers(document)

    def _ar_release_covers(self, document):
        """Whether the release covers ``document`` as it is now: the one document it was
        approved for, with the customer, invoiced customer, currency and at most the amount
        approved, and an approver who never became its salesperson."""
        return not self._ar_release_mismatch(document)

    def _ar_release_note(self, document):
        """The line the hold message adds about this release (``self``, possibly empty) of
        ``document``: it expired, or why it does not cover the document as it is now; or ``False``."""
        if not self:
            return False
        if self.state == "approved" and self.expiry_date and self.expiry_date < fields.Date.context_today(self):
            return self.env._(
                "The release approved by %(user)s expired on %(date)s.",
                user=self.approved_by_id.name,
                date=format_date(self.env, self.expiry_date),
            )
        return self._ar_release_mismatch(document)

    def _ar_release_mismatch(self, document):
        """Why this release does not cover ``document`` as it is now (translated), or ``False``."""
        self.ensure_one()
        if self[document._ar_release_field()].id != document._origin.id:
            return self.env._("The release is for another document.")
        scope = document._ar_release_scope()
        if scope["partner_id"] != self.partner_id.id or (
            self.invoice_partner_id and scope.get("invoice_partner_id") != self.invoice_partner_id.id
        ):
            return self.env._(
                "The release approved by %(user)s was for %(partner)s; the customer has changed since.",
                user=self.approved_by_id.name,
                partner=self.partner_id.display_name,
            )
        if self.currency_id and scope.get("currency_id") != self.currency_id.id:
            return self.env._(
                "The release approved by %(user)s was for an order in %(currency)s; the currency has changed since.",
                user=self.approved_by_id.name,
                currency=self.currency_id.name,
            )
        if (
            self.currency_id
            and float_compare(scope.get("amount", 0.0), self.amount, precision_rounding=self.currency_id.rounding) > 0
        ):
            return self.env._(
                "The release approved by %(user)s was for a total of %(amount)s; the order is now larger.",
                user=self.approved_by_id.name,
                amount=formatLang(self.env, self.amount, currency_obj=self.currency_id),
            )
        if self.approved_by_id in document._ar_credit_sellers():
            return self.env._(
                "The release was approved by %(user)s, who is or was the salesperson of the order since: "
                "another Credit Manager must release it.",
                user=self.approved_by_id.name,
            )
        return False

    @api.model
    def _get_releases(self, documents, states=("approved",)):
        """Latest releases of ``documents`` in ``states``, by document id (one query)."""
        if not documents:
            return {}
        field = documents._ar_release_field()
        # sudo: the check reads the releases whoever confirms (salesperson, portal, payment callback)
        releases = self.sudo().search([(field, "in", documents._origin.ids), ("state", "in", list(states))])
        result = {}
        for release in releases:
            result.setdefault(release[field].id, release)
        return result

    def _mark_used(self):
        # sudo: the salesperson or the stock user who confirms does not write releases himself
        self.sudo().write(
            {
                "state": "used",
                "used_date": fields.Datetime.now(),
                "used_by_id": self.env.user.id,
            }
        )

    @api.model
    def _cron_expire_releases(self):
        """Mark approved releases past their expiry date as expired (daily)."""
        expired = self.sudo().search(
            [
                ("state", "=", "approved"),
                ("expiry_date", "!=", False),
                ("expiry_date", "<", fields.Date.context_today(self)),
            ]
        )
        expired.write({"state": "expired"})
        return True
