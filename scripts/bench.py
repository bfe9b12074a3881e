#!/usr/bin/env python3
"""Benchmark of the nightly collections run of ar_collections.

    python3 scripts/bench.py -c $ODOO_RC -d $DB [--scale N] [--commit]

On a database with ar_collections installed (no demo data needed), in the main
company:

1. builds a realistic ledger through the ORM (batches of 500 ``create([...])`` +
   ``action_post()``): 100 x scale customers and 2,000 x scale posted invoices due
   from 120 days ago to 30 days ahead, about 20 % of them partly paid (one
   journal entry per batch, reconciled with ``_reconcile_plan``), unapplied credit
   notes (1 per 50 invoices) and unapplied payments;
2. runs the collections cron on that small ledger (the reference), rolls the run
   back, grows the ledger tenfold (1,000 x scale customers, 20,000 x scale
   invoices) by copying it 9 times in SQL for 9 new sets of customers (whole
   balanced moves, their lines and partial reconciliations: a consistent ledger,
   100 times faster than the ORM), and runs the cron again, as the cron framework
   does (one call per unit of work until nothing remains) but without commits;
3. measures wall time (flush included) and SQL queries (``cr.sql_log_count``) of
   each full run, and the floor: one plain SQL aggregate over the same receivable
   journal items (median of 3).

Everything happens in one transaction that is rolled back at the end (unless
``--commit``), so the script can also be run on a development database.
"""

import argparse
import random
import sys
import time
from datetime import timedelta

import odoo
from odoo import Command, api, fields
from odoo.tools import SQL

SMALL_CUSTOMERS = 100
SMALL_INVOICES = 2000
GROWTH = 10
BATCH = 500


class _Rollback(Exception):
    pass


def log(message):
    print(message, file=sys.stderr, flush=True)


