from odoo import models


class ArCustomerLinkMixin(models.AbstractModel):
    """A document that carries its customer's link (``ar.customer.link``) in its text: a
    dunning letter, a reminder e-mail.

    The link is made when the document is printed or sent (``_ar_make_customer_links``, called
    by the print and send methods after they checked their caller), never while it is
    rendered: a preview, or a reprint from the Print menu by an auditor, shows the link the
    document already has and makes none. Inheriting models have ``partner_id`` and
    ``company_id``."""

    _name = "ar.customer.link.mixin"
    _description = "Document with a Customer Link"

    def _ar_make_customer_links(self):
        """Make the valid link of each document of ``self`` that has none. Private: reached
        from the print and send methods only."""
        return self.env["ar.customer.link"]._ar_get_links(self)

    def _ar_customer_link_url(self):
        """The address of the document's valid link, for its text; empty before the document
        was printed or sent (a preview), once its link expired, and without a customer."""
        self.ensure_one()
        if not self.id or not self.partner_id:
            return ""
        link = self.env["ar.customer.link"]._ar_valid_links(self).get(self.id)
        return link._ar_url() if link else ""
