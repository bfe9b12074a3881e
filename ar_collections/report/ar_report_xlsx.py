"""Spreadsheets of the collection reports, built with xlsxwriter.

Each builder takes the data of ``report.ar_collections.report_ar_aging._get_aging_data`` and
returns the bytes of an .xlsx file: one formatted table per sheet (frozen header, auto filter,
number formats), totals written as ``SUBTOTAL`` formulas (they follow the filter) with their
computed value cached so that readers which do not evaluate formulas show it too."""

import io

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from odoo import api, fields, models

from ..const import BUCKETS


class ArReportXlsx(models.AbstractModel):
    _name = "ar.report.xlsx"
    _description = "Collection Reports: Spreadsheets"

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    @api.model
    def _xlsx_formats(self, workbook):
        base = {"font_name": "Arial", "font_size": 10, "valign": "top"}
        return {
            "title": workbook.add_format({**base, "bold": True, "font_size": 14}),
            "subtitle": workbook.add_format({**base, "italic": True}),
            "header": workbook.add_format(
                {**base, "bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True, "valign": "vcenter"}
            ),
            "text": workbook.add_format({**base, "border": 1}),
            "wrap": workbook.add_format({**base, "border": 1, "text_wrap": True}),
            "date": workbook.add_format({**base, "border": 1, "num_format": "yyyy-mm-dd"}),
            "int": workbook.add_format({**base, "border": 1, "num_format": "0"}),
            "money": workbook.add_format({**base, "border": 1, "num_format": "#,##0.00;[Red]-#,##0.00"}),
            "total_label": workbook.add_format({**base, "bold": True, "top": 2, "bg_color": "#F2F2F2"}),
            "total_money": workbook.add_format(
                {**base, "bold": True, "top": 2, "bg_color": "#F2F2F2", "num_format": "#,##0.00;[Red]-#,##0.00"}
            ),
            "percent": workbook.add_format({**base, "italic": True, "num_format": "0.0%"}),
        }

    @api.model
    def _xlsx_write_table(self, sheet, formats, first_row, columns, rows, total_label=None):
        """Write a header, the rows and a totals row.

        :param columns: list of dicts: ``label``, ``value`` (callable on a row), ``type``
            (text, wrap, date, int, money), ``width``, ``total`` (bool: SUBTOTAL of the column)
        :returns: (index of the totals row or None, {column index: total value})
        """
        for col, column in enumerate(columns):
            sheet.write(first_row, col, column["label"], formats["header"])
            sheet.set_column(col, col, column.get("width", 12))
        sheet.set_row(first_row, 30)
        row_index = first_row
        totals = {col: 0.0 for col, column in enumerate(columns) if column.get("total")}
        for row in rows:
            row_index += 1
            for col, column in enumerate(columns):
                value = column["value"](row)
                kind = column.get("type", "text")
                if value is None or value is False or value == "":
                    sheet.write_blank(row_index, col, None, formats[kind])
                elif kind == "date":
                    sheet.write_datetime(row_index, col, value, formats["date"])
                elif kind in ("money", "int"):
                    sheet.write_number(row_index, col, value, formats[kind])
                else:
                    sheet.write_string(row_index, col, str(value), formats[kind])
                if col in totals and value:
                    totals[col] += value
        sheet.autofilter(first_row, 0, row_index, len(columns) - 1)
        sheet.freeze_panes(first_row + 1, 1)
        if not total_label:
            return None, totals
        total_row = row_index + 1
        sheet.write(total_row, 0, total_label, formats["total_label"])
        for col in range(1, len(columns)):
            if col in totals:
                if rows:
                    formula = "=SUBTOTAL(9,%s:%s)" % (
                        xl_rowcol_to_cell(first_row + 1, col),
                        xl_rowcol_to_cell(row_index, col),
                    )
                    sheet.write_formula(total_row, col, formula, formats["total_money"], round(totals[col], 2))
                else:
                    sheet.write_number(total_row, col, 0.0, formats["total_money"])
            else:
                sheet.write_blank(total_row, col, None, formats["total_label"])
        return total_row, totals

    @api.model
    def _xlsx_title(self, sheet, formats, title, data):
        sheet.write(0, 0, title, formats["title"])
        companies = ", ".join(section["company"].name for section in data["sections"]) or ", ".join(
            data["companies"].mapped("name")
        )
        subtitle = self.env._(
            "As of %(date)s — %(companies)s", date=fields.Date.to_string(data["date"]), companies=companies
        )
        filters = self.env["report.ar_collections.report_ar_aging"]._ar_filter_description(data["options"])
        if filters:
            subtitle = f"{subtitle} — {filters}"
        sheet.write(1, 0, subtitle, formats["subtitle"])

    @api.model
    def _xlsx_bucket_columns(self, labels, with_total=True):
        columns = []
        if with_total:
            columns.append(
                {
                    "label": self.env._("Total Receivable"),
                    "value": lambda r: r["residual"],
                    "type": "money",
                    "width": 15,
                    "total": True,
                }
            )
        for key in BUCKETS:
            columns.append(
                {"label": labels[key], "value": lambda r, key=key: r[key], "type": "money", "width": 14, "total": True}
            )
        return columns

    @api.model
    def _xlsx_rows(self, data):
        return [row for section in data["sections"] for row in section["rows"]]

    @api.model
    def _xlsx_save(self, build):
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_numbers": False})
        build(workbook, self._xlsx_formats(workbook))
        workbook.close()
        return output.getvalue()

    # ------------------------------------------------------------------
    # Aging analysis
    # ------------------------------------------------------------------
    @api.model
    def _aging_columns(self, data):
        _ = self.env._
        return [
            {"label": _("Customer"), "value": lambda r: r["partner_name"], "width": 30},
            {"label": _("Company"), "value": lambda r: r["company"].name, "width": 18},
            {"label": _("Grade"), "value": lambda r: r["grade"], "width": 10},
            {"label": _("Credit Limit"), "value": lambda r: r["credit_limit"], "type": "money", "width": 14},
            {"label": _("Salesperson"), "value": lambda r: r["salesperson"], "width": 16},
            {"label": _("Collector"), "value": lambda r: r["collector"], "width": 16},
            *self._xlsx_bucket_columns(data["labels"]),
            {"label": _("Overdue"), "value": lambda r: r["overdue"], "type": "money", "width": 14, "total": True},
            {"label": _("Oldest Overdue (days)"), "value": lambda r: r["max_days_overdue"], "type": "int", "width": 10},
        ]

    @api.model
    def _aging_detail_columns(self, data):
        _ = self.env._
        return [
            {"label": _("Customer"), "value": lambda r: r["partner_name"], "width": 30},
            {"label": _("Company"), "value": lambda r: r["company"].name, "width": 18},
            {"label": _("Number"), "value": lambda r: r["name"], "width": 18},
            {"label": _("Reference"), "value": lambda r: r["ref"], "width": 16},
            {"label": _("Date"), "value": lambda r: r["invoice_date"], "type": "date", "width": 11},
            {"label": _("Due Date"), "value": lambda r: r["due_date"], "type": "date", "width": 11},
            {"label": _("Days Overdue"), "value": lambda r: r["days_overdue"], "type": "int", "width": 9},
            *self._xlsx_bucket_columns(data["labels"]),
        ]

    @api.model
    def _aging_xlsx(self, data):
        """Aging analysis: sheet "Aging" (one row per customer, totals and % per bucket) and
        sheet "Detail" (one row per open journal entry)."""

        def build(workbook, formats):
            sheet = workbook.add_worksheet(self.env._("Aging"))
            self._xlsx_title(sheet, formats, self.env._("Aged Receivables Analysis"), data)
            columns = self._aging_columns(data)
            rows = self._xlsx_rows(data)
            total_row, totals = self._xlsx_write_table(sheet, formats, 3, columns, rows, self.env._("Total"))
            # share of each bucket in the total receivable
            labels = [c["label"] for c in columns]
            residual_col = labels.index(self.env._("Total Receivable"))
            residual_cell = xl_rowcol_to_cell(total_row, residual_col, row_abs=True, col_abs=True)
            sheet.write(total_row + 1, 0, self.env._("% of total"), formats["percent"])
            for col in sorted(totals):
                if col == residual_col:
                    continue
                share = totals[col] / totals[residual_col] if totals[residual_col] else 0.0
                sheet.write_formula(
                    total_row + 1,
                    col,
                    "=IF(%s=0,0,%s/%s)" % (residual_cell, xl_rowcol_to_cell(total_row, col), residual_cell),
                    formats["percent"],
                    share,
                )
            detail = workbook.add_worksheet(self.env._("Detail"))
            self._xlsx_title(detail, formats, self.env._("Aged Receivables: Detail"), data)
            lines = [
                {**line, "partner": row["partner"], "partner_name": row["partner_name"], "company": row["company"]}
                for row in rows
                for line in row["lines"]
            ]
            self._xlsx_write_table(detail, formats, 3, self._aging_detail_columns(data), lines, self.env._("Total"))

        return self._xlsx_save(build)

    # ------------------------------------------------------------------
    # Weekly overdue report
    # ------------------------------------------------------------------
    @api.model
    def _overdue_columns(self, data):
        _ = self.env._
        return [
            {"label": _("Customer"), "value": lambda r: r["partner_name"], "width": 30},
            {"label": _("Company"), "value": lambda r: r["company"].name, "width": 18},
            {"label": _("Overdue"), "value": lambda r: r["overdue"], "type": "money", "width": 14, "total": True},
            *self._xlsx_bucket_columns(data["labels"])[2:],
            {"label": _("Oldest Due Date"), "value": lambda r: r["oldest_due_date"], "type": "date", "width": 11},
            {"label": _("Days Overdue"), "value": lambda r: r["max_days_overdue"], "type": "int", "width": 9},
            {"label": _("Stage"), "value": lambda r: r["stage"], "width": 16},
            {"label": _("Collector"), "value": lambda r: r["collector"], "width": 16},
            {"label": _("Salesperson"), "value": lambda r: r["salesperson"], "width": 16},
            {"label": _("Last Contact"), "value": lambda r: r["contact"].get("last_date"), "type": "date", "width": 11},
            {
                "label": _("Last Result"),
                "value": lambda r: r["contact"].get("last_result"),
                "type": "wrap",
                "width": 24,
            },
            {"label": _("Promises"), "value": lambda r: r["contact"].get("promises"), "type": "wrap", "width": 24},
        ]

    @api.model
    def _overdue_xlsx(self, data):
        def build(workbook, formats):
            sheet = workbook.add_worksheet(self.env._("Overdue"))
            self._xlsx_title(sheet, formats, self.env._("Overdue Customers"), data)
            self._xlsx_write_table(
                sheet, formats, 3, self._overdue_columns(data), self._xlsx_rows(data), self.env._("Total")
            )

        return self._xlsx_save(build)

    # ------------------------------------------------------------------
    # Customer debt detail table (客户欠款管理明细表)
    # ------------------------------------------------------------------
    @api.model
    def _debt_detail_columns(self, data):
        _ = self.env._

        def address(row):
            if not row["partner"]:  # receivable items without a partner
                return ""
            return ", ".join(filter(None, (row["partner"]._display_address(without_company=True) or "").split("\n")))

        def contact(row):
            partner = row["partner"]
            return " / ".join(filter(None, (partner.phone, partner.mobile, partner.email)))

        def payment_method(row):
            partner = row["partner"]
            return " / ".join(
                filter(
                    None,
                    (
                        partner.property_payment_term_id.name,
                        partner.property_inbound_payment_method_line_id.name,
                    ),
                )
            )

        return [
            {"label": _("Customer"), "value": lambda r: r["partner_name"], "width": 30},
            {"label": _("Address"), "value": address, "type": "wrap", "width": 30},
            {"label": _("Contact"), "value": contact, "type": "wrap", "width": 22},
            {"label": _("Amount Owed"), "value": lambda r: r["residual"], "type": "money", "width": 14, "total": True},
            {"label": _("Overdue"), "value": lambda r: r["overdue"], "type": "money", "width": 14, "total": True},
            {"label": _("Reason"), "value": lambda r: r["contact"].get("reason"), "type": "wrap", "width": 24},
            {"label": _("Due Date"), "value": lambda r: r["oldest_due_date"], "type": "date", "width": 11},
            {"label": _("Days Overdue"), "value": lambda r: r["max_days_overdue"], "type": "int", "width": 9},
            {"label": _("Contacts"), "value": lambda r: r["contact"].get("count"), "type": "int", "width": 9},
            {"label": _("Last Contact"), "value": lambda r: r["contact"].get("last_date"), "type": "date", "width": 11},
            {"label": _("Results"), "value": lambda r: r["contact"].get("last_result"), "type": "wrap", "width": 24},
            {"label": _("Remarks"), "value": lambda r: r["contact"].get("remarks"), "type": "wrap", "width": 24},
            {"label": _("Person Responsible"), "value": lambda r: r["collector"], "width": 16},
            {"label": _("Payment Method"), "value": payment_method, "width": 20},
        ]

    @api.model
    def _debt_detail_xlsx(self, data):
        def build(workbook, formats):
            sheet = workbook.add_worksheet(self.env._("Debts"))
            self._xlsx_title(sheet, formats, self.env._("Customer Debt Detail"), data)
            self._xlsx_write_table(
                sheet, formats, 3, self._debt_detail_columns(data), self._xlsx_rows(data), self.env._("Total")
            )

        return self._xlsx_save(build)
