# Checks that a database with ar_collections demo data tells the story the README's Demo
# section promises: the users and their roles and languages, each customer's row of the
# table, every aging bucket and collection stage, the follow-ups and the contact history.
# Usage: odoo-bin shell -c <conf> -d <db> --no-http < scripts/check_demo.py
# (`make test` runs it on a throwaway demo database; `bash scripts/run.sh check-demo` alone.)
# Prints what it checked; raises AssertionError on the first thing missing.
# ruff: noqa: F821 (`env` is given by odoo-bin shell)
import pytz

ref = env.ref
company = ref("base.main_company")
env = env(context=dict(env.context, allowed_company_ids=company.ids, lang="en_US"))
Partner = env["res.partner"].with_company(company)
demo_xmlids = [
    "demo_partner_grade_a",
    "demo_partner_pacific",
    "demo_partner_grade_b",
    "demo_partner_beifang",
    "demo_partner_grade_c",
    "demo_partner_jiangnan",
    "demo_partner_grade_d",
    "demo_partner_blacklisted",
]
customers = Partner.browse([ref(f"ar_collections.{x}").id for x in demo_xmlids])
checks = []


def check(label, condition, detail=""):
    checks.append(label)
    print(("OK   " if condition else "FAIL ") + label + (f"  [{detail}]" if detail else ""))
    assert condition, label


grades = env["ar.credit.grade"].search([])
for grade in grades:
    check(f"grade {grade.code} has demo customers", bool(customers.filtered(lambda p, g=grade: p.credit_grade_id == g)))
stages = env["ar.collection.stage"].search([("company_id", "=", company.id)])
for stage in stages:
    holders = customers.filtered(lambda p, s=stage: p.collection_stage_id == s)
    check(f"stage '{stage.name}' has a customer", bool(holders), ", ".join(holders.mapped("name")))
aging = env["ar.aging"]._get_aging("move", partner_ids=customers.ids, company_ids=company.ids)
for bucket in ("not_due", "1_30", "31_60", "61_90", "over_90"):  # every bucket has invoices
    check(f"bucket {bucket} has invoices", sum(1 for row in aging if row[bucket] > 0) > 0)
