"""The monthly bad-debt provision (坏账准备) of a company.

One record per company and month. Its lines are the month-end aging of the open invoices
(the one aging query as of the last day of the month), less the customer's unapplied
credits applied to its oldest invoices first, summed per customer and bucket, each with
the company's rate for that bucket (invoices handed to legal at the legal rate). The entry it creates is a DRAFT journal entry that
brings the allowance account to the required amount: only the difference between the
required amount and the allowance's posted balance on that date. An accountant posts it.
"""

import base64
import io

import xlsxwriter
from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

CREDIT_MANAGER_GROUP = "ar_collections.group_ar_credit_manager"
ACCOUNTANT_GROUP = "account.group_account_user"

PROVISION_BUCKETS = [
    ("not_due", "Not Due"),
    ("1_30", "1st Overdue Bucket"),
    ("31_60", "2nd Overdue Bucket"),
    ("61_90", "3rd Overdue Bucket"),
    ("over_90", "Last Bucket"),
    ("legal", "Legal Case"),
]

# written by the action methods only (after they checked the caller)
GUARDED_FIELDS = ("line_ids", "move_id", "allowance_balance", "computed_date")


class ArBadDebtProvision(models.Model):
    _name = "ar.bad.debt.provision"
    _description = "Bad-Debt Provision"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(
        string="Month End",
        required=True,
        default=lambda self: self._ar_month_end(fields.Date.context_today(self) - relativedelta(months=1)),
        tracking=True,
        help="Last day of the month provisioned: the aging is taken as of this date and the entry is dated on it.",
    )
    line_ids = fields.One2many(
        "ar.bad.debt.provision.line", "provision_id", string="Detail per Customer and Bucket", readonly=True
    )
    computed_date = fields.Datetime(string="Computed On", readonly=True, copy=False)
    required_amount = fields.Monetary(
        string="Required Allowance",
        compute="_compute_amounts",
        store=True,
        currency_field="currency_id",
        help="Sum of the provisions of the lines.",
    )
    allowance_balance = fields.Monetary(
        string="Allowance Before",
        readonly=True,
        currency_field="currency_id",
        help="Posted balance of the allowance account on the month-end date, before this provision's entry.",
    )
    difference_amount = fields.Monetary(
        string="Entry Amount",
        compute="_compute_amounts",
        store=True,
        currency_field="currency_id",
        help="Required allowance minus the allowance before: positive raises the allowance, negative releases it.",
    )
    move_id = fields.Many2one(
        "account.move", string="Journal Entry", readonly=True, copy=False, check_company=True, index="btree_not_null"
    )
    state = fields.Selection(
        [("draft", "Draft"), ("to_post", "Entry to Post"), ("posted", "Posted")],
        compute="_compute_state",
        store=True,
        index=True,
        tracking=True,
        help="Draft: no entry yet (or its entry was cancelled). Entry to Post: the draft entry awaits an accountant.",
    )

    _sql_constraints = [
        ("company_date_unique", "UNIQUE(company_id, date)", "A company has one bad-debt provision per month."),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("date")
    def _compute_name(self):
        for provision in self:
            provision.name = self.env._(
                "Bad-Debt Provision %(month)s", month=provision.date.strftime("%Y-%m") if provision.date else ""
            )

    @api.depends("line_ids.provision_amount", "allowance_balance")
    def _compute_amounts(self):
        for provision in self:
            currency = provision.currency_id
            provision.required_amount = currency.round(sum(provision.line_ids.mapped("provision_amount")))
            provision.difference_amount = currency.round(provision.required_amount - provision.allowance_balance)

    @api.depends("move_id.state")
    def _compute_state(self):
        for provision in self:
            provision.state = {"draft": "to_post", "posted": "posted"}.get(provision.move_id.state, "draft")

    # ------------------------------------------------------------------
    # CRUD guards
    # ------------------------------------------------------------------
    @api.model
    def _ar_month_end(self, date):
        date = fields.Date.to_date(date)
        return date + relativedelta(day=31)

    @api.model_create_multi
    def create(self, vals_list):
        self._ar_check_provision_user()
        for vals in vals_list:
            self._ar_check_guarded_write(vals)
            if vals.get("date"):
                vals["date"] = self._ar_month_end(vals["date"])
        return super().create(vals_list)

    def write(self, vals):
        self._ar_check_guarded_write(vals)
        if "date" in vals:
            if not self.env.su and any(provision.state != "draft" for provision in self):
                raise UserError(self.env._("The month of a provision with a journal entry cannot change."))
            vals["date"] = self._ar_month_end(vals["date"]) if vals["date"] else vals["date"]
        return super().write(vals)

    def _ar_check_guarded_write(self, vals):
        """The detail, the allowance balance and the entry are written by the buttons only
        (superuser mode, after they checked the caller), whatever the context."""
        if not self.env.su and set(GUARDED_FIELDS) & set(vals):
            raise AccessError(self.env._("A bad-debt provision is computed and booked with its buttons only."))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_entry(self):
        if any(provision.move_id.state in ("draft", "posted") for provision in self):
            raise UserError(self.env._("A bad-debt provision with a journal entry cannot be deleted."))

    # ------------------------------------------------------------------
    # Callers
    # ------------------------------------------------------------------
    @api.model
    def _ar_check_provision_user(self):
        """Credit managers and accountants compute provisions and draft their entries."""
        user = self.env.user
        if not self.env.su and not (user.has_group(CREDIT_MANAGER_GROUP) or user.has_group(ACCOUNTANT_GROUP)):
            raise AccessError(self.env._("Only a Credit Manager or an accountant may compute bad-debt provisions."))

    # ------------------------------------------------------------------
    # Computation
    # ------------------------------------------------------------------
    def _ar_get_legal_invoice_ids(self):
        """Ids of the invoices provisioned at the legal rate, whatever their age: those handed
        to legal or to an agency in a collection case open at the month end (overridable hook).
        The collection stage owned by legal is not used: it is where every invoice over the
        last bucket stands, whose rate is the last bucket's."""
        self.ensure_one()
        return self.env["ar.collection.case"]._ar_get_open_case_invoice_ids(self.company_id, self.date)

    def _ar_get_allowance_balance(self):
        """Posted balance of the allowance account on the date (credit positive), without
        this provision's own entry."""
        self.ensure_one()
        account = self.company_id.ar_provision_account_id
        domain = [
            ("account_id", "=", account.id),
            ("company_id", "=", self.company_id.id),
            ("parent_state", "=", "posted"),
            ("date", "<=", self.date),
        ]
        if self.move_id:
            domain.append(("move_id", "!=", self.move_id.id))
        # sudo: the balance of the company's allowance account, whatever journals the caller may read
        [(balance,)] = self.env["account.move.line"].sudo()._read_group(domain, [], ["balance:sum"])
        return -(balance or 0.0)

    def _prepare_provision_line_vals(self):
        """One dict per customer and bucket: the open invoices of the month-end aging, less the
        customer's unapplied credits (unreconciled payments, credit notes) applied to its oldest
        invoices first (``ar.aging._invoice_credit_netting_sql``). One grouped query."""
        self.ensure_one()
        company = self.company_id
        legal = list(self._ar_get_legal_invoice_ids())
        # sudo: the provision is a figure of the whole company (company filter explicit),
        # not of the records the caller happens to see; the caller was checked
        netted = self.env["ar.aging"].sudo()._invoice_credit_netting_sql(date=self.date, company_ids=company.ids)
        self.env.cr.execute(
            SQL(
                """
            SELECT invoice.partner_id,
                   CASE WHEN invoice.move_id = ANY(%s) THEN 'legal' ELSE invoice.bucket END AS bucket,
                   COUNT(*) AS invoice_count,
                   SUM(invoice.residual) AS base,
                   SUM(invoice.credit_applied) AS credit
              FROM (%s) invoice
             GROUP BY 1, 2
            """,
                legal,
                netted,
            )
        )
        rows = self.env.cr.fetchall()
        rates = company._ar_get_provision_rates()
        round_ = company.currency_id.round
        order = [bucket for bucket, _label in PROVISION_BUCKETS]
        partners = self.env["res.partner"].sudo().browse({row[0] for row in rows if row[0]})
        names = {partner.id: partner.display_name or "" for partner in partners}
        vals_list = []
        for partner_id, bucket, count, base, credit in sorted(
            rows, key=lambda row: (names.get(row[0], ""), row[0] or 0, order.index(row[1]))
        ):
            base, credit = round_(base), round_(credit)
            net = round_(base - credit)
            vals_list.append(
                {
                    "partner_id": partner_id,
                    "bucket": bucket,
                    "invoice_count": count,
                    "base_amount": base,
                    "credit_amount": credit,
                    "net_amount": net,
                    "rate": rates[bucket],
                    "provision_amount": round_(net * rates[bucket] / 100.0),
                }
            )
        return vals_list

    def _ar_check_settings(self):
        for provision in self:
            company = provision.company_id
            if not (
                company.ar_provision_account_id
                and company.ar_provision_expense_account_id
                and company.ar_provision_journal_id
            ):
                raise UserError(
                    self.env._(
                        "Set the bad-debt allowance account, expense account and journal of %(company)s in the "
                        "Collections settings first.",
                        company=company.name,
                    )
                )

    def _ar_compute(self):
        """Refresh the lines and the allowance balance (caller checked)."""
        self._ar_check_settings()
        for provision in self:
            if provision.state != "draft":
                raise UserError(
                    self.env._("%(name)s already has a journal entry: it is not recomputed.", name=provision.name)
                )
            # sudo: the detail is the run's own output, written by this button only
            provision.sudo().write(
                {
                    "line_ids": [Command.clear()]
                    + [Command.create(vals) for vals in provision._prepare_provision_line_vals()],
                    "allowance_balance": provision._ar_get_allowance_balance(),
                    "computed_date": fields.Datetime.now(),
                }
            )

    def action_compute(self):
        """Compute (again) the detail of the month-end aging and the allowance balance."""
        self._ar_check_provision_user()
        self._ar_compute()
        return True

    # ------------------------------------------------------------------
    # Journal entry
    # ------------------------------------------------------------------
    def _prepare_move_vals(self):
        self.ensure_one()
        company = self.company_id
        amount = self.difference_amount
        label = self.env._("Bad-debt provision %(month)s", month=self.date.strftime("%Y-%m"))
        allowance = {"account_id": company.ar_provision_account_id.id, "name": label}
        expense = {"account_id": company.ar_provision_expense_account_id.id, "name": label}
        if amount > 0:
            lines = [dict(expense, debit=amount, credit=0.0), dict(allowance, debit=0.0, credit=amount)]
        else:
            lines = [dict(allowance, debit=-amount, credit=0.0), dict(expense, debit=0.0, credit=-amount)]
        return {
            "move_type": "entry",
            "company_id": company.id,
            "journal_id": company.ar_provision_journal_id.id,
            "date": self.date,
            "ref": self.name,
            "ar_provision_id": self.id,
            "line_ids": [Command.create(vals) for vals in lines],
        }

    def _ar_check_entry_order(self):
        """Months are booked in order: an earlier month's entry must be posted first, and
        no later month may already have an entry (its difference would be wrong)."""
        for provision in self:
            others = self.sudo().search(
                [("company_id", "=", provision.company_id.id), ("id", "!=", provision.id), ("move_id", "!=", False)]
            )
            earlier_drafts = others.filtered(lambda p, date=provision.date: p.date < date and p.state == "to_post")
            if earlier_drafts:
                raise UserError(
                    self.env._(
                        "Post the entry of %(earlier)s before booking %(name)s.",
                        earlier=", ".join(earlier_drafts.mapped("name")),
                        name=provision.name,
                    )
                )
            later = others.filtered(lambda p, date=provision.date: p.date > date and p.state != "draft")
            if later:
                raise UserError(
                    self.env._(
                        "%(later)s already has a journal entry: %(name)s can no longer be booked.",
                        later=", ".join(later.mapped("name")),
                        name=provision.name,
                    )
                )

    def action_create_entry(self):
        """Recompute, then draft the journal entry of the difference; attach the detail."""
        self._ar_check_provision_user()
        self._ar_check_entry_order()
        self._ar_compute()
        for provision in self:
            if provision.currency_id.is_zero(provision.difference_amount):
                raise UserError(
                    self.env._(
                        "The allowance already equals the required amount for %(name)s: there is nothing to book.",
                        name=provision.name,
                    )
                )
            # sudo: the entry is linked to the provision (a guarded field) and drafted for an
            # accountant to post; the caller was checked above
            move = self.env["account.move"].sudo().create(provision._prepare_move_vals())
            provision.sudo().move_id = move
            attachment = provision._ar_attach_xlsx()
            attachment.sudo().copy({"res_model": "account.move", "res_id": move.id})
            move.sudo().message_post(
                body=self.env._("Drafted by %(user)s from %(name)s.", user=self.env.user.name, name=provision.name)
            )
        return self.action_open_entry() if len(self) == 1 else True

    def action_open_entry(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------
    # Spreadsheet
    # ------------------------------------------------------------------
    def _ar_provision_xlsx(self):
        """The detail per customer and bucket as an .xlsx file (bytes)."""
        self.ensure_one()
        Xlsx = self.env["ar.report.xlsx"]
        buckets = dict(self.env["ar.bad.debt.provision.line"]._fields["bucket"]._description_selection(self.env))
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        formats = Xlsx._xlsx_formats(workbook)
        sheet = workbook.add_worksheet(self.env._("Provision"))
        sheet.write(0, 0, self.name, formats["title"])
        sheet.write(
            1,
            0,
            self.env._(
                "%(company)s — aging as of %(date)s",
                company=self.company_id.name,
                date=fields.Date.to_string(self.date),
            ),
            formats["subtitle"],
        )
        columns = [
            {"label": self.env._("Customer"), "value": lambda line: line.partner_id.display_name, "width": 36},
            {"label": self.env._("Bucket"), "value": lambda line: buckets.get(line.bucket), "width": 20},
            {"label": self.env._("Invoices"), "value": lambda line: line.invoice_count, "type": "int", "width": 10},
            {
                "label": self.env._("Amount Owed"),
                "value": lambda line: line.base_amount,
                "type": "money",
                "width": 16,
                "total": True,
            },
            {
                "label": self.env._("Unapplied Credits"),
                "value": lambda line: line.credit_amount,
                "type": "money",
                "width": 16,
                "total": True,
            },
            {
                "label": self.env._("Net Amount Owed"),
                "value": lambda line: line.net_amount,
                "type": "money",
                "width": 16,
                "total": True,
            },
            {"label": self.env._("Rate (%)"), "value": lambda line: line.rate, "type": "money", "width": 10},
            {
                "label": self.env._("Provision"),
                "value": lambda line: line.provision_amount,
                "type": "money",
                "width": 16,
                "total": True,
            },
        ]
        total_row, _totals = Xlsx._xlsx_write_table(
            sheet, formats, 3, columns, self.line_ids, total_label=self.env._("Total")
        )
        summary = [
            (self.env._("Required Allowance"), self.required_amount),
            (self.env._("Allowance Before"), self.allowance_balance),
            (self.env._("Entry Amount"), self.difference_amount),
        ]
        for offset, (label, value) in enumerate(summary, start=2):
            sheet.write(total_row + offset, 0, label, formats["total_label"])
            sheet.write_number(total_row + offset, len(columns) - 1, value, formats["total_money"])
        workbook.close()
        return output.getvalue()

    def _ar_attach_xlsx(self):
        """The spreadsheet attached to the provision (replacing an earlier one)."""
        self.ensure_one()
        filename = "%s.xlsx" % self.name.replace("/", "_")
        Attachment = self.env["ir.attachment"]
        # sudo: the provision's own attachment, refreshed by its buttons only
        Attachment.sudo().search(
            [("res_model", "=", self._name), ("res_id", "=", self.id), ("name", "=", filename)]
        ).unlink()
        return Attachment.sudo().create(
            {
                "name": filename,
                "res_model": self._name,
                "res_id": self.id,
                "datas": base64.b64encode(self._ar_provision_xlsx()),
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )

    def action_export_xlsx(self):
        """Download the detail per customer and bucket."""
        self.ensure_one()
        self.check_access("read")
        if not self.line_ids:
            raise UserError(self.env._("Compute the provision first."))
        if self.state == "draft":
            self._ar_check_provision_user()
        attachment = self._ar_attach_xlsx() if self.state == "draft" else self._ar_get_xlsx_attachment()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def _ar_get_xlsx_attachment(self):
        self.ensure_one()
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [("res_model", "=", self._name), ("res_id", "=", self.id), ("name", "=like", "%.xlsx")],
                limit=1,
                order="id desc",
            )
        )
        if not attachment:
            raise ValidationError(self.env._("The spreadsheet of %(name)s is missing.", name=self.name))
        return attachment
