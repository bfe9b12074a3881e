# Side file of the model (issue 13, automatic dunning): the integrator folds it in.
# pylint: disable=consider-merging-classes-inherited
"""Dunning letters sent in bulk and with the automatic reminders.

- ``action_email_letters``: the bulk "E-mail Letters" of the selected customers (customer
  list or worklist): each customer its letter, e-mailed (queued ``mail.mail``, the letter's
  PDF attached by its template, rendered one letter at a time) to its invoicing contact,
  numbered, marked sent and logged as a contact (channel e-mail).
- ``_ar_get_pdf`` / ``_ar_mark_emailed_with_reminder``: the letter prepared by the
  collections run goes as a PDF with the customer's reminder (``ar.dunning.message``).
"""

import base64

from odoo import fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.safe_eval import safe_eval, time

from ..const import COLLECTIONS_USER_GROUP


class ArDunningLetter(models.Model):
    _inherit = "ar.dunning.letter"

    def _ar_check_bulk_caller(self):
        """Only collectors and credit managers send letters in bulk, in their companies."""
        if not self.env.user.has_group(COLLECTIONS_USER_GROUP):
            raise AccessError(self.env._("Only collectors and credit managers can send dunning letters."))
        self._ar_check_caller()

    def action_email_letters(self):
        """E-mail each letter to its customer's invoicing contact (queued, the PDF attached),
        numbered, marked sent and logged. Refused as a whole (nothing sent) when a customer
        cannot be e-mailed or a letter cannot be sent."""
        self._ar_check_bulk_caller()
        self._ar_check_sendable()
        Message = self.env["ar.dunning.message"]
        reasons = dict(Message._fields["skip_reason"]._description_selection(self.env))
        contacts, problems = {}, []
        for letter in self:
            contact = Message._ar_invoicing_contact(letter.partner_id.commercial_partner_id)
            problem = Message._ar_address_problem(contact)
            if problem:
                problems.append(f"{letter.partner_id.display_name} ({reasons[problem]})")
            contacts[letter.id] = contact
        if problems:
            raise UserError(
                self.env._(
                    "These customers cannot be e-mailed, nothing was sent: %(customers)s.",
                    customers=", ".join(problems),
                )
            )
        template = self._ar_get_mail_template()
        if not template:
            raise UserError(self.env._("The dunning letter e-mail template is missing."))
        # the number first: the e-mail and its PDF carry it
        self._ar_assign_number()
        # sudo: the caller is a collector of these companies (checked above); the e-mail is
        # queued for the customer's contact, whom he may not be able to read
        for letter in self:
            template.sudo().send_mail(
                letter.id,
                force_send=False,
                email_values={"recipient_ids": [fields.Command.link(contacts[letter.id].id)]},
            )
        drafts = self._ar_mark_sent("email")
        (self - drafts)._ar_log_sent("email")  # a letter e-mailed again is a contact too
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("%(count)s dunning letters e-mailed.", count=len(self)),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _ar_get_pdf(self):
        """``(file name, base64 content)`` of the letter's PDF, rendered on its own, named as
        its report names it."""
        self.ensure_one()
        Report = self.env["ir.actions.report"]
        report = Report._get_report(self._ar_report_action)
        content = Report._render_qweb_pdf(report, self.ids)[0]
        name = safe_eval(report.print_report_name, {"object": self, "time": time}) if report.print_report_name else ""
        return f"{name or self.env._('Dunning Letter')}.pdf", base64.b64encode(content)

    def _ar_mark_emailed_with_reminder(self):
        """The letters go with the customer's reminder: the drafts are numbered and marked
        sent. Their contact is the reminder's (it names the letter), not a second one.
        Private: reached from the run and the review queue's Send button (superuser mode)."""
        drafts = self.filtered(lambda letter: letter.state == "draft")
        drafts._ar_assign_number()
        for date, letters in drafts.grouped("date").items():
            letters._ar_write_guarded({"state": "sent", "sent_date": date})
