# Side file of issue 14 part B (credit limits by tier, holds following events), kept apart from the
# model's main file for the merge; the integrator folds it in.
# pylint: disable=consider-merging-classes-inherited
"""Credit limits by authority tier (额度审批权限) on the customer.

A Credit Manager writes a credit limit himself up to his authority: the tiers of the company
(``ar.credit.limit.tier``) the new limit (or the increase) reaches must end with one he
approves. Above it, ``write``/``create`` (and so the import) refuse, and the limit is asked
for with a change request (``ar.credit.limit.request``), whose last approval applies it here.
A decrease needs no tier: a Credit Manager applies it directly. A customer without a limit gets
his first one as an increase from 0; removing the limit (no limit at all) needs the whole ladder.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError

from .res_partner import CREDIT_FIELD_GROUPS

LIMIT_FIELDS = ("credit_limit", "use_partner_credit_limit")


class ResPartner(models.Model):
    _inherit = "res.partner"

    ar_limit_request_count = fields.Integer(
        string="Limit Requests", compute="_compute_ar_limit_request_count", groups=CREDIT_FIELD_GROUPS
    )

    @api.depends_context("company")
    def _compute_ar_limit_request_count(self):
        Request = self.env["ar.credit.limit.request"]
        counts = {}
        if Request.has_access("read"):
            counts = {
                partner.id: count
                for partner, count in Request._read_group(
                    [("partner_id", "in", self.commercial_partner_id.ids), ("company_id", "=", self.env.company.id)],
                    ["partner_id"],
                    ["__count"],
                )
            }
        for partner in self:
            partner.ar_limit_request_count = counts.get(partner.commercial_partner_id.id, 0)

    # ------------------------------------------------------------------
    # The guard: a limit above the writer's authority is refused
    # ------------------------------------------------------------------
    def _ar_check_profile_write(self, vals, new=False):
        result = super()._ar_check_profile_write(vals, new=new)
        if not self.env.su and set(LIMIT_FIELDS) & set(vals):
            self._ar_check_limit_authority(vals, new=new)
        return result

    def _ar_has_limit(self, limit, fallback):
        """Whether a stored ``credit_limit`` is a limit: not when it is the company's fallback
        value and the company does not apply limits to every customer (no limit at all)."""
        return limit != fallback or self.env.company.account_use_credit_limit

    def _ar_limit_tiers_needed(self, old, new):
        """Tiers of the current company a limit change from ``old`` to ``new`` reaches, lowest
        first (None: no limit; a customer without a limit gets his first one from 0); none for
        a decrease."""
        Tier = self.env["ar.credit.limit.tier"]
        company = self.env.company
        if new is None:
            if old is None:
                return Tier
            # no limit at all: the whole ladder (sudo: see _ar_check_limit_authority)
            top = max(Tier.sudo().search([("company_id", "=", company.id)]).mapped("amount_min"), default=0.0)
            return Tier._ar_get_reached_tiers(company, top + 1.0)
        old = old or 0.0
        if company.currency_id.compare_amounts(new, old) <= 0:
            return Tier
        amount = new - old if company.ar_limit_tier_basis == "increase" else new
        return Tier._ar_get_reached_tiers(company, amount)

    def _ar_check_limit_authority(self, vals, new=False):
        """Refuse a credit limit above the current user's authority (see the module docstring)."""
        company = self.env.company
        # sudo: the ladder and the current limits decide, whoever writes
        if not self.env["ar.credit.limit.tier"].sudo().search_count([("company_id", "=", company.id)], limit=1):
            return
        fallback = self._fields["credit_limit"].get_company_dependent_fallback(self.sudo())
        user = self.env.user
        for partner in [None] if new else self.sudo():
            current = partner.credit_limit if partner else fallback
            if "credit_limit" in vals:
                limit = vals["credit_limit"] or 0.0
            elif "use_partner_credit_limit" in vals and not vals["use_partner_credit_limit"]:
                limit = fallback
            else:
                limit = current
            old = current if partner and self._ar_has_limit(current, fallback) else None
            new_limit = limit if self._ar_has_limit(limit, fallback) else None
            tiers = self._ar_limit_tiers_needed(old, new_limit)
            if tiers and not tiers[-1]._ar_covers(user):
                name = partner.display_name if partner else vals.get("name") or ""
                raise AccessError(
                    self.env._(
                        "A credit limit of %(limit)s for %(partner)s is above your approval authority "
                        "(it needs %(approver)s): ask for it with a credit limit change request.",
                        limit=company.currency_id.format(limit) if new_limit is not None else self.env._("no limit"),
                        partner=name,
                        approver=(tiers[-1].user_id or tiers[-1].group_id).display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Applying an approved request
    # ------------------------------------------------------------------
    def _ar_apply_limit_request(self, request):
        """Write the limit of the approved ``request`` on the customer ``self`` and record who
        asked and who approved in the credit profile history. Called by the last approval of
        the request only (``ar.credit.limit.request._ar_apply``), once the approver was checked."""
        self.ensure_one()
        partner = self.with_company(request.company_id)
        History = self.env["ar.credit.profile.history"].sudo()
        last_id = History.search([], order="id desc", limit=1).id
        before = partner._ar_profile_snapshot(["credit_limit"])
        # sudo: the limit above the approver's own authority is the request's, approved by its
        # chain: written here only, after the chain was checked
        partner.sudo().write({"credit_limit": request.requested_limit, "use_partner_credit_limit": True})
        lines = History.search(
            [("id", ">", last_id), ("partner_id", "=", partner.id), ("company_id", "=", request.company_id.id)]
        )
        if not lines:  # the same value: still on record that it was approved
            lines = History.create(
                {
                    "partner_id": partner.id,
                    "company_id": request.company_id.id,
                    "user_id": self.env.uid,
                    "field_name": "credit_limit",
                    "old_value": before.get(partner.id, {}).get("credit_limit", ""),
                    "new_value": partner.sudo()._ar_history_value("credit_limit"),
                }
            )
        lines.write(
            {
                "requested_by_id": request.user_id.id,
                "approved_by_id": self.env.uid,
                "limit_request_id": request.id,
                "note": request.reason,
            }
        )
        return lines

    # ------------------------------------------------------------------
    # Actions of the customer form
    # ------------------------------------------------------------------
    def action_ar_view_limit_history(self):
        """The customer's "Credit Limit History": grade and limit changes in the current company."""
        partner = self.commercial_partner_id
        partner.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("ar_collections.ar_credit_limit_history_action")
        action["domain"] = [
            ("partner_id", "=", partner.id),
            ("company_id", "=", self.env.company.id),
            ("field_name", "in", ("credit_limit", "credit_grade_id")),
        ]
        return action

    def action_ar_request_limit_change(self):
        """A new credit limit change request for the customer."""
        partner = self.commercial_partner_id
        partner.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Credit Limit Change Request"),
            "res_model": "ar.credit.limit.request",
            "view_mode": "form",
            "context": {"default_partner_id": partner.id},
        }

    def action_ar_view_limit_requests(self):
        partner = self.commercial_partner_id
        partner.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("ar_collections.ar_credit_limit_request_action")
        action["domain"] = [("partner_id", "=", partner.id)]
        action["context"] = {"default_partner_id": partner.id}
        return action
