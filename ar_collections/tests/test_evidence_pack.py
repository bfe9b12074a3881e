"""The evidence pack of a collection case is one PDF made of the documents' own PDFs: the
summary, the invoices with their sale orders and delivery slips, the statements with the
customer's PDF reply, the letters sent; read
back with text extraction, each document's number is found in it and its page count is the
sum of the parts."""

import base64
import io
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.models import BaseModel
from odoo.tests import new_test_user, tagged
from odoo.tools.pdf import PdfFileReader, PdfFileWriter

from odoo.addons.base.models.ir_qweb import QWebException

from .common_baddebt import ArBadDebtCommon
from .test_ar_aging_report import pdf_text

PACK = "ar_collections.ar_collection_case_evidence_pack_report_action"
SUMMARY = "ar_collections.ar_collection_case_evidence_report_action"


def page_count(content):
    return len(PdfFileReader(io.BytesIO(content), strict=False).pages)


def blank_pdf(pages):
    writer = PdfFileWriter()
    for _index in range(pages):
        writer.add_blank_page(595, 842)
    with io.BytesIO() as buffer:
        writer.write(buffer)
        return buffer.getvalue()


@tagged("post_install", "-at_install")
class TestEvidencePack(ArBadDebtCommon):
    def render(self, report, records, user=None):
        content, report_type = (
            self.env["ir.actions.report"]
            .with_user(user or self.credit_manager)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report, records.ids)
        )
        self.assertEqual(report_type, "pdf")
        return content

    @freeze_time("2026-03-15 09:00:00")
    def test_pack_of_the_documents_pdfs(self):
        # the final notice sent before the debt was handed over
        letter = (
            self.env["ar.dunning.letter"]
            .with_user(self.collector)
            .create({"partner_id": self.customer.id, "level": "final", "date": "2026-02-20"})
        )
        letter.action_print()
        case = (
            self.env["ar.collection.case"]
            .with_user(self.credit_manager)
            .create(
                {
                    "partner_id": self.customer.id,
                    "invoice_ids": [Command.set((self.inv1 | self.inv2).ids)],
                    "amount": 14000.0,
                    "handler": "legal",
                    "user_id": self.credit_manager.id,
                    "last_acknowledgement_date": "2025-12-01",
                }
            )
        )
        Statement = self.env["ar.statement"].with_user(self.collector)
        statement = Statement.create(
            {"partner_id": self.customer.id, "date_from": "2026-01-01", "date_to": "2026-01-31"}
        )
        statement.action_print()
        reply = (
            self.env["ir.attachment"]
            .with_user(self.collector)
            .create(
                {
                    "name": "signed reply.pdf",
                    "res_model": "ar.statement",
                    "res_id": statement.id,
                    "datas": base64.b64encode(blank_pdf(2)),
                    "mimetype": "application/pdf",
                }
            )
        )
        self.env["ir.attachment"].with_user(self.collector).create(
            {"name": "note.txt", "res_model": "ar.statement", "res_id": statement.id, "raw": b"not a PDF"}
        )
        draft_statement = Statement.create(
            {"partner_id": self.customer.id, "date_from": "2026-02-01", "date_to": "2026-02-28"}
        )

        pack = self.render("ar_collections.ar_collection_case_evidence_pack_report_action", case)
        parts = [
            self.render("ar_collections.ar_collection_case_evidence_report_action", case),
            *(self.render("account.account_invoices", invoice) for invoice in self.inv2 | self.inv1),
            self.render("ar_collections.ar_statement_report_action", statement),
            reply.raw,
            self.render("ar_collections.ar_dunning_letter_report_action", letter),
        ]
        self.assertEqual(page_count(pack), sum(page_count(part) for part in parts))
        self.assertGreaterEqual(page_count(pack), 7)
        text = pdf_text(pack)
        for number in (case.name, self.inv1.name, self.inv2.name, statement.name, letter.name):
            self.assertIn(number, text)
        # the summary comes first, the draft statement is no evidence
        self.assertIn("Evidence Pack", text.split("\f")[0])
        self.assertFalse(draft_statement.name)
        self.assertNotIn("2026年02月28日", text)
        # an auditor prints the same pack (reads everything) and changes nothing
        attachments = self.env["ir.attachment"].search_count([])
        auditor_pack = self.render("ar_collections.ar_collection_case_evidence_pack_report_action", case, self.auditor)
        self.assertEqual(page_count(auditor_pack), page_count(pack))
        self.assertEqual(self.env["ir.attachment"].search_count([]), attachments)


