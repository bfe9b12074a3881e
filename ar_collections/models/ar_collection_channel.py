from odoo import fields, models


class ArCollectionChannel(models.Model):
    """A way of reaching a customer (phone, email, letter, visit, SMS, fax), used by
    collection stages and by the contact log."""

    _name = "ar.collection.channel"
    _description = "Collection Channel"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Selection(
        [
            ("phone", "Phone"),
            ("email", "Email"),
            ("letter", "Letter"),
            ("visit", "Visit"),
            ("sms", "SMS"),
            ("fax", "Fax"),
        ],
        required=True,
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_uniq", "unique(code)", "A collection channel with this code already exists."),
    ]
