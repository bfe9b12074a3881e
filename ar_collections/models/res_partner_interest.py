# Side file of the model (issue 15, bad debts): the integrator folds it in.
# pylint: disable=consider-merging-classes-inherited
from odoo import Command, fields, models

from .ar_dunning_letter import INTEREST_LETTER_FEES


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _ar_get_interest_terms(self, company):
        """The one rule of the late-payment interest terms of the customers of ``self`` in
        ``company``: those of the customer's credit grade in that company when the grade has
        its own terms, else the company's. Returns ``{commercial partner id: dict(rate,
        period, grace_days, grade)}`` (one read of the grades for the batch)."""
        company_terms = {
            "rate": company.ar_interest_rate,
            "period": company.ar_interest_period or "day",
            "grace_days": company.ar_interest_grace_days,
            "grade": False,
        }
        # sudo: the grade is a credit field; only the interest terms are read from it
        partners = self.sudo().with_company(company).commercial_partner_id
        terms = {}
        for partner in partners:
            grade = partner.credit_grade_id
            if grade.ar_interest_own_terms:
                terms[partner.id] = {
                    "rate": grade.ar_interest_rate,
                    "period": grade.ar_interest_period or "day",
                    "grace_days": grade.ar_interest_grace_days,
                    "grade": grade,
                }
            else:
                terms[partner.id] = company_terms
        return terms

    def _ar_get_uncharged_fee_letters(self, company):
        """Letters sent or printed to the customer ``self`` by ``company`` at a level with a
        fee, whose fee no interest invoice (not cancelled) charged yet, oldest first."""
        self.ensure_one()
        levels = [level for level, fname in INTEREST_LETTER_FEES.items() if company[fname] > 0]
        if not levels:
            return self.env["ar.dunning.letter"]
        # sudo: the letters of the customer the caller (a checked Credit Manager) invoices
        letters = (
            self.env["ar.dunning.letter"]
            .sudo()
            .search(
                [
                    ("partner_id", "child_of", self.commercial_partner_id.id),
                    ("company_id", "=", company.id),
                    ("state", "in", ("sent", "printed")),
                    ("level", "in", levels),
                ],
                order="date, id",
            )
        )
        charged = {
            letter.id
            for (letter,) in self.env["account.move.line"]
            .sudo()
            ._read_group(
                [("ar_fee_letter_id", "in", letters.ids), ("parent_state", "!=", "cancel")], ["ar_fee_letter_id"]
            )
        }
        return letters.filtered(lambda letter: letter.id not in charged)

    def _prepare_ar_fee_line_vals(self, letter):
        """Line of the interest invoice charging the collection fee of ``letter``."""
        level = dict(letter._fields["level"]._description_selection(self.env))[letter.level]
        return {
            "name": self.env._(
                "Collection fee of the %(level)s %(number)s of %(date)s",
                level=level.lower(),
                number=letter.name,
                date=fields.Date.to_string(letter.date),
            ),
            "quantity": 1.0,
            "price_unit": letter._ar_get_letter_fee(),
            "account_id": letter.company_id.ar_interest_account_id.id,
            "tax_ids": [Command.clear()],
            "ar_fee_letter_id": letter.id,
        }
