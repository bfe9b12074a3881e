from odoo import api, models
from odoo.exceptions import UserError

from odoo.addons.ar_collections.tools.amount_to_chinese import amount_to_chinese


class ArCustomerDocumentMixin(models.AbstractModel):
    """What the documents sent to a customer (dunning letters, statements) share: a number
    from their sequence, a frozen content once sent, and the helpers their Chinese print
    needs. Inheriting models set the class attributes below and ``_ar_locked_message``."""

    _name = "ar.customer.document.mixin"
    _description = "Document Sent to a Customer"

    _ar_sequence_code = None      # ir.sequence code numbering the documents
    _ar_locked_fields = ()        # fields that cannot change once the document left draft
    _ar_amount_field = None       # the amount printed in Chinese capital numerals

    def _ar_locked_message(self):
        raise NotImplementedError

    @api.depends("name", "partner_id")
    def _compute_display_name(self):
        for document in self:
            document.display_name = f"{document.name} {document.partner_id.name or ''}".strip()

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code(
                    self._ar_sequence_code, sequence_date=vals.get("date")) or "/"
        return super().create(vals_list)

    def write(self, vals):
        if set(vals) & set(self._ar_locked_fields) and any(document.state != "draft" for document in self):
            raise UserError(self._ar_locked_message())
        return super().write(vals)

    def _ar_amount_in_chinese(self):
        """The document's amount in Chinese capital numerals (大写)."""
        self.ensure_one()
        return amount_to_chinese(self[self._ar_amount_field])

    def _ar_is_chinese(self):
        self.ensure_one()
        return (self.partner_id.lang or "").startswith("zh")
