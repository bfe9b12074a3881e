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
    # ------------------------------------------------------------------
    # Aging engine and collection stages (collections run feature)
    # ------------------------------------------------------------------
    ar_credit_manager_user_id = fields.Many2one(
        "res.users", string="Credit Manager (user)",
        help="Owner of follow-ups in stages owned by the credit manager, and of key customers with long aging.")
    ar_legal_user_id = fields.Many2one(
        "res.users", string="Legal Officer", help="Owner of follow-ups in stages owned by legal.")
    ar_key_amount_threshold = fields.Monetary(
        string="Key Customer Amount", currency_field="currency_id", default=50000.0,
        help="Customers owing at least this amount (open receivable) follow the key procedure.")
    ar_long_aging_days = fields.Integer(
        string="Long Aging (days)", default=60,
        help="Customers whose oldest unpaid invoice is at least this many days overdue have a long aging.")
    ar_collection_batch_size = fields.Integer(
        string="Collections Batch Size", default=500,
        help="Customers processed per batch (and committed together) by the nightly collections run.")

    @api.constrains("ar_key_amount_threshold", "ar_long_aging_days", "ar_collection_batch_size")
    def _check_ar_collection_settings(self):
        for company in self:
            if company.ar_key_amount_threshold < 0 or company.ar_long_aging_days < 0:
                raise ValidationError(self.env._(
                    "The key customer amount and the long aging days cannot be negative."))
            if company.ar_collection_batch_size <= 0:
                raise ValidationError(self.env._("The collections batch size must be positive."))

    def _ar_get_today(self):
        """The company's today: the date in the company's timezone (its partner's tz),
        else in the current user's timezone."""
        self.ensure_one()
        tz = self.partner_id.tz or self.env.user.tz or "UTC"
        return fields.Date.context_today(self.with_context(tz=tz)), tz

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._ar_create_default_stages()
        return companies

    def _ar_create_default_stages(self):
        """Give the companies of ``self`` without any stage (or all companies, on an
        empty recordset) a copy of the default ladder defined in data."""
        companies = self or self.search([])
        Stage = self.env["ar.collection.stage"].sudo().with_context(active_test=False)
        # sudo: creating a company (or installing) must not depend on the collections rights
        templates = Stage.browse([
            res_id for res_id in self.env["ir.model.data"].sudo().search([
                ("module", "=", "ar_collections"), ("model", "=", "ar.collection.stage")]).mapped("res_id")
        ]).exists().filtered("active").sorted("days_from")
        if not templates:
            return Stage
        with_stages = set(Stage.search([("company_id", "in", companies.ids)]).company_id.ids)
        vals_list = []
        for company in companies.filtered(lambda c: c.id not in with_stages):
            for template in templates:
                vals_list.append(template.copy_data({"company_id": company.id})[0])
        return Stage.create(vals_list)
