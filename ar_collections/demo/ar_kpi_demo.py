"""Demo of the KPI history: six months of invoices and their payments, so that the
dashboard's DSO, CEI, roll rates and trends tell a story (loaded after the main story and the
bad-debt demo, by ``ar.kpi.period._ar_load_demo_history``; a database without demo data
never imports this module).

Every month (one more than the KPIs' months: the first month's receipts pay it), six of the demo customers are invoiced once (their credit period after the
invoice date); each invoice is paid in full, late by the customer's habit plus the month's
slippage: payments slip over the summer (up to 40 days more four months ago), then the
collectors catch up and the last months are paid on time or early. All the history is paid
before today, so the story's current aging (its buckets, stages and holds) stays as it is;
the past month-ends show the receivable that was open and overdue then.
"""

import logging
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command

from .common import demo_env

_logger = logging.getLogger(__name__)

# customer xmlid, monthly amount, days late by habit
HISTORY_CUSTOMERS = [
    ("demo_partner_grade_a", 48000.0, 0),
    ("demo_partner_pacific", 36000.0, -5),
    ("demo_partner_grade_b", 30000.0, 10),
    ("demo_partner_beifang", 42000.0, 25),
    ("demo_partner_grade_c", 27000.0, 15),
    ("demo_partner_jiangnan", 12000.0, 5),
]
# months ago -> days late added to every customer's habit that month
MONTH_SLIPPAGE = {7: 0, 6: 5, 5: 20, 4: 40, 3: 30, 2: 10, 1: -5}


def load_history_invoices(env, company, months=6):
    """Invoice and pay the history of ``company`` for the ``months`` months before the
    current one (superuser ``env``, as demo data is loaded)."""
    env, today = demo_env(company, env)
    journal = env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "sale")], limit=1)
    product = env.ref("ar_collections.demo_product_motor")
    salesman = env.ref("ar_collections.demo_user_salesman")
    first_of_month = today.replace(day=1)
    plan = []
    for months_ago in range(months, 0, -1):
        month_start = first_of_month - relativedelta(months=months_ago)
        for index, (xmlid, amount, habit) in enumerate(HISTORY_CUSTOMERS):
            partner = env.ref(f"ar_collections.{xmlid}")
            invoice_date = month_start + timedelta(days=2 + 4 * index)
            due = invoice_date + timedelta(days=partner.ar_credit_days or 30)
            late = habit + MONTH_SLIPPAGE.get(months_ago, 0)
            # paid before today, never before the invoice
            paid = min(max(due + timedelta(days=late), invoice_date + timedelta(days=1)), today - timedelta(days=2))
            plan.append((invoice_date, due, paid, partner, amount * (1 + 0.1 * ((months_ago + index) % 3))))
    plan.sort(key=lambda row: row[0])
    Move = env["account.move"].with_company(company)
    invoices = Move.create(
        [
            {
                "move_type": "out_invoice",
                "journal_id": journal.id,
                "partner_id": partner.id,
                "invoice_user_id": salesman.id,
                "invoice_date": invoice_date,
                "invoice_date_due": due,
                "invoice_payment_term_id": False,
                "ref": f"KPI-{invoice_date:%Y%m}-{partner.id}",
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": product.id, "quantity": 1, "price_unit": amount, "tax_ids": [Command.clear()]}
                    )
                ],
            }
            for invoice_date, due, _paid, partner, amount in plan
        ]
    )
    invoices.action_post()
    for invoice, (_invoice_date, _due, paid, _partner, _amount) in zip(invoices, plan, strict=True):
        env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"payment_date": paid}
        )._create_payments()
    _logger.info("ar_collections KPI demo: %s past invoices, paid", len(invoices))
    return invoices
