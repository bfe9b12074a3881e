"""The one follow-up lifecycle of the collections: who follows a customer up, by when,
and what happens to that follow-up when the customer's situation changes.

Every caller goes through ``ar.collection.followup`` (an abstract service, in the style
of ``account.move.send``): the nightly run (``_plan_followups``), a broken promise
(``_escalate``), a contact logged (``_reschedule``) and the credit holds of sale orders
and deliveries (``_schedule_hold_activities`` / ``_close_hold_activities``).

A customer has at most one open collections activity per company (``mail.activity``
with ``ar_company_id``, on its commercial partner). Its lifecycle:

- **create**: a customer in a stage without a follow-up gets one, for the owner of the
  stage, due today or a cadence after the last follow-up done;
- **escalate** (a worse stage, or a signal such as a broken promise): the open activity
  is updated in place, whoever triggers it: new owner (notified), deadline today, the
  stage, and one note in the customer's chatter saying from which stage to which, to whom
  and why. No activity is closed: an escalation leaves that one trail only;
- **move** (a better stage): the open activity takes the stage and its owner;
- **reschedule** (a contact logged): the open activity is marked done with the contact's
  result and the next one is scheduled;
- **close** (nothing left to collect): the open activity is marked done.

Extension points: the hooks ``_get_followup_owner``, ``_get_escalation_owner``,
``_get_followup_deadline``, ``_prepare_activity_vals``, ``_prepare_hold_activity_vals``,
``_get_escalation_note`` and ``_run_stage_actions`` (the per-stage actions, e.g.
automatic dunning: send the stage's e-mail, prepare its letter).

The writes are done as superuser: the methods are private (no RPC), their callers
checked the user (a Credit Manager's run, a promise checked by who may edit it, a
contact logged by its collector) and the follow-up is assigned to other users.
"""

from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

from .ar_collection_stage import OWNER_ROLE_RANK

COLLECTION_ACTIVITY = "ar_collections.mail_activity_type_collection"
HOLD_ACTIVITY = "ar_collections.mail_activity_type_ar_credit_hold"


HOLD_ACTIVITY = "ar_collections.mail_activity_type_ar_credit_hold"