invoices = env["account.move"].search([("partner_id", "in", customers.ids), ("move_type", "=", "out_invoice")])
check("partial payments", len(invoices.filtered(lambda m: m.payment_state == "partial")) >= 3)
check("an invoice paid in full", bool(invoices.filtered(lambda m: m.payment_state in ("paid", "in_payment"))))
check(
    "a credit note",
    bool(
        env["account.move"].search_count(
            [("partner_id", "in", customers.ids), ("move_type", "=", "out_refund"), ("state", "=", "posted")]
        )
    ),
)
check("one blacklisted", len(customers.filtered("credit_blacklisted")) == 1)
over = customers.filtered("ar_over_limit")
check("one over its credit limit", len(over) == 1, over.name)
check("English and Chinese customers", set(customers.mapped("lang")) == {"en_US", "zh_CN"})
users = {
    login: env["res.users"].search([("login", "=", login)])
    for login in ("collector", "creditmanager", "auditor", "salesman")
}
check("four demo users", all(users.values()))
check("Chinese users", users["collector"].lang == "zh_CN" and users["creditmanager"].lang == "zh_CN")
check(
    "zh_CN terms loaded",
    env["ir.ui.menu"].with_context(lang="zh_CN").browse(ref("account.menu_finance").id).name != "Invoicing",
)
held = env["sale.order"].search(
    [("partner_id", "=", ref("ar_collections.demo_partner_grade_b").id), ("state", "=", "draft")]
)
check("a quotation on credit hold", bool(held) and held.ar_credit_hold, held.ar_credit_hold_reasons or "")
check("a release requested", bool(held.activity_ids.filtered(lambda a: a.user_id == users["creditmanager"])))
pickings = env["stock.picking"].search(
    [("partner_id", "=", ref("ar_collections.demo_partner_beifang").id), ("state", "not in", ("done", "cancel"))]
)
check(
    "a locked delivery",
    bool(pickings) and all(pickings.mapped("ar_delivery_locked")),
    "; ".join(pickings.mapped(lambda p: f"{p.name} {p.state}")),
)
check(
    "a used release of the confirmed order",
    bool(
        env["ar.credit.release"].search(
            [("state", "=", "used"), ("sale_order_id.partner_id", "=", ref("ar_collections.demo_partner_beifang").id)]
        )
    ),
)
letters = env["ar.dunning.letter"].search([("partner_id", "in", customers.ids)])
check(
    "dunning letters sent, printed and draft",
    set(letters.mapped("state")) == {"sent", "printed", "draft"},
    ", ".join(letters.mapped(lambda x: f"{x.name} {x.level} {x.state}")),
)
statements = env["ar.statement"].search([("partner_id", "in", customers.ids)])
check("statements", {"confirmed", "sent", "draft"} <= set(statements.mapped("state")))
run = env["ar.collection.run"].search([("company_id", "=", company.id)], limit=1)
check(
    "a collections run done",
    run.state == "done" and not run.error_count,
    f"{run.invoice_count} invoices, {run.activity_created_count} follow-ups",
)
followups = env["ar.collection.followup"].with_company(company)._get_open_activities(customers)
check("follow-up activities", len(followups) >= len(stages), ", ".join(followups.mapped("user_id.name")))
promises = env["ar.payment.promise"].search([("partner_id", "in", customers.ids)])
check("a kept promise", "kept" in promises.mapped("state"))
check("a broken promise", "broken" in promises.mapped("state"))
check("a dispute", bool(env["ar.dispute"].search_count([("partner_id", "in", customers.ids)])))
logs = env["ar.collection.log"].search([("partner_id", "in", customers.ids)])
check(
    "contact logs: calls, a visit, an email, the letters sent",
    len(logs.partner_id) >= 5 and {"phone", "visit", "email", "letter"} <= set(logs.mapped("channel")),
    ", ".join(sorted(set(logs.mapped("channel")))),
)
check(
    "an extension request to approve",
    bool(env["ar.extension.request"].search_count([("partner_id", "in", customers.ids), ("state", "=", "to_approve")])),
)

# --- the users' roles -------------------------------------------------------------------
check("the collector is the company's default collector", company.ar_default_collector_id == users["collector"])
check(
    "roles: collections user, credit manager, auditor, salesperson",
    users["collector"].has_group("ar_collections.group_ar_collections_user")
    and users["creditmanager"].has_group("ar_collections.group_ar_credit_manager")
    and users["auditor"].has_group("ar_collections.group_ar_collections_auditor")
    and not users["auditor"].has_group("ar_collections.group_ar_collections_user")
    and users["salesman"].has_group("sales_team.group_sale_salesman"),
)
check("English users", users["auditor"].lang == "en_US" and users["salesman"].lang == "en_US")
check("the salesman sells to the demo customers", set(customers.mapped("user_id")) == {users["salesman"]})
check(
    "Mitchell Admin leads the salesman's team",
    users["salesman"].sale_team_id.user_id == ref("base.user_admin"),
    users["salesman"].sale_team_id.name or "",
)


# --- each customer's row of the README's table -------------------------------------------
def customer(xmlid):
    return Partner.browse(ref(f"ar_collections.{xmlid}").id)


def buckets(partner):
    """Aging buckets in which the customer has an open invoice."""
    return {b for row in aging if row["partner_id"] == partner.id for b in BUCKETS if row[b] > 0}


def stage(partner, xmlid):
    return partner.collection_stage_id.name == ref(f"ar_collections.{xmlid}").name


BUCKETS = ("not_due", "1_30", "31_60", "61_90", "over_90")
expected_grades = {
    "demo_partner_grade_a": "A",
    "demo_partner_pacific": "A",
    "demo_partner_grade_b": "B",
    "demo_partner_beifang": "B",
    "demo_partner_grade_c": "C",
    "demo_partner_jiangnan": "C",
    "demo_partner_grade_d": "D",
    "demo_partner_blacklisted": "D",
}
check(
    "grades as in the table",
    all(customer(x).credit_grade_id.code == code for x, code in expected_grades.items()),
    ", ".join(f"{customer(x).name} {customer(x).credit_grade_id.code}" for x in expected_grades),
)
mine = {x: invoices.filtered(lambda m, p=customer(x): m.partner_id == p) for x in expected_grades}
letters_of = {x: letters.filtered(lambda d, p=customer(x): d.partner_id == p) for x in expected_grades}
statements_of = {x: statements.filtered(lambda d, p=customer(x): d.partner_id == p) for x in expected_grades}
promise_of = {x: promises.filtered(lambda d, p=customer(x): d.partner_id == p) for x in expected_grades}

