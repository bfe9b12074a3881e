from odoo import models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _check_amount_and_confirm_order(self):
        """An order held by the credit check stays a quotation after its online payment: it
        is not among the confirmed orders (the customer gets the "payment received" mail,
        not the order confirmation)."""
        confirmed_orders = super()._check_amount_and_confirm_order()
        return confirmed_orders.filtered(lambda order: order.state == "sale")
