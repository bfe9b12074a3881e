"""The follow-up of a customer in an open collection case belongs to the case owner: handed
over when the case opens, kept there by the nightly run while it is open (also when every
invoice is in the case, so that nothing is left to dun), handed back to the collector when
it closes."""

from odoo import api, models


class ArCollectionFollowup(models.AbstractModel):
    _inherit = "ar.collection.followup"

    @api.model
    def _get_followup_owner(self, partner, stage, strategy=None):
        """The case owner while the customer has an open collection case."""
        return partner.ar_case_owner_id or super()._get_followup_owner(partner, stage, strategy=strategy)

    @api.model
    def _get_escalation_owner(self, partner, stage, current_user, ladder):
        return partner.ar_case_owner_id or super()._get_escalation_owner(partner, stage, current_user, ladder)

    @api.model
    def _plan_followups(self, partners, stage_of, strategy_of, today, run=None):
        # a customer in an open case whose invoices are all paused has no stage: his
        # follow-up stays open (with the case owner) instead of being closed
        in_case = partners.filtered("ar_case_owner_id")
        with_activity = {activity.res_id for activity in self._get_open_activities(in_case)}
        kept = in_case.filtered(lambda partner: not stage_of.get(partner.id) and partner.id in with_activity)
        result = super()._plan_followups(partners - kept, stage_of, strategy_of, today, run=run)
        self._ar_assign_case_followups(in_case)
        return result

    @api.model
    def _ar_assign_case_followups(self, partners, note=None):
        """The open follow-ups of the commercial partners of ``partners`` go to their owner
        (``_get_followup_owner``: the case owner while a case is open, else the stage's), in
        the current company; those already with their owner are left alone. One write per
        owner, one chatter note per follow-up moved (``note``: callable(partner, user) ->
        text). Returns the activities moved."""
        partners = partners.with_env(self.env).commercial_partner_id
        moved = self.env["mail.activity"]
        by_user = {}
        # sudo: the follow-ups of other users (the caller was checked by the case or the run)
        for activity in self.sudo()._get_open_activities(partners):
            partner = partners.browse(activity.res_id)
            stage = activity.ar_stage_id or partner.collection_stage_id
            user = self._get_followup_owner(partner, stage, partner.ar_strategy)
            if user and user != activity.user_id:
                by_user.setdefault(user, []).append((partner, activity))
        for user, items in by_user.items():
            activities = self.env["mail.activity"].union(*(activity for _partner, activity in items))
            # sudo: see the module docstring of the follow-up service (assigned to another user);
            # the new owner is notified
            activities.sudo().write({"user_id": user.id})
            for partner, _activity in items:
                if note:
                    partner._ar_post_company_note(note(partner, user))
            moved |= activities
        return moved
