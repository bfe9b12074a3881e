from odoo import Command

from .common import ArCollectionsCommon


class ArWorkspaceCommon(ArCollectionsCommon):
    """A customer with two overdue invoices, the default contact results, collectors in
    Shanghai time."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.tz = "Asia/Shanghai"
        (cls.collector | cls.credit_manager | cls.salesman).write({"tz": "Asia/Shanghai"})
        cls.collector_2 = cls.env["res.users"].create(
            {
                "name": "Collector Wu",
                "login": "ar_collector_2",
                "tz": "Asia/Shanghai",
                "company_id": cls.company.id,
                "company_ids": [Command.set(cls.company.ids)],
                "groups_id": [
                    Command.set(
                        [cls.env.ref("base.group_user").id, cls.env.ref("ar_collections.group_ar_collections_user").id]
                    )
                ],
            }
        )
        cls.company.write({"ar_promise_grace_days": 3})
        # invoice 1: 1,000 due 1 February 2026; invoice 2: 500 due 15 February 2026
        cls.invoice_1 = cls.ar_invoice(cls.customer, 1000.0, "2026-01-02", "2026-02-01")
        cls.invoice_2 = cls.ar_invoice(cls.customer, 500.0, "2026-01-16", "2026-02-15")
        ref = cls.env.ref
        cls.result_promise = ref("ar_collections.ar_collection_result_promise")
        cls.result_paid = ref("ar_collections.ar_collection_result_already_paid")
        cls.result_waiting = ref("ar_collections.ar_collection_result_waiting_customer")
        cls.result_no_invoice = ref("ar_collections.ar_collection_result_invoice_not_received")
        cls.result_dispute = ref("ar_collections.ar_collection_result_dispute")
        cls.result_extension = ref("ar_collections.ar_collection_result_extension")
        cls.result_no_answer = ref("ar_collections.ar_collection_result_no_answer")
        cls.result_reminded = ref("ar_collections.ar_collection_result_reminded")

    def log_contact(self, user=None, **vals):
        """Log a contact with the customer as ``user`` (default: the collector)."""
        values = {
            "partner_id": self.customer.id,
            "channel": "phone",
            "result_id": self.result_reminded.id,
            "invoice_ids": [Command.set((self.invoice_1 | self.invoice_2).ids)],
            "amount_requested": 1500.0,
        }
        values.update(vals)
        return self.env["ar.collection.log"].with_user(user or self.collector).create(values)
