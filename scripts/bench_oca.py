#!/usr/bin/env python3
"""The aging analysis PDF with invoice detail beside OCA's aged partner balance PDF with
move-line details, on the same ledger.

    python3 scripts/bench_oca.py -c <odoo.conf> -d <db> [--scale 0.3] [--sizes 3000,6000]

The database must have ``ar_collections`` and OCA's ``account_financial_report`` installed
(the configuration's addons path must hold OCA's addons). The ledger is built as
``scripts/bench.py`` builds it (ORM invoices, then SQL copies for new customers); at each
size both PDFs are rendered once as of today and once as of 45 days ago (wkhtmltopdf
included), plus the HTML alone. Everything is rolled back.
"""

import argparse
import json
import os
import sys
import time
from datetime import timedelta

import odoo
from odoo import api, fields

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import GROWTH, SMALL_CUSTOMERS, SMALL_INVOICES, LedgerBuilder, analyze, log, start_http_server  # noqa: E402


def timed(env, func):
    env.flush_all()
    env.invalidate_all()
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    func()
    return time.perf_counter() - start, env.cr.sql_log_count - queries


def measure(env, company, date):
    Reports = env["ir.actions.report"]
    ours = env["report.ar_collections.report_ar_aging"]._ar_default_options(date=date, company_ids=company.ids)
    ours["show_detail"] = True
    wizard = env["aged.partner.balance.report.wizard"].create(
        {
            "date_at": date,
            "company_id": company.id,
            "target_move": "posted",
            "receivable_accounts_only": True,
            "show_move_line_details": True,
        }
    )
    wizard.onchange_type_accounts_only()
    # as the report action sends it to the report: through JSON (dates as strings)
    oca_data = json.loads(json.dumps(wizard._prepare_report_data(), default=str))
    oca_report = "account_financial_report.aged_partner_balance"
    return {
        "ours_html": timed(
            env,
            lambda: Reports._render_qweb_html("ar_collections.ar_aging_report_action_pdf", [], data={"options": ours}),
        ),
        "ours_pdf": timed(
            env,
            lambda: Reports._render_qweb_pdf("ar_collections.ar_aging_report_action_pdf", [], data={"options": ours}),
        ),
        "oca_html": timed(env, lambda: Reports._render_qweb_html(oca_report, wizard.ids, data=oca_data)),
        "oca_pdf": timed(env, lambda: Reports._render_qweb_pdf(oca_report, wizard.ids, data=oca_data)),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--scale", type=float, default=0.3)
    parser.add_argument("--sizes", default="3000,6000")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    registry = odoo.modules.registry.Registry(args.database)
    sizes = sorted(int(size) for size in args.sizes.split(","))
    results = []
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = env.ref("base.main_company")
        env = env(context={"allowed_company_ids": company.ids})
        if not company.partner_id.tz:
            company.partner_id.tz = "UTC"
        builder = LedgerBuilder(env, company, args.seed)
        start_http_server(env)
        small_customers = max(1, int(SMALL_CUSTOMERS * args.scale))
        customers = builder.add_customers(small_customers)
        builder.add_invoices(max(1, int(SMALL_INVOICES * args.scale)), customers)
        copy_number = 0
        for size in sizes:
            while builder.invoice_count < size and copy_number < 10 * GROWTH:
                copy_number += 1
                builder.clone_ledger(customers, builder.add_customers(small_customers), copy_number)
            analyze(env)
            for label, date in (
                ("today", fields.Date.today()),
                ("45 days ago", fields.Date.today() - timedelta(days=45)),
            ):
                log(f"Measuring {builder.invoice_count} invoices, {label} ...")
                results.append((builder.invoice_count, label, measure(env, company, date)))
        cr.rollback()
    print()
    print("aging PDF with invoice detail: ar_collections vs OCA aged partner balance with move-line details")
    header = (
        f"{'invoices':>9} {'as of':<12}{'ours html':>11}{'ours pdf':>10}{'OCA html':>10}{'OCA pdf':>9}{'OCA/ours':>9}"
    )
    print(header)
    print("-" * len(header))
    for invoices, label, row in results:
        print(
            f"{invoices:>9} {label:<12}{row['ours_html'][0]:>10.1f}s{row['ours_pdf'][0]:>9.1f}s"
            f"{row['oca_html'][0]:>9.1f}s{row['oca_pdf'][0]:>8.1f}s{row['oca_pdf'][0] / row['ours_pdf'][0]:>8.2f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
