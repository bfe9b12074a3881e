"""Data of the aging analysis (应收账款账龄分析), the weekly overdue report and the customer debt
detail table. All figures come from the one aging query (``ar.aging``); this model only filters
the customers, reads their profile in batches and arranges the rows for the QWeb and XLSX
renderers."""

import ast
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import float_round

from odoo.addons.base.models.res_lang import intersperse

from ..const import BUCKETS, PROMISE_RUNNING_STATE

AMOUNT_KEYS = ("residual", *BUCKETS, "overdue")


class ReportArAging(models.AbstractModel):
    _name = "report.ar_collections.report_ar_aging"
    _description = "Aging Analysis Report"

    # ------------------------------------------------------------------
    # Options
    # ------------------------------------------------------------------
    @api.model
    def _ar_default_options(self, date=None, company_ids=None):
        return {
            "date": fields.Date.to_string(date or fields.Date.context_today(self)),
            "company_ids": company_ids or self.env.company.ids,
            "user_ids": [],
            "collector_ids": [],
            "grade_ids": [],
            "partner_ids": [],
            "show_detail": False,
            "overdue_only": False,
        }

    @api.model
    def _ar_filter_partner_ids(self, options, company):
        """Commercial partners matching the customer filters of ``options``, or None (all)."""
        domain = []
        if options.get("partner_ids"):
            commercial_ids = self.env["res.partner"].browse(options["partner_ids"]).commercial_partner_id.ids
            domain.append(("id", "in", commercial_ids))
        if options.get("user_ids"):
            domain.append(("user_id", "in", options["user_ids"]))
        if options.get("collector_ids"):
            collector_domain = [("collector_id", "in", options["collector_ids"])]
            if company.ar_default_collector_id.id in options["collector_ids"]:
                # customers without a collector of their own are followed by the company's default one
                collector_domain = ["|", ("collector_id", "=", False), *collector_domain]
            domain += collector_domain
        if options.get("grade_ids"):
            domain.append(("credit_grade_id", "in", options["grade_ids"]))
        if not domain:
            return None
        domain += ["|", ("is_company", "=", True), ("parent_id", "=", False)]
        return self.env["res.partner"].with_company(company).with_context(active_test=False)._search(domain)

    # ------------------------------------------------------------------
    # Data
    # ------------------------------------------------------------------
    @api.model
    def _ar_get_partner_stages(self, partners, rows_by_partner, company):
        """Collection stage of each customer: its current worst stage, as set by the
        nightly collections run (overridable)."""
        return {p.id: p.with_company(company).collection_stage_id for p in partners}

    @api.model
    def _ar_get_contact_summary(self, partner_ids, company=None):
        """Contact log summary per commercial partner id, in three queries whatever the number
        of customers: ``{partner_id: {"count": int, "last_date": date, "last_result": str,
        "promises": str, "reason": str, "remarks": str}}``."""
        if not partner_ids:
            return {}
        company = company or self.env.company
        base = [("partner_id", "in", list(partner_ids)), ("company_id", "=", company.id)]
        Log = self.env["ar.collection.log"]
        summary = defaultdict(dict)
        for partner, count, last_date in Log._read_group(base, ["partner_id"], ["__count", "date:max"]):
            summary[partner.id].update(count=count, last_date=fields.Date.context_today(self, last_date))
        last_logs = Log.search(base, order="partner_id, date desc, id desc")
        # the newest log per customer (logs were read in one query; the prefetch covers their results)
        for log in last_logs:
            values = summary[log.partner_id.id]
            if "last_result" not in values:
                values["last_result"] = log.result_id.name or ""
                values["remarks"] = "\n".join(filter(None, (log.notes, log.customer_feedback)))
        # the accepted promises still running (one to accept is the customer's word only)
        promises = self.env["ar.payment.promise"].search(base + [("state", "=", PROMISE_RUNNING_STATE)], order="date")
        for promise in promises:
            values = summary[promise.partner_id.id]
            text = f"{fields.Date.to_string(promise.date)}: {promise.amount:,.2f}"
            values["promises"] = "\n".join(filter(None, (values.get("promises"), text)))
        disputes = self.env["ar.dispute"].search(base + [("state", "=", "open")])
        reasons = dict(disputes._fields["reason"]._description_selection(self.env))
        for dispute in disputes:
            values = summary[dispute.partner_id.id]
            text = self.env._("Dispute: %(reason)s", reason=reasons.get(dispute.reason, dispute.reason))
            values["reason"] = "\n".join(filter(None, (values.get("reason"), text)))
        for values in summary.values():
            values.setdefault("reason", values.get("last_result", ""))
        return dict(summary)

    @api.model
    def _get_aging_data(self, options):
        """Rows of the aging analysis, one section per company.

        :param options: dict, see ``_ar_default_options``
        :returns: dict with ``date``, ``labels``, ``sections`` (per company: ``company``,
            ``currency``, ``rows``, ``totals``, ``percents``) and ``options``
        """
        options = {**self._ar_default_options(company_ids=options.get("company_ids")), **options}
        date = fields.Date.to_date(options["date"])
        self.env["ar.aging.report.wizard"]._ar_check_as_of_date(date)  # also when called without the wizard
        companies = self.env["res.company"].browse(options["company_ids"]).sorted("name")
        Aging = self.env["ar.aging"]
        labels = Aging._get_bucket_labels(companies[:1])
        sections = []
        for company in companies:
            partner_ids = self._ar_filter_partner_ids(options, company)
            aging_rows = Aging._get_aging("partner", date, partner_ids, company.ids)
            if options.get("overdue_only"):
                aging_rows = [r for r in aging_rows if r["overdue"] > 0]
            if not aging_rows:
                continue
            # receivable items without a partner are shown too (under "No partner", as OCA
            # does) so that the totals tie to the general ledger's receivable balance
            by_partner = {r["partner_id"]: r for r in aging_rows}
            partners = (
                self.env["res.partner"]
                .with_company(company)
                .browse([pid for pid in by_partner if pid])
                .sorted(lambda p: (p.name or "").lower())
            )
            details = defaultdict(list)
            if options.get("show_detail"):
                move_rows = Aging._get_aging(
                    "move", date, None if partner_ids is None else list(by_partner), company.ids
                )
                moves = self.env["account.move"].browse([r["key"] for r in move_rows])
                moves.fetch(["name", "invoice_date", "invoice_date_due", "date", "ref", "move_type"])
                for row in move_rows:
                    if row["partner_id"] not in by_partner:
                        continue
                    move = moves.browse(row["key"])
                    details[row["partner_id"]].append(
                        {
                            "move": move,
                            "name": move.name,
                            "ref": move.ref or "",
                            "invoice_date": move.invoice_date or move.date,
                            "due_date": row["oldest_due_date"] or move.invoice_date_due,
                            "days_overdue": row["max_days_overdue"],
                            **{k: row[k] for k in AMOUNT_KEYS},
                        }
                    )
                for lines in details.values():
                    lines.sort(key=lambda line: (line["due_date"] or date, line["name"]))
            stages = self._ar_get_partner_stages(partners, by_partner, company)
            contacts = self._ar_get_contact_summary(partners.ids, company)
            rows = []
            totals = dict.fromkeys(AMOUNT_KEYS, 0.0)
            for partner in partners:
                row = by_partner[partner.id]
                uses_limit = partner.use_partner_credit_limit or company.account_use_credit_limit
                rows.append(
                    {
                        "partner": partner,
                        "partner_name": partner.display_name,
                        "company": company,
                        "grade": partner.credit_grade_id.code or "",
                        "credit_limit": partner.credit_limit if uses_limit else None,
                        "salesperson": partner.user_id.name or "",
                        "collector": (partner.collector_id or company.ar_default_collector_id).name or "",
                        "stage": stages.get(partner.id) and stages[partner.id].name or "",
                        "max_days_overdue": row["max_days_overdue"],
                        "oldest_due_date": row["oldest_due_date"],
                        "contact": contacts.get(partner.id, {}),
                        "lines": details.get(partner.id, []),
                        **{k: row[k] for k in AMOUNT_KEYS},
                    }
                )
            if None in by_partner:
                row = by_partner[None]
                rows.append(
                    {
                        "partner": self.env["res.partner"],
                        "partner_name": self.env._("No partner"),
                        "company": company,
                        "grade": "",
                        "credit_limit": None,
                        "salesperson": "",
                        "collector": "",
                        "stage": "",
                        "max_days_overdue": row["max_days_overdue"],
                        "oldest_due_date": row["oldest_due_date"],
                        "contact": {},
                        "lines": details.get(None, []),
                        **{k: row[k] for k in AMOUNT_KEYS},
                    }
                )
            for row in rows:
                for key in AMOUNT_KEYS:
                    totals[key] += row[key]
            residual = totals["residual"]
            percents = {key: (totals[key] / residual * 100.0 if residual else 0.0) for key in (*BUCKETS, "overdue")}
            sections.append(
                {
                    "company": company,
                    "currency": company.currency_id,
                    "labels": Aging._get_bucket_labels(company),
                    "rows": rows,
                    "totals": totals,
                    "percents": percents,
                    "max_days_overdue": max(r["max_days_overdue"] for r in rows),
                }
            )
        return {
            "date": date,
            "labels": self._ar_merge_bucket_labels(sections) or labels,
            "sections": sections,
            "options": options,
            "companies": companies,
        }

    @api.model
    def _ar_merge_bucket_labels(self, sections):
        """Column headers of a table that spans several companies: each bucket's label, or the
        companies' different labels joined ("1-30 days / 1-10 days") when their limits differ."""
        if not sections:
            return {}
        merged = {}
        for key in sections[0]["labels"]:
            distinct = list(dict.fromkeys(section["labels"][key] for section in sections))
            merged[key] = " / ".join(distinct)
        return merged

    @api.model
    def _ar_filter_description(self, options):
        """Human readable list of the filters, printed under the title."""
        parts = []
        for key, model, label in (
            ("user_ids", "res.users", self.env._("Salespeople")),
            ("collector_ids", "res.users", self.env._("Collectors")),
            ("grade_ids", "ar.credit.grade", self.env._("Grades")),
            ("partner_ids", "res.partner", self.env._("Customers")),
        ):
            if options.get(key):
                names = ", ".join(self.env[model].browse(options[key]).mapped("display_name"))
                parts.append(f"{label}: {names}")
        return "; ".join(parts)

    @api.model
    def _ar_pdf_formatters(self):
        """``(money, date)``: formatters of amounts and dates for the PDF, prepared once per
        report (the monetary and date widgets cost a call each, thousands per report); the
        same text as the widgets: the user's language, the currency's symbol and digits."""
        lang = self.env["res.lang"]._lang_get(self.env.lang or "en_US") or self.env["res.lang"]._lang_get("en_US")
        data = self.env["res.lang"]._get_data(id=lang.id)
        grouping = ast.literal_eval(data.grouping)
        thousands_sep, decimal_point = data.thousands_sep or "", data.decimal_point
        date_format = data.date_format
        currencies = {}

        def money(value, currency):
            if currency not in currencies:
                symbol = currency.symbol or ""
                currencies[currency] = (
                    currency.decimal_places,
                    currency.rounding,
                    f"{symbol}\N{NO-BREAK SPACE}" if currency.position == "before" else "",
                    f"\N{NO-BREAK SPACE}{symbol}" if currency.position != "before" else "",
                )
            digits, rounding, pre, post = currencies[currency]
            # what res.lang.format does, without its per-call lookups
            integer, _sep, decimals = f"{float_round(value or 0.0, precision_rounding=rounding):.{digits}f}".partition(
                "."
            )
            integer = intersperse(integer, grouping, thousands_sep)[0]
            amount = decimal_point.join((integer, decimals)) if digits else integer
            amount = amount.replace(" ", "\N{NO-BREAK SPACE}").replace("-", "-\N{ZERO WIDTH NO-BREAK SPACE}")
            return f"{pre}{amount}{post}"

        def date(value):
            return value.strftime(date_format) if value else ""

        return money, date

    @api.model
    def _get_report_values(self, docids, data=None):
        options = (data or {}).get("options") or self._ar_default_options()
        report_data = self._get_aging_data(options)
        money, date = self._ar_pdf_formatters()
        return {
            "money": money,
            "fmt_date": date,
            "doc_ids": docids,
            "doc_model": "ar.aging.report.wizard",
            "docs": self.env["ar.aging.report.wizard"].browse(docids),
            "company": report_data["companies"][:1] or self.env.company,
            "aging": report_data,
            "filters": self._ar_filter_description(report_data["options"]),
            "show_detail": report_data["options"].get("show_detail"),
        }


class ReportArOverdue(models.AbstractModel):
    """Weekly overdue report (逾期报表): the customers with an overdue amount, from the same data."""

    _name = "report.ar_collections.report_ar_overdue"
    _inherit = "report.ar_collections.report_ar_aging"
    _description = "Overdue Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        options = dict((data or {}).get("options") or self._ar_default_options())
        options["overdue_only"] = True
        return super()._get_report_values(docids, data={**(data or {}), "options": options})
