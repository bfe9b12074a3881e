from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import format_date


class ArAgingReportWizard(models.TransientModel):
    """Options of the collection reports: aging analysis (PDF/XLSX), overdue report
    (PDF/XLSX) and customer debt detail table (XLSX)."""

    _name = "ar.aging.report.wizard"
    _description = "Collection Report Options"

    report_kind = fields.Selection(
        [("aging", "Aging Analysis"), ("overdue", "Overdue Report"), ("debt_detail", "Customer Debt Detail")],
        string="Report",
        required=True,
        default="aging",
    )
    date = fields.Date(
        string="As of",
        required=True,
        default=fields.Date.context_today,
        help="Receivables as they stood at the end of this day: payments and reconciliations made later are ignored.",
    )
    company_ids = fields.Many2many(
        "res.company",
        string="Companies",
        required=True,
        default=lambda self: self.env.companies,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
    )
    user_ids = fields.Many2many(
        "res.users",
        "ar_aging_report_wizard_salesperson_rel",
        string="Salespeople",
        help="Customers whose salesperson is one of these.",
    )
    collector_ids = fields.Many2many(
        "res.users",
        "ar_aging_report_wizard_collector_rel",
        string="Collectors",
        help="Customers followed by one of these collectors.",
    )
    grade_ids = fields.Many2many("ar.credit.grade", string="Credit Grades")
    partner_ids = fields.Many2many("res.partner", string="Customers")
    show_detail = fields.Boolean(string="Invoice Detail", help="List the open invoices of each customer.")
    output = fields.Selection([("pdf", "PDF"), ("xlsx", "Excel (XLSX)")], required=True, default="pdf")

    @api.constrains("date")
    def _check_date(self):
        for wizard in self:
            self._ar_check_as_of_date(wizard.date)

    @api.model
    def _ar_check_as_of_date(self, date):
        """Receivables are known up to today: an aging as of a later day would show today's as if
        they were that day's. Also checked by the report itself (it can be called without this
        wizard)."""
        date = fields.Date.to_date(date)
        today = fields.Date.context_today(self)
        if date and date > today:
            raise ValidationError(
                self.env._(
                    "The aging analysis cannot be made as of %(date)s: that day has not come yet (today is "
                    "%(today)s). Choose today or an earlier day.",
                    date=format_date(self.env, date),
                    today=format_date(self.env, today),
                )
            )

    @api.onchange("report_kind")
    def _onchange_report_kind(self):
        if self.report_kind == "debt_detail":
            self.output = "xlsx"

    def _prepare_options(self):
        self.ensure_one()
        return {
            "date": fields.Date.to_string(self.date),
            "company_ids": self.company_ids.ids,
            "user_ids": self.user_ids.ids,
            "collector_ids": self.collector_ids.ids,
            "grade_ids": self.grade_ids.ids,
            "partner_ids": self.partner_ids.ids,
            "show_detail": self.show_detail,
            "overdue_only": self.report_kind == "overdue",
        }

    def _get_xlsx_content(self):
        """(file name, bytes) of the spreadsheet of the chosen report."""
        self.ensure_one()
        options = self._prepare_options()
        if self.report_kind == "aging":
            options["show_detail"] = True  # the spreadsheet always carries its detail sheet
        data = self.env["report.ar_collections.report_ar_aging"]._get_aging_data(options)
        Xlsx = self.env["ar.report.xlsx"]
        builder, name = {
            "aging": (Xlsx._aging_xlsx, self.env._("Aged Receivables")),
            "overdue": (Xlsx._overdue_xlsx, self.env._("Overdue Customers")),
            "debt_detail": (Xlsx._debt_detail_xlsx, self.env._("Customer Debt Detail")),
        }[self.report_kind]
        return f"{name} {self.date}.xlsx", builder(data)

    def action_print(self):
        self.ensure_one()
        if self.output == "pdf":
            if self.report_kind == "debt_detail":
                raise UserError(self.env._("The customer debt detail table is a spreadsheet: choose Excel."))
            report = self.env.ref(
                {
                    "aging": "ar_collections.ar_aging_report_action_pdf",
                    "overdue": "ar_collections.ar_overdue_report_action_pdf",
                }[self.report_kind]
            )
            action = report.report_action(self, data={"options": self._prepare_options()})
            action["close_on_report_download"] = True  # the options dialog closes once the PDF is downloaded
            return action
        name, content = self._get_xlsx_content()
        attachment = self.env["ir.attachment"].create(
            {
                "name": name,
                "raw": content,
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "download",
        }