huadong = customer("demo_partner_grade_a")
check(
    "Huadong: paid, 1-30 days late and partly paid, not due",
    bool(mine["demo_partner_grade_a"].filtered(lambda m: m.payment_state in ("paid", "in_payment")))
    and {"1_30", "not_due"} <= buckets(huadong)
    and "partial" in mine["demo_partner_grade_a"].mapped("payment_state"),
    ", ".join(sorted(buckets(huadong))),
)
check(
    "Huadong: a promise of 50,000 kept",
    any(p.state == "kept" and p.amount == 50000 for p in promise_of["demo_partner_grade_a"]),
)
check(
    "Huadong: balance confirmation confirmed",
    any(d.statement_type == "confirmation" and d.state == "confirmed" for d in statements_of["demo_partner_grade_a"]),
)
pacific = customer("demo_partner_pacific")
check(
    "Pacific Rim: nothing late, in the 5 days before due stage",
    buckets(pacific) == {"not_due"} and stage(pacific, "ar_collection_stage_pre_due_5"),
    pacific.collection_stage_id.name or "",
)
check(
    "Pacific Rim: a statement of account in draft",
    any(d.statement_type == "statement" and d.state == "draft" for d in statements_of["demo_partner_pacific"]),
)
lingnan = customer("demo_partner_grade_b")
check(
    "Lingnan: 31-60 days late, partly paid; a promise broken",
    "31_60" in buckets(lingnan)
    and "partial" in mine["demo_partner_grade_b"].mapped("payment_state")
    and "broken" in promise_of["demo_partner_grade_b"].mapped("state"),
    ", ".join(sorted(buckets(lingnan))),
)
check(
    "Lingnan: demand letter sent",
    any(d.level == "demand" and d.state == "sent" for d in letters_of["demo_partner_grade_b"]),
    ", ".join(letters_of["demo_partner_grade_b"].mapped(lambda d: f"{d.level} {d.state}")),
)
beifang = customer("demo_partner_beifang")
check("Beifang: over 90 days late", "over_90" in buckets(beifang), ", ".join(sorted(buckets(beifang))))
check(
    "Beifang: the release approved by the credit manager",
    bool(
        env["ar.credit.release"].search(
            [("sale_order_id.partner_id", "=", beifang.id), ("approved_by_id", "=", users["creditmanager"].id)]
        )
    ),
)
disputes = env["ar.dispute"].search([("partner_id", "=", beifang.id)])
paused = env["account.move"]._ar_get_paused_invoice_ids(company)
check(
    "Beifang: a quality dispute pauses the dunning of its invoice",
    any(d.reason == "quality" and d.invoice_ids and set(d.invoice_ids.ids) <= set(paused) for d in disputes),
)
check(
    "Beifang: lawyer letter in draft",
    any(d.level == "lawyer" and d.state == "draft" for d in letters_of["demo_partner_beifang"]),
    ", ".join(letters_of["demo_partner_beifang"].mapped(lambda d: f"{d.level} {d.state}")),
)
northwind = customer("demo_partner_grade_c")
check(
    "Northwind: over its limit, 57,000 / 50,000",
    northwind.ar_over_limit
    and northwind.ar_credit_limit == 50000
    and company.currency_id.compare_amounts(northwind.ar_exposure, 57000) == 0,
    f"{northwind.ar_exposure} / {northwind.ar_credit_limit}",
)
check(
    "Northwind: a credit note set against a late invoice",
    bool(
        env["account.move"].search(
            [("partner_id", "=", northwind.id), ("move_type", "=", "out_refund"), ("reversed_entry_id", "!=", False)]
        )
    ),
)
check(
    "Northwind: balance confirmation sent",
    any(d.statement_type == "confirmation" and d.state == "sent" for d in statements_of["demo_partner_grade_c"]),
)
today, tz = company._ar_get_today()


