from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError


class ArCustomerRequestMixin(models.AbstractModel):
    """What a customer's word about his invoices shares, whether a promise to pay, a dispute
    or a request to pay later: the customer (always a commercial partner, fixed once
    recorded), the company, the contact it was recorded on, the invoices it concerns (all of
    that customer), a state written only by the record's own checked methods, terms fixed
    once it is decided, and a life on record (never deleted).

    Inheriting models (put this mixin first in ``_inherit``, so that its checks run before
    those of ``mail.thread``) define ``invoice_ids`` and ``state``, set the class attributes
    below and return their own messages from ``_ar_request_message``.

    The rules hold on every ``create``/``write`` (RPC endpoints, whatever the context); the
    superuser (the checked methods writing with ``sudo()``) is not held by the state guard and
    the fixed terms."""

    _name = "ar.customer.request.mixin"
    _description = "Customer Request on Invoices"

    _ar_open_state = "open"  # the state of a request not yet decided, the only one a user may create
    _ar_guarded_fields = ("state", "company_id", "log_id")  # written by the record's checked methods only
    _ar_create_fields = ("company_id", "log_id")  # of the guarded fields, those a new record may be given
    _ar_term_fields = ("partner_id", "invoice_ids")  # fixed once the request left its open state

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, domain="[('is_company', '=', True)]"
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    log_id = fields.Many2one("ar.collection.log", string="Contact", index="btree_not_null", readonly=True)

    def _ar_request_message(self, key, **params):
        """The model's wording of a refusal (overridden by each model), for ``key``:

        - ``guarded``: a guarded field written directly
        - ``decided``: a term of a decided request changed
        - ``customer_fixed``: the customer changed
        - ``no_invoice``: no invoice
        - ``other_invoices``: invoices of another customer (``partner``)
        - ``other_contact``: recorded on a contact with another customer (``partner``)
        - ``never_deleted``: a deletion
        """
        raise NotImplementedError

    # ------------------------------------------------------------------
    # CRUD: the customer, the guarded fields, the fixed terms
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._ar_check_guarded_write(vals, new=True)
            if vals.get("partner_id"):
                vals["partner_id"] = self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id.id
        records = super().create(vals_list)
        records._ar_check_request()
        return records

    def write(self, vals):
        self._ar_check_guarded_write(vals)
        if not self.env.su:
            if set(vals) & set(self._ar_term_fields) and any(r.state != self._ar_open_state for r in self):
                raise UserError(self._ar_request_message("decided"))
            self._ar_check_write_values(vals)
        if "partner_id" in vals:
            self._ar_check_same_customer(vals["partner_id"])
        res = super().write(vals)
        if {"partner_id", "invoice_ids", "log_id"} & set(vals):
            self._ar_check_request()
        return res

    def _ar_check_guarded_write(self, vals, new=False):
        """The guarded fields (the state, the figures of the decision) are written by the
        record's checked methods only (superuser mode), whatever the context; a new record
        may be given its company and contact (checked by ``_ar_check_request``) and the open
        state."""
        if self.env.su:
            return
        guarded = set(self._ar_guarded_fields)
        if new:
            guarded -= set(self._ar_create_fields)
            if vals.get("state", self._ar_open_state) == self._ar_open_state:
                guarded.discard("state")
        if guarded & set(vals):
            raise AccessError(self._ar_request_message("guarded"))

    def _ar_check_write_values(self, vals):
        """More checks of what a user writes (overridable hook, e.g. dates)."""

    def _ar_check_same_customer(self, partner_id):
        """The customer of a record is fixed (moving it would pause another customer's dunning)."""
        partner = self.env["res.partner"].browse(partner_id).commercial_partner_id
        if any(record.partner_id != partner for record in self):
            raise UserError(self._ar_request_message("customer_fixed"))

    def _ar_check_request(self):
        """Rules of a request, on create and on every write: invoices of its customer, the
        contact it was recorded on about the same customer."""
        for record in self:
            if not record.invoice_ids:
                raise ValidationError(record._ar_request_message("no_invoice"))
            if record.invoice_ids.commercial_partner_id != record.partner_id:
                raise ValidationError(record._ar_request_message("other_invoices", partner=record.partner_id.name))
            if record.log_id and record.log_id.partner_id != record.partner_id:
                raise ValidationError(record._ar_request_message("other_contact", partner=record.partner_id.name))

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        if not self.env.su:
            raise UserError(self._ar_request_message("never_deleted"))
