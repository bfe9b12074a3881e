# Side file of issue 14 part B (credit limits by tier, holds following events), kept apart from the
# model's main file for the merge; the integrator folds it in.
# pylint: disable=consider-merging-classes-inherited
"""Holds follow events: a payment reconciled (or a promise kept, which is a payment) or a
payment extension approved by a Credit Manager that removes the reason of a credit hold lifts
it at once; a broken promise (or a payment unreconciled) reinstates it.

The hold of a sale order or a delivery is not stored: it is computed from the one aging
query when the document is shown, confirmed or validated (``ar.credit.release.mixin``), so
a paid invoice holds nothing from the moment it is reconciled. What is stored is what the
hold left behind: the credit hold to-dos of the salesperson and the approvers. They are
closed here for the documents of the customers touched, and scheduled again when the hold
comes back (``_ar_sync_holds``): one check for the customers of a reconciliation or a
promise check, not one per line."""

from odoo import api, fields, models

HOLD_ACTIVITY = "ar_collections.mail_activity_type_ar_credit_hold"


class ArCollectionFollowup(models.AbstractModel):
    _inherit = "ar.collection.followup"

    @api.model
    def _ar_hold_document_models(self):
        """Models of the documents that can be held (those inheriting the release mixin)."""
        return [
            name
            for name in self.env.registry["ar.credit.release.mixin"]._inherit_children
            if not self.env[name]._abstract and not self.env[name]._transient
        ]

    @api.model
    def _ar_hold_candidates(self, model, partner_ids):
        """Pending documents of ``model`` of the commercial partners ``partner_ids`` whose hold
        left something behind: open hold to-dos, or a hold lifted by an event."""
        hold_type = self.env.ref(HOLD_ACTIVITY)
        documents = (
            self.env[model]
            .sudo()
            .search(
                [
                    ("partner_id.commercial_partner_id", "in", list(partner_ids)),
                    "|",
                    ("activity_ids.activity_type_id", "=", hold_type.id),
                    ("ar_hold_lifted_date", "!=", False),
                ]
            )
        )
        return documents.filtered(lambda doc: doc._ar_credit_releasable())

    @api.model
    def _ar_sync_holds(self, partner_ids, reinstate=True):
        """Make the hold to-dos of the pending documents of ``partner_ids`` (commercial
        partners) follow their hold now: closed when the hold is gone, scheduled again when
        an event-lifted hold is back (``reinstate``). Runs for whoever caused the event
        (accountant, collector, cron): superuser mode, see the module docstring."""
        partner_ids = set(partner_ids) - {False, None}
        if not partner_ids:
            return
        hold_type = self.env.ref(HOLD_ACTIVITY)
        for model in self._ar_hold_document_models():
            documents = self._ar_hold_candidates(model, partner_ids)
            for company, company_docs in documents.grouped("company_id").items():
                for document in company_docs.with_company(company):
                    self._ar_sync_document_hold(document, hold_type, reinstate)

    @api.model
    def _ar_sync_document_hold(self, document, hold_type, reinstate):
        reasons = document._ar_hold_reasons()
        has_todos = bool(document.activity_ids.filtered(lambda a: a.activity_type_id == hold_type))
        if not reasons and has_todos:
            feedback = self.env._(
                "Credit hold lifted: its reason is gone (payment received or payment extension approved)."
            )
            self._close_hold_activities(document, feedback)
            # sudo: a note of the system's reaction to the payment, whoever recorded it
            document.sudo().write({"ar_hold_lifted_date": fields.Datetime.now()})
            document.sudo().message_post(body=feedback, subtype_xmlid="mail.mt_note")
        elif reasons and document.ar_hold_lifted_date and reinstate and not has_todos:
            text = "\n".join([self.env._("Credit hold reinstated:")] + ["- " + reason["message"] for reason in reasons])
            users = document._ar_credit_salesperson() | self.env["ar.credit.release"]._get_approvers(document)
            self._schedule_hold_activities(document, users, self.env._("Credit hold reinstated"), text)
            document.sudo().write({"ar_hold_lifted_date": False})
            document.sudo().message_post(body=text, subtype_xmlid="mail.mt_note")
