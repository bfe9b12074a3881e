# Checks that a database with ar_collections demo data tells the whole story.
# Usage: odoo-bin shell -c <conf> -d <db> --no-http < scripts/check_demo.py
# Prints what it checked; raises AssertionError on the first thing missing.
# ruff: noqa: F821 (`env` is given by odoo-bin shell)
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
for bucket in ("not_due", "1_30", "31_60", "61_90", "over_90"):
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
# collector workspace (issue 5), when present
if "ar.payment.promise" in env:
    promises = env["ar.payment.promise"].search([("partner_id", "in", customers.ids)])
    check("a kept promise", "kept" in promises.mapped("state"))
    check("a broken promise", "broken" in promises.mapped("state"))
if "ar.dispute" in env:
    check("a dispute", bool(env["ar.dispute"].search_count([("partner_id", "in", customers.ids)])))
if "ar.collection.log" in env:
    logs = env["ar.collection.log"].search([("partner_id", "in", customers.ids)])
    check(
        "contact logs",
        len(logs.partner_id) >= 5 and {"phone", "letter"} <= set(logs.mapped("channel")),
        ", ".join(sorted(set(logs.mapped("channel")))),
    )
if "ar.extension.request" in env:
    check(
        "an extension request to approve",
        bool(
            env["ar.extension.request"].search_count(
                [("partner_id", "in", customers.ids), ("state", "=", "to_approve")]
            )
        ),
    )
print(f"{len(checks)} checks passed")
