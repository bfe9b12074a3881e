"""Screenshots of the main screens for the README (docs/screenshots/*.png).

Not a test: skipped unless AR_SCREENSHOTS=1, e.g.

    AR_SCREENSHOTS=1 ODOO_RC=.odoo/odoo.conf python3 -m pytest --odoo-database=<db> --odoo-http \\
        ar_collections/tests/test_screenshots.py

(scripts/screenshots.sh does this on a throwaway database). It builds a small
book of receivables relative to today, logs in as each role in headless
Chromium and saves what the browser shows; the dunning letter is a real PDF
rendered by wkhtmltopdf, its first page converted with pdftoppm.
"""

import base64
import io
import logging
import os
import pathlib
import shutil
import subprocess
import tempfile
import time
import unittest

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from PIL import Image

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import ChromeBrowser

from .credit_hold_common import CreditHoldCommon

_logger = logging.getLogger(__name__)

SHOTS_DIR = pathlib.Path(__file__).resolve().parents[2] / "docs" / "screenshots"
MAX_PNG_BYTES = 300_000


@unittest.skipUnless(os.environ.get("AR_SCREENSHOTS") == "1", "README screenshots: set AR_SCREENSHOTS=1")
@tagged("post_install", "-at_install", "-standard", "ar_screenshots")
class TestArScreenshots(CreditHoldCommon, HttpCase):
    browser_size = "1400x900"
    chart_template = "generic_coa"  # a Chinese company without l10n_cn

    @classmethod
    def setup_independent_company(cls, **kwargs):
        cny = cls.env.ref("base.CNY")
        cny.active = True
        return cls._create_company(
            name="Jinling Precision Instruments Co., Ltd.",
            currency_id=cny.id,
            country_id=cls.env.ref("base.cn").id,
            **kwargs,
        )

    @classmethod
    def setup_independent_user(cls):
        # the test's own user (an accounting administrator, so a credit manager) books the
        # invoices and launches the run: a real name on the pictures, not Odoo's test name
        user = super().setup_independent_user()
        user.name = "Li Na (Credit Manager)"
        return user

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.context_today(cls.customer)
        grade_b = cls.env.ref("ar_collections.ar_credit_grade_b")
        grade_c = cls.env.ref("ar_collections.ar_credit_grade_c")
        cls.env["res.partner.bank"].create(
            {
                "partner_id": cls.company.partner_id.id,
                "acc_number": "6222 0210 0100 8888",
                "acc_holder_name": cls.company.name,
                "bank_id": cls.env["res.bank"].create({"name": "Bank of China Nanjing Branch"}).id,
            }
        )
        cls.company.partner_id.write({"street": "18 Zhongshan Road", "city": "Nanjing", "zip": "210005"})

        def days(n):
            return today + relativedelta(days=n)

        def customer(name, grade, limit, collector=True, **values):
            partner = cls.env["res.partner"].create(
                {
                    "name": name,
                    "is_company": True,
                    "customer_rank": 1,
                    "city": values.pop("city", "Shanghai"),
                    "user_id": cls.salesman.id,
                    **values,
                }
            )
            partner.write(
                {
                    "credit_grade_id": grade.id,
                    "use_partner_credit_limit": True,
                    "credit_limit": limit,
                    "ar_credit_days": grade.max_credit_days or 30,
                    "collector_id": cls.collector.id if collector else False,
                }
            )
            return partner

        cls.customer.write(
            {
                "credit_limit": 30000.0,
                "use_partner_credit_limit": True,
                "collector_id": cls.collector.id,
                "ar_credit_days": 30,
                "street": "88 Jiangdong Road",
                "city": "Nanjing",
                "user_id": cls.salesman.id,
            }
        )
        for amount, invoiced, due in ((9800.0, -10, 20), (12500.0, -45, -15), (7300.0, -75, -45)):
            cls.ar_invoice(cls.customer, amount, days(invoiced), days(due))
        jiangnan = customer("Jiangnan Textiles", grade_b, 20000.0, city="Suzhou")
        for amount, invoiced, due in ((4200.0, -105, -75), (2100.0, -35, -5), (5600.0, -5, 25)):
            cls.ar_invoice(jiangnan, amount, days(invoiced), days(due))
        xinhua = customer("Xinhua Electronics", grade_c, 10000.0, city="Shenzhen")
        cls.ar_invoice(xinhua, 18000.0, days(-150), days(-120))
        cls.ar_blacklist(xinhua, "Two cheques bounced; payments 120 days late.")
        pearl = customer("Pearl River Foods", grade_b, 15000.0, city="Guangzhou")
        for amount, invoiced, due in ((3300.0, -65, -35), (6900.0, -3, 27)):
            cls.ar_invoice(pearl, amount, days(invoiced), days(due))
        lianyun = customer("Lianyun Logistics", cls.grade_a, 40000.0, collector=False, city="Lianyungang")
        cls.ar_invoice(lianyun, 5600.0, days(-2), days(28))
        cls.ar_pay(cls.ar_invoice(lianyun, 8000.0, days(-40), days(-10)), 8000.0, days(-12))

        # automatic dunning: 31-60 and 61-90 e-mail their customers (61-90 with its letter),
        # over 90 prepares its letter; one customer bounces, one is reminded by hand
        ladder = {stage.days_from: stage for stage in cls.env["ar.collection.stage"]._ar_get_ladder(cls.company)}
        ladder[31].auto_email = True
        ladder[61].write({"auto_email": True, "auto_letter": True})
        ladder[91].auto_letter = True
        cls.company.write({"ar_dunning_send_mode": "send", "email": "ar@jinling.example.com"})
        cls.collector.email = "li@jinling.example.com"
        for partner, email in (
            (cls.customer, "ap@huadong.example.com"),
            (jiangnan, "finance@jiangnan.example.com"),
            (pearl, "ap@pearlriver.example.com"),
        ):
            partner.email = email
        pearl.message_bounce = 3
        taihu = customer("Taihu Tools", grade_b, 10000.0, city="Wuxi", email="ap@taihu.example.com")
        taihu.with_company(cls.company).ar_reminder_mode = "manual"
        cls.ar_invoice(taihu, 2600.0, days(-70), days(-40))

        # the nightly collections run: stages, follow-ups and reminders; then a call with a
        # promise to pay
        cls.dunning_run = cls.env["ar.collection.run"].sudo()._ar_start_runs(cls.company)._ar_run_to_end()
        cls.env["ar.collection.log"].with_user(cls.collector).create(
            {
                "partner_id": pearl.id,
                "channel": "phone",
                "result_id": cls.env.ref("ar_collections.ar_collection_result_promise").id,
                "promise_date": days(5),
                "promise_amount": 3300.0,
                "customer_feedback": "Will pay the March invoice on Friday.",
            }
        )
        cls.order = cls.ar_order(cls.customer, 6000.0, payment_term=cls.term_30)
        cls.letter = cls.env["ar.dunning.letter"].with_user(cls.collector).create({"partner_id": cls.customer.id})
        cls.letter.with_user(cls.collector).action_print()  # printed: the letter carries its number

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def save_png(self, name, content):
        image = Image.open(io.BytesIO(content)).convert("RGB")
        buffer = io.BytesIO()
        image.save(buffer, "PNG", optimize=True)
        if buffer.tell() > MAX_PNG_BYTES:
            buffer = io.BytesIO()
            image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(buffer, "PNG", optimize=True)
        SHOTS_DIR.mkdir(parents=True, exist_ok=True)
        (SHOTS_DIR / name).write_bytes(buffer.getvalue())
        _logger.info("screenshot %s: %s bytes", name, buffer.tell())

    def wait_for(self, browser, selector, timeout=30):
        ready = (
            f"!!document.querySelector({selector!r}) && !document.querySelector('.o_blockUI')"
            " && !document.querySelector('.o_loading_indicator')"
        )
        self.assertTrue(browser._wait_ready(ready, timeout=timeout), f"{selector} never showed up")
        time.sleep(0.8)  # let transitions and fonts settle: only a picture depends on it

    def run_js(self, browser, code):
        browser._websocket_request("Runtime.evaluate", params={"expression": code, "awaitPromise": True})

    def shoot(self, browser, name, url, selector, before=None, timeout=30):
        browser.navigate_to(self.base_url() + url, wait_stop=True)
        self.wait_for(browser, selector, timeout=timeout)
        for code, then in before or []:
            self.run_js(browser, code)
            self.wait_for(browser, then)
        data = browser._websocket_request("Page.captureScreenshot", params={"format": "png"})["data"]
        self.save_png(name, base64.b64decode(data))

    def login(self, browser, user):
        self.authenticate(user.login, user.login, browser=browser)

    # ------------------------------------------------------------------
    def test_screenshots(self):
        self.credit_manager.groups_id += self.env.ref("sales_team.group_sale_salesman_all_leads")
        self.env["ir.config_parameter"].set_param("report.url", self.base_url())
        self.env.flush_all()
        browser = ChromeBrowser(self)
        try:
            browser._websocket_request(
                "Emulation.setDeviceMetricsOverride",
                params={"width": 1400, "height": 900, "deviceScaleFactor": 1, "mobile": False},
            )
            self.login(browser, self.credit_manager)
            self.shoot(
                browser,
                "customer_credit_list.png",
                "/odoo/action-ar_collections.res_partner_action_credit",
                ".o_list_view .o_data_row",
            )
            click_tab = (
                "[...document.querySelectorAll('.o_notebook .nav-link')]"
                ".find((a) => a.textContent.includes('Credit & Collections')).click();"
                "document.querySelector('.o_notebook').scrollIntoView()"
            )
            self.shoot(
                browser,
                "customer_credit_tab.png",
                f"/odoo/res.partner/{self.customer.id}",
                ".o_form_view .o_notebook",
                before=[(click_tab, ".o_notebook .tab-pane.active .o_field_widget[name=credit_grade_id]")],
            )
            self.shoot(
                browser,
                "collections_run_dunning.png",
                f"/odoo/action-ar_collections.ar_collection_run_action/{self.dunning_run.id}",
                ".o_notebook .tab-pane.active .o_field_widget[name=dunning_message_ids] .o_data_row",
            )
            self.shoot(
                browser,
                "aging_analysis_pivot.png",
                "/odoo/action-ar_collections.ar_aging_report_action",
                ".o_pivot table .o_pivot_cell_value",
            )

            self.login(browser, self.collector)
            self.shoot(
                browser,
                "my_collections.png",
                "/odoo/action-ar_collections.ar_collection_worklist_action",
                ".o_list_view .o_data_row",
            )

            self.login(browser, self.salesman)
            self.shoot(
                browser,
                "sale_order_credit_hold.png",
                f"/odoo/sale.order/{self.order.id}",
                "div[name=ar_credit_hold_banner]",
            )
            self.shoot(
                browser,
                "sale_order_credit_hold_error.png",
                f"/odoo/sale.order/{self.order.id}",
                "div[name=ar_credit_hold_banner]",
                before=[
                    (
                        "document.querySelector('.o_statusbar_buttons button[name=action_confirm]').click()",
                        ".o_error_dialog",
                    )
                ],
            )
        finally:
            browser.stop()
            self._wait_remaining_requests()

        self.shoot_letter()

    def test_screenshot_dashboard(self):
        """The collections dashboard on six months of KPIs, a promise due today and one broken."""
        today = fields.Date.context_today(self.customer)
        jiangnan = self.env["res.partner"].search([("name", "=", "Jiangnan Textiles")])
        Promise = self.env["ar.payment.promise"].with_user(self.collector)
        with freeze_time(today - relativedelta(days=20)):
            broken = Promise.create(
                {
                    "partner_id": jiangnan.id,
                    "invoice_ids": [Command.set(jiangnan.invoice_ids.filtered(lambda m: m.amount_total == 4200.0).ids)],
                    "date": today - relativedelta(days=10),
                    "amount": 4200.0,
                }
            )
        broken._ar_check(today=today)
        Promise.create(
            {
                "partner_id": self.customer.id,
                "invoice_ids": [
                    Command.set(self.customer.invoice_ids.filtered(lambda m: m.amount_total == 7300.0).ids)
                ],
                "date": today,
                "amount": 7300.0,
            }
        )
        self.env["ar.kpi.period"].with_user(self.credit_manager).action_refresh(months=6)
        self.env.flush_all()
        browser = ChromeBrowser(self)
        try:
            browser._websocket_request(
                "Emulation.setDeviceMetricsOverride",
                params={"width": 1400, "height": 1250, "deviceScaleFactor": 1, "mobile": False},
            )
            self.login(browser, self.credit_manager)
            self.shoot(
                browser,
                "collections_dashboard.png",
                "/odoo/action-ar_collections.ar_kpi_dashboard_action",
                ".o_ar_kpi_dashboard .o_ar_top_overdue_row",
            )
        finally:
            browser.stop()
            self._wait_remaining_requests()

    def test_screenshots_portal_and_plan(self):
        """The customer's portal (statements, a balance confirmation with its reply form), a
        repayment plan with its first instalment kept (form and printed agreement) and the
        customer link of a letter as a visitor without an account sees it."""
        today = fields.Date.context_today(self.customer)

        def days(n):
            return today + relativedelta(days=n)

        portal_user = new_test_user(self.env, "portal_huadong", groups="base.group_portal", name="Wang Fang")
        portal_user.partner_id.parent_id = self.customer
        # the two overdue invoices (12,500 and 7,300) in three instalments; the first was paid
        overdue = self.customer.invoice_ids.filtered(lambda m: m.amount_total in (12500.0, 7300.0))
        plan = (
            self.env["ar.repayment.plan"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": self.customer.id,
                    "invoice_ids": [Command.set(overdue.ids)],
                    "date_agreed": days(-20),
                    "note": "Cash-flow difficulties after a late payment of their own customer.",
                    "line_ids": [
                        Command.create({"sequence": index, "date": days(offset), "amount": 6600.0})
                        for index, offset in enumerate((-3, 27, 57))
                    ],
                }
            )
        )
        plan.action_propose()
        plan.action_activate()
        self.ar_pay(overdue.filtered(lambda m: m.amount_total == 7300.0), 6600.0, days(-4))
        plan._ar_check(today=today)
        # sent after the payment: the figures a sent statement keeps are those of its sending
        Statement = self.env["ar.statement"].with_user(self.collector)
        last_month_end = today + relativedelta(day=1, days=-1)
        confirmation = Statement.create(
            {
                "partner_id": self.customer.id,
                "statement_type": "confirmation",
                "date_from": last_month_end + relativedelta(day=1),
                "date_to": last_month_end,
            }
        )
        confirmation._ar_mark_sent("email")
        statement = Statement.create(
            {
                "partner_id": self.customer.id,
                "statement_type": "statement",
                "date_from": today + relativedelta(day=1),
                "date_to": today,
            }
        )
        statement._ar_mark_sent("email")
        link = self.env["ar.customer.link"]._ar_get_link(self.letter)
        self.env.flush_all()
        browser = ChromeBrowser(self)
        try:
            browser._websocket_request(
                "Emulation.setDeviceMetricsOverride",
                params={"width": 1400, "height": 900, "deviceScaleFactor": 1, "mobile": False},
            )
            self.login(browser, portal_user)
            self.shoot(browser, "portal_statements.png", "/my/statements", ".o_portal_my_doc_table a")
            self.shoot(
                browser,
                "portal_balance_confirmation.png",
                f"/my/statements/{confirmation.id}",
                ".o_ar_portal_statement button.o_ar_disagree",
            )
            self.login(browser, self.collector)
            self.shoot(
                browser,
                "repayment_plan_form.png",
                f"/odoo/action-ar_collections.ar_repayment_plan_action/{plan.id}",
                # the instalments' rows, not only their field: the picture is of the schedule;
                # a loaded machine (load 6-10) took more than 30 s to open the web client
                ".o_form_view .o_field_one2many[name=line_ids] .o_data_row",
                timeout=90,
            )
            # the customer link of the letter, as the contact without an account opens it
            self.authenticate(None, None, browser=browser)
            self.shoot(browser, "customer_link.png", f"/ar/link/{link.sudo().token}", ".o_ar_link_invoices .o_ar_total")
        finally:
            browser.stop()
            self._wait_remaining_requests()
        self.shoot_pdf("ar_collections.ar_repayment_plan_report_action", plan, "repayment_agreement.png")

    def shoot_letter(self):
        self.shoot_pdf("ar_collections.ar_dunning_letter_report_action", self.letter, "dunning_letter.png")

    def shoot_pdf(self, report, records, name):
        """The first page of ``report`` printed for ``records`` (wkhtmltopdf, then pdftoppm)."""
        pdftoppm = shutil.which("pdftoppm")
        self.assertTrue(pdftoppm, "pdftoppm (poppler-utils) is needed for the PDFs")
        params = self.env["ir.config_parameter"].sudo()
        # wkhtmltopdf fetches the styles from the test server; the customer link printed on a
        # letter shows the company's public address, not the test server's
        params.set_param("report.url", self.base_url())
        params.set_param("web.base.url", "https://erp.jinling.example.com")
        content, report_type = (
            self.env["ir.actions.report"]
            .with_user(self.collector)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report, records.ids)
        )
        self.assertEqual(report_type, "pdf")
        with tempfile.TemporaryDirectory() as tmp:
            pdf = pathlib.Path(tmp) / "letter.pdf"
            pdf.write_bytes(content)
            subprocess.run(
                [
                    pdftoppm,
                    "-png",
                    "-r",
                    "90",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                    str(pdf),
                    str(pathlib.Path(tmp) / "letter"),
                ],
                check=True,
            )
            self.save_png(name, (pathlib.Path(tmp) / "letter.png").read_bytes())
