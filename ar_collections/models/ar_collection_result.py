from odoo import fields, models

NEXT_STEPS = [
    ("none", "Follow the stage cadence"),
    ("retry_next_business_day", "Retry the next business day"),
    ("require_promise", "Record a promise to pay"),
    ("open_dispute", "Open a dispute"),
    ("request_extension", "Record an extension request"),
    ("resend_invoice", "Resend the invoices"),
    ("check_payments", "Ask remittance details and check unreconciled payments"),
    ("restate_terms", "Restate the agreed terms"),
]


class ArCollectionResult(models.Model):
    """What came out of a contact with a customer, and what the collector does next
    (the credit policy's usual answers: "already paid", "waiting for our own customer", "invoice not received" ...)."""

    _name = "ar.collection.result"
    _description = "Collection Contact Result"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, help="Empty: the result is available in every company.")
    next_step = fields.Selection(
        NEXT_STEPS,
        required=True,
        default="none",
        help="What logging a contact with this result requires and does next.",
    )
    next_followup_days = fields.Integer(
        string="Next Follow-up (days)",
        help="Days until the next follow-up of the customer. 0: the cadence of the customer's collection stage.",
    )
    customer_reached = fields.Boolean(default=True, help="The collector spoke to (or was answered by) the customer.")
    instructions = fields.Text(
        translate=True, help="What to ask or say when the customer gives this answer, shown when logging the contact."
    )

    _sql_constraints = [
        (
            "next_followup_days_positive",
            "CHECK(next_followup_days >= 0)",
            "The days until the next follow-up cannot be negative.",
        ),
    ]
