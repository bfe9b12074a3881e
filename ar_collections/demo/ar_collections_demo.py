"""Demo data that tells the story of a collections department.

Demo data only: ``demo/ar_collections_demo.xml`` calls ``res.company._ar_load_demo_language``
and ``_ar_load_demo_story``, which import this module (nothing else does): a database
installed without demo data never runs nor imports it, and has no demo model. The story
needs the demo users and customers of that file. Everything is dated relative to the
company's today, so the story holds whatever day the demo database is created:

- every aging bucket has invoices, some partly paid, one customer has a credit note;
- every collection stage has a customer once the collections run has aged the invoices;
- Northwind is over its credit limit, Sanhe is blacklisted, Xinhe is prepayment only;
- Lingnan (31-60 days) has a quotation on hold and the salesman asked for a release;
- Beifang (over 90 days) had an order confirmed under a release approved by the credit
  manager, and its delivery is now locked;
- dunning letters (one sent, one printed, one draft) and balance confirmations;
- contact logs (calls, a visit, an email, letters), a promise kept (paid on time), a promise
  broken (found by the run's promise check), a dispute pausing the dunning of an invoice, an
  extension request waiting for the credit manager.
"""

import logging
from datetime import datetime, time, timedelta

from odoo import Command

_logger = logging.getLogger(__name__)


def load_language(env, code):
    """Activate language ``code`` and load the terms of the installed modules (as the
    language install wizard does); this module's own terms are loaded by the module
    loader right after its demo data."""
    lang = env["res.lang"]._activate_lang(code) or env["res.lang"]._create_lang(code)
    installed = env["ir.module.module"].search([("state", "=", "installed")])
    installed._update_translations(filter_lang=[code])
    return lang


def load_story(company):
    """Build the story of ``company`` (the demo tells it for the main company)."""
    today, tz = company._ar_get_today()
    # the company's timezone for everyone, so that letters and runs share the story's today
    env = company.with_company(company).with_context(tz=tz, tracking_disable=True, mail_create_nolog=True).env
    return ArDemoStory(env)._ar_demo_build(company, today)