class LedgerBuilder:
    def __init__(self, env, company, seed):
        self.env = env
        self.company = company
        self.random = random.Random(seed)
        self.today = fields.Date.context_today(env["res.partner"].with_context(tz=company.partner_id.tz or "UTC"))
        self.journal = env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "sale")], limit=1)
        self.misc_journal = env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "general")], limit=1
        )
        bank = env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "bank")], limit=1)
        self.bank_account = bank.default_account_id
        self.receivable = env["account.account"].search(
            [("company_ids", "in", company.ids), ("account_type", "=", "asset_receivable")], limit=1
        )
        self.income = env["account.account"].search(
            [("company_ids", "in", company.ids), ("account_type", "=", "income")], limit=1
        )
        self.customers = env["res.partner"]
        self.invoice_count = 0
        self.users = self._users()

    def _users(self):
        Users = self.env["res.users"].with_context(no_reset_password=True)
        group_ids = [
            self.env.ref("base.group_user").id,
            self.env.ref("ar_collections.group_ar_collections_user").id,
            self.env.ref("sales_team.group_sale_salesman").id,
        ]
        users = Users.create(
            [
                {
                    "name": f"Bench {role} {i}",
                    "login": f"bench_{role}_{i}_{time.time_ns()}",
                    "company_id": self.company.id,
                    "company_ids": [Command.set(self.company.ids)],
                    "groups_id": [Command.set(group_ids)],
                }
                for role in ("collector", "sales")
                for i in range(5)
            ]
        )
        collectors, salespeople = users[:5], users[5:]
        self.company.write(
            {
                "ar_default_collector_id": collectors[0].id,
                "ar_credit_manager_user_id": collectors[1].id,
                "ar_legal_user_id": collectors[2].id,
            }
        )
        return {"collectors": collectors, "salespeople": salespeople}

    def add_customers(self, count):
        start = len(self.customers)
        customers = self.env["res.partner"].create(
            [
                {
                    "name": f"Bench Customer {start + i:05d}",
                    "is_company": True,
                    "customer_rank": 1,
                    "user_id": self.users["salespeople"][i % 5].id,
                }
                for i in range(count)
            ]
        )
        # a collector of its own for half the customers
        for i, collector in enumerate(self.users["collectors"]):
            customers[i::10].with_company(self.company).collector_id = collector
        self.customers |= customers
        return customers

    def add_invoices(self, count, customers):
        """``count`` invoices spread over ``customers``, in batches: create + post, then
        partial payments of ~20 % of them, credit notes and unapplied payments."""
        rnd = self.random
        Move = (
            self.env["account.move"]
            .with_company(self.company)
            .with_context(tracking_disable=True, skip_invoice_sync=False)
        )
        done = 0
        while done < count:
            size = min(BATCH, count - done)
            vals_list = []
            for i in range(size):
                due = self.today + timedelta(days=rnd.randint(-120, 30))
                invoice_date = due - timedelta(days=30)
                vals_list.append(
                    {
                        "move_type": "out_invoice",
                        "partner_id": customers[(done + i) % len(customers)].id,
                        "journal_id": self.journal.id,
                        "invoice_date": invoice_date,
                        "date": invoice_date,
                        "invoice_payment_term_id": False,
                        "invoice_date_due": due,
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": "Goods",
                                    "quantity": 1,
                                    "price_unit": round(rnd.uniform(100, 20000), 2),
                                    "account_id": self.income.id,
                                    "tax_ids": [Command.clear()],
                                }
                            )
                        ],
                    }
                )
            # a few credit notes, never matched to an invoice
            for _i in range(size // 50):
                date = self.today - timedelta(days=rnd.randint(0, 60))
                vals_list.append(
                    {
                        "move_type": "out_refund",
                        "partner_id": rnd.choice(customers).id,
                        "journal_id": self.journal.id,
                        "invoice_date": date,
                        "date": date,
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": "Return",
                                    "quantity": 1,
                                    "price_unit": round(rnd.uniform(50, 2000), 2),
                                    "account_id": self.income.id,
                                    "tax_ids": [Command.clear()],
                                }
                            )
                        ],
                    }
                )
            moves = Move.create(vals_list)
            moves.action_post()
            invoices = moves.filtered(lambda m: m.move_type == "out_invoice")
            self._pay_partly(invoices.filtered(lambda m: rnd.random() < 0.2), customers)
            done += size
            self.invoice_count += size
            self.env.flush_all()
            self.env.invalidate_all()
            log(f"  {done}/{count} invoices")

    def _pay_partly(self, invoices, customers):
        """One journal entry paying 30-70 % of each invoice (reconciled), plus a few
        payments that are matched to nothing."""
        rnd = self.random
        lines = []
        receivables = []
        for invoice in invoices:
            receivable = invoice.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
            amount = invoice.currency_id.round(invoice.amount_residual * rnd.uniform(0.3, 0.7))
            receivables.append(receivable)
            lines.append(
                {
                    "name": f"Payment {invoice.name}",
                    "partner_id": invoice.partner_id.id,
                    "account_id": receivable.account_id.id,
                    "credit": amount,
                }
            )
        for _i in range(max(1, len(invoices) // 20)):
            lines.append(
                {
                    "name": "Unapplied payment",
                    "partner_id": rnd.choice(customers).id,
                    "account_id": self.receivable.id,
                    "credit": round(rnd.uniform(100, 3000), 2),
                }
            )
        total = sum(line["credit"] for line in lines)
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": self.misc_journal.id,
                "date": self.today,
                "line_ids": [Command.create({"name": "Bank", "account_id": self.bank_account.id, "debit": total})]
                + [Command.create(line) for line in lines],
            }
        )
        entry.action_post()
        payment_lines = entry.line_ids.filtered(lambda line: line.credit)[: len(receivables)]
        self.env["account.move.line"]._reconcile_plan(
            [receivable + payment for receivable, payment in zip(receivables, payment_lines)]
        )

    # ------------------------------------------------------------------
    # Growing the ledger by copying it in SQL (a consistent copy: same balanced
    # moves, same partial reconciliations, for a new set of customers)
    # ------------------------------------------------------------------
    def _columns(self, table):
        self.env.cr.execute(
            SQL(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
                table,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _copy_table(self, table, source_where, overrides, id_map):
        """INSERT a copy of the rows of ``table`` matching ``source_where`` (alias src),
        with new ids taken from temp table ``id_map`` (old_id, new_id)."""
        columns = [c for c in self._columns(table) if c != "id"]
        select = [overrides.get(c, SQL.identifier("src", c)) for c in columns]
        self.env.cr.execute(
            SQL(
                "INSERT INTO %s (id, %s) SELECT map.new_id, %s FROM %s src JOIN %s map ON map.old_id = src.id WHERE %s",
                SQL.identifier(table),
                SQL(", ").join(SQL.identifier(c) for c in columns),
                SQL(", ").join(select),
                SQL.identifier(table),
                SQL.identifier(id_map),
                source_where,
            )
        )

    def clone_ledger(self, template_customers, new_customers, copy_number):
        """Copy every move of ``template_customers`` (invoices, credit notes, payment
        entries with their partial reconciliations) to ``new_customers`` (same order)."""
        env, cr = self.env, self.env.cr
        env.flush_all()
        cr.execute(
            SQL(
                """DROP TABLE IF EXISTS bench_partner_map, bench_move_map, bench_line_map, bench_partial_map;
               CREATE TEMP TABLE bench_partner_map AS
                   SELECT * FROM unnest(%s::int[], %s::int[]) AS m(old_id, new_id);
               CREATE TEMP TABLE bench_move_map AS
                   SELECT DISTINCT l.move_id AS old_id, 0 AS new_id
                     FROM account_move_line l
                    WHERE l.company_id = %s AND l.partner_id IN (SELECT old_id FROM bench_partner_map);
               UPDATE bench_move_map SET new_id = nextval('account_move_id_seq');
               CREATE TEMP TABLE bench_line_map AS
                   SELECT l.id AS old_id, nextval('account_move_line_id_seq') AS new_id
                     FROM account_move_line l WHERE l.move_id IN (SELECT old_id FROM bench_move_map);
               CREATE TEMP TABLE bench_partial_map AS
                   SELECT p.id AS old_id, nextval('account_partial_reconcile_id_seq') AS new_id
                     FROM account_partial_reconcile p
                    WHERE p.debit_move_id IN (SELECT old_id FROM bench_line_map)
                      AND p.credit_move_id IN (SELECT old_id FROM bench_line_map);""",
                template_customers.ids,
                new_customers.ids,
                self.company.id,
            )
        )
        # a payment entry paying several customers is copied whole: its lines of
        # customers outside the template keep their partner
        partner = SQL(
            "COALESCE((SELECT pm.new_id FROM bench_partner_map pm WHERE pm.old_id = src.%s), src.%s)",
            SQL.identifier("partner_id"),
            SQL.identifier("partner_id"),
        )
        suffix = f"/C{copy_number}"
        self._copy_table(
            "account_move",
            SQL("TRUE"),
            {
                "name": SQL("src.name || %s", suffix),
                "partner_id": partner,
                "commercial_partner_id": SQL(
                    "COALESCE((SELECT pm.new_id FROM bench_partner_map pm WHERE pm.old_id = src.commercial_partner_id),"
                    " src.commercial_partner_id)"
                ),
                "partner_shipping_id": SQL(
                    "COALESCE((SELECT pm.new_id FROM bench_partner_map pm WHERE pm.old_id = src.partner_shipping_id),"
                    " src.partner_shipping_id)"
                ),
                "access_token": SQL("NULL"),
                "collection_stage_id": SQL("NULL"),
                "collection_stage_date": SQL("NULL"),
            },
            "bench_move_map",
        )
        self._copy_table(
            "account_move_line",
            SQL("TRUE"),
            {
                "move_id": SQL("(SELECT mm.new_id FROM bench_move_map mm WHERE mm.old_id = src.move_id)"),
                "move_name": SQL("src.move_name || %s", suffix),
                "partner_id": partner,
                "full_reconcile_id": SQL("NULL"),
            },
            "bench_line_map",
        )
        self._copy_table(
            "account_partial_reconcile",
            SQL("TRUE"),
            {
                "debit_move_id": SQL("(SELECT lm.new_id FROM bench_line_map lm WHERE lm.old_id = src.debit_move_id)"),
                "credit_move_id": SQL("(SELECT lm.new_id FROM bench_line_map lm WHERE lm.old_id = src.credit_move_id)"),
                "full_reconcile_id": SQL("NULL"),
                "exchange_move_id": SQL("NULL"),
            },
            "bench_partial_map",
        )
        # matching numbers of partially reconciled items point to their partial
        cr.execute(
            SQL(
                """UPDATE account_move_line l
                  SET matching_number = 'P' || (SELECT MIN(pm.new_id) FROM bench_partial_map pm
                                                  JOIN account_partial_reconcile p ON p.id = pm.new_id
                                                 WHERE p.debit_move_id = l.id OR p.credit_move_id = l.id)
                WHERE l.id IN (SELECT new_id FROM bench_line_map) AND l.matching_number LIKE 'P%%'"""
            )
        )
        cr.execute(
            SQL(
                "SELECT COUNT(*) FROM bench_move_map m JOIN account_move am ON am.id = m.old_id "
                "WHERE am.move_type = 'out_invoice'"
            )
        )
        copied = cr.fetchone()[0]
        self.invoice_count += copied
        env.invalidate_all()
        return copied

    # the customers' own records the credit score and the danger signals read
    SCORING_TABLES = (
        # table, id map, rows of the template customers
        ("ar_payment_promise", "bench_promise_map", "partner_id IN (SELECT old_id FROM bench_partner_map)"),
        ("ar_dispute", "bench_dispute_map", "partner_id IN (SELECT old_id FROM bench_partner_map)"),
        ("sale_order", "bench_order_map", "partner_id IN (SELECT old_id FROM bench_partner_map)"),
        ("sale_order_line", "bench_order_line_map", "order_id IN (SELECT old_id FROM bench_order_map)"),
    )
    SCORING_RELATIONS = (
        # relation table, its column, id map of that column (the other column: a move)
        ("ar_payment_promise_invoice_rel", "promise_id", "bench_promise_map"),
        ("ar_dispute_invoice_rel", "dispute_id", "bench_dispute_map"),
    )

    def clone_scoring_records(self, copy_number):
        """After ``clone_ledger`` (its id maps still there): copy the promises, disputes
        and sale orders (with their lines) of the template customers to the new ones, the
        invoices of the promises and disputes mapped to the copied invoices."""
        cr = self.env.cr
        suffix = f"/C{copy_number}"
        for table, id_map, where in self.SCORING_TABLES:
            cr.execute(
                SQL(
                    "DROP TABLE IF EXISTS %s; CREATE TEMP TABLE %s AS "
                    "SELECT id AS old_id, nextval(%s) AS new_id FROM %s WHERE " + where,
                    SQL.identifier(id_map),
                    SQL.identifier(id_map),
                    f"{table}_id_seq",
                    SQL.identifier(table),
                )
            )
            columns = set(self._columns(table))
            overrides = {
                column: SQL(
                    "COALESCE((SELECT pm.new_id FROM bench_partner_map pm WHERE pm.old_id = src.%s), src.%s)",
                    SQL.identifier(column),
                    SQL.identifier(column),
                )
                for column in ("partner_id", "partner_invoice_id", "partner_shipping_id", "order_partner_id")
                if column in columns
            }
            overrides.update(
                {column: SQL("NULL") for column in ("access_token", "log_id", "extension_id") if column in columns}
            )
            if table != "sale_order_line" and "name" in columns:
                overrides["name"] = SQL("src.name || %s", suffix)
            if table == "sale_order_line":
                overrides["order_id"] = SQL("(SELECT om.new_id FROM bench_order_map om WHERE om.old_id = src.order_id)")
            self._copy_table(table, SQL("TRUE"), overrides, id_map)
        for relation, column, id_map in self.SCORING_RELATIONS:
            cr.execute(
                SQL(
                    "INSERT INTO %s (%s, move_id) SELECT rm.new_id, mm.new_id FROM %s rel "
                    "JOIN %s rm ON rm.old_id = rel.%s JOIN bench_move_map mm ON mm.old_id = rel.move_id",
                    SQL.identifier(relation),
                    SQL.identifier(column),
                    SQL.identifier(relation),
                    SQL.identifier(id_map),
                    SQL.identifier(column),
                )
            )
        self.env.invalidate_all()


def measure_run(env):
    """Run the collections cron to the end; return (seconds, queries, calls, run)."""
    env.flush_all()
    env.invalidate_all()
    Run = env["ar.collection.run"]
    cr = env.cr
    queries = cr.sql_log_count
    start = time.perf_counter()
    calls = 1
    while Run._cron_run_collections():
        calls += 1
    env.flush_all()
    seconds = time.perf_counter() - start
    queries = cr.sql_log_count - queries
    run = Run.search([], limit=1, order="id desc")
    return seconds, queries, calls, run


def check_ledger(env, company):
    """The generated ledger must be consistent: balanced moves, and residuals of the
    receivable items equal to their balance less their partial reconciliations."""
    env.flush_all()
    env.cr.execute(
        SQL(
            """SELECT
             (SELECT COUNT(*) FROM (SELECT move_id FROM account_move_line WHERE company_id = %(c)s
                                     GROUP BY move_id HAVING ROUND(SUM(balance), 2) != 0) unbalanced),
             (SELECT COUNT(*) FROM account_move_line l
                JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
               WHERE l.company_id = %(c)s AND l.parent_state = 'posted'
                 AND ROUND(l.balance
                     - COALESCE((SELECT SUM(p.amount) FROM account_partial_reconcile p WHERE p.debit_move_id = l.id), 0)
                     + COALESCE((SELECT SUM(p.amount) FROM account_partial_reconcile p WHERE p.credit_move_id = l.id), 0)
                     - l.amount_residual, 2) != 0)""",
            c=company.id,
        )
    )
    unbalanced, wrong_residuals = env.cr.fetchone()
    if unbalanced or wrong_residuals:
        raise AssertionError(f"inconsistent ledger: {unbalanced} unbalanced moves, {wrong_residuals} wrong residuals")


def analyze(env):
    """Fresh planner statistics after the bulk load (what autovacuum does in real life)."""
    env.flush_all()
    env.cr.execute("ANALYZE account_move, account_move_line, account_partial_reconcile, res_partner, mail_activity")


def measure_floor(env, company, date=None):
    """One plain SQL aggregate over the same receivable items (median of 3). As of a
    date: the residual rebuilt from the partials of that date, pre-summed once."""
    env.flush_all()
    date = date or fields.Date.today()
    query = SQL(
        """WITH partial AS (
               SELECT line_id, SUM(amount) AS amount FROM (
                   SELECT debit_move_id AS line_id, amount FROM account_partial_reconcile WHERE max_date <= %(date)s
                    UNION ALL
                   SELECT credit_move_id, -amount FROM account_partial_reconcile WHERE max_date <= %(date)s) s
                GROUP BY line_id)
           SELECT p.commercial_partner_id,
                  SUM(aml.balance - COALESCE(partial.amount, 0)),
                  SUM(aml.balance - COALESCE(partial.amount, 0)) FILTER (WHERE %(date)s::date - aml.date_maturity > 0)
             FROM account_move_line aml
             JOIN account_account a ON a.id = aml.account_id
             JOIN res_partner p ON p.id = aml.partner_id
        LEFT JOIN partial ON partial.line_id = aml.id
            WHERE aml.company_id = %(company)s AND aml.parent_state = 'posted' AND aml.date <= %(date)s
              AND a.account_type = 'asset_receivable'
            GROUP BY p.commercial_partner_id""",
        date=date,
        company=company.id,
    )
    times = []
    for _i in range(3):
        start = time.perf_counter()
        env.cr.execute(query)
        env.cr.fetchall()
        times.append(time.perf_counter() - start)
    return sorted(times)[1]


def measure_aging_report(env, company, date=None):
    """The aging analysis summary (per customer, all buckets) as the report builds it:
    median of 3 (seconds, queries), in a fresh cache each time."""
    Report = env["report.ar_collections.report_ar_aging"]
    options = Report._ar_default_options(date=date, company_ids=company.ids)
    return measure(env, lambda: Report._get_aging_data(options))


def measure(env, func, repeat=3):
    """Median of ``repeat`` calls of ``func``: (seconds, queries), flush included, fresh cache."""
    samples = []
    for _i in range(repeat):
        env.flush_all()
        env.invalidate_all()
        queries = env.cr.sql_log_count
        start = time.perf_counter()
        func()
        env.flush_all()
        samples.append((time.perf_counter() - start, env.cr.sql_log_count - queries))
    return sorted(samples)[len(samples) // 2]


def start_http_server(env):
    """Serve this database on a free local port for wkhtmltopdf (it fetches the report's
    assets over HTTP, like in production); ``report.url`` points at it (in the transaction,
    rolled back with it)."""
    import socket  # noqa: PLC0415

    from odoo.service import server  # noqa: PLC0415

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    odoo.tools.config["http_interface"] = "127.0.0.1"
    odoo.tools.config["http_port"] = port
    server.ThreadedServer(odoo.http.root).http_spawn()
    env["ir.config_parameter"].sudo().set_param("report.url", f"http://127.0.0.1:{port}")
    log(f"HTTP server for wkhtmltopdf on port {port}")


def measure_reports(env, company, pdf=True):
    """Summary, detail, XLSX and PDF (with invoice detail) of the aging analysis, as of
    today and as of 45 days ago, with the plain SQL floor of each date."""
    Report = env["report.ar_collections.report_ar_aging"]
    Xlsx = env["ar.report.xlsx"]
    result = {}
    for label, date in (("today", fields.Date.today()), ("past", fields.Date.today() - timedelta(days=45))):
        options = Report._ar_default_options(date=date, company_ids=company.ids)
        detail = {**options, "show_detail": True}
        row = {
            "floor": measure_floor(env, company, date),
            "summary": measure(env, lambda options=options: Report._get_aging_data(options)),
            "detail": measure(env, lambda detail=detail: Report._get_aging_data(detail)),
            "xlsx": measure(env, lambda detail=detail: Xlsx._aging_xlsx(Report._get_aging_data(detail))),
        }
        if pdf:
            row["html"] = measure(
                env,
                lambda detail=detail: env["ir.actions.report"]._render_qweb_html(
                    "ar_collections.ar_aging_report_action_pdf", [], data={"options": detail}
                ),
                repeat=1,
            )
            row["pdf"] = measure(
                env,
                lambda detail=detail: env["ir.actions.report"]._render_qweb_pdf(
                    "ar_collections.ar_aging_report_action_pdf", [], data={"options": detail}
                ),
                repeat=1,
            )
        result[label] = row
    return result


def print_reports(points):
    """One table per date: each measured ledger size, and the growth between sizes."""
    kinds = [k for k in ("floor", "summary", "detail", "xlsx", "html", "pdf") if k in points[0][1]["today"]]
    for label, title in (("today", "as of today"), ("past", "as of 45 days ago")):
        print(f"aging analysis {title} (ms, queries; PDF: one call, wkhtmltopdf included):")
        header = f"{'invoices':>9}" + "".join(f"{kind:>16}" for kind in kinds)
        print(header)
        print("-" * len(header))
        for invoices, result in points:
            row = result[label]
            cells = []
            for kind in kinds:
                if kind == "floor":
                    cells.append(f"{row[kind] * 1000:>16.0f}")
                else:
                    cells.append(f"{row[kind][0] * 1000:>10.0f} {row[kind][1]:>4}q")
            print(f"{invoices:>9}" + "".join(cells))
        for (n1, r1), (n2, r2) in zip(points, points[1:]):
            growth = []
            for kind in kinds:
                t1 = r1[label][kind] if kind == "floor" else r1[label][kind][0]
                t2 = r2[label][kind] if kind == "floor" else r2[label][kind][0]
                growth.append(f"{kind} {t2 / t1:.2f}x")
            print(f"  growth {n1} -> {n2} invoices (x{n2 / n1:.1f}): " + ", ".join(growth))
        summary = points[-1][1][label]
        print(f"  summary / floor at {points[-1][0]} invoices: {summary['summary'][0] / summary['floor']:.1f}x")
        print()


def bench_run(env, label, invoices):
    """Measure a full run and roll it back (the data stays)."""
    result = {}
    try:
        with env.cr.savepoint():
            seconds, queries, calls, run = measure_run(env)
            result = {
                "label": label,
                "invoices": invoices,
                "seconds": seconds,
                "queries": queries,
                "calls": calls,
                "aged": run.invoice_count,
                "changes": run.stage_change_count,
                "partners": run.partner_count,
                "created": run.activity_created_count,
                "errors": run.error_count,
                "state": run.state,
            }
            # a second run the same day (the day's run, run again): nothing new, how long?
            env["ar.collection.run"]._ar_start_runs(run.company_id, trigger="manual")
            seconds2, queries2, _calls2, run2 = measure_run(env)
            result.update(rerun_seconds=seconds2, rerun_queries=queries2, rerun_created=run2.activity_created_count)
            raise _Rollback
    except _Rollback:
        pass
    env.invalidate_all()
    return result


def measure_kpis(env, company):
    """Snapshot + KPIs (issue "KPIs and the dashboard"): the snapshot of the last two
    month-ends (as-of aging, one INSERT … SELECT each) and of today, then the KPIs of the
    last complete month for the company and per collector; wall time (flush included) and
    queries of each part."""
    Snapshot = env["ar.aging.snapshot"]
    today = fields.Date.context_today(env["res.partner"])
    month_ends = Snapshot._ar_month_ends(2, today)
    result = {}
    env.flush_all()
    queries, start = env.cr.sql_log_count, time.perf_counter()
    for date in (*month_ends, today):
        Snapshot._ar_take_snapshot(company, date)
    env.flush_all()
    result["snapshot_seconds"], result["snapshot_queries"] = time.perf_counter() - start, env.cr.sql_log_count - queries
    env.cr.execute(SQL("SELECT COUNT(*) FROM ar_aging_snapshot WHERE company_id = %s", company.id))
    result["snapshot_rows"] = env.cr.fetchone()[0]
    date_from = month_ends[0] + timedelta(days=1)
    queries, start = env.cr.sql_log_count, time.perf_counter()
    kpis = env["ar.kpi"]._ar_compute(date_from, month_ends[1], company.ids)
    by_collector = env["ar.kpi"]._ar_compute(date_from, month_ends[1], company.ids, "collector")
    env.flush_all()
    result["kpi_seconds"], result["kpi_queries"] = time.perf_counter() - start, env.cr.sql_log_count - queries
    result["collectors"] = len(by_collector)
    result["kpis"] = kpis.get((company.id, None), {})
    Forecast = env["ar.cash.forecast"]
    for kind, date in (("forecast", today), ("backtest", today - timedelta(days=7 * 13))):
        env.flush_all()
        queries, start = env.cr.sql_log_count, time.perf_counter()
        Forecast._ar_generate(company, date, kind)
        env.flush_all()
        result[f"{kind}_seconds"] = time.perf_counter() - start
        result[f"{kind}_queries"] = env.cr.sql_log_count - queries
    return result


def print_kpis(points):
    print(
        "ar_collections snapshot + KPIs (last two month-ends and today; KPIs of the last month, company + per collector)"
    )
    header = (
        f"{'invoices':>9}{'customers':>10}{'rows':>8}{'snapshot (s)':>13}{'queries':>8}"
        f"{'KPIs (s)':>9}{'queries':>8}{'forecast (s)':>13}{'queries':>8}{'backtest (s)':>13}{'queries':>8}"
        f"{'DSO cb':>8}{'CEI':>7}"
    )
    print(header)
    print("-" * len(header))
    for invoices, customers, row in points:
        print(
            f"{invoices:>9}{customers:>10}{row['snapshot_rows']:>8}{row['snapshot_seconds']:>13.2f}"
            f"{row['snapshot_queries']:>8}{row['kpi_seconds']:>9.2f}{row['kpi_queries']:>8}"
            f"{row['forecast_seconds']:>13.2f}{row['forecast_queries']:>8}"
            f"{row['backtest_seconds']:>13.2f}{row['backtest_queries']:>8}"
            f"{row['kpis'].get('dso_countback', 0):>8.1f}{row['kpis'].get('cei', 0):>7.1f}"
        )


def bench_dunning(env, company, builder, sizes):
    """Automatic dunning: ``max(sizes)`` customers, each with one invoice 10 days overdue
    (1-30 stage, which e-mails its customers; the company sends automatically); the
    stage actions of the collections run (``ar.dunning.message._ar_run_actions``: one
    message per customer, its e-mail queued and its contact logged) measured for the
    first ``size`` customers of each size, each measure rolled back."""
    count = max(sizes)
    log(f"Dunning: {count} customers with an overdue invoice ...")
    customers = builder.add_customers(count)
    env.cr.execute(
        SQL("UPDATE res_partner SET email = 'ap' || id || '@bench.example.com' WHERE id = ANY(%s)", customers.ids)
    )
    customers.invalidate_recordset(["email"])
    Move = env["account.move"].with_company(company).with_context(tracking_disable=True)
    due = builder.today - timedelta(days=10)
    for start in range(0, count, BATCH):
        moves = Move.create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "invoice_date": due - timedelta(days=30),
                    "invoice_date_due": due,
                    "journal_id": builder.journal.id,
                    "invoice_line_ids": [Command.create({"name": "Goods", "quantity": 1, "price_unit": 1000.0})],
                }
                for customer in customers[start : start + BATCH]
            ]
        )
        moves.action_post()
    ladder = env["ar.collection.stage"]._ar_get_ladder(company)
    stage = env["ar.collection.stage"]._ar_stage_for_days(ladder, 10)
    stage.auto_email = True
    company.ar_dunning_send_mode = "send"
    run = env["ar.collection.run"].create({"company_id": company.id, "date": builder.today, "trigger": "manual"})
    run._ar_step_stage_invoices()
    results = []
    for size in sorted(sizes):
        partners = customers[:size]
        events = [(partner, env["mail.activity"], stage, "create") for partner in partners]
        env.flush_all()
        env.invalidate_all()
        with env.cr.savepoint(flush=False) as savepoint:
            queries = env.cr.sql_log_count
            start = time.perf_counter()
            counts = env["ar.dunning.message"]._ar_run_actions(events, run)
            env.flush_all()
            seconds = time.perf_counter() - start
            queries = env.cr.sql_log_count - queries
            savepoint.rollback()
        env.invalidate_all()
        results.append((size, seconds, queries, counts.get("dunning_sent_count", 0)))
    print()
    print("ar_collections automatic dunning benchmark (one message per customer, queued and logged)")
    print(f"{'customers':>10} {'sent':>6} {'seconds':>8} {'ms/customer':>12} {'queries':>8} {'queries/customer':>17}")
    for size, seconds, queries, sent in results:
        print(
            f"{size:>10} {sent:>6} {seconds:>8.1f} {seconds * 1000 / size:>12.1f} {queries:>8} {queries / size:>17.1f}"
        )
    return results


