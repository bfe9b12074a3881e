from odoo import models

MAX_LISTED_INVOICES = 5


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

    def _ar_blacklist_reasons(self, partner):
        """The blacklist as a hold reason, if ``partner`` is blacklisted."""
        if not partner.credit_blacklisted:
            return []
        return [{"code": "blacklist", "message": self.env._(
            "The customer %(partner)s is blacklisted: %(reason)s",
            partner=partner.display_name, reason=partner.credit_blacklist_reason or "")}]

    def _ar_held_stage_reasons(self, held_invoices, flag):
        """Hold reasons for invoices in stages that hold sales or lock deliveries.

        :param held_invoices: list of (stage, [invoice names]) (see ``res.partner._ar_get_held_invoices``)
        :param flag: ``"hold_sales"`` or ``"lock_deliveries"``
        """
        reasons = []
        for stage, names in held_invoices:
            listed = ", ".join(names[:MAX_LISTED_INVOICES])
            if len(names) > MAX_LISTED_INVOICES:
                listed = self.env._("%(invoices)s and %(count)s more",
                                    invoices=listed, count=len(names) - MAX_LISTED_INVOICES)
            if flag == "hold_sales":
                message = self.env._("Invoices in collection stage %(stage)s, which holds new sales: %(invoices)s.",
                                     stage=stage.display_name, invoices=listed)
            else:
                message = self.env._(
                    "Invoices in collection stage %(stage)s, which locks deliveries: %(invoices)s.",
                    stage=stage.display_name, invoices=listed)
            reasons.append({"code": "stage", "message": message})
        return reasons

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
