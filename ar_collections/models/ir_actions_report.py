"""The evidence pack of a collection case (证据材料包) as one PDF of the documents' own PDFs:
the summary, then the invoices, sale orders and delivery slips, the statements and balance
confirmations with the PDFs of their replies, and the letters sent. Each document is
rendered on its own (the wkhtmltopdf of Debian renders one document per call) and the PDFs
are merged."""

import logging

from odoo import models
from odoo.tools.pdf import merge_pdf

_logger = logging.getLogger(__name__)

EVIDENCE_PACK_REPORT = "ar_collections.report_ar_collection_case_evidence_pack"
EVIDENCE_SUMMARY_REPORT = "ar_collections.ar_collection_case_evidence_report_action"


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        report = self._get_report(report_ref)
        if report.report_name != EVIDENCE_PACK_REPORT or not res_ids:
            return super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)
        res_ids = [res_ids] if isinstance(res_ids, int) else res_ids
        parts = []
        for case in self.env["ar.collection.case"].browse(res_ids):
            for _label, content in self._ar_get_evidence_parts(case):
                parts.append(content)
        return merge_pdf(parts), "pdf"

    def _ar_get_evidence_parts(self, case):
        """The PDFs of the evidence pack of ``case``, in order, as ``(label, pdf bytes)``:
        what the caller may read (``ar.collection.case._ar_get_evidence``), each document by
        its own report."""
        evidence = case._ar_get_evidence()
        parts = [(case.name, self._ar_render_one(EVIDENCE_SUMMARY_REPORT, case))]
        documents = [
            ("account.account_invoices", evidence["invoices"]),
            ("sale.action_report_saleorder", evidence["orders"]),
            ("stock.action_report_delivery", evidence["pickings"]),
        ]
        for report_xmlid, records in documents:
            if records and self.env.ref(report_xmlid, raise_if_not_found=False):
                parts += [(record.display_name, self._ar_render_one(report_xmlid, record)) for record in records]
        for statement in evidence["statements"].filtered(lambda st: st.state not in ("draft", "cancel")):
            parts.append((statement.display_name, self._ar_render_one(statement._ar_report_action, statement)))
            parts += [(reply.name, reply.raw) for reply in self._ar_get_reply_pdfs(statement)]
        for letter in evidence["letters"].filtered(lambda letter: letter.state in ("sent", "printed")):
            parts.append((letter.display_name, self._ar_render_one(letter._ar_report_action, letter)))
        return [(label, content) for label, content in parts if content]

    def _ar_render_one(self, report_ref, record):
        content, report_type = self._render_qweb_pdf(report_ref, record.ids)
        return content if report_type == "pdf" else None

    def _ar_get_reply_pdfs(self, statement):
        """PDF replies of the customer attached to ``statement`` (signed reply slips), as the
        caller may read them."""
        return self.env["ir.attachment"].search(
            [
                ("res_model", "=", statement._name),
                ("res_id", "=", statement.id),
                ("mimetype", "=", "application/pdf"),
            ],
            order="id",
        )
