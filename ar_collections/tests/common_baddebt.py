from odoo import Command
from odoo.tests import new_test_user

from .common import ArCollectionsCommon


class ArBadDebtCommon(ArCollectionsCommon):
    """The company's bad-debt accounts and journal, an accountant (bookkeeper), and two
    customers with open invoices issued in the winter of 2025-2026."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Account = cls.env["account.account"]
        cls.allowance_account = Account.create(
            {
                "name": "Allowance for bad debts",
                "code": "123100",
                "account_type": "asset_current",
                "company_ids": [Command.set(cls.company.ids)],
            }
        )
        cls.expense_account = Account.create(
            {
                "name": "Bad-debt expense",
                "code": "670200",
                "account_type": "expense",
                "company_ids": [Command.set(cls.company.ids)],
            }
        )
        cls.misc_journal = cls.company_data["default_journal_misc"]
        cls.company.write(
            {
                "ar_provision_account_id": cls.allowance_account.id,
                "ar_provision_expense_account_id": cls.expense_account.id,
                "ar_provision_journal_id": cls.misc_journal.id,
            }
        )
        company_ids = [Command.set(cls.company.ids)]
        cls.accountant = new_test_user(
            cls.env,
            "ar_accountant",
            groups="base.group_user,account.group_account_user",
            company_id=cls.company.id,
            company_ids=company_ids,
            name="Accountant Qian",
        )
        cls.customer_b = cls.env["res.partner"].create({"name": "Nanjing Trading", "is_company": True})
        # Huadong: 10,000 due 15 Jan 2026 and 4,000 due 20 Dec 2025
        cls.inv1 = cls.ar_invoice(cls.customer, 10000.0, "2025-12-16", "2026-01-15")
        cls.inv2 = cls.ar_invoice(cls.customer, 4000.0, "2025-11-20", "2025-12-20")
        # Nanjing: 2,000 due 1 Oct 2025 and 5,000 due 20 Feb 2026
        cls.inv3 = cls.ar_invoice(cls.customer_b, 2000.0, "2025-09-01", "2025-10-01")
        cls.inv4 = cls.ar_invoice(cls.customer_b, 5000.0, "2026-01-20", "2026-02-20")

    @classmethod
    def allowance_balance(cls):
        """Posted credit balance of the allowance account (what the ledger says)."""
        lines = cls.env["account.move.line"].search(
            [("account_id", "=", cls.allowance_account.id), ("parent_state", "=", "posted")]
        )
        return -sum(lines.mapped("balance"))
