from odoo import models


class ArCreditReleaseMixin(models.AbstractModel):
    """What a document that can be held for credit reasons (a sale order, a delivery)
    offers to the release workflow: whether it can be released, why it is held, and the
    request/approve buttons. Inheriting models set ``_ar_release_field`` to their field
    on ``ar.credit.release``."""

    _name = "ar.credit.release.mixin"
    _description = "Document Held for Credit Reasons"
    _ar_release_field = None

    def _ar_credit_releasable(self):
        raise NotImplementedError

    def _ar_credit_hold_messages(self):
        raise NotImplementedError

    def _ar_credit_open_release_wizard(self, mode):
        self.ensure_one()
        if mode == "approve":
            self.env["ar.credit.release"]._check_can_approve(self)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Approve Credit Release") if mode == "approve" else self.env._("Request Credit Release"),
            "res_model": "ar.credit.release.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {f"default_{self._ar_release_field}": self.id, "default_mode": mode},
        }

    def action_ar_request_release(self):
        return self._ar_credit_open_release_wizard("request")

    def action_ar_approve_release(self):
        return self._ar_credit_open_release_wizard("approve")
