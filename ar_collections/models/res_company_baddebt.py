# Side file of the model (issue 15, bad debts): the integrator folds it in.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, models
from odoo.tools import SQL

# numbering of the bad-debt documents: code -> xmlid of the template (prefix, padding)
BAD_DEBT_SEQUENCES = {
    "ar.write.off.request": "ar_collections.seq_ar_write_off_request",
    "ar.collection.case": "ar_collections.seq_ar_collection_case",
}


class ResCompany(models.Model):
    _inherit = "res.company"

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._ar_setup_bad_debt_sequences()
        return companies

    def _ar_prepare_bad_debt_sequence_vals(self, code):
        """Values of the own sequence of company ``self`` numbering the documents of ``code``,
        copied from the template (numbers the shared sequence gave stay taken)."""
        self.ensure_one()
        template = self.env.ref(BAD_DEBT_SEQUENCES[code], raise_if_not_found=False)
        template = template.sudo() if template else None
        return {
            "name": f"{template.name if template else code} ({self.name})",
            "code": code,
            "company_id": self.id,
            "prefix": template.prefix if template else False,
            "padding": template.padding if template else 4,
            "number_next": template.number_next_actual if template else 1,
        }

    def _ar_setup_bad_debt_sequences(self):
        """Each company of ``self`` gets its own sequence of each bad-debt document (one search
        for all)."""
        # sudo: sequences are technical records, created for the company whoever creates it
        Sequence = self.env["ir.sequence"].sudo()
        existing = {
            (sequence.code, sequence.company_id.id)
            for sequence in Sequence.with_context(active_test=False).search(
                [("code", "in", list(BAD_DEBT_SEQUENCES)), ("company_id", "in", self.ids)]
            )
        }
        Sequence.create(
            [
                company._ar_prepare_bad_debt_sequence_vals(code)
                for code in BAD_DEBT_SEQUENCES
                for company in self
                if (code, company.id) not in existing
            ]
        )

    @api.model
    def _ar_install_bad_debt_sequences(self):
        """Install and update: every company gets its own sequences; the shared templates are
        archived (they only give the prefix and padding)."""
        self.sudo().search([])._ar_setup_bad_debt_sequences()
        for xmlid in BAD_DEBT_SEQUENCES.values():
            template = self.env.ref(xmlid, raise_if_not_found=False)
            if template and template.active:
                template.sudo().active = False

    def _ar_next_bad_debt_number(self, code):
        """Next number of the documents ``code`` of company ``self``, from its own sequence
        (created first, under a lock, for a company that has none yet)."""
        self.ensure_one()
        Sequence = self.env["ir.sequence"].sudo()
        domain = [("code", "=", code), ("company_id", "=", self.id)]
        sequence = Sequence.search(domain, limit=1)
        if not sequence:
            # two users numbering the first document of a company at once: the second waits
            self.env.cr.execute(SQL("SELECT pg_advisory_xact_lock(hashtext(%s), %s)", code, self.id))
            sequence = Sequence.search(domain, limit=1) or Sequence.create(
                self._ar_prepare_bad_debt_sequence_vals(code)
            )
        return sequence.next_by_id()
