from odoo import models

# letter levels that claim the late-payment interest and fee
INTEREST_LETTER_FEES = {"final": "ar_interest_fee_final", "lawyer": "ar_interest_fee_lawyer"}


class ArDunningLetter(models.Model):
    _inherit = "ar.dunning.letter"

    def _ar_get_interest_lines(self):
        """Late-payment interest of the letter's invoices on the letter date (final notice
        and lawyer letter only)."""
        self.ensure_one()
        if self.level not in INTEREST_LETTER_FEES:
            return []
        rows = self.env["account.move"]._ar_get_accrued_interest(
            date=self.date, company=self.company_id, move_ids=self.invoice_ids.ids
        )
        return sorted(rows.values(), key=lambda row: (row["invoice"].invoice_date_due, row["invoice"].id))

    def _ar_get_letter_fee(self):
        self.ensure_one()
        fname = INTEREST_LETTER_FEES.get(self.level)
        return self.company_id[fname] if fname else 0.0
