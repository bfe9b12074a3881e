from odoo import api, fields, models


class ArCreditProfileHistory(models.Model):
    """One change of a customer's credit profile in one company (grade, credit period,
    limit, collector, blacklist): who, when, from what to what, and why.

    The credit profile is per company while the customer is shared: its history is kept
    here, under the company's record rule, not in the customer's chatter that every
    company reads. Written only by ``res.partner`` once the change was allowed."""

    _name = "ar.credit.profile.history"
    _description = "Credit Profile Change"
    _order = "date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    user_id = fields.Many2one("res.users", string="Changed By", readonly=True)
    kind = fields.Selection(
        [("change", "Change"), ("blacklist", "Blacklisted"), ("release", "Released from Blacklist")],
        required=True,
        default="change",
        readonly=True,
    )
    field_name = fields.Selection(
        [
            ("credit_grade_id", "Credit Grade"),
            ("ar_credit_days", "Credit Period (days)"),
            ("credit_limit", "Credit Limit"),
            ("collector_id", "Collector"),
            ("credit_blacklisted", "Blacklisted"),
        ],
        string="Field",
        readonly=True,
    )
    old_value = fields.Char(readonly=True)
    new_value = fields.Char(readonly=True)
    note = fields.Text(string="Reason", readonly=True)

    requested_by_id = fields.Many2one("res.users", readonly=True)
    approved_by_id = fields.Many2one("res.users", readonly=True)
    limit_request_id = fields.Many2one(
        "ar.credit.limit.request", string="Change Request", readonly=True, index="btree_not_null"
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("kind", "change") == "change" and vals.get("user_id"):
                vals.setdefault("requested_by_id", vals["user_id"])
                vals.setdefault("approved_by_id", vals["user_id"])
        return super().create(vals_list)
