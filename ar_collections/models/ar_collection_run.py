"""The nightly collections run.

Data flow, per company and on the company's today (see ``res.company._ar_get_today``):

1. ``_ar_step_stage_invoices`` (set-based, once): the aging query grouped by invoice
   gives the days after due of every open receivable; unapplied credits (credit notes,
   unreconciled payments) of a customer are applied to its oldest invoices first; every
   dunnable invoice (``account.move._ar_get_dunning_domain``) still owing something gets
   the stage holding its days; the changes are written with one UPDATE per target stage
   and one INSERT of history rows.
2. ``_ar_step_follow_up_customers`` (batches of customers): the customer's stage is the
   worst stage of its invoices; its procedure comes from the strategy matrix; its one
   collections activity is created, escalated (worse stage: new owner, deadline today,
   chatter note), moved (better stage) or closed (nothing left to collect).

Each step is a method listed by ``_ar_run_steps`` (extend it to add steps). In the cron,
each call processes one unit of work (a set-based step or one batch of customers) and
reports its progress with ``ir.cron._notify_progress``: the cron framework commits and
calls again until nothing remains. A failing customer is logged on the run and skipped.
"""

import logging
import time
import traceback
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

CREDIT_MANAGER_GROUP = "ar_collections.group_ar_credit_manager"
COUNTERS = ("invoice_count", "stage_change_count", "partner_count", "activity_created_count",
            "activity_escalated_count", "activity_closed_count", "error_count")