def _bench_pay_fully(env, builder, customers, share=0.5):
    """Pay ``share`` of the unpaid invoices of ``customers`` in full, each on a date from
    10 days early to 40 days late (never after today): one entry per payment date."""
    rnd = builder.random
    invoices = env["account.move"].search(
        [("partner_id", "in", customers.ids), ("move_type", "=", "out_invoice"), ("payment_state", "=", "not_paid")]
    )
    by_date = {}
    for invoice in invoices:
        if rnd.random() < share:
            paid = min(invoice.invoice_date_due + timedelta(days=rnd.randint(-10, 40)), builder.today)
            by_date.setdefault(max(paid, invoice.invoice_date), []).append(invoice)
    for date, group in sorted(by_date.items()):
        receivables = [inv.line_ids.filtered(lambda line: line.display_type == "payment_term") for inv in group]
        lines = [
            {
                "name": f"Payment {inv.name}",
                "partner_id": inv.partner_id.id,
                "account_id": rec.account_id.id,
                "credit": inv.amount_residual,
            }
            for inv, rec in zip(group, receivables)
        ]
        entry = env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": builder.misc_journal.id,
                "date": date,
                "line_ids": [
                    Command.create(
                        {
                            "name": "Bank",
                            "account_id": builder.bank_account.id,
                            "debit": sum(x["credit"] for x in lines),
                        }
                    )
                ]
                + [Command.create(line) for line in lines],
            }
        )
        entry.action_post()
        payment_lines = entry.line_ids.filtered(lambda line: line.credit)
        env["account.move.line"]._reconcile_plan([rec + pay for rec, pay in zip(receivables, payment_lines)])
    env.flush_all()
    env.invalidate_all()
    return sum(len(group) for group in by_date.values())