class ArCollectionFollowup(models.AbstractModel):
    _name = "ar.collection.followup"
    _description = "Collections Follow-up"

    # ------------------------------------------------------------------
    # Hooks (override to change who, when and what)
    # ------------------------------------------------------------------
    @api.model
    def _get_followup_owner(self, partner, stage, strategy=None):
        """Owner of the follow-up of commercial partner ``partner`` in ``stage`` (current
        company): the stage's owner role resolved on the customer (the credit manager at
        least for a long aging and large amount), falling back on the company's default
        collector, then its credit manager; while the customer has an open collection
        case, the case owner."""
        if partner.ar_case_owner_id:
            return partner.ar_case_owner_id
        company = self.env.company
        role = stage.owner_role or "collector"
        if strategy == "long_large" and OWNER_ROLE_RANK[role] < OWNER_ROLE_RANK["credit_manager"]:
            role = "credit_manager"
        salesperson = partner.user_id
        users = {
            "collector": partner.collector_id,
            "salesperson": salesperson,
            "sales_manager": salesperson.sale_team_id.user_id,
            "credit_manager": company.ar_credit_manager_user_id,
            "legal": company.ar_legal_user_id,
        }
        return (
            users.get(role)
            or company.ar_default_collector_id
            or company.ar_credit_manager_user_id
            or partner.collector_id
            or salesperson
            or self.env.user
        )

    @api.model
    def _get_escalation_owner(self, partner, stage, current_user, ladder):
        """Owner of the follow-up of ``partner`` escalated by a signal while it stays in
        ``stage``: the owner of the next stage of ``ladder``, else (past the last stage,
        or the same person) the company's credit manager; the case owner while the
        customer has an open collection case."""
        if partner.ar_case_owner_id:
            return partner.ar_case_owner_id
        next_stage = ladder.filtered(lambda s: s.days_from > stage.days_from)[:1]
        user = next_stage and self._get_followup_owner(partner, next_stage, partner.ar_strategy)
        if not user or user == current_user:
            user = self.env.company.ar_credit_manager_user_id or current_user
        return user

    @api.model
    def _get_followup_deadline(self, partner, stage, today, last_done=None):
        """Deadline of a new follow-up of ``partner`` in ``stage``: today, or the stage's
        cadence after the last follow-up done (``last_done``) when that is later."""
        if not last_done:
            return today
        return max(today, fields.Date.add(last_done, days=stage.cadence_days))

    @api.model
    def _prepare_activity_vals(self, partner, stage, deadline, user, note=None):
        """Values of the collections activity of commercial partner ``partner`` in ``stage``
        (current company)."""
        activity_type = stage.activity_type_id or self.env.ref(COLLECTION_ACTIVITY)
        return {
            "res_model_id": self.env["ir.model"]._get_id("res.partner"),
            "res_id": partner.id,
            "activity_type_id": activity_type.id,
            "summary": self._get_activity_summary(stage),
            "note": note or stage.note or False,
            "date_deadline": deadline,
            "user_id": user.id,
            "ar_company_id": self.env.company.id,
            "ar_stage_id": stage.id,
        }

    @api.model
    def _get_activity_summary(self, stage):
        return self.env._("Collections: %(stage)s", stage=stage.name)

    @api.model
    def _get_escalation_note(self, partner, old_stage, stage, user, reason=None):
        """Text of the note posted on the customer's chatter by an escalation."""
        if old_stage and old_stage != stage:
            body = self.env._(
                "Collections escalated from %(old)s to %(new)s: follow-up assigned to %(user)s.",
                old=old_stage.name,
                new=stage.name,
                user=user.name,
            )
        else:
            body = self.env._(
                "Collections escalated in %(stage)s: follow-up assigned to %(user)s.",
                stage=stage.name,
                user=user.name,
            )
        if reason:
            body = self.env._("%(escalation)s Reason: %(reason)s", escalation=body, reason=reason)
        return body

    @api.model
    def _prepare_hold_activity_vals(self, document, user, summary, note):
        """Values of the credit hold to-do of ``user`` on ``document`` (a sale order or a
        delivery held by the credit check), due today."""
        activity_type = self.env.ref(HOLD_ACTIVITY)
        return {
            "res_model_id": self.env["ir.model"]._get_id(document._name),
            "res_id": document.id,
            "activity_type_id": activity_type.id,
            "summary": summary or activity_type.summary,
            "note": note or activity_type.default_note,
            "date_deadline": fields.Date.context_today(document),
            "user_id": user.id,
            "automated": True,
        }

    @api.model
    def _run_stage_actions(self, events, run=None):
        """Per-stage actions of the follow-ups just created, escalated or moved by the
        collections run ``run``, and of those that stay in their stage (the next message
        once the stage's cadence has passed since the last one): the stage's message
        e-mailed or prepared for review, its letter prepared, each logged (see
        ``ar.dunning.message``). Outside a run (e.g. a broken promise) nothing is sent.
        Keep it set-based (a batch at a time).

        :param events: list of ``(partner, activity, stage, event)``, ``event`` being
            ``"create"``, ``"escalate"``, ``"move"`` or ``"stay"`` (same stage, same open
            activity); ``activity`` is empty when the stage schedules none
        :returns: the counts of the run (dict)
        """
        if not run or not events:
            return {}
        return self.env["ar.dunning.message"]._ar_run_actions(events, run)

    # ------------------------------------------------------------------
    # Reading
    # ------------------------------------------------------------------
    @api.model
    def _get_open_activities(self, partners):
        """Open collections activities of the commercial partners of ``partners`` in the
        current company (at most one per commercial partner), in one query."""
        commercials = partners.with_env(self.env).commercial_partner_id
        if not commercials:
            return self.env["mail.activity"]
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", commercials.ids),
                ("ar_company_id", "=", self.env.company.id),
            ]
        )

    @api.model
    def _get_last_done_dates(self, partner_ids, stages):
        """Date of the last collections follow-up done (of the types of ``stages``, or the
        collections type) of each of ``partner_ids``, in one query."""
        if not partner_ids:
            return {}
        activity_types = stages.activity_type_id | self.env.ref(COLLECTION_ACTIVITY)
        self.env["mail.message"].flush_model(["model", "res_id", "mail_activity_type_id", "date"])
        self.env.cr.execute(
            SQL(
                """SELECT res_id, MAX(date)::date FROM mail_message
                WHERE model = 'res.partner' AND res_id = ANY(%s) AND mail_activity_type_id = ANY(%s)
                GROUP BY res_id""",
                list(partner_ids),
                activity_types.ids,
            )
        )
        return dict(self.env.cr.fetchall())

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------
    @api.model
    def _plan_followups(self, partners, stage_of, strategy_of, today, run=None):
        """Bring the follow-ups of commercial partners ``partners`` in line with their
        stage (current company; the collections run): see ``_plan_stage_followups``. A
        customer in an open collection case whose invoices are all paused has no stage:
        his follow-up stays open (with the case owner) instead of being closed."""
        in_case = partners.filtered("ar_case_owner_id")
        with_activity = {activity.res_id for activity in self._get_open_activities(in_case)}
        kept = in_case.filtered(lambda partner: not stage_of.get(partner.id) and partner.id in with_activity)
        result = self._plan_stage_followups(partners - kept, stage_of, strategy_of, today, run=run)
        self._ar_assign_case_followups(in_case)
        return result

    @api.model
    def _plan_stage_followups(self, partners, stage_of, strategy_of, today, run=None):
        """Create, escalate, move or close the follow-ups of ``partners`` by their stage.
        A fixed number of queries for the batch, plus one chatter note per escalation
        and one per closed follow-up.

        :param stage_of: dict partner id -> stage (missing or empty: nothing to collect)
        :param strategy_of: dict partner id -> strategy (see ``res.partner._ar_get_strategy``)
        :param run: the collections run, whose stage actions are run (``_run_stage_actions``)
        :returns: dict ``created`` / ``escalated`` / ``moved`` / ``closed`` -> activities,
            ``actions`` -> the counts of the stage actions
        """
        Stage = self.env["ar.collection.stage"]
        activity_of = {activity.res_id: activity for activity in self._get_open_activities(partners)}
        need_new = [pid for pid in partners.ids if stage_of.get(pid) and pid not in activity_of]
        last_done = self._get_last_done_dates(need_new, Stage.union(*stage_of.values())) if need_new else {}
        to_create, to_escalate, to_move, no_activity, stays = [], [], [], [], []
        to_close = self.env["mail.activity"]
        for partner in partners:
            stage = stage_of.get(partner.id) or Stage
            activity = activity_of.get(partner.id)
            if not stage:
                if activity:
                    to_close |= activity
                continue
            if activity and activity.ar_stage_id == stage:
                stays.append((partner, activity, stage))
                continue
            user = self._get_followup_owner(partner, stage, strategy_of.get(partner.id))
            if not activity and not stage.auto_activity:
                no_activity.append(partner)
            elif not activity:
                deadline = self._get_followup_deadline(partner, stage, today, last_done.get(partner.id))
                to_create.append((partner, self._prepare_activity_vals(partner, stage, deadline, user)))
            elif not activity.ar_stage_id or activity.ar_stage_id.days_from < stage.days_from:
                to_escalate.append((partner, activity, stage, user, None))
            else:
                to_move.append((partner, activity, stage, user))
        # sudo: see the module docstring (the follow-ups belong to other users)
        Activity = self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True)
        created = Activity.create([vals for _partner, vals in to_create])
        escalated = self._apply_escalations(to_escalate, today)
        moved = self._apply_moves(to_move)
        self._close_activities(
            to_close, self.env._("Nothing left to collect: follow-up closed by the collections run.")
        )
        actions = self._run_stage_actions(
            [
                (partner, activity, activity.ar_stage_id, "create")
                for (partner, _vals), activity in zip(to_create, created)
            ]
            + [(partner, self.env["mail.activity"], stage_of[partner.id], "create") for partner in no_activity]
            + [(item[0], item[1], item[2], "escalate") for item in to_escalate]
            + [(item[0], item[1], item[2], "move") for item in to_move]
            + [(partner, activity, stage, "stay") for partner, activity, stage in stays],
            run=run,
        )
        return {
            "created": created,
            "escalated": escalated,
            "moved": moved,
            "closed": to_close,
            "actions": actions or {},
        }

    @api.model
    def _escalate(self, partners, reasons):
        """A signal against the customers of ``partners`` (e.g. a broken promise), in the
        current company: their follow-up goes, due today, to the owner of the next stage
        of the ladder (the credit manager past the last one), in its stage; the same
        trail as an escalation by the run (see the module docstring), the reason in the
        note. A customer with nothing to follow up gets the reason noted only.

        :param reasons: text, or dict commercial partner id -> text
        :returns: the escalated activities
        """
        partners = partners.with_env(self.env).commercial_partner_id
        if not partners:
            return self.env["mail.activity"]
        company = self.env.company
        today = company._ar_get_today()[0]
        Stage = self.env["ar.collection.stage"]
        ladder = Stage._ar_get_ladder(company)
        activity_of = {activity.res_id: activity for activity in self._get_open_activities(partners)}
        # customers whose invoices were all paused have no stage yet: the stage of their
        # oldest overdue invoice (one aging query for all)
        unstaged = partners.filtered(lambda p: not p.collection_stage_id and not activity_of.get(p.id))
        aging = (
            self.env["ar.aging"]._get_partner_aging(partner_ids=unstaged.ids, company_ids=company.ids)
            if unstaged
            else {}
        )
        items = []
        for partner in partners:
            reason = reasons.get(partner.id, "") if isinstance(reasons, dict) else reasons
            activity = activity_of.get(partner.id) or self.env["mail.activity"]
            stage = (
                partner.collection_stage_id
                or activity.ar_stage_id
                or Stage._ar_stage_for_days(ladder, aging.get(partner.id, {}).get("max_days_overdue", 0))
            )
            if not stage:
                if reason:
                    partner._ar_post_company_note(reason)
                continue
            current = activity.user_id or self._get_followup_owner(partner, stage, partner.ar_strategy)
            user = self._get_escalation_owner(partner, stage, current, ladder)
            items.append((partner, activity, stage, user, reason))
        escalated = self._apply_escalations(items, today)
        self._run_stage_actions([(item[0], activity, item[2], "escalate") for item, activity in zip(items, escalated)])
        return escalated

    @api.model
    def _reschedule(self, partners, stage=None, deadline=None, user=None, note=None, feedback=None):
        """Mark the open follow-up of each commercial partner of ``partners`` done (if any)
        and schedule the next one, in the current company (a contact logged).

        :param stage: stage of the follow-up (default: the customer's stage)
        :param deadline: default: the stage's cadence after today
        :param user: default: the owner of the stage (``_get_followup_owner``)
        :param note: note of the new activity (default: the stage's note)
        :param feedback: feedback recorded on the activity marked done
        :returns: the new activities
        """
        today = self.env.company._ar_get_today()[0]
        partners = partners.with_env(self.env).commercial_partner_id
        self._close_activities(self._get_open_activities(partners), feedback or self.env._("Follow-up done."))
        vals_list = []
        for partner in partners:
            partner_stage = stage or partner.collection_stage_id
            if not partner_stage:
                continue
            vals_list.append(
                self._prepare_activity_vals(
                    partner,
                    partner_stage,
                    deadline or self._get_followup_deadline(partner, partner_stage, today, last_done=today),
                    user or self._get_followup_owner(partner, partner_stage, partner.ar_strategy),
                    note=note,
                )
            )
        # sudo: see the module docstring (the follow-up may be assigned to another user)
        return self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)

    @api.model
    def _schedule_hold_activities(self, document, users, summary, note):
        """One credit hold to-do per user of ``users`` on ``document`` (a held sale order
        or delivery), unless he already has one. Returns the new activities."""
        # sudo: the to-do is scheduled for other users, by whoever is held (salesperson,
        # portal, OdooBot)
        document = document.sudo()
        hold_type = self.env.ref(HOLD_ACTIVITY)
        existing = document.activity_ids.filtered(lambda a: a.activity_type_id == hold_type).user_id
        vals_list = [self._prepare_hold_activity_vals(document, user, summary, note) for user in users - existing]
        return self.env["mail.activity"].sudo().create(vals_list)

    @api.model
    def _close_hold_activities(self, document, feedback):
        """Mark the credit hold to-dos of ``document`` done with ``feedback`` (a release)."""
        # sudo: the approver closes the to-dos of the other approvers and of the salesperson
        document.sudo().activity_feedback([HOLD_ACTIVITY], feedback=feedback)

    # ------------------------------------------------------------------
    # Writing (one definition of each transition)
    # ------------------------------------------------------------------
    @api.model
    def _apply_escalations(self, items, today):
        """Escalate: for each ``(partner, activity, stage, user, reason)``, the open
        ``activity`` (or a new one when it is empty) goes to ``user`` (notified), due
        ``today``, in ``stage``, and a note is posted on the customer's chatter.
        Returns the escalated activities, in the order of ``items``."""
        escalated = self.env["mail.activity"]
        # sudo: see the module docstring; no quick update: the new owner is notified
        Activity = self.env["mail.activity"].sudo()
        for partner, activity, stage, user, reason in items:
            old_stage = activity.ar_stage_id
            if activity:
                activity = activity.sudo()
                activity.write(
                    {
                        "user_id": user.id,
                        "date_deadline": today,
                        "ar_stage_id": stage.id,
                        "activity_type_id": (stage.activity_type_id or activity.activity_type_id).id,
                        "summary": self._get_activity_summary(stage),
                        "note": reason or stage.note or activity.note,
                    }
                )
            else:
                activity = Activity.create(self._prepare_activity_vals(partner, stage, today, user, note=reason))
            partner._ar_post_company_note(self._get_escalation_note(partner, old_stage, stage, user, reason))
            escalated |= activity
        return escalated

    @api.model
    def _apply_moves(self, items):
        """Move: for each ``(partner, activity, stage, user)``, the open ``activity`` takes
        the (better) ``stage`` and its owner ``user``, its deadline unchanged. Returns the
        moved activities."""
        moved = self.env["mail.activity"]
        by_values = defaultdict(lambda: self.env["mail.activity"])
        for _partner, activity, stage, user in items:
            by_values[stage, user] |= activity
            moved |= activity
        for (stage, user), activities in by_values.items():
            # sudo: see the module docstring
            activities.sudo().with_context(mail_activity_quick_update=True).write(
                {"ar_stage_id": stage.id, "user_id": user.id, "summary": self._get_activity_summary(stage)}
            )
        return moved

    @api.model
    def _close_activities(self, activities, feedback):
        """Close: mark the follow-ups ``activities`` done with ``feedback``."""
        if activities:
            # sudo: a collector closes a follow-up that may be assigned to a colleague
            activities.sudo().action_feedback(feedback=feedback)

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
