from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..const import COLLECTIONS_USER_GROUP
from .ar_collection_log import DISPUTE_REASONS


class ArDispute(models.Model):
    """A customer disputes one or more invoices (争议): they are left out of dunning until
    the dispute is resolved."""

    _name = "ar.dispute"
    _description = "Invoice Dispute"
    _inherit = ["ar.customer.request.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "create_date desc, id desc"
    _check_company_auto = True

    # the resolution is written by the Resolve and Reopen buttons only
    _ar_guarded_fields = ("state", "resolved_date", "resolved_user_id", "company_id", "log_id")

    user_id = fields.Many2one(
        "res.users", string="Responsible", default=lambda self: self.env.user, index=True, tracking=True
    )
    invoice_ids = fields.Many2many(
        "account.move",
        "ar_dispute_invoice_rel",
        "dispute_id",
        "move_id",
        string="Invoices",
        required=True,
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), ('move_type', '=', 'out_invoice'), "
        "('state', '=', 'posted')]",
    )
    amount = fields.Monetary(
        string="Disputed Invoices Due",
        currency_field="currency_id",
        compute="_compute_amount",
        help="Amount still due on the disputed invoices.",
    )
    reason = fields.Selection(DISPUTE_REASONS, required=True, tracking=True)
    description = fields.Text(string="Customer's Complaint")
    state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved")],
        default="open",
        required=True,
        tracking=True,
        index=True,
        readonly=True,
    )
    resolution = fields.Text(string="Resolution Notes", tracking=True)
    resolved_date = fields.Date(readonly=True, copy=False)
    resolved_user_id = fields.Many2one("res.users", string="Resolved By", readonly=True, copy=False)

    @api.depends("invoice_ids.amount_residual_signed")
    def _compute_amount(self):
        for dispute in self:
            dispute.amount = sum(dispute.invoice_ids.mapped("amount_residual_signed"))

    @api.depends("partner_id", "reason")
    def _compute_display_name(self):
        reasons = dict(self._fields["reason"]._description_selection(self.env))
        for dispute in self:
            dispute.display_name = self.env._(
                "%(partner)s: %(reason)s", partner=dispute.partner_id.name or "", reason=reasons.get(dispute.reason, "")
            )

    def _ar_request_message(self, key, **params):
        messages = {
            "guarded": lambda: self.env._("Disputes are resolved or reopened with their buttons only."),
            "decided": lambda: self.env._("The invoices of a resolved dispute cannot be changed."),
            "customer_fixed": lambda: self.env._(
                "The customer of a dispute cannot be changed: open a new dispute instead."
            ),
            "no_invoice": lambda: self.env._("A dispute concerns at least one invoice."),
            "other_invoices": lambda: self.env._("The disputed invoices must be invoices of %(partner)s.", **params),
            "other_contact": lambda: self.env._(
                "A dispute of %(partner)s cannot be recorded on a contact with another customer.", **params
            ),
            "never_deleted": lambda: self.env._("Disputes are never deleted: resolve them with a note."),
        }
        return messages[key]()

    @api.model_create_multi
    def create(self, vals_list):
        disputes = super().create(vals_list)
        for dispute in disputes:
            dispute.message_post(
                body=self.env._(
                    "Dispute opened on %(invoices)s: dunning of these invoices is paused until it is resolved.",
                    invoices=", ".join(dispute.invoice_ids.mapped("name")),
                )
            )
        return disputes

    def _ar_check_resolver(self):
        if not self.env.su and not self.env.user.has_group(COLLECTIONS_USER_GROUP):
            raise AccessError(self.env._("Only collectors and credit managers resolve disputes."))

    def action_resolve(self):
        """Resolve the disputes (the resolution notes are required): dunning of their
        invoices resumes."""
        self._ar_check_resolver()
        for dispute in self:
            if dispute.state != "open":
                raise UserError(
                    self.env._("The dispute %(dispute)s is already resolved.", dispute=dispute.display_name)
                )
            if not (dispute.resolution or "").strip():
                raise UserError(
                    self.env._(
                        "Write the resolution notes before resolving the dispute %(dispute)s.",
                        dispute=dispute.display_name,
                    )
                )
        # sudo: the resolution is written here only, after _ar_check_resolver
        self.sudo().write(
            {
                "state": "resolved",
                "resolved_date": fields.Date.context_today(self),
                "resolved_user_id": self.env.user.id,
            }
        )
        return True

    def action_reopen(self):
        self._ar_check_resolver()
        # sudo: see action_resolve (the caller was checked by _ar_check_resolver)
        self.filtered(lambda d: d.state == "resolved").sudo().write(
            {"state": "open", "resolved_date": False, "resolved_user_id": False}
        )
        return True

    @api.model
    def _ar_get_paused_invoice_ids(self, company):
        """Invoices of ``company`` in an open dispute: left out of dunning."""
        disputes = self.search([("company_id", "=", company.id), ("state", "=", "open")])
        return set(disputes.invoice_ids.ids)
