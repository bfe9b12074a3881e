from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    ar_bucket_1_days = fields.Integer(string="Aging Bucket 1 (days)", default=30)
    ar_bucket_2_days = fields.Integer(string="Aging Bucket 2 (days)", default=60)
    ar_bucket_3_days = fields.Integer(string="Aging Bucket 3 (days)", default=90)
    ar_default_collector_id = fields.Many2one(
        "res.users", string="Default Collector",
        help="Collector of customers that have none of their own.")

    @api.constrains("ar_bucket_1_days", "ar_bucket_2_days", "ar_bucket_3_days")
    def _check_ar_buckets(self):
        for company in self:
            if not 0 < company.ar_bucket_1_days < company.ar_bucket_2_days < company.ar_bucket_3_days:
                raise ValidationError(self.env._(
                    "Aging bucket limits must be positive and increasing (e.g. 30, 60, 90 days)."))

    # Credit holds (issue 4)
    ar_credit_approver_id = fields.Many2one(
        "res.users", string="Credit Release Approver",
        help="Credit Manager asked to release held orders and deliveries. Empty: every Credit Manager "
             "of the company.")
    # --- Scheduled reports (reports feature) ---
    ar_report_recipient_ids = fields.Many2many(
        "res.partner", "res_company_ar_report_recipient_rel", "company_id", "partner_id",
        string="Collection Report Recipients",
        help="Receive the weekly overdue report (Fridays) and the monthly aging analysis (1st of the month).")