@tagged("post_install", "-at_install")
class TestEvidencePackOrders(ArBadDebtCommon):
    """The case's invoice comes from a confirmed sale order whose delivery was validated:
    the pack prints the order and the delivery slip too."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        product = cls.env["product.product"].create(
            {"name": "Hydraulic pump", "type": "consu", "list_price": 100.0, "taxes_id": [Command.clear()]}
        )
        with freeze_time("2026-01-10 09:00:00"):
            cls.order = cls.env["sale.order"].create(
                {
                    "partner_id": cls.customer.id,
                    "user_id": cls.salesman.id,
                    "company_id": cls.company.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": 30,
                                "price_unit": 200.0,
                                "tax_id": [Command.clear()],
                            }
                        )
                    ],
                }
            )
            cls.order.action_confirm()
            cls.picking = cls.order.picking_ids
            for move in cls.picking.move_ids:
                move.quantity = move.product_uom_qty
                move.picked = True
            cls.picking.button_validate()
            cls.invoice = cls.order._create_invoices()
            cls.invoice.invoice_date = "2026-01-10"
            cls.invoice.action_post()
        cls.case = (
            cls.env["ar.collection.case"]
            .with_user(cls.credit_manager)
            .create(
                {
                    "partner_id": cls.customer.id,
                    "invoice_ids": [Command.set((cls.invoice | cls.inv1).ids)],
                    "amount": 16000.0,
                    "handler": "legal",
                    "user_id": cls.credit_manager.id,
                    "last_acknowledgement_date": "2025-12-01",
                }
            )
        )

    def render(self, report, records, user=None):
        content, report_type = (
            self.env["ir.actions.report"]
            .with_user(user or self.credit_manager)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report, records.ids)
        )
        self.assertEqual(report_type, "pdf")
        return content

    def test_flow(self):
        # the sale_stock flow the case rests on
        self.assertEqual(self.order.state, "sale")
        self.assertEqual(self.picking.state, "done")
        self.assertEqual(self.picking.picking_type_code, "outgoing")
        self.assertEqual(self.invoice.state, "posted")
        self.assertEqual(self.invoice.amount_total, 6000.0)  # 30 × 200, no tax
        self.assertEqual(self.invoice.invoice_line_ids.sale_line_ids.order_id, self.order)

    @freeze_time("2026-03-15 09:00:00")
    def test_pack_with_order_and_delivery(self):
        pack = self.render(PACK, self.case)
        parts = [
            self.render(SUMMARY, self.case),
            self.render("account.account_invoices", self.inv1),
            self.render("account.account_invoices", self.invoice),
            self.render("sale.action_report_saleorder", self.order),
            self.render("stock.action_report_delivery", self.picking),
        ]
        self.assertEqual(page_count(pack), sum(page_count(part) for part in parts))
        self.assertGreaterEqual(page_count(pack), 5)
        text = pdf_text(pack)
        for number in (self.case.name, self.order.name, self.picking.name, self.invoice.name, self.inv1.name):
            self.assertIn(number, text)
        # the order's own PDF is in the pack: its heading and its line
        self.assertIn("Hydraulic pump", text)

    @freeze_time("2026-03-15 09:00:00")
    def test_auditor_prints_and_changes_nothing(self):
        self.render(PACK, self.case)  # the report assets exist: what follows would be a document stored
        attachments = self.env["ir.attachment"].search_count([])
        messages = self.env["mail.message"].search_count([])
        written = []
        base_write, base_create = BaseModel.write, BaseModel.create

        def spy_write(records, vals):
            written.append((records._name, "write"))
            return base_write(records, vals)

        def spy_create(model, vals_list):
            written.append((model._name, "create"))
            return base_create(model, vals_list)

        with patch.object(BaseModel, "write", spy_write), patch.object(BaseModel, "create", spy_create):
            pack = self.render(PACK, self.case, self.auditor)
            self.assertEqual(written, [])
            self.env["res.partner"].create({"name": "The spy sees a create"})
        self.assertEqual(written, [("res.partner", "create")])
        self.assertEqual(self.env["ir.attachment"].search_count([]), attachments)
        self.assertEqual(self.env["mail.message"].search_count([]), messages)
        self.assertIn(self.order.name, pdf_text(pack))
        self.assertIn(self.picking.name, pdf_text(pack))

    def test_other_company_collector_cannot_print(self):
        company_2 = self.setup_other_company(name="Shenzhen Subsidiary")["company"]
        collector_2 = new_test_user(
            self.env,
            "ar_collector_sz",
            groups="base.group_user,ar_collections.group_ar_collections_user",
            company_id=company_2.id,
            company_ids=[Command.set(company_2.ids)],
            name="Collector Sun",
        )
        with self.assertRaises(AccessError) as error:
            self.render(PACK, self.case, collector_2)
        self.assertIn("Collection Case", str(error.exception))
        # the summary alone: the record rule's error, wrapped by QWeb's template
        with self.assertRaises(QWebException) as error:
            self.render(SUMMARY, self.case, collector_2)
        self.assertIn("Collector Sun (id=%s) doesn't have 'read' access" % collector_2.id, str(error.exception))
        self.assertIn("Collection Case", str(error.exception))

    @freeze_time("2026-03-15 09:00:00")
    def test_collector_prints_the_order_and_the_slip(self):
        text = pdf_text(self.render(PACK, self.case, self.collector))
        for number in (self.case.name, self.order.name, self.picking.name, self.invoice.name):
            self.assertIn(number, text)
