"""The evidence pack of a collection case is one PDF made of the documents' own PDFs: the
summary, the invoices, the statements with the customer's PDF reply, the letters sent; read
back with text extraction, each document's number is found in it and its page count is the
sum of the parts."""

import base64
import io

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged
from odoo.tools.pdf import PdfFileReader, PdfFileWriter

from .common_baddebt import ArBadDebtCommon
from .test_ar_aging_report import pdf_text


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