def _bench_scoring_records(env, builder, customers):
    """The template customers' promises (kept and broken, 2 each for 40 % of them), disputes
    (one invoice for 10 %) and confirmed sale orders (3 to 5 each over the last 6 months):
    created through the ORM, then dated in the past and confirmed in SQL (no credit check
    or delivery is wanted here)."""
    rnd = builder.random
    today = builder.today
    env.flush_all()
    open_invoices = {}
    for invoice in env["account.move"].search(
        [("partner_id", "in", customers.ids), ("move_type", "=", "out_invoice"), ("payment_state", "!=", "paid")]
    ):
        open_invoices.setdefault(invoice.partner_id.id, []).append(invoice)
    promise_vals, dispute_vals = [], []
    for customer in customers:
        invoices = open_invoices.get(customer.id)
        if not invoices:
            continue
        if rnd.random() < 0.4:
            for invoice in rnd.sample(invoices, min(2, len(invoices))):
                promise_vals.append(
                    {
                        "partner_id": customer.id,
                        "date": today + timedelta(days=5),
                        "amount": invoice.amount_residual,
                        "invoice_ids": [Command.set(invoice.ids)],
                    }
                )
        if rnd.random() < 0.1:
            dispute_vals.append(
                {"partner_id": customer.id, "reason": "price", "invoice_ids": [Command.set(rnd.choice(invoices).ids)]}
            )
    promises = env["ar.payment.promise"].create(promise_vals)
    disputes = env["ar.dispute"].create(dispute_vals)
    product = env["product.product"].create({"name": "Bench Goods", "type": "service", "list_price": 100.0})
    orders = env["sale.order"].create(
        [
            {
                "partner_id": customer.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": 1,
                            "price_unit": round(rnd.uniform(500, 20000), 2),
                        }
                    )
                ],
            }
            for customer in customers
            for _i in range(rnd.randint(3, 5))
        ]
    )
    env.flush_all()
    cr = env.cr
    for promise in promises:
        date = today - timedelta(days=rnd.randint(10, 300))
        cr.execute(
            "UPDATE ar_payment_promise SET date = %s, date_start = %s, date_deadline = %s, checked_date = %s, "
            "state = %s WHERE id = %s",
            [
                date,
                date - timedelta(days=10),
                date,
                date,
                rnd.choice(["kept", "kept", "broken", "partial"]),
                promise.id,
            ],
        )
    for dispute in disputes:
        cr.execute(
            "UPDATE ar_dispute SET create_date = %s WHERE id = %s",
            [today - timedelta(days=rnd.randint(0, 60)), dispute.id],
        )
    for order in orders:
        cr.execute(
            "UPDATE sale_order SET state = 'sale', date_order = %s WHERE id = %s",
            [today - timedelta(days=rnd.randint(0, 179)), order.id],
        )
    env.invalidate_all()
    return len(promises), len(disputes), len(orders)