def local_date(utc):  # the company's date of a UTC datetime
    return pytz.utc.localize(utc).astimezone(pytz.timezone(tz)).date()


check(
    "Northwind: this morning's call unanswered",
    bool(
        logs.filtered(
            lambda x: (
                x.partner_id == northwind
                and x.channel == "phone"
                and x.result_id == ref("ar_collections.ar_collection_result_no_answer")
                and local_date(x.date) == today
            )
        )
    ),
)
check(
    "Northwind: its follow-up moved to a later day",
    all(
        a.date_deadline > today
        for a in env["ar.collection.followup"].with_company(company)._get_open_activities(northwind)
    ),
    ", ".join(
        str(a.date_deadline)
        for a in env["ar.collection.followup"].with_company(company)._get_open_activities(northwind)
    ),
)
jiangnan = customer("demo_partner_jiangnan")
check(
    "Jiangnan: due in two days, in the 3 days before due stage",
    buckets(jiangnan) == {"not_due"} and stage(jiangnan, "ar_collection_stage_pre_due_3"),
    jiangnan.collection_stage_id.name or "",
)
xinhe = customer("demo_partner_grade_d")
check("Xinhe: prepayment only", not xinhe.credit_grade_id.credit_sales_allowed)
check(
    "Xinhe: 61-90 days late, partly paid",
    "61_90" in buckets(xinhe) and "partial" in mine["demo_partner_grade_d"].mapped("payment_state"),
    ", ".join(sorted(buckets(xinhe))),
)
check(
    "Xinhe: an extension request waiting for the credit manager",
    bool(env["ar.extension.request"].search_count([("partner_id", "=", xinhe.id), ("state", "=", "to_approve")])),
)
sanhe = customer("demo_partner_blacklisted")
check(
    "Sanhe: blacklisted, over 90 days late, lawyer letter printed",
    sanhe.credit_blacklisted
    and buckets(sanhe) == {"over_90"}
    and any(d.level == "lawyer" and d.state == "printed" for d in letters_of["demo_partner_blacklisted"]),
    ", ".join(letters_of["demo_partner_blacklisted"].mapped(lambda d: f"{d.level} {d.state}")),
)
followed = followups.mapped("res_id")
check(
    "every customer has its follow-up activity",
    set(customers.ids) <= set(followed),
    ", ".join(customers.filtered(lambda p: p.id not in followed).mapped("name")),
)
check(
    "follow-ups owned by the collector, Mitchell Admin and the credit manager",
    set(followups.mapped("user_id")) == {users["collector"], ref("base.user_admin"), users["creditmanager"]},
    ", ".join(sorted(set(followups.mapped("user_id.name")))),
)
run = env["ar.collection.run"].search([("company_id", "=", company.id)], order="id", limit=1)
messages = run.dunning_message_ids
check(
    "the demo run sent reminders and prepared letters",
    run.dunning_sent_count > 0 and bool(messages.filtered("letter_id")),
    ", ".join(messages.mapped(lambda m: f"{m.partner_id.name} {m.stage_id.name} {m.state} {m.skip_reason or ''}")),
)
check(
    "each reminder sent is an automatic e-mail contact",
    all(m.log_id.automatic and m.log_id.channel == "email" for m in messages.filtered(lambda m: m.state == "sent")),
)

# --- the KPI history (demo/ar_kpi_demo.py): six past months that differ -------------------
kpi_months = env["ar.kpi.period"].search(
    [("company_id", "=", company.id), ("dimension", "=", "company")], order="date_to"
)
check("six months of KPIs", len(kpi_months) == 6, ", ".join(kpi_months.mapped("name")))
for period in kpi_months:
    check(
        f"KPIs of {period.name} are not zero",
        period.ar_end > 0 and period.sales > 0 and period.dso_countback > 0 and period.dso > 0 and period.cei > 0,
        f"AR {period.ar_end:.0f}, sales {period.sales:.0f}, DSO {period.dso_countback:.1f}/{period.dso:.1f}, "
        f"CEI {period.cei:.1f}",
    )