class ArDemoStory:
    """Builds the story in the environment ``env`` (superuser, as demo data is loaded)."""

    def __init__(self, env):
        self.env = env

    def _ar_demo_build(self, company, today):
        users = {
            "collector": self.env.ref("ar_collections.demo_user_collector"),
            "credit_manager": self.env.ref("ar_collections.demo_user_credit_manager"),
            "salesman": self.env.ref("ar_collections.demo_user_salesman"),
        }
        products = {
            "pump": self.env.ref("ar_collections.demo_product_pump"),
            "motor": self.env.ref("ar_collections.demo_product_motor"),
            "valve": self.env.ref("ar_collections.demo_product_valve"),
        }
        self._ar_demo_stock(company, products)
        invoices = self._ar_demo_invoices(company, today, users, products)
        self._ar_demo_payments(today, invoices)
        self._ar_demo_contacts(company, today, users, invoices)
        self._ar_demo_dunning(company)
        # check the promises and age the invoices: stages, procedures and follow-up activities;
        # the stages that act e-mail their customers' reminders and prepare letters
        self.env["ar.collection.run"].sudo()._ar_start_runs(company, trigger="manual")._ar_run_to_end()
        self._ar_demo_sales(company, users, products)
        self._ar_demo_documents(company, today, users)
        self._ar_demo_calls_today(company, users)
        _logger.info("ar_collections demo story loaded: %s invoices", len(invoices))
        return True

    def _ar_demo_dunning(self, company):
        """Automatic dunning: the pre-due and 1-30 stages e-mail their customers, the 1-30
        and 31-60 stages prepare their demand letter; the company sends automatically."""
        ladder = self.env["ar.collection.stage"]._ar_get_ladder(company)
        ladder.filtered(lambda s: s.days_from in (-3, 1)).auto_email = True
        ladder.filtered(lambda s: s.days_from in (1, 31)).auto_letter = True
        company.ar_dunning_send_mode = "send"

    def _ar_demo_partner(self, xmlid):
        return self.env.ref(f"ar_collections.{xmlid}")

    def _ar_demo_stock(self, company, products):
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
        Quant = self.env["stock.quant"].sudo()
        for product, quantity in ((products["pump"], 40), (products["motor"], 120), (products["valve"], 300)):
            Quant._update_available_quantity(product, warehouse.lot_stock_id, quantity)

    def _ar_demo_invoice_plan(self):
        """Invoices of the story: (key, customer xmlid, days after due (negative: before),
        lines [(product, quantity, unit price)], contract reference). Invoice date = due
        date - the customer's credit period."""
        return [
            # 华东机械 (A): paid on time before, one invoice 1-30 days late (partly paid), one not due
            ("huadong_paid", "demo_partner_grade_a", 40, [("pump", 10, 6000), ("valve", 25, 800)], "HT-2026-031"),
            ("huadong_late", "demo_partner_grade_a", 12, [("pump", 15, 6000), ("motor", 12, 2500)], "HT-2026-044"),
            ("huadong_open", "demo_partner_grade_a", -35, [("pump", 20, 6000), ("valve", 37.5, 800)], "HT-2026-058"),
            # Pacific Rim (A): nothing late, first reminder 4 days before due
            ("pacific_soon", "demo_partner_pacific", -4, [("motor", 18, 2500)], "PO 7781"),
            ("pacific_open", "demo_partner_pacific", -40, [("pump", 10, 6000)], "PO 7809"),
            # Lingnan (B): 31-60 days (partly paid) and 1-30 days late
            ("lingnan_old", "demo_partner_grade_b", 45, [("pump", 10, 6000)], "LN-0412"),
            ("lingnan_late", "demo_partner_grade_b", 8, [("motor", 14, 2500)], "LN-0437"),
            # 北方重工 (B): over 90 days (partly paid), 61-90 days and not due
            ("beifang_old", "demo_partner_beifang", 95, [("pump", 5, 6000), ("motor", 4, 2500)], "BF-2026-007"),
            ("beifang_mid", "demo_partner_beifang", 70, [("valve", 20, 800)], "BF-2026-011"),
            ("beifang_open", "demo_partner_beifang", -20, [("pump", 5, 6000)], "BF-2026-019"),
            # Northwind (C): over its limit of 50,000
            ("northwind_late", "demo_partner_grade_c", 20, [("motor", 12.8, 2500)], "NW-5521"),
            ("northwind_open", "demo_partner_grade_c", -10, [("valve", 35, 800)], "NW-5560"),
            # 江南纺织 (C): small, due in two days
            ("jiangnan_soon", "demo_partner_jiangnan", -2, [("valve", 15, 800)], "JN-0023"),
            # 鑫和电子 (D): an old invoice 61-90 days late, partly paid
            ("xinhe_late", "demo_partner_grade_d", 75, [("motor", 7.2, 2500)], "XH-2026-002"),
            # 三和建材 (D, blacklisted): over 90 days
            ("sanhe_oldest", "demo_partner_blacklisted", 200, [("pump", 7.5, 6000)], "SH-2025-118"),
            ("sanhe_old", "demo_partner_blacklisted", 130, [("motor", 8.8, 2500)], "SH-2026-009"),
        ]

    def _ar_demo_invoices(self, company, today, users, products):
        journal = self.env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "sale")], limit=1)
        vals_list = []
        keys = []
        for key, xmlid, days, lines, reference in self._ar_demo_invoice_plan():
            partner = self._ar_demo_partner(xmlid)
            due = today - timedelta(days=days)
            invoice_date = due - timedelta(days=partner.ar_credit_days or 30)
            keys.append(key)
            vals_list.append(
                {
                    "move_type": "out_invoice",
                    "journal_id": journal.id,
                    "partner_id": partner.id,
                    "invoice_user_id": users["salesman"].id,
                    "invoice_date": invoice_date,
                    "invoice_date_due": due,
                    "invoice_payment_term_id": False,
                    "ref": reference,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": products[product].id,
                                "quantity": quantity,
                                "price_unit": price,
                                "tax_ids": [Command.clear()],
                            }
                        )
                        for product, quantity, price in lines
                    ],
                }
            )
        # post in the order of their dates, as they were issued
        order = sorted(range(len(vals_list)), key=lambda i: vals_list[i]["invoice_date"])
        Move = self.env["account.move"]
        invoices = {}
        for index in order:
            invoices[keys[index]] = Move.create(vals_list[index])
        Move.browse([move.id for move in invoices.values()]).action_post()
        # a credit note: goods damaged in transport, set against Northwind's late invoice
        refund = Move.create(
            {
                "move_type": "out_refund",
                "journal_id": journal.id,
                "partner_id": self._ar_demo_partner("demo_partner_grade_c").id,
                "invoice_user_id": users["salesman"].id,
                "invoice_date": today - timedelta(days=15),
                "invoice_payment_term_id": False,
                "ref": "NW-5521 damaged goods",
                "reversed_entry_id": invoices["northwind_late"].id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": products["motor"].id,
                            "quantity": 1.2,
                            "price_unit": 2500,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        refund.action_post()  # posting a reversal reconciles it with the reversed invoice
        invoices["northwind_refund"] = refund
        return invoices

    def _ar_demo_payments(self, today, invoices):
        """(invoice key, amount (None: in full), days before today)"""
        plan = [
            ("huadong_paid", None, 42),
            ("huadong_late", 50000, 5),
            ("lingnan_old", 20000, 20),
            ("beifang_old", 15000, 60),
            ("xinhe_late", 6000, 40),
            ("sanhe_oldest", 10000, 150),
        ]
        for key, amount, days in plan:
            invoice = invoices[key]
            wizard = (
                self.env["account.payment.register"]
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create(
                    {
                        "payment_date": today - timedelta(days=days),
                        **({"amount": amount} if amount else {}),
                    }
                )
            )
            wizard._create_payments()

    def _ar_demo_contacts(self, company, today, users, invoices):
        """The collector's last weeks, before tonight's run: a promise kept, a promise
        broken, a dispute and an extension request waiting for the credit manager."""
        collector = users["collector"]
        Log = (
            self.env["ar.collection.log"]
            .with_user(collector)
            .with_company(company)
            .with_context(ar_log_no_followup=True)
        )

        def at(days_ago, hour_utc=1):  # 09:00 in Shanghai is 01:00 UTC
            return datetime.combine(today - timedelta(days=days_ago), time(hour_utc, 10))

        def result(name):
            return self.env.ref(f"ar_collections.ar_collection_result_{name}")

        huadong = self._ar_demo_partner("demo_partner_grade_a")
        lingnan = self._ar_demo_partner("demo_partner_grade_b")
        beifang = self._ar_demo_partner("demo_partner_beifang")
        xinhe = self._ar_demo_partner("demo_partner_grade_d")
        # promises made on past calls: logged as "reminded", then given the promise they recorded
        # (a new log refuses a promised date in the past)
        promises = [
            # 华东机械 promised 50,000 within a week, and paid it on the day (kept)
            (
                huadong,
                self._ar_demo_partner("demo_contact_grade_a"),
                12,
                invoices["huadong_late"],
                50000,
                5,
                "王经理确认：本月资金紧张，先付 50,000，余款下月初付清。",
            ),
            # Lingnan promised 40,000 a week ago; nothing came (broken)
            (
                lingnan,
                self._ar_demo_partner("demo_contact_grade_b"),
                14,
                invoices["lingnan_old"],
                40000,
                7,
                "David says the transfer of 40,000 is scheduled for next week.",
            ),
        ]
        for partner, contact, days_ago, invoice, amount, promise_days_ago, feedback in promises:
            log = Log.create(
                {
                    "date": at(days_ago),
                    "channel": "phone",
                    "partner_id": partner.id,
                    "contact_id": contact.id,
                    "invoice_ids": [Command.set(invoice.ids)],
                    "amount_requested": invoice.amount_residual,
                    "result_id": result("reminded").id,
                    "customer_feedback": feedback,
                }
            )
            promise_date = today - timedelta(days=promise_days_ago)
            # sudo (demo data at install): the past is recorded as it happened, without a correction
            # note and with a promised date that is past today; the collector stays the author
            log.sudo().write(
                {"result_id": result("promise").id, "promise_date": promise_date, "promise_amount": amount}
            )
            self.env["ar.payment.promise"].with_user(collector).with_company(company).sudo().create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "log_id": log.id,
                    "date_start": log.date.date(),
                    "date": promise_date,
                    "amount": amount,
                    "invoice_ids": [Command.set(invoice.ids)],
                }
            )
        Log.create(
            [
                {
                    # 北方重工 disputes the quality of the valves: that invoice is left out of dunning
                    "date": at(6, 6),
                    "channel": "visit",
                    "partner_id": beifang.id,
                    "contact_id": self._ar_demo_partner("demo_contact_beifang").id,
                    "invoice_ids": [Command.set(invoices["beifang_mid"].ids)],
                    "amount_requested": invoices["beifang_mid"].amount_residual,
                    "result_id": result("dispute").id,
                    "dispute_reason": "quality",
                    "customer_feedback": "20 只控制阀中有 6 只漏油，要求更换后再付这张发票。",
                    "notes": "已拍照留存，转质检部确认。",
                },
                {
                    # 鑫和电子 asks for two more weeks: the credit manager has to decide
                    "date": at(2),
                    "channel": "phone",
                    "partner_id": xinhe.id,
                    "result_id": result("extension").id,
                    "extension_date": today + timedelta(days=14),
                    "customer_feedback": "客户称下游货款月中到账，申请延期两周付清。",
                },
                {
                    # 北方重工: a first call that nobody answered
                    "date": at(20),
                    "channel": "phone",
                    "partner_id": beifang.id,
                    "result_id": result("no_answer").id,
                },
                {
                    # Northwind: the invoice reached the wrong department
                    "date": at(9, 2),
                    "channel": "email",
                    "partner_id": self._ar_demo_partner("demo_partner_grade_c").id,
                    "invoice_ids": [Command.set(invoices["northwind_late"].ids)],
                    "amount_requested": invoices["northwind_late"].amount_residual,
                    "result_id": result("invoice_not_received").id,
                    "customer_feedback": "Invoice NW-5521 was sent to the store, not to accounts payable.",
                },
            ]
        )

    def _ar_demo_calls_today(self, company, users):
        """This morning's first call, after the run: no answer, the follow-up moves to the next
        business day."""
        self.env["ar.collection.log"].with_user(users["collector"]).with_company(company).create(
            {
                "channel": "phone",
                "partner_id": self._ar_demo_partner("demo_partner_grade_c").id,
                "result_id": self.env.ref("ar_collections.ar_collection_result_no_answer").id,
                "notes": "Payables line busy twice.",
            }
        )

    def _ar_demo_sales(self, company, users, products):
        salesman, credit_manager = users["salesman"], users["credit_manager"]
        SaleOrder = self.env["sale.order"].with_user(salesman).with_company(company)
        # Lingnan is 31-60 days late: the new quotation is held, the salesman asks for a release
        held = SaleOrder.create(
            {
                "partner_id": self._ar_demo_partner("demo_partner_grade_b").id,
                "client_order_ref": "LN-0451",
                "order_line": [
                    Command.create({"product_id": products["motor"].id, "product_uom_qty": 20, "price_unit": 2500})
                ],
            }
        )
        self.env["ar.credit.release"].with_user(salesman)._request(
            held, message="Lingnan says the payment is on its way; they need the motors for a project."
        )
        # 北方重工 is over 90 days late: the credit manager released one strategic order, which was
        # confirmed; its delivery is locked until the customer pays (or a release of the delivery)
        order = SaleOrder.create(
            {
                "partner_id": self._ar_demo_partner("demo_partner_beifang").id,
                "client_order_ref": "BF-2026-023",
                "order_line": [
                    Command.create({"product_id": products["pump"].id, "product_uom_qty": 4, "price_unit": 6000})
                ],
            }
        )
        self.env["ar.credit.release"].with_user(credit_manager)._approve(
            order.with_user(credit_manager), "重点项目订单；客户财务总监已确认逾期发票的还款计划。"
        )
        order.action_confirm()
        order.picking_ids.sudo().action_assign()

    def _ar_demo_documents(self, company, today, users):
        collector = users["collector"]
        Letter = self.env["ar.dunning.letter"].with_user(collector).with_company(company)
        # a demand letter sent by email to Lingnan
        sent = Letter.create({"partner_id": self._ar_demo_partner("demo_partner_grade_b").id})
        sent._ar_mark_sent("email")
        # a lawyer letter printed and posted to Sanhe
        printed = Letter.create({"partner_id": self._ar_demo_partner("demo_partner_blacklisted").id})
        printed.action_print()
        # a lawyer letter to 北方重工 waiting in draft
        Letter.create({"partner_id": self._ar_demo_partner("demo_partner_beifang").id})
        # balance confirmations of last month: one confirmed by the customer, one sent
        Statement = self.env["ar.statement"].with_user(collector).with_company(company)
        confirmed = Statement.create({"partner_id": self._ar_demo_partner("demo_partner_grade_a").id})
        confirmed.action_print()
        confirmed.action_customer_confirmed()
        Statement.create({"partner_id": self._ar_demo_partner("demo_partner_grade_c").id}).action_print()
        # a statement of account being prepared
        Statement.create(
            {
                "partner_id": self._ar_demo_partner("demo_partner_pacific").id,
                "statement_type": "statement",
            }
        )
