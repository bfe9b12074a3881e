"""Demo of the customer portal (loaded after the main story and the plans): Northwind
Retail Group, whose balance confirmation of last month was sent by the main story, also gets
this month's statement of account (sent) and a repayment plan proposed for its late invoice
(waiting for the customer's agreement). Its contact Sarah Chen is the portal user
``portal_customer`` (demo/ar_portal_demo.xml)."""

import logging
from datetime import timedelta

from odoo import Command

from .common import demo_env

_logger = logging.getLogger(__name__)


def load_portal(company):
    """Build the portal demo of ``company`` (called by ``res.company._ar_load_demo_portal``)."""
    env, today = demo_env(company)
    return _PortalDemo(env)._ar_portal_demo_build(company.with_env(env), today)


class _PortalDemo:
    """The demo's steps; plain Python, never a model of the database."""

    def __init__(self, env):
        self.env = env

    def _ar_portal_demo_build(self, company, today):
        collector = self.env.ref("ar_collections.demo_user_collector")
        partner = self.env.ref("ar_collections.demo_partner_grade_c")
        # this month's statement of account, e-mailed to the customer
        statement = (
            self.env["ar.statement"]
            .with_user(collector)
            .with_company(company)
            .create(
                {
                    "partner_id": partner.id,
                    "statement_type": "statement",
                    "date_from": today.replace(day=1),
                    "date_to": today,
                }
            )
        )
        statement._ar_mark_sent("email")
        # a plan proposed for the late invoice (below the approval amount: no approval),
        # in two instalments, for the customer to accept
        late = (
            self.env["account.move"]
            .search(
                [
                    ("partner_id", "=", partner.id),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("invoice_date_due", "<", today),
                    ("amount_residual", ">", 0),
                ],
                order="invoice_date_due",
            )
            .filtered(lambda move: move.ref == "NW-5521")
        )
        plan = (
            self.env["ar.repayment.plan"]
            .with_user(collector)
            .with_company(company)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "user_id": collector.id,
                    "invoice_ids": [Command.set(late.ids)],
                    "note": "Two instalments proposed after the call about the over-limit balance.",
                }
            )
        )
        plan.action_generate_instalments(count=2, first_date=today + timedelta(days=14))
        plan.action_propose()
        _logger.info("ar_collections portal demo loaded: %s, %s", statement.name, plan.name)
        return True