for fname in ("ar_end", "sales", "dso_countback", "cei", "overdue_ratio"):
    values = kpi_months.mapped(fname)
    check(
        f"{fname} differs month to month",
        all(round(a, 1) != round(b, 1) for a, b in zip(values, values[1:])),
        ", ".join(f"{value:.1f}" for value in values),
    )
check("roll rates in some month", any(p.roll_1_30 > 0 or p.roll_31_60 > 0 for p in kpi_months))
check(
    "past months' invoices paid late",
    bool(
        env["account.move"].search_count(
            [
                ("ref", "=like", "KPI-%"),
                ("partner_id", "in", customers.ids),
                ("payment_state", "in", ("paid", "in_payment")),
            ]
        )
    ),
)
dashboard = env["ar.kpi.dashboard"].with_user(users["creditmanager"]).get_dashboard_data({})
check(
    "the dashboard: KPI card, top overdue customers, broken promise, scorecards",
    bool(dashboard["kpis"])
    and bool(dashboard["top_overdue"]["rows"])
    and bool(dashboard["promises_broken"]["rows"])
    and bool(dashboard["scorecards"]["rows"]),
    ", ".join(row["partner_name"] for row in dashboard["top_overdue"]["rows"][:3]),
)
mine = env["ar.kpi.dashboard"].with_user(users["collector"]).get_dashboard_data({})["scorecards"]["rows"]
check("the collector's dashboard: his own scorecard only", {row["user"] for row in mine} <= {users["collector"].name})

# --- credit limit approval by tier (额度审批) -------------------------------------------------
limit_tiers = env["ar.credit.limit.tier"].search([("company_id", "=", company.id)])
check(
    "credit limit tiers: credit managers, the finance manager above 100,000, the general manager above 500,000",
    [(t.amount_min, t.group_id.id or t.user_id.id) for t in limit_tiers]
    == [
        (0.0, ref("ar_collections.group_ar_credit_manager").id),
        (100000.0, ref("account.group_account_manager").id),
        (500000.0, ref("base.user_admin").id),
    ],
    ", ".join(limit_tiers.mapped("display_name")),
)
pending = env["ar.credit.limit.request"].search([("company_id", "=", company.id), ("state", "=", "to_approve")])
pacific = customer("demo_partner_pacific")
check(
    "Pacific: a limit change request of 300,000 by the credit manager, waiting for the finance manager",
    len(pending) == 1
    and pending.partner_id == pacific
    and pending.requested_limit == 300000.0
    and pending.user_id == users["creditmanager"]
    and pending.next_approval_id.group_id == ref("account.group_account_manager"),
    ", ".join(pending.mapped(lambda r: f"{r.partner_id.name} {r.requested_limit} {r.next_approval_id.display_name}")),
)

# --- repayment plans ------------------------------------------------------------------------
plan_customer = Partner.browse(ref("ar_collections.demo_partner_repayment_plan").id)
plans = env["ar.repayment.plan"].search([("partner_id", "=", plan_customer.id)])
plan = plans.filtered(lambda p: p.state == "active")[:1]
check("a customer paying by an active repayment plan", bool(plan), plan_customer.name)
lines = plan.line_ids.sorted("date")
check(
    "the plan: one instalment kept, the next one due",
    [line.state for line in lines] == ["kept", "open", "open"] and plan.next_line_id == lines[1],
    ", ".join(lines.mapped(lambda line: f"{line.date} {line.amount:.0f} {line.state}")),
)
check(
    "the plan was approved by the credit manager, proposed by the collector",
    plan.approver_id == users["creditmanager"] and plan.requested_by_id == users["collector"],
)
check(
    "the customer shows the plan's next instalment, no arrears",
    plan_customer.ar_plan_state == "active"
    and plan_customer.ar_plan_next_date == lines[1].date
    and plan_customer.ar_plan_arrears == 0,
)
paused = env["account.move"]._ar_get_paused_invoice_ids(company)
check(
    "the plan's invoices are not dunned",
    set(plan.invoice_ids.ids) <= paused and not plan.invoice_ids.collection_stage_id,
)

