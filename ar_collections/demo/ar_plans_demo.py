"""Demo of the repayment plans: 苏州精密仪器 (Suzhou Precision) pays two overdue invoices by
a plan agreed 25 days ago in three monthly instalments; the first was paid on time (kept),
the next is due in 20 days (loaded after the main story)."""

import logging
from datetime import timedelta

from odoo import Command

from .common import demo_env

_logger = logging.getLogger(__name__)


def load_plans(company):
    """Build the repayment plan demo of ``company`` (called by ``res.company._ar_load_demo_plans``)."""
    env, today = demo_env(company)
    return _PlanDemo(env)._ar_plan_demo_build(company.with_env(env), today)


class _PlanDemo:
    """The demo's steps; plain Python, never a model of the database."""

    def __init__(self, env):
        self.env = env

    def _ar_plan_demo_invoice(self, company, partner, amount, due, reference):
        journal = self.env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "sale")], limit=1)
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "journal_id": journal.id,
                "partner_id": partner.id,
                "invoice_date": due - timedelta(days=30),
                "invoice_date_due": due,
                "invoice_payment_term_id": False,
                "ref": reference,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "精密仪器 / Precision instruments",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        return invoice

    def _ar_plan_demo_build(self, company, today):
        users = {
            "collector": self.env.ref("ar_collections.demo_user_collector"),
            "credit_manager": self.env.ref("ar_collections.demo_user_credit_manager"),
            "salesman": self.env.ref("ar_collections.demo_user_salesman"),
        }
        partner = self.env["res.partner"].create(
            {
                "name": "苏州精密仪器有限公司",
                "is_company": True,
                "customer_rank": 1,
                "lang": "zh_CN",
                "city": "苏州",
                "user_id": users["salesman"].id,
                "email": "caiwu@suzhou-precision.example.com",
            }
        )
        self.env["ir.model.data"].create(
            {
                "name": "demo_partner_repayment_plan",
                "module": "ar_collections",
                "model": "res.partner",
                "res_id": partner.id,
                "noupdate": True,
            }
        )
        invoices = self._ar_plan_demo_invoice(
            company, partner, 36000.0, today - timedelta(days=55), "SZ-2026-014"
        ) | self._ar_plan_demo_invoice(company, partner, 24000.0, today - timedelta(days=40), "SZ-2026-021")
        Plan = self.env["ar.repayment.plan"].with_company(company)
        plan = Plan.create(
            {
                "partner_id": partner.id,
                "company_id": company.id,
                "user_id": users["collector"].id,
                "invoice_ids": [Command.set(invoices.ids)],
                "date_agreed": today - timedelta(days=25),
                "note": "客户资金周转困难，经协商分三期归还。/ Cash-flow difficulties: agreed in three monthly instalments.",
                "line_ids": [
                    Command.create({"sequence": index, "date": today + timedelta(days=days), "amount": 20000.0})
                    for index, days in enumerate((-10, 20, 50))
                ],
            }
        )
        # 60,000 is above the approval amount: proposed by the collector, approved by the credit manager
        plan.with_user(users["collector"]).action_propose()
        plan.with_user(users["credit_manager"]).action_approve()
        plan.with_user(users["collector"]).action_activate()
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoices[:1].ids)
            .create({"payment_date": today - timedelta(days=12), "amount": 20000.0})
        )
        wizard._create_payments()
        plan._ar_check(today=today)
        _logger.info("ar_collections repayment plan demo loaded: %s", plan.name)
        return True
