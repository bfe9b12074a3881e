"""Demo of the bad-debt side: a provision entry, a customer written off with a recovery, and
a legal case handed to an agency (loaded after the main demo story)."""

import logging
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command

from .common import demo_env

_logger = logging.getLogger(__name__)


def load_bad_debts(company):
    """Build the bad-debt demo of ``company`` (called by ``res.company._ar_load_demo_bad_debts``)."""
    env, today = demo_env(company)
    return _BadDebtDemo(env)._ar_baddebt_demo_build(company.with_env(env), today)


class _BadDebtDemo:
    """The demo's steps; plain Python, never a model of the database."""

    def __init__(self, env):
        self.env = env

    def _ar_baddebt_demo_accounts(self, company):
        Account = self.env["account.account"].with_company(company)

        def account(code, name, account_type):
            found = Account.search([("code", "=", code), ("company_ids", "in", company.ids)], limit=1)
            return found or Account.create(
                {"code": code, "name": name, "account_type": account_type, "company_ids": [Command.set(company.ids)]}
            )

        journal = self.env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "general")], limit=1
        )
        company.write(
            {
                "ar_provision_account_id": company.ar_provision_account_id.id
                or account("123109", "Allowance for bad debts", "asset_current").id,
                "ar_provision_expense_account_id": company.ar_provision_expense_account_id.id
                or account("670209", "Bad-debt expense", "expense").id,
                "ar_case_commission_account_id": company.ar_case_commission_account_id.id
                or account("660209", "Collection agency commission", "expense").id,
                "ar_provision_journal_id": company.ar_provision_journal_id.id or journal.id,
            }
        )

    def _ar_baddebt_demo_invoice(self, company, partner, amount, due):
        invoice = (
            self.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": due - timedelta(days=30),
                    "invoice_date_due": due,
                    "invoice_payment_term_id": False,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Goods", "quantity": 1, "price_unit": amount, "tax_ids": [Command.clear()]}
                        )
                    ],
                }
            )
        )
        invoice.action_post()
        return invoice

    def _ar_baddebt_demo_build(self, company, today):
        """Build the demo in ``company`` as of ``today`` (superuser: the story's own data)."""
        self._ar_baddebt_demo_accounts(company)
        Partner = self.env["res.partner"]
        bankrupt = Partner.create({"name": "Changzhou Bankrupt Castings Co., Ltd.", "is_company": True})
        litigated = Partner.create({"name": "Wuxi Delinquent Trading Co., Ltd.", "is_company": True})
        agency = Partner.create({"name": "Shanghai Huaxin Debt Recovery Agency", "is_company": True})
        written_off = self._ar_baddebt_demo_invoice(company, bankrupt, 48000.0, today - timedelta(days=210))
        sued = self._ar_baddebt_demo_invoice(company, litigated, 36000.0, today - timedelta(days=130))
        # the collector follows the delinquent customer up (over 90 days) until the case opens
        Stage = self.env["ar.collection.stage"].with_company(company)
        stage = Stage._ar_stage_for_days(Stage._ar_get_ladder(company), 130)
        if stage:
            self.env["ar.collection.followup"].with_company(company)._reschedule(
                litigated, stage=stage, deadline=today, user=company.ar_default_collector_id or self.env.user
            )
        # a legal case handed to an agency (25 %, no cure no pay), followed by the legal user: the
        # customer's follow-up is handed over to him
        self.env["ar.collection.case"].create(
            {
                "user_id": (company.ar_legal_user_id or company.ar_credit_manager_user_id or self.env.user).id,
                "partner_id": litigated.id,
                "company_id": company.id,
                "invoice_ids": [Command.set(sued.ids)],
                "amount": 36000.0,
                "handler": "agency",
                "agency_id": agency.id,
                "commission_rate": 25.0,
                "date_open": today - timedelta(days=20),
                "last_acknowledgement_date": today - relativedelta(years=3) + timedelta(days=60),
            }
        )
        # last month's provision, its entry drafted for the accountant
        provision = self.env["ar.bad.debt.provision"].create(
            {"company_id": company.id, "date": today - relativedelta(months=1)}
        )
        provision.action_create_entry()
        # the bankrupt customer written off (and blacklisted), then 6,000 recovered from the liquidator
        request = self.env["ar.write.off.request"].create(
            {
                "partner_id": bankrupt.id,
                "company_id": company.id,
                "invoice_ids": [Command.set(written_off.ids)],
                "amount": 48000.0,
                "reason": "Bankruptcy ruling of the Changzhou Intermediate People's Court; liquidation.",
                "blacklist": True,
            }
        )
        request.action_submit()
        request.action_approve()
        while request.state == "to_approve":
            request.action_approve()
        payment = self.env["account.payment"].create(
            {
                "amount": 6000.0,
                "date": today,
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": bankrupt.id,
            }
        )
        payment.action_post()
        line = payment.move_id.line_ids.filtered(lambda item: item.account_id.account_type == "asset_receivable")
        request._ar_record_recovery(line, 6000.0)
        _logger.info("ar_collections bad-debt demo loaded: %s", provision.name)
        return True