def _measure_scoring(env, company, today):
    """Scores (refresh), danger signals and due reviews of ``company``: (seconds, queries) of
    each and the number of records, rolled back."""
    result = {}

    def timed(key, func):
        def call():
            result[f"{key}_count"] = len(func())

        result[key] = measure(env, call, repeat=1)

    with env.cr.savepoint(flush=False) as savepoint:
        timed("measure", lambda: env["ar.credit.score"]._ar_measure(company, today))
        timed("score", lambda: env["ar.credit.score"]._ar_refresh(company, today))
        timed("warn", lambda: env["ar.credit.warning"]._ar_detect(company, today))
        timed("review", lambda: env["ar.credit.review"]._ar_create_due_reviews(company, today))
        savepoint.rollback()
    env.invalidate_all()
    return result


def scoring_main(args):
    """``--scoring N``: behaviour scores, danger signals and reviews of 10 N, 50 N and 100 N
    customers with 20 invoices each: N customers built through the ORM (half their invoices
    paid in full, early or up to 40 days late, some partly paid; promises, disputes and sale
    orders), their ledger and records copied in SQL for the others; rolled back."""
    customers_count = int(args.scoring)
    per_customer = 20
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = env.ref("base.main_company")
        env = env(context={"allowed_company_ids": company.ids, "tracking_disable": True, "mail_notrack": True})
        if not company.partner_id.tz:
            company.partner_id.tz = "UTC"
        builder = LedgerBuilder(env, company, args.seed)
        log(f"Scoring: {customers_count} customers x {per_customer} invoices ...")
        start = time.perf_counter()
        customers = builder.add_customers(customers_count)
        builder.add_invoices(customers_count * per_customer, customers)
        paid = _bench_pay_fully(env, builder, customers)
        promises, disputes, orders = _bench_scoring_records(env, builder, customers)
        build = time.perf_counter() - start
        log(
            f"  {paid} invoices paid in full, {promises} promises, {disputes} disputes, {orders} orders ({build:.0f} s)"
        )
        # the ledger and records copied in SQL for new sets of customers
        points = []
        start = time.perf_counter()
        sizes = sorted(
            {int(size) // customers_count for size in args.scoring_points.split(",") if size}
            if args.scoring_points
            else {10, 50, 100}
        )
        for copy_number in range(1, sizes[-1]):
            builder.clone_ledger(customers, builder.add_customers(customers_count), copy_number)
            builder.clone_scoring_records(copy_number)
            if copy_number + 1 in sizes:
                log(f"  {len(builder.customers)} customers, {builder.invoice_count} invoices: measuring ...")
                env.cr.execute("ANALYZE ar_payment_promise, ar_dispute, sale_order, sale_order_line")
                analyze(env)
                check_ledger(env, company)
                points.append(
                    (len(builder.customers), builder.invoice_count, _measure_scoring(env, company, builder.today))
                )
        copies = time.perf_counter() - start
        cr.rollback()
    print()
    print(
        "ar_collections credit scoring benchmark (factors measured, scores refreshed, danger signals, reviews created)"
    )
    print(
        f"data build: {build:.0f} s for {customers_count} customers (ORM), {copies:.0f} s for the copies and measures"
    )
    header = (
        f"{'customers':>10}{'invoices':>10}{'factors (s)':>12}{'queries':>8}{'scores':>8}{'score (s)':>10}"
        f"{'queries':>8}{'ms/cust':>8}{'warnings':>9}{'signals (s)':>12}{'queries':>8}{'reviews':>8}"
        f"{'reviews (s)':>12}{'queries':>8}"
    )
    print(header)
    print("-" * len(header))
    for customers_total, invoices, m in points:
        print(
            f"{customers_total:>10}{invoices:>10}{m['measure'][0]:>12.2f}{m['measure'][1]:>8}"
            f"{m['score_count']:>8}{m['score'][0]:>10.2f}{m['score'][1]:>8}"
            f"{1000 * m['score'][0] / customers_total:>8.2f}"
            f"{m['warn_count']:>9}{m['warn'][0]:>12.2f}{m['warn'][1]:>8}"
            f"{m['review_count']:>8}{m['review'][0]:>12.2f}{m['review'][1]:>8}"
        )
    return 0


def build_parser():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument(
        "--scale", type=float, default=1.0, help="multiply the data (default 1: 1,000 customers and 20,000 invoices)"
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--commit", action="store_true", help="keep the generated data (default: roll back)")
    parser.add_argument(
        "--scale-run",
        action="store_true",
        help="instead: the run on 200,000 invoices (x --scale), then two companies with two workers",
    )
    parser.add_argument("--scale-measure", choices=["single", "two"], help=argparse.SUPPRESS)

    parser.add_argument(
        "--report-sizes",
        default="3000,6000",
        help="ledger sizes (invoices) at which the aging reports are measured while the ledger "
        "grows, besides the full size (default 3000,6000: use --scale 0.3)",
    )
    parser.add_argument("--no-pdf", action="store_true", help="do not measure the PDF (slow)")
    parser.add_argument("--no-run", action="store_true", help="do not measure the nightly run")
    parser.add_argument(
        "--growth",
        type=int,
        default=GROWTH,
        help="the full ledger is this many times the small one (default 10; 100 with --scale 1: "
        "10,000 customers and 200,000 invoices)",
    )
    parser.add_argument(
        "--kpi", action="store_true", help="also measure the aging snapshots and the KPIs on both ledgers"
    )
    parser.add_argument(
        "--dunning",
        metavar="SIZES",
        help="instead: the automatic dunning of SIZES customers due a message (e.g. 500,5000), rolled back",
    )
    parser.add_argument(
        "--scoring",
        metavar="CUSTOMERS",
        help="instead: credit scoring of 10, 50 and 100 x CUSTOMERS with 20 invoices each (100: 1,000, 5,000 and 10,000), rolled back",
    )
    parser.add_argument(
        "--scoring-points",
        help="with --scoring: the numbers of customers measured, multiples of CUSTOMERS (default 10, 50 and 100 x)",
    )
    return parser


def measure_ledger(env, company, label, invoices, args):
    """The run (unless --no-run), the SQL floor and the aging report today and 45 days ago on
    the ledger as it is, and the snapshots + KPIs with --kpi."""
    result = bench_run(env, label, invoices) if not args.no_run else {}
    result["floor"] = measure_floor(env, company)
    result["report"] = measure_aging_report(env, company)
    result["report_past"] = measure_aging_report(env, company, fields.Date.today() - timedelta(days=45))
    kpi = None
    if args.kpi:
        log(f"Measuring the snapshots and KPIs on the {label} ledger ...")
        kpi = measure_kpis(env, company)
    return result, kpi


def dunning_main(args):
    """``--dunning SIZES``: the automatic dunning benchmark alone, rolled back."""
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = env.ref("base.main_company")
        env = env(context={"allowed_company_ids": company.ids})
        if not company.partner_id.tz:
            company.partner_id.tz = "UTC"
        builder = LedgerBuilder(env, company, args.seed)
        bench_dunning(env, company, builder, [int(size) for size in args.dunning.split(",")])
        cr.rollback()
    return 0


def main():
    args = build_parser().parse_args()
    # the benchmarks run instead of the nightly run's
    for wanted, other_main in (
        (args.scale_run or args.scale_measure, scale_main),
        (args.dunning, dunning_main),
        (args.scoring, scoring_main),
    ):
        if wanted:
            return other_main(args)

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    registry = odoo.modules.registry.Registry(args.database)
    small_customers = max(1, int(SMALL_CUSTOMERS * args.scale))
    small_invoices = max(1, int(SMALL_INVOICES * args.scale))
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = env.ref("base.main_company")
        env = env(context={"allowed_company_ids": company.ids})
        if not company.partner_id.tz:
            company.partner_id.tz = "UTC"
        builder = LedgerBuilder(env, company, args.seed)
        if not args.no_pdf:
            start_http_server(env)

        log(f"Building {small_invoices} invoices for {small_customers} customers ...")
        start = time.perf_counter()
        customers = builder.add_customers(small_customers)
        builder.add_invoices(small_invoices, customers)
        build_small = time.perf_counter() - start
        analyze(env)
        report_sizes = {int(size) for size in args.report_sizes.split(",") if size}
        report_points = []

        def measure_point():
            log(f"Measuring the aging reports at {builder.invoice_count} invoices ...")
            report_points.append((builder.invoice_count, measure_reports(env, company, pdf=not args.no_pdf)))

        if builder.invoice_count in report_sizes:
            measure_point()
        log("Measuring the run on the small ledger ...")
        small, kpi = measure_ledger(env, company, "small", builder.invoice_count, args)
        kpi_points = [(builder.invoice_count, small_customers, kpi)] if kpi else []

        big_customers = small_customers * args.growth
        log(f"Growing to {small_invoices * args.growth} invoices for {big_customers} customers (SQL copies) ...")
        start = time.perf_counter()
        for copy_number in range(1, args.growth):
            new_customers = builder.add_customers(small_customers)
            builder.clone_ledger(customers, new_customers, copy_number)
            log(f"  copy {copy_number}: {builder.invoice_count} invoices")
            if builder.invoice_count in report_sizes and copy_number < args.growth - 1:
                analyze(env)
                measure_point()
        analyze(env)
        check_ledger(env, company)
        build_big = time.perf_counter() - start
        measure_point()
        log("Measuring the run on the full ledger ...")
        big, kpi = measure_ledger(env, company, "full", builder.invoice_count, args)
        if kpi:
            kpi_points.append((builder.invoice_count, big_customers, kpi))
        batch_size = company.ar_collection_batch_size

        if args.commit:
            cr.commit()
        else:
            cr.rollback()

    print()
    print_reports(report_points)
    if kpi_points:
        print()
        print_kpis(kpi_points)
    if args.no_run:
        return 0
    print()
    print(f"ar_collections nightly run benchmark (scale {args.scale:g}, batch size {batch_size})")
    print(
        f"data build: {build_small:.0f} s for the small ledger (ORM), {build_big:.0f} s more for the full one "
        f"(SQL copies; ledger checked: balanced moves, residuals = balance - partials)"
    )
    print()
    header = (
        f"{'ledger':<8}{'invoices':>9}{'customers':>10}{'run (s)':>9}{'queries':>9}{'cron calls':>11}"
        f"{'q/invoice':>10}{'floor (ms)':>11}{'run/floor':>10}{'rerun (s)':>10}{'rerun q':>8}"
    )
    print(header)
    print("-" * len(header))
    for row, customers_count in ((small, small_customers), (big, big_customers)):
        print(
            f"{row['label']:<8}{row['invoices']:>9}{customers_count:>10}{row['seconds']:>9.2f}{row['queries']:>9}"
            f"{row['calls']:>11}{row['queries'] / row['invoices']:>10.4f}{row['floor'] * 1000:>11.1f}"
            f"{row['seconds'] / row['floor']:>10.0f}{row['rerun_seconds']:>10.2f}{row['rerun_queries']:>8}"
        )
    print()
    for row in (small, big):
        print(
            f"{row['label']}: {row['aged']} invoices aged, {row['changes']} stage changes, {row['partners']} "
            f"customers, {row['created']} follow-ups created, {row['errors']} errors, state {row['state']}; "
            f"second run the same day created {row['rerun_created']} follow-ups"
        )
    ratio = big["seconds"] / (GROWTH * small["seconds"])
    print()
    print(
        f"full run / (10 x small run) = {big['seconds']:.2f} / {GROWTH * small['seconds']:.2f} = {ratio:.2f}"
        f"  (target <= 3)"
    )
    print(f"full run / small run = {big['seconds'] / small['seconds']:.2f} for x{GROWTH} invoices")
    print(
        f"queries per invoice (full run) = {big['queries'] / big['invoices']:.4f}  (target < 0.02, "
        f"i.e. under 1 query per 50 invoices)"
    )
    print(
        f"queries: small {small['queries']}, full {big['queries']} "
        f"(x{big['queries'] / max(small['queries'], 1):.1f} for x{GROWTH} invoices)"
    )
    ok = ratio <= 3 and big["queries"] / big["invoices"] < 0.02 and big["errors"] == 0
    print()
    print("aging analysis summary (report data, all customers), median of 3:")
    for row in (small, big):
        seconds, queries = row["report"]
        past_seconds, past_queries = row["report_past"]
        print(
            f"  {row['label']:<6} today: {seconds * 1000:.0f} ms, {queries} queries "
            f"({seconds / row['floor']:.1f}x the floor of {row['floor'] * 1000:.0f} ms); "
            f"as of 45 days ago: {past_seconds * 1000:.0f} ms, {past_queries} queries"
        )
    print("RESULT:", "OK" if ok else "TARGET MISSED")
    return 0 if ok else 1


# ----------------------------------------------------------------------------
# --scale-run: the run on 200,000 invoices for 10,000 customers, then on two
# companies with two workers at once (each worker a thread with its own cursor,
# calling the cron and committing as the cron framework does). The data are
# committed (make bench drops its database); each measurement runs in a fresh
# process so that its peak memory is the run's.
# ----------------------------------------------------------------------------
SCALE_TEMPLATE_CUSTOMERS = 100
SCALE_TEMPLATE_INVOICES = 2000
SCALE_COPIES = 100  # x the template: 200,000 invoices, 10,000 customers
SCALE_COMPANY2_COPIES = 10  # the second company: 20,000 invoices, 1,000 customers


def _peak_rss_mb():
    import resource  # noqa: PLC0415

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_collections(cr):
    """Forget what the runs did (runs, stages, follow-ups), so that the next run does all the work again."""
    cr.execute("""
        DELETE FROM mail_activity WHERE ar_company_id IS NOT NULL AND res_model = 'res.partner';
        DELETE FROM ar_collection_stage_history;
        DELETE FROM ar_collection_run;
        UPDATE account_move SET collection_stage_id = NULL, collection_stage_date = NULL
         WHERE collection_stage_id IS NOT NULL;
        UPDATE res_partner SET collection_stage_id = NULL, ar_procedure = NULL, ar_strategy = NULL
         WHERE collection_stage_id IS NOT NULL OR ar_procedure IS NOT NULL OR ar_strategy IS NOT NULL;
    """)


def _scale_build_company(env, company, seed, customers_count, invoices_count, copies):
    builder = LedgerBuilder(env, company, seed)
    template = builder.add_customers(customers_count)
    builder.add_invoices(invoices_count, template)
    env.cr.commit()
    for copy_number in range(1, copies):
        builder.clone_ledger(template, builder.add_customers(customers_count), copy_number)
        if copy_number % 10 == 0:
            env.cr.commit()
            log(f"  {company.name}: {builder.invoice_count} invoices")
    env.cr.commit()
    return builder.invoice_count, len(builder.customers)


def scale_build(registry, scale, seed):
    """Main company: 2,000 x scale invoices through the ORM copied 100 times in SQL;
    a second company (generic chart of accounts): a tenth of that."""
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = env.ref("base.main_company")
        company.partner_id.tz = "UTC"
        company2 = env["res.company"].search([("name", "=", "Bench Company 2")]) or env["res.company"].create(
            {"name": "Bench Company 2", "currency_id": company.currency_id.id}
        )
        company2.partner_id.tz = "UTC"
        if not company2.chart_template:
            env["account.chart.template"].try_loading("generic_coa", company2, install_demo=False)
        cr.commit()
        customers, invoices = (
            max(1, int(SCALE_TEMPLATE_CUSTOMERS * scale)),
            max(1, int(SCALE_TEMPLATE_INVOICES * scale)),
        )
        sizes = {}
        for comp, copies, comp_seed in ((company, SCALE_COPIES, seed), (company2, SCALE_COMPANY2_COPIES, seed + 1)):
            log(f"Building {invoices * copies} invoices for {customers * copies} customers in {comp.name} ...")
            comp_env = env(context={"allowed_company_ids": comp.ids})
            sizes[comp.id] = _scale_build_company(
                comp_env, comp.with_env(comp_env), comp_seed, customers, invoices, copies
            )
        analyze(env)
        for comp in (company, company2):
            check_ledger(env, comp)
        cr.commit()
        return {"company": company.id, "company2": company2.id, "sizes": sizes}


def _check_run_outcome(env, company_ids):
    """One run per company and day, done; never two open follow-ups for a customer."""
    env.cr.execute("""
        SELECT COUNT(*) FROM (SELECT res_id, ar_company_id FROM mail_activity
                               WHERE res_model = 'res.partner' AND ar_company_id IS NOT NULL
                               GROUP BY res_id, ar_company_id HAVING COUNT(*) > 1) duplicates""")
    duplicates = env.cr.fetchone()[0]
    runs = env["ar.collection.run"].search([("company_id", "in", company_ids)])
    return {
        "duplicate_followups": duplicates,
        "runs": [
            {
                "company": run.company_id.name,
                "date": str(run.date),
                "state": run.state,
                "errors": run.error_count,
                "conflicts": run.conflict_count,
                "invoices": run.invoice_count,
                "partners": run.partner_count,
                "created": run.activity_created_count,
                "changes": run.stage_change_count,
            }
            for run in runs
        ],
    }


def scale_measure_single(registry, company_id):
    """The main company's run, unit by unit with a commit after each, as the cron does."""
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        _reset_collections(cr)
        cr.commit()
        company = env["res.company"].browse(company_id)
        env.invalidate_all()
        rss_before = _peak_rss_mb()
        Run = env["ar.collection.run"]
        queries = cr.sql_log_count
        start = time.perf_counter()
        calls = 0
        while run := Run._ar_acquire_run(company, trigger="cron"):  # each unit takes the lock, as the cron
            run._ar_process_next()
            cr.commit()
            calls += 1
        seconds = time.perf_counter() - start
        queries = cr.sql_log_count - queries
        result = {
            "seconds": seconds,
            "queries": queries,
            "units": calls,
            "rss_before_mb": rss_before,
            "peak_rss_mb": _peak_rss_mb(),
        }
        result.update(_check_run_outcome(env, [company_id]))
        return result


def scale_measure_two(registry, company_ids):
    """Both companies' runs by two workers at once (threads with their own cursor)."""
    import threading  # noqa: PLC0415

    with registry.cursor() as cr:
        _reset_collections(cr)
        cr.commit()
    stats = {}

    def worker(name):
        calls = idle = queries = 0
        try:
            with registry.cursor() as wcr:
                env = api.Environment(wcr, odoo.SUPERUSER_ID, {})
                Run = env["ar.collection.run"]
                count = wcr.sql_log_count
                while True:
                    left = Run._cron_run_collections()
                    wcr.commit()
                    calls += 1
                    if left:
                        continue
                    if not Run._ar_get_companies_with_work(Run._ar_get_run_companies()):
                        break
                    idle += 1  # the other worker holds the last company: come back shortly
                    wcr.commit()
                    time.sleep(0.2)
                queries = wcr.sql_log_count - count
            stats[name] = {"calls": calls, "idle_calls": idle, "queries": queries}
        except Exception as error:  # noqa: BLE001
            stats[name] = {"error": repr(error)}

    rss_before = _peak_rss_mb()
    start = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(f"worker {i}",)) for i in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        result = {"seconds": seconds, "workers": stats, "rss_before_mb": rss_before, "peak_rss_mb": _peak_rss_mb()}
        result.update(_check_run_outcome(env, company_ids))
        return result


def scale_main(args):
    import json  # noqa: PLC0415
    import subprocess  # noqa: PLC0415

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    registry = odoo.modules.registry.Registry(args.database)
    if args.scale_measure:
        companies = json.loads(sys.stdin.read())
        if args.scale_measure == "single":
            result = scale_measure_single(registry, companies["company"])
        else:
            result = scale_measure_two(registry, [companies["company"], companies["company2"]])
        print(json.dumps(result))
        return 0
    start = time.perf_counter()
    built = scale_build(registry, args.scale, args.seed)
    build_seconds = time.perf_counter() - start
    results = {}
    for mode in ("single", "two"):
        log(f"Measuring the run ({mode}) ...")
        process = subprocess.run(
            [sys.executable, __file__, "-c", args.config, "-d", args.database, "--scale-measure", mode],
            input=json.dumps(built),
            capture_output=True,
            text=True,
            check=False,
        )
        if process.returncode:
            log(process.stderr[-4000:])
            return process.returncode
        results[mode] = json.loads(process.stdout.strip().splitlines()[-1])
    sizes = {int(key): value for key, value in built["sizes"].items()}
    invoices, customers = sizes[built["company"]]
    single, two = results["single"], results["two"]
    print()
    print(f"ar_collections nightly run at scale (data build {build_seconds / 60:.1f} min)")
    print(
        f"main company: {invoices} invoices, {customers} customers; second company: "
        f"{sizes[built['company2']][0]} invoices, {sizes[built['company2']][1]} customers"
    )
    print(
        f"one company, one worker: {single['seconds']:.1f} s, {single['queries']} queries "
        f"({single['queries'] / invoices:.5f} per invoice), {single['units']} units of work, "
        f"peak memory {single['peak_rss_mb']:.0f} MB (process after loading: {single['rss_before_mb']:.0f} MB)"
    )
    print(f"  {single['runs']}")
    print(
        f"two companies, two workers at once: {two['seconds']:.1f} s, workers {two['workers']}, "
        f"peak memory {two['peak_rss_mb']:.0f} MB"
    )
    print(f"  {two['runs']}")
    ok = all(
        not res["duplicate_followups"] and all(r["state"] == "done" and not r["errors"] for r in res["runs"])
        for res in (single, two)
    ) and all("error" not in w for w in two["workers"].values())
    print(f"duplicate follow-ups: {single['duplicate_followups']} / {two['duplicate_followups']}")
    print("RESULT:", "OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
