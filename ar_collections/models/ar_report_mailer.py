"""Scheduled collection reports: the weekly overdue report (every Friday) and the monthly aging
analysis (first day of the month, as of the end of the previous month), mailed as PDF and XLSX
to the recipients set in the settings of each company."""

import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

_logger = logging.getLogger(__name__)


class ArReportMailer(models.AbstractModel):
    _name = "ar.report.mailer"
    _description = "Collection Reports: Scheduled Mailing"

    @api.model
    def _cron_send_weekly_overdue_report(self):
        today = fields.Date.context_today(self)
        self._ar_send_scheduled_reports("overdue", today)

    @api.model
    def _cron_send_monthly_aging_report(self):
        month_end = fields.Date.context_today(self) + relativedelta(day=1, days=-1)
        self._ar_send_scheduled_reports("aging", month_end)

    @api.model
    def _ar_send_scheduled_reports(self, kind, date):
        """One mail per company that has recipients; a company that fails is logged and skipped."""
        companies = self.env["res.company"].search([("ar_report_recipient_ids", "!=", False)])
        mails = self.env["mail.mail"]
        for company in companies:
            try:
                with self.env.cr.savepoint():
                    mails |= self.with_company(company)._ar_send_report(kind, company, date)
            except Exception:
                _logger.exception("Collection report %s of company %s could not be sent", kind, company.name)
        return mails

    @api.model
    def _ar_render_report(self, kind, company, date):
        """[(file name, bytes, mimetype)] of the PDF and the XLSX of the report."""
        Report = self.env["report.ar_collections.report_ar_aging"]
        options = Report._ar_default_options(date=date, company_ids=company.ids)
        options.update(overdue_only=kind == "overdue", show_detail=kind == "aging")
        report_ref = {
            "aging": "ar_collections.ar_aging_report_action_pdf",
            "overdue": "ar_collections.ar_overdue_report_action_pdf",
        }[kind]
        content, report_type = self.env["ir.actions.report"]._render_qweb_pdf(report_ref, data={"options": options})
        data = Report._get_aging_data(options)
        Xlsx = self.env["ar.report.xlsx"]
        xlsx = Xlsx._aging_xlsx(data) if kind == "aging" else Xlsx._overdue_xlsx(data)
        name = self._ar_report_name(kind, date)
        return [
            (f"{name}.{report_type}", content, "application/pdf" if report_type == "pdf" else "text/html"),
            (f"{name}.xlsx", xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ]

    @api.model
    def _ar_report_name(self, kind, date):
        if kind == "aging":
            return self.env._("Aged Receivables %(date)s", date=fields.Date.to_string(date))
        return self.env._("Overdue Customers %(date)s", date=fields.Date.to_string(date))

    @api.model
    def _ar_send_report(self, kind, company, date):
        files = self._ar_render_report(kind, company, date)
        attachments = self.env["ir.attachment"].create(
            [
                {
                    "name": name,
                    "raw": content,
                    "mimetype": mimetype,
                    "res_model": "res.company",
                    "res_id": company.id,
                }
                for name, content, mimetype in files
            ]
        )
        name = self._ar_report_name(kind, date)
        body = self.env._(
            "<p>Please find attached the report %(name)s of %(company)s, as PDF and as a spreadsheet.</p>",
            name=name,
            company=company.name,
        )
        return self.env["mail.mail"].create(
            {
                "subject": f"{company.name}: {name}",
                "body_html": body,
                "email_from": company.email_formatted or self.env.user.email_formatted,
                "recipient_ids": [fields.Command.set(company.ar_report_recipient_ids.ids)],
                "attachment_ids": [fields.Command.set(attachments.ids)],
                "auto_delete": False,
            }
        )