class ArCollectionRun(models.Model):
    _name = "ar.collection.run"
    _description = "Collections Run"
    _order = "id desc"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    date = fields.Date(required=True, readonly=True, help="The company's date the run aged the invoices on.")
    trigger = fields.Selection(
        [("cron", "Scheduled"), ("manual", "Manual")], required=True, default="cron", readonly=True)
    user_id = fields.Many2one("res.users", string="Launched By", readonly=True)
    state = fields.Selection(
        [("running", "Running"), ("done", "Done"), ("failed", "Failed")],
        required=True, default="running", readonly=True)
    step = fields.Char(readonly=True, help="Technical: the step being processed.")
    partner_cursor = fields.Integer(readonly=True, help="Technical: last customer processed by the current step.")
    start_datetime = fields.Datetime(string="Started", readonly=True)
    end_datetime = fields.Datetime(string="Ended", readonly=True)
    duration = fields.Float(string="Duration (s)", readonly=True, digits=(16, 2),
                            help="Processing time in seconds (sum of the batches).")
    invoice_count = fields.Integer(string="Invoices Aged", readonly=True)
    stage_change_count = fields.Integer(string="Stage Changes", readonly=True)
    partner_count = fields.Integer(string="Customers Processed", readonly=True)
    activity_created_count = fields.Integer(string="Follow-ups Created", readonly=True)
    activity_escalated_count = fields.Integer(string="Follow-ups Escalated", readonly=True)
    activity_closed_count = fields.Integer(string="Follow-ups Closed", readonly=True)
    error_count = fields.Integer(string="Errors", readonly=True)
    error_log = fields.Text(string="Errors Log", readonly=True)
    history_ids = fields.One2many("ar.collection.stage.history", "run_id", string="Stage History")

    @api.depends("date", "company_id")
    def _compute_display_name(self):
        for run in self:
            run.display_name = self.env._(
                "Collections run of %(date)s (%(company)s)", date=run.date, company=run.company_id.name)

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------
    @api.model
    def _cron_run_collections(self):
        """Scheduled action: process one unit of work of the running runs (starting a
        run for every company when none is running), report progress. Returns the
        number of units still to do (0 when every run is over)."""
        runs = self._ar_get_running_runs()
        if not runs:
            runs = self._ar_start_runs(self.env["res.company"].search([]), trigger="cron")
        if runs:
            runs[-1]._ar_process_next()
        remaining = len(self._ar_get_running_runs())
        self.env["ir.cron"]._notify_progress(done=1 if runs else 0, remaining=remaining)
        return remaining

    def action_run_now(self):
        """Run the collections now for the current company (Credit Managers)."""
        if not self.env.su and not self.env.user.has_group(CREDIT_MANAGER_GROUP):
            raise AccessError(self.env._("Only a Credit Manager can run the collections."))
        # sudo: the run is a system process (stages, other users' activities); the right to
        # launch it was checked above, and it only touches the current company.
        run = self.sudo()._ar_start_runs(self.env.company, trigger="manual")
        run._ar_run_to_end()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": run.id,
            "view_mode": "form",
            "target": "current",
        }

    @api.model
    def _ar_get_running_runs(self):
        """Running runs, oldest last; runs left running on a past day are closed as failed."""
        runs = self.search([("state", "=", "running")], order="id desc")
        stale = runs.filtered(lambda r: r.date != r.company_id._ar_get_today()[0])
        for run in stale:
            run._ar_log_error(self.env._("Interrupted: the run did not finish on its day."))
            run._ar_finish(state="failed")
        return runs - stale

    @api.model
    def _ar_start_runs(self, companies, trigger="cron"):
        """Create a run for each of ``companies`` that has a collection ladder."""
        with_ladder = self.env["ar.collection.stage"].search([("company_id", "in", companies.ids)]).company_id
        return self.create([{
            "company_id": company.id,
            "date": company._ar_get_today()[0],
            "trigger": trigger,
            "user_id": self.env.user.id,
            "start_datetime": fields.Datetime.now(),
            "step": self._ar_run_steps()[0],
        } for company in companies & with_ladder])

    def _ar_run_to_end(self):
        """Process the runs of ``self`` until they are over (no commit: manual runs, tests)."""
        for run in self:
            while run.state == "running":
                run._ar_process_next()
        return self

    # ------------------------------------------------------------------
    # Steps
    # ------------------------------------------------------------------
    def _ar_run_steps(self):
        """Ordered names of the step methods of a run. Each step method processes one
        unit of work and returns True when the step is complete (extend with super())."""
        return ["_ar_step_check_promises", "_ar_step_stage_invoices", "_ar_step_follow_up_customers"]

    def _ar_step_check_promises(self):
        """Step 0 (collector's workspace): check the open promises to pay of the run's
        company before the invoices are staged, so that the invoices of a broken promise
        are dunned again the same night."""
        self.ensure_one()
        self.env["ar.payment.promise"]._cron_check_promises(self.company_id, today=self.date)
        return True

    def _ar_process_next(self):
        """Process one unit of work of run ``self``; a failure of a whole step fails the run."""
        self.ensure_one()
        steps = self._ar_run_steps()
        step = self.step if self.step in steps else steps[0]
        started = time.perf_counter()
        run = self.with_company(self.company_id).with_context(tz=self.company_id._ar_get_today()[1])
        try:
            with self.env.cr.savepoint():
                complete = getattr(run, step)()
        except Exception:
            _logger.exception("Collections run %s: step %s failed", self.id, step)
            self._ar_log_error(self.env._("Step %(step)s failed:\n%(error)s", step=step,
                                          error=traceback.format_exc(limit=5)))
            self.duration += time.perf_counter() - started
            self._ar_finish(state="failed")
            return
        self.duration += time.perf_counter() - started
        if not complete:
            return
        index = steps.index(step)
        if index + 1 < len(steps):
            self.write({"step": steps[index + 1], "partner_cursor": 0})
        else:
            self._ar_finish()

    def _ar_finish(self, state="done"):
        self.write({"state": state, "end_datetime": fields.Datetime.now(), "step": False})

    def _ar_log_error(self, message):
        for run in self:
            run.write({
                "error_count": run.error_count + 1,
                "error_log": "\n".join(filter(None, [run.error_log, message])),
            })

    def _ar_add_counts(self, counts):
        self.ensure_one()
        self.write({fname: self[fname] + counts.get(fname, 0) for fname in COUNTERS if counts.get(fname)})

    # ------------------------------------------------------------------
    # Step 1: stage every open invoice (set-based)
    # ------------------------------------------------------------------
    def _ar_get_invoice_targets(self):
        """Target stage id of each dunnable open invoice of the run's company:
        ``({move_id: stage_id}, number of invoices aged)``."""
        self.ensure_one()
        company = self.company_id
        ladder = self.env["ar.collection.stage"]._ar_get_ladder(company)
        bounds = [(s.days_from, None if s.no_end else s.days_to, s.id) for s in ladder]

        def stage_of(days):
            for days_from, days_to, stage_id in bounds:
                if days >= days_from and (days_to is None or days <= days_to):
                    return stage_id
            return None

        # the open invoices and the customers' unapplied credits, from the one aging query
        Aging = self.env["ar.aging"]
        positive = Aging._get_invoice_aging(date=self.date, company_ids=company.ids)
        credits = {pid: -values["credits"]
                   for pid, values in Aging._get_partner_aging(date=self.date, company_ids=company.ids).items()}
        Move = self.env["account.move"]
        dunnable = Move.search(
            Move._ar_get_dunning_domain(company) + [("id", "in", list(positive))], order="id").ids
        by_partner = defaultdict(list)
        for move_id in dunnable:
            by_partner[positive[move_id]["partner_id"]].append((move_id, positive[move_id]))
        currency = company.currency_id
        targets = {}
        for partner_id, items in by_partner.items():
            # unapplied credits pay the oldest invoices first: those are not dunned
            credit = credits.get(partner_id, 0.0)
            for move_id, row in sorted(items, key=lambda item: (-item[1]["days"], item[0])):
                if credit and currency.compare_amounts(credit, row["residual"]) >= 0:
                    credit -= row["residual"]
                    continue
                credit = 0.0
                stage_id = stage_of(row["days"])
                if stage_id:
                    targets[move_id] = stage_id
        return targets, len(dunnable)

    def _ar_step_stage_invoices(self):
        self.ensure_one()
        company = self.company_id
        targets, invoice_count = self._ar_get_invoice_targets()
        Move = self.env["account.move"]
        Move.flush_model(["collection_stage_id", "collection_stage_date", "partner_id", "company_id"])
        self.env.cr.execute(SQL(
            """SELECT m.id, m.collection_stage_id, p.commercial_partner_id
                 FROM account_move m
                 LEFT JOIN res_partner p ON p.id = m.partner_id
                WHERE m.company_id = %s AND (m.collection_stage_id IS NOT NULL OR m.id = ANY(%s))""",
            company.id, list(targets),
        ))
        changes = defaultdict(list)  # to stage -> move ids
        history = []
        for move_id, old_stage_id, partner_id in self.env.cr.fetchall():
            new_stage_id = targets.get(move_id)
            if new_stage_id != old_stage_id:
                changes[new_stage_id].append(move_id)
                history.append((move_id, partner_id, old_stage_id, new_stage_id))
        for stage_id, move_ids in changes.items():
            self.env.cr.execute(SQL(
                """UPDATE account_move
                      SET collection_stage_id = %(stage)s, collection_stage_date = %(date)s,
                          write_uid = %(uid)s, write_date = (now() at time zone 'UTC')
                    WHERE id = ANY(%(ids)s)""",
                stage=stage_id, date=self.date if stage_id else None, uid=self.env.uid, ids=move_ids,
            ))
        if history:
            self._ar_insert_history(history)
            changed = Move.browse([move_id for move_ids in changes.values() for move_id in move_ids])
            changed.invalidate_recordset(["collection_stage_id", "collection_stage_date", "write_uid",
                                          "write_date", "ar_stage_history_ids"])
            changed.modified(["collection_stage_id", "collection_stage_date"])
        self._ar_add_counts({"invoice_count": invoice_count, "stage_change_count": len(history)})
        return True

    def _ar_insert_history(self, history):
        """Insert the stage history rows ``(move, partner, from, to)`` in one statement."""
        move_ids, partner_ids, from_ids, to_ids = (list(column) for column in zip(*history))
        self.env.cr.execute(SQL(
            """INSERT INTO ar_collection_stage_history
                   (move_id, partner_id, from_stage_id, to_stage_id, company_id, date, run_id, user_id,
                    create_uid, create_date, write_uid, write_date)
               SELECT h.move_id, h.partner_id, h.from_id, h.to_id, %(company)s, %(date)s, %(run)s, %(user)s,
                      %(uid)s, now() at time zone 'UTC', %(uid)s, now() at time zone 'UTC'
                 FROM unnest(%(moves)s::int[], %(partners)s::int[], %(froms)s::int[], %(tos)s::int[])
                      AS h(move_id, partner_id, from_id, to_id)""",
            company=self.company_id.id, date=self.date, run=self.id, user=self.user_id.id or self.env.uid,
            uid=self.env.uid, moves=move_ids, partners=partner_ids, froms=from_ids, tos=to_ids,
        ))
        self.env["ar.collection.stage.history"].invalidate_model()

    # ------------------------------------------------------------------
    # Step 2: customers' stage, procedure and follow-up (batches)
    # ------------------------------------------------------------------
    def _ar_get_candidate_partners(self, limit):
        """Next commercial partners (ids above the cursor) that the follow-up step must
        look at: customers with a staged or open invoice, a stage, a procedure or an
        open collections activity in the run's company."""
        self.ensure_one()
        company = self.company_id
        self.env["account.move"].flush_model(["collection_stage_id", "state", "move_type"])
        self.env["res.partner"].flush_model(["collection_stage_id", "ar_procedure", "commercial_partner_id"])
        self.env["mail.activity"].flush_model(["res_model", "res_id", "ar_company_id", "active"])
        self.env.cr.execute(SQL(
            """SELECT pid FROM (
                   SELECT p.commercial_partner_id AS pid
                     FROM account_move m JOIN res_partner p ON p.id = m.partner_id
                    WHERE m.company_id = %(company)s AND m.collection_stage_id IS NOT NULL
                   UNION
                   SELECT open_invoice.partner_id FROM (%(open_invoices)s) open_invoice
                   UNION
                   SELECT a.res_id FROM mail_activity a
                    WHERE a.res_model = 'res.partner' AND a.ar_company_id = %(company)s AND a.active
                   UNION
                   SELECT p.id FROM res_partner p
                    WHERE p.collection_stage_id ->> %(key)s IS NOT NULL OR p.ar_procedure ->> %(key)s IS NOT NULL
               ) candidates
               WHERE pid > %(cursor)s
               ORDER BY pid
               LIMIT %(limit)s""",
            company=company.id, key=str(company.id), cursor=self.partner_cursor, limit=limit,
            # the open invoices of the one aging query, on the run's date
            open_invoices=self.env["ar.aging"]._invoice_aging_sql(date=self.date, company_ids=company.ids),
        ))
        return [row[0] for row in self.env.cr.fetchall()]

    def _ar_step_follow_up_customers(self):
        self.ensure_one()
        batch_size = self.company_id.ar_collection_batch_size or 500
        partner_ids = self._ar_get_candidate_partners(batch_size)
        if not partner_ids:
            return True
        try:
            with self.env.cr.savepoint():
                counts = self._ar_follow_up_partners(partner_ids)
        except Exception:
            # one bad customer must not stop the others: redo the batch one by one
            counts = defaultdict(int)
            for partner_id in partner_ids:
                try:
                    with self.env.cr.savepoint():
                        for key, value in self._ar_follow_up_partners([partner_id]).items():
                            counts[key] += value
                except Exception:
                    _logger.exception("Collections run %s: customer %s failed", self.id, partner_id)
                    partner = self.env["res.partner"].browse(partner_id)
                    self._ar_log_error(self.env._(
                        "Customer %(partner)s (id %(id)s) skipped:\n%(error)s",
                        partner=partner.display_name, id=partner_id, error=traceback.format_exc(limit=3)))
        self._ar_add_counts(counts)
        self.partner_cursor = partner_ids[-1]
        return len(partner_ids) < batch_size

    def _ar_follow_up_partners(self, partner_ids):
        """Stage, procedure and follow-up of the commercial partners ``partner_ids`` in the
        run's company: a fixed number of queries per batch, plus one chatter note per
        escalation and one per closed follow-up. Returns the counts."""
        self.ensure_one()
        company = self.company_id
        today = self.date
        env = self.env
        # 1. worst stage of each customer's invoices
        env.cr.execute(SQL(
            """SELECT p.commercial_partner_id,
                      (ARRAY_AGG(m.collection_stage_id ORDER BY s.days_from DESC, s.id DESC))[1]
                 FROM account_move m
                 JOIN res_partner p ON p.id = m.partner_id
                 JOIN ar_collection_stage s ON s.id = m.collection_stage_id
                WHERE m.company_id = %s AND p.commercial_partner_id = ANY(%s)
                GROUP BY p.commercial_partner_id""",
            company.id, partner_ids,
        ))
        worst = dict(env.cr.fetchall())
        Stage = env["ar.collection.stage"].with_context(active_test=False)
        Stage.browse(set(worst.values())).fetch(["days_from", "name", "owner_role", "cadence_days", "note",
                                                 "activity_type_id"])
        # 2. what each customer owes (the strategy matrix)
        aging = env["ar.aging"]._get_partner_aging(partner_ids=partner_ids, date=today, company_ids=company.ids)
        # 3. current state: stage, procedure, open follow-up
        partners = env["res.partner"].browse(partner_ids)
        partners.fetch(["collection_stage_id", "ar_procedure", "ar_strategy", "collector_id", "user_id"])
        activities = partners._ar_get_followup_activity()
        activity_of = {activity.res_id: activity for activity in activities}
        # 4. last follow-up done, for customers that need a new one (cadence)
        need_new = [pid for pid in partner_ids if worst.get(pid) and pid not in activity_of]
        last_done = {}
        if need_new:
            activity_types = Stage.browse(set(worst.values())).activity_type_id | env.ref(
                "ar_collections.mail_activity_type_collection")
            env["mail.message"].flush_model(["model", "res_id", "mail_activity_type_id", "date"])
            env.cr.execute(SQL(
                """SELECT res_id, MAX(date)::date FROM mail_message
                    WHERE model = 'res.partner' AND res_id = ANY(%s) AND mail_activity_type_id = ANY(%s)
                    GROUP BY res_id""",
                need_new, activity_types.ids,
            ))
            last_done = dict(env.cr.fetchall())

        stage_writes = defaultdict(list)
        strategy_writes = defaultdict(list)
        to_create = []
        to_escalate = []
        to_move = []
        to_close = env["mail.activity"]
        for partner in partners:
            stage = Stage.browse(worst.get(partner.id))
            activity = activity_of.get(partner.id)
            values = aging.get(partner.id, {})
            if values.get("residual", 0.0) > 0 or stage:
                strategy, procedure = env["res.partner"]._ar_get_strategy(
                    values.get("residual", 0.0), values.get("max_days_overdue", 0), company)
            else:
                strategy, procedure = False, False
            if (partner.ar_strategy or False, partner.ar_procedure or False) != (strategy, procedure):
                strategy_writes[strategy, procedure].append(partner.id)
            if partner.collection_stage_id != stage:
                stage_writes[stage.id].append(partner.id)
            if not stage:
                if activity:
                    to_close |= activity
                continue
            user = partner._ar_get_followup_user(stage, strategy)
            if not activity:
                deadline = today
                if last_done.get(partner.id):
                    deadline = max(today, fields.Date.add(last_done[partner.id], days=stage.cadence_days))
                to_create.append(partner._ar_prepare_followup_activity_vals(stage, deadline, user))
            elif activity.ar_stage_id != stage:
                old = activity.ar_stage_id
                if not old or old.days_from < stage.days_from:
                    to_escalate.append((partner, activity, stage, user, old))
                else:
                    to_move.append((activity, stage, user))

        Partner = env["res.partner"].with_context(tracking_disable=True)
        for stage_id, ids in stage_writes.items():
            Partner.browse(ids).write({"collection_stage_id": stage_id or False})
        for (strategy, procedure), ids in strategy_writes.items():
            Partner.browse(ids).write({"ar_strategy": strategy, "ar_procedure": procedure})
        Activity = env["mail.activity"].with_context(mail_activity_quick_update=True)
        if to_create:
            Activity.create(to_create)
        for partner, activity, stage, user, old in to_escalate:
            # a worse stage: new owner (notified), deadline today, a note in the customer's chatter
            activity.write({
                "user_id": user.id,
                "date_deadline": today,
                "ar_stage_id": stage.id,
                "activity_type_id": (stage.activity_type_id or activity.activity_type_id).id,
                "summary": env._("Collections: %(stage)s", stage=stage.name),
                "note": stage.note or activity.note,
            })
            partner.message_post(body=env._(
                "Collections escalated from %(old)s to %(new)s: follow-up assigned to %(user)s.",
                old=old.name or env._("(none)"), new=stage.name, user=user.name))
        for activity, stage, user in to_move:
            Activity.browse(activity.id).write({
                "ar_stage_id": stage.id, "user_id": user.id,
                "summary": env._("Collections: %(stage)s", stage=stage.name)})
        if to_close:
            to_close.action_feedback(feedback=env._(
                "Nothing left to collect: follow-up closed by the collections run."))
        return {
            "partner_count": len(partners),
            "activity_created_count": len(to_create),
            "activity_escalated_count": len(to_escalate),
            "activity_closed_count": len(to_close),
        }