# --- the customer portal ---------------------------------------------------------------------
portal_user = ref("ar_collections.demo_user_portal")
portal_customer = portal_user.partner_id.commercial_partner_id
check(
    "a portal user of a demo customer (login portal_customer, English)",
    portal_user.login == "portal_customer"
    and portal_user.active
    and portal_user.has_group("base.group_portal")
    and not portal_user.has_group("base.group_user")
    and portal_customer == ref("ar_collections.demo_partner_grade_c")
    and portal_user.lang == "en_US",
    f"{portal_user.name} of {portal_customer.name}",
)
portal_docs = env["ar.statement"].search(env["ar.statement"]._ar_portal_domain(portal_user.partner_id))
check(
    "the portal user sees a balance confirmation waiting for an answer and a sent statement",
    any(d.statement_type == "confirmation" and d.state == "sent" and not d.reply_date for d in portal_docs)
    and any(d.statement_type == "statement" and d.state == "sent" for d in portal_docs),
    ", ".join(portal_docs.mapped(lambda d: f"{d.name} {d.statement_type} {d.state}")),
)
portal_plans = env["ar.repayment.plan"].search([("partner_id", "=", portal_customer.id)])
check(
    "a repayment plan proposed to the portal customer, adding up to what it covers",
    any(
        p.state == "proposed" and p.amount_covered > 0 and abs(p.amount_scheduled - p.amount_covered) < 0.005
        for p in portal_plans
    ),
    ", ".join(portal_plans.mapped(lambda p: f"{p.name} {p.state} {p.amount_covered:.2f}")),
)
check(
    "plan states: an active plan with a kept and an upcoming instalment, a proposed one",
    {"active", "proposed"} <= set(env["ar.repayment.plan"].search([("company_id", "=", company.id)]).mapped("state"))
    and "kept" in plan.line_ids.mapped("state")
    and any(line.state == "open" and line.date > today for line in plan.line_ids),
)

# bad debts: the agency case took over the customer's follow-up
case = env["ar.collection.case"].search([("company_id", "=", company.id), ("handler", "=", "agency")], limit=1)
case_followup = env["ar.collection.followup"].with_company(company)._get_open_activities(case.partner_id)
check(
    "the agency case's follow-up handed over to the case owner",
    bool(case)
    and len(case_followup) == 1
    and case_followup.user_id == case.user_id
    and case.user_id != company.ar_default_collector_id,
    f"{case.name}: {case.user_id.name} / {', '.join(case_followup.mapped('user_id.name'))}",
)

# Credit scoring: every story customer with invoices scored, proposals that differ from the
# grades given by hand, the half-year's reviews waiting, a new customer graded by a 5C evaluation
scores = env["ar.credit.score"].search([("company_id", "=", company.id), ("partner_id", "in", customers.ids)])
check(
    "every demo customer has a credit score",
    set(scores.partner_id.ids) == set(customers.ids),
    ", ".join(customers.filtered(lambda p: p not in scores.partner_id).mapped("name")),
)
differing = scores.filtered(lambda s: s.proposed_grade_id != s.partner_id.credit_grade_id)
check(
    "several proposals differ from the customers' grades",
    len(differing) >= 2,
    ", ".join(differing.mapped(lambda s: f"{s.partner_id.name} {s.current_grade_id.code}->{s.proposed_grade_id.code}")),
)
check(
    "each score explains its factors",
    all(s.factor_points and "Average Days Late" in s.explanation for s in scores),
)
reviews = env["ar.credit.review"].search([("company_id", "=", company.id), ("state", "=", "open")])
check(
    "the credit reviews wait for the credit manager",
    set(scores.partner_id.ids) <= set(reviews.partner_id.ids)
    and reviews.activity_ids.user_id == users["creditmanager"],
    f"{len(reviews)} reviews",
)
card = env["ar.credit.scorecard"].search([("company_id", "=", company.id)], limit=1)
newcomer = card.partner_id.with_company(company)
check(
    "a new customer graded by an applied 5C evaluation",
    card.state == "applied" and newcomer.credit_grade_id == card.proposed_grade_id and newcomer.credit_limit > 0,
    f"{newcomer.name}: {card.score} -> {card.proposed_grade_id.code} {card.proposed_limit}",
)
print(f"{len(checks)} checks passed")
