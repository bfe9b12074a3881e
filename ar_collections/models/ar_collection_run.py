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
   chatter note), moved (better stage) or closed (nothing left to collect) by the
   follow-up service (``ar.collection.followup._plan_followups``), the same lifecycle as
   the promises', contacts' and holds'.

Each step is a method listed by ``_ar_run_steps`` (extend it to add steps). In the cron,
each call processes one unit of work (a set-based step or one batch of customers) and
reports its progress with ``ir.cron._notify_progress``: the cron framework commits and
calls again until nothing remains; the cron also triggers itself while work remains, so
that "Run Manually" (one call) and a dead worker's run complete. A failing customer or
promise is logged on the run and skipped.

Concurrency: one run per company and day (unique), worked on by one transaction at a
time: each unit of work takes the company's advisory lock and the run's row lock
without waiting (``_ar_acquire_run``); a busy company is skipped by the cron (retried a
minute later) and refused to "Run Now". A conflict inside a unit (serialization
failure, deadlock) rolls the unit back, is recorded on the run and retried.
"""

import logging
import time
import traceback
from collections import defaultdict
from datetime import timedelta

from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL

from ..const import CREDIT_MANAGER_GROUP, PROMISE_RUNNING_STATE

_logger = logging.getLogger(__name__)

COUNTERS = (
    "invoice_count",
    "stage_change_count",
    "partner_count",
    "activity_created_count",
    "activity_escalated_count",
    "activity_closed_count",
    "error_count",
    "dunning_sent_count",
    "dunning_prepared_count",
    "dunning_skipped_count",
)
# first key of the per-company advisory lock of the run (the second is the company id)
RUN_LOCK_CLASS = 0x41524352  # "ARCR"
# a company busy in another transaction is tried again after this delay
BUSY_RETRY_SECONDS = 60
# conflicts with concurrent transactions a run retries before it fails
MAX_CONFLICTS = 10


class ArRunBusy(Exception):
    """Another transaction is processing (or has just changed) the run of a company."""


class ArCollectionRun(models.Model):
    _name = "ar.collection.run"
    _description = "Collections Run"
    _order = "id desc"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    date = fields.Date(required=True, readonly=True, help="The company's date the run aged the invoices on.")
    trigger = fields.Selection(
        [("cron", "Scheduled"), ("manual", "Manual")], required=True, default="cron", readonly=True
    )
    user_id = fields.Many2one("res.users", string="Launched By", readonly=True)
    state = fields.Selection(
        [("running", "Running"), ("done", "Done"), ("failed", "Failed")],
        required=True,
        default="running",
        readonly=True,
    )
    step = fields.Char(readonly=True, help="Technical: the step being processed.")
    partner_cursor = fields.Integer(readonly=True, help="Technical: last customer processed by the current step.")
    start_datetime = fields.Datetime(string="Started", readonly=True)
    end_datetime = fields.Datetime(string="Ended", readonly=True)
    duration = fields.Float(
        string="Duration (s)", readonly=True, digits=(16, 2), help="Processing time in seconds (sum of the batches)."
    )
    invoice_count = fields.Integer(string="Invoices Aged", readonly=True)
    stage_change_count = fields.Integer(string="Stage Changes", readonly=True)
    partner_count = fields.Integer(string="Customers Processed", readonly=True)
    activity_created_count = fields.Integer(string="Follow-ups Created", readonly=True)
    activity_escalated_count = fields.Integer(string="Follow-ups Escalated", readonly=True)
    activity_closed_count = fields.Integer(string="Follow-ups Closed", readonly=True)
    error_count = fields.Integer(string="Errors", readonly=True)
    dunning_sent_count = fields.Integer(string="Messages Sent", readonly=True)
    dunning_prepared_count = fields.Integer(
        string="Messages Prepared", readonly=True, help="Messages waiting in the review queue, or letters to print."
    )
    dunning_skipped_count = fields.Integer(
        string="Messages Skipped", readonly=True, help="Customers not written to, each with its reason."
    )
    dunning_message_ids = fields.One2many("ar.dunning.message", "run_id", string="Dunning Messages")
    error_log = fields.Text(string="Errors Log", readonly=True)
    conflict_count = fields.Integer(
        string="Conflicts Retried",
        readonly=True,
        help="Units of work rolled back because of a concurrent update, and retried.",
    )
    history_ids = fields.One2many("ar.collection.stage.history", "run_id", string="Stage History")

    _sql_constraints = [
        (
            "company_date_uniq",
            "unique(company_id, date)",
            "A company has one collections run per day: run it again instead.",
        ),
    ]

    @api.depends("date", "company_id")
    def _compute_display_name(self):
        for run in self:
            run.display_name = self.env._(
                "Collections run of %(date)s (%(company)s)", date=run.date, company=run.company_id.name
            )

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------
    @api.model
    def _cron_run_collections(self):
        """Scheduled action: process one unit of work of one company's run (resuming a
        run left running, else starting the company's run of the day), report progress,
        and trigger the cron again while work remains, so that a run started by any path
        (the scheduler, "Run Manually", a worker that died) completes. A company whose
        run another transaction holds is skipped this call and retried shortly.

        Returns the number of companies with work left that this call could reach
        (0 when every run of the day is over, or busy elsewhere)."""
        companies = self._ar_get_companies_with_work(self._ar_get_run_companies())
        busy = self.env["res.company"]
        worked = False
        for company in companies:
            try:
                run = self._ar_acquire_run(company, trigger="cron")
            except ArRunBusy:
                busy |= company
                continue
            if run:
                run._ar_process_next()
                worked = True
                break
        remaining = len(self._ar_get_companies_with_work(companies - busy))
        self.env["ir.cron"]._notify_progress(done=1 if worked else 0, remaining=remaining)
        if remaining:
            self._ar_trigger_cron()
        elif busy:
            self._ar_trigger_cron(delay=BUSY_RETRY_SECONDS)
        return remaining

    def action_run_now(self):
        """Run the collections now for the current company (Credit Managers): resume the
        company's run left running, or (re)run the company's run of the day. Refused
        while another transaction (the cron, another manager) is processing it."""
        if not self.env.su and not self.env.user.has_group(CREDIT_MANAGER_GROUP):
            raise AccessError(self.env._("Only a Credit Manager can run the collections."))
        company = self.env.company
        if not self.env["ar.collection.stage"].sudo().search_count([("company_id", "=", company.id)], limit=1):
            raise UserError(self.env._("%(company)s has no collection stages to run.", company=company.name))
        # sudo: the run is a system process (stages, other users' activities); the right to
        # launch it was checked above, and it only touches the current company.
        Run = self.sudo()
        try:
            run = Run._ar_acquire_run(company, trigger="manual", reopen=True)
            run._ar_run_to_end()
            if run.state != "running" and run.date != company._ar_get_today()[0]:
                # that was a past day's run left unfinished: now the run of today
                run = Run._ar_acquire_run(company, trigger="manual", reopen=True)
                run._ar_run_to_end()
        except ArRunBusy:
            raise UserError(
                self.env._(
                    "A collections run of %(company)s is in progress. Try again in a few minutes.", company=company.name
                )
            ) from None
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": run.id,
            "view_mode": "form",
            "target": "current",
        }

    @api.model
    def _ar_get_run_companies(self):
        """Companies the run processes: those with a collection ladder, by id."""
        return self.env["ar.collection.stage"].search([]).company_id.sorted("id")

    @api.model
    def _ar_acquire_run(self, company, trigger="cron", reopen=False):
        """Take the collections lock of ``company`` for the current transaction and
        return the run to work on, its row locked: the company's run left running (a
        past day's first), else the company's run of its today, created, or re-opened
        for a new pass when ``reopen`` (an empty recordset when that run is over and not
        ``reopen``).

        The lock is a transaction-level advisory lock per company, taken without
        waiting; the run row is then locked ``NOWAIT``, which also fails when another
        transaction changed the run after this transaction's snapshot (every unit of
        work writes its run), and the run of a day is unique per company, so that two
        transactions can neither work on the same run at once nor create two runs.

        :raises ArRunBusy: another transaction holds the lock or changed the run
        """
        cr = self.env.cr
        try:
            with cr.savepoint(flush=False):
                cr.execute(SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", RUN_LOCK_CLASS, company.id))
                if not cr.fetchone()[0]:
                    raise ArRunBusy(company)
                today = company._ar_get_today()[0]
                run = self.search(
                    [("company_id", "=", company.id), ("state", "=", "running")], order="date, id", limit=1
                )
                if not run:
                    run = self.search([("company_id", "=", company.id), ("date", "=", today)], limit=1)
                    if run and not reopen:
                        return self.browse()
                if run:
                    cr.execute(
                        SQL("SELECT id FROM ar_collection_run WHERE id = %s FOR NO KEY UPDATE NOWAIT", run.id),
                        log_exceptions=False,
                    )
                    if run.state != "running":
                        run.write(self._ar_prepare_run_vals(company, today, trigger))
                else:
                    run = self._ar_insert_run(self._ar_prepare_run_vals(company, today, trigger))
        except (*PG_CONCURRENCY_EXCEPTIONS_TO_RETRY, pg_errors.UniqueViolation) as error:
            self.env.invalidate_all()
            _logger.info("Collections run of company %s busy in another transaction: %s", company.id, error)
            raise ArRunBusy(company) from error
        return run

    @api.model
    def _ar_insert_run(self, vals):
        """Insert the run ``vals`` unless the company already has its run of that day: a
        run inserted by a transaction this one cannot see (committed after its snapshot)
        raises a serialization failure instead of a second run."""
        columns = [fname for fname, value in vals.items() if value is not False]
        self.env.cr.execute(
            SQL(
                """INSERT INTO ar_collection_run (%s, create_uid, create_date, write_uid, write_date)
               VALUES (%s, %s, now() at time zone 'UTC', %s, now() at time zone 'UTC')
               ON CONFLICT (company_id, date) DO NOTHING
               RETURNING id""",
                SQL(", ").join(SQL.identifier(fname) for fname in columns),
                SQL(", ").join(vals[fname] for fname in columns),
                self.env.uid,
                self.env.uid,
            ),
            log_exceptions=False,
        )
        row = self.env.cr.fetchone()
        if not row:
            raise ArRunBusy(vals["company_id"])
        return self.browse(row[0])

    @api.model
    def _ar_prepare_run_vals(self, company, date, trigger):
        """Values of a new pass of the run of ``company`` on ``date`` (a new run, or a
        finished run of the day run again: its counts are those of the new pass)."""
        return {
            "company_id": company.id,
            "date": date,
            "trigger": trigger,
            "user_id": self.env.user.id,
            "state": "running",
            "step": self._ar_run_steps()[0],
            "partner_cursor": 0,
            "start_datetime": fields.Datetime.now(),
            "end_datetime": False,
            "duration": 0.0,
            "error_log": False,
            "conflict_count": 0,
            **dict.fromkeys(COUNTERS, 0),
        }

    @api.model
    def _ar_get_companies_with_work(self, companies):
        """Those of ``companies`` that have a run left running or no run yet on their
        today (one query)."""
        if not companies:
            return companies
        todays = {company.id: company._ar_get_today()[0] for company in companies}
        self.flush_model(["company_id", "date", "state"])
        self.env.cr.execute(
            SQL(
                """SELECT company_id, date, state FROM ar_collection_run
                WHERE company_id = ANY(%s) AND (state = 'running' OR date = ANY(%s))""",
                list(todays),
                list(set(todays.values())),
            )
        )
        running, ran_today = set(), set()
        for company_id, date, state in self.env.cr.fetchall():
            if state == "running":
                running.add(company_id)
            if date == todays[company_id]:
                ran_today.add(company_id)
        return companies.filtered(lambda company: company.id in running or company.id not in ran_today)

    @api.model
    def _ar_trigger_cron(self, delay=0):
        """Ask the scheduler to call the collections cron again (after ``delay`` seconds)."""
        cron = self.env.ref("ar_collections.ir_cron_collection_run", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger(fields.Datetime.now() + timedelta(seconds=delay) if delay else None)

    @api.model
    def _ar_start_runs(self, companies, trigger="cron"):
        """The runs to process for each of ``companies`` that has a collection ladder
        (resumed, created or re-opened, see ``_ar_acquire_run``), locked for the
        current transaction (tests, demo data, manual runs)."""
        with_ladder = self.env["ar.collection.stage"].search([("company_id", "in", companies.ids)]).company_id
        runs = self.browse()
        for company in (companies & with_ladder).sorted("id"):
            runs |= self._ar_acquire_run(company, trigger=trigger, reopen=True)
        return runs

    def _ar_run_to_end(self):
        """Process the runs of ``self`` until they are over, in the current transaction
        (no commit: manual runs, tests). After a conflict with a concurrent transaction,
        which this transaction cannot retry, the run is left to the cron."""
        for run in self:
            while run.state == "running":
                if not run._ar_process_next():
                    self._ar_trigger_cron()
                    break
        return self

    # ------------------------------------------------------------------
    # Steps
    # ------------------------------------------------------------------
    def _ar_run_steps(self):
        """Ordered names of the step methods of a run. Each step method processes one
        unit of work and returns True when the step is complete (extend with super())."""
        return [
            "_ar_step_check_promises",
            # the repayment plans right after the promises, before the invoices are staged:
            # the invoices of a plan broken tonight are dunned again the same night
            "_ar_step_check_repayment_plans",
            "_ar_step_stage_invoices",
            "_ar_step_follow_up_customers",
            "_ar_step_snapshot_aging",
            "_ar_step_score_customers",
            # after the scores: the payments slowing signal reads them
            "_ar_step_danger_signals",
        ]

    def _ar_step_check_promises(self):
        """Step 0 (collector's workspace): check the open promises to pay of the run's
        company before the invoices are staged, so that the invoices of a broken promise
        are dunned again the same night. A promise that cannot be checked is logged on
        the run and skipped; the others are checked."""
        self.ensure_one()
        company = self.company_id
        promises = (
            self.env["ar.payment.promise"]
            .with_company(company)
            # accepted ones only: a promise to accept is not checked (nor broken), a refused one never
            .search([("company_id", "=", company.id), ("state", "=", PROMISE_RUNNING_STATE)])
        )
        try:
            with self.env.cr.savepoint():
                promises._ar_check(today=self.date)
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise
        except Exception:
            # one bad promise must not stop the others: check them one by one
            for promise in promises:
                try:
                    with self.env.cr.savepoint():
                        promise._ar_check(today=self.date)
                except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                    raise
                except Exception:
                    _logger.exception("Collections run %s: promise %s failed", self.id, promise.id)
                    self._ar_log_error(
                        self.env._(
                            "Promise to pay %(promise)s (id %(id)s) not checked:\n%(error)s",
                            promise=promise.display_name,
                            id=promise.id,
                            error=traceback.format_exc(limit=3),
                        )
                    )
        return True

    def _ar_step_snapshot_aging(self):
        """Snapshot of the receivable aging of the run's company as of the run's date (one
        set-based insert, replacing the snapshot of the same day if the run is redone)."""
        self.ensure_one()
        # sudo: the run is started by the scheduler or by a checked "Run Now"; snapshot rows
        # are written by the system only
        self.env["ar.aging.snapshot"].sudo()._ar_take_snapshot(self.company_id, self.date)
        return True

    def _ar_process_next(self):
        """Process one unit of work of run ``self``, whose lock the caller holds (see
        ``_ar_acquire_run``). A failure of a whole step fails the run. A conflict with a
        concurrent transaction (serialization failure, lock, deadlock) rolls the unit
        back and is recorded on the run; the next call retries it, in a new transaction;
        after ``MAX_CONFLICTS`` conflicts the run fails. Returns False after a conflict."""
        self.ensure_one()
        steps = self._ar_run_steps()
        step = self.step if self.step in steps else steps[0]
        started = time.perf_counter()
        run = self.with_company(self.company_id).with_context(tz=self.company_id._ar_get_today()[1])
        try:
            with self.env.cr.savepoint():
                complete = getattr(run, step)()
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as error:
            self.env.invalidate_all()
            _logger.warning("Collections run %s: step %s conflicted with a concurrent update: %s", self.id, step, error)
            self.duration += time.perf_counter() - started
            self._ar_record_conflict(step, error)
            return False
        except Exception:
            _logger.exception("Collections run %s: step %s failed", self.id, step)
            self._ar_log_error(
                self.env._("Step %(step)s failed:\n%(error)s", step=step, error=traceback.format_exc(limit=5))
            )
            self.duration += time.perf_counter() - started
            self._ar_finish(state="failed")
            return True
        # every unit writes its run (at least its duration): a transaction that took its
        # snapshot before this one committed cannot lock the run (see _ar_acquire_run)
        self.duration += time.perf_counter() - started
        if not complete:
            return True
        index = steps.index(step)
        if index + 1 < len(steps):
            self.write({"step": steps[index + 1], "partner_cursor": 0})
        else:
            self._ar_finish()
        return True

    def _ar_record_conflict(self, step, error):
        self.ensure_one()
        self.conflict_count += 1
        self._ar_log(
            self.env._(
                "Step %(step)s: conflict with a concurrent update, rolled back and retried (%(error)s)",
                step=step,
                error=str(error).strip(),
            )
        )
        if self.conflict_count >= MAX_CONFLICTS:
            self._ar_log_error(
                self.env._("Given up after %(count)s conflicts with concurrent updates.", count=self.conflict_count)
            )
            self._ar_finish(state="failed")

    def _ar_finish(self, state="done"):
        self.write({"state": state, "end_datetime": fields.Datetime.now(), "step": False})

    def _ar_log_error(self, message):
        for run in self:
            run.write(
                {
                    "error_count": run.error_count + 1,
                    "error_log": "\n".join(filter(None, [run.error_log, message])),
                }
            )

    def _ar_log(self, message):
        """Add ``message`` to the log of the runs of ``self`` without counting an error."""
        for run in self:
            run.error_log = "\n".join(filter(None, [run.error_log, message]))

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

        # the open invoices, from the one aging query; the customers' unapplied credits pay
        # the oldest dunnable ones first (the one netting rule): those are not dunned
        Aging = self.env["ar.aging"]
        positive = Aging._get_invoice_aging(date=self.date, company_ids=company.ids)
        Move = self.env["account.move"]
        dunnable = Move.search(Move._ar_get_dunning_domain(company) + [("id", "in", list(positive))], order="id").ids
        targets = {}
        if dunnable:
            self.env.cr.execute(
                Aging._invoice_credit_netting_sql(date=self.date, company_ids=company.ids, move_ids=dunnable)
            )
            currency = company.currency_id
            for row in self.env.cr.dictfetchall():
                if currency.compare_amounts(row["credit_applied"], row["residual"]) >= 0:
                    continue
                stage_id = stage_of(row["days"])
                if stage_id:
                    targets[row["move_id"]] = stage_id
        return targets, len(dunnable)

    def _ar_step_stage_invoices(self):
        self.ensure_one()
        company = self.company_id
        targets, invoice_count = self._ar_get_invoice_targets()
        Move = self.env["account.move"]
        Move.flush_model(["collection_stage_id", "collection_stage_date", "partner_id", "company_id"])
        self.env.cr.execute(
            SQL(
                """SELECT m.id, m.collection_stage_id, p.commercial_partner_id
                 FROM account_move m
                 LEFT JOIN res_partner p ON p.id = m.partner_id
                WHERE m.company_id = %s AND (m.collection_stage_id IS NOT NULL OR m.id = ANY(%s))""",
                company.id,
                list(targets),
            )
        )
        changes = defaultdict(list)  # to stage -> move ids
        history = []
        for move_id, old_stage_id, partner_id in self.env.cr.fetchall():
            new_stage_id = targets.get(move_id)
            if new_stage_id != old_stage_id:
                changes[new_stage_id].append(move_id)
                history.append((move_id, partner_id, old_stage_id, new_stage_id))
        for stage_id, move_ids in changes.items():
            self.env.cr.execute(
                SQL(
                    """UPDATE account_move
                      SET collection_stage_id = %(stage)s, collection_stage_date = %(date)s,
                          write_uid = %(uid)s, write_date = (now() at time zone 'UTC')
                    WHERE id = ANY(%(ids)s)""",
                    stage=stage_id,
                    date=self.date if stage_id else None,
                    uid=self.env.uid,
                    ids=move_ids,
                )
            )
        if history:
            self._ar_insert_history(history)
            changed = Move.browse([move_id for move_ids in changes.values() for move_id in move_ids])
            changed.invalidate_recordset(
                ["collection_stage_id", "collection_stage_date", "write_uid", "write_date", "ar_stage_history_ids"]
            )
            changed.modified(["collection_stage_id", "collection_stage_date"])
        self._ar_add_counts({"invoice_count": invoice_count, "stage_change_count": len(history)})
        return True

    def _ar_insert_history(self, history):
        """Insert the stage history rows ``(move, partner, from, to)`` in one statement."""
        move_ids, partner_ids, from_ids, to_ids = (list(column) for column in zip(*history))
        self.env.cr.execute(
            SQL(
                """INSERT INTO ar_collection_stage_history
                   (move_id, partner_id, from_stage_id, to_stage_id, company_id, date, run_id, user_id,
                    create_uid, create_date, write_uid, write_date)
               SELECT h.move_id, h.partner_id, h.from_id, h.to_id, %(company)s, %(date)s, %(run)s, %(user)s,
                      %(uid)s, now() at time zone 'UTC', %(uid)s, now() at time zone 'UTC'
                 FROM unnest(%(moves)s::int[], %(partners)s::int[], %(froms)s::int[], %(tos)s::int[])
                      AS h(move_id, partner_id, from_id, to_id)""",
                company=self.company_id.id,
                date=self.date,
                run=self.id,
                user=self.user_id.id or self.env.uid,
                uid=self.env.uid,
                moves=move_ids,
                partners=partner_ids,
                froms=from_ids,
                tos=to_ids,
            )
        )
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
        self.env.cr.execute(
            SQL(
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
                company=company.id,
                key=str(company.id),
                cursor=self.partner_cursor,
                limit=limit,
                # the open invoices of the one aging query, on the run's date
                open_invoices=self.env["ar.aging"]._invoice_aging_sql(date=self.date, company_ids=company.ids),
            )
        )
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
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise  # the whole batch is retried in a new transaction
        except Exception:
            # one bad customer must not stop the others: redo the batch one by one
            counts = defaultdict(int)
            for partner_id in partner_ids:
                try:
                    with self.env.cr.savepoint():
                        for key, value in self._ar_follow_up_partners([partner_id]).items():
                            counts[key] += value
                except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                    raise
                except Exception:
                    _logger.exception("Collections run %s: customer %s failed", self.id, partner_id)
                    partner = self.env["res.partner"].browse(partner_id)
                    self._ar_log_error(
                        self.env._(
                            "Customer %(partner)s (id %(id)s) skipped:\n%(error)s",
                            partner=partner.display_name,
                            id=partner_id,
                            error=traceback.format_exc(limit=3),
                        )
                    )
        self._ar_add_counts(counts)
        self.partner_cursor = partner_ids[-1]
        return len(partner_ids) < batch_size

    def _ar_follow_up_partners(self, partner_ids):
        """Stage, procedure and follow-up of the commercial partners ``partner_ids`` in the
        run's company: a fixed number of queries per batch, plus one chatter note per
        escalation and one per closed follow-up (see ``ar.collection.followup``).
        Returns the counts."""
        self.ensure_one()
        partners = self.env["res.partner"].browse(partner_ids)
        partners.fetch(["collection_stage_id", "ar_procedure", "ar_strategy", "collector_id", "user_id"])
        stage_of = self._ar_get_worst_stages(partner_ids)
        strategy_of = self._ar_update_partners(partners, stage_of)
        plan = self.env["ar.collection.followup"]._plan_followups(partners, stage_of, strategy_of, self.date, run=self)
        return {
            **plan["actions"],
            "partner_count": len(partners),
            "activity_created_count": len(plan["created"]),
            "activity_escalated_count": len(plan["escalated"]),
            "activity_closed_count": len(plan["closed"]),
        }

    def _ar_get_worst_stages(self, partner_ids):
        """The worst stage of the invoices of each of the commercial partners
        ``partner_ids`` in the run's company (one query): dict partner id -> stage."""
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                """SELECT p.commercial_partner_id,
                      (ARRAY_AGG(m.collection_stage_id ORDER BY s.days_from DESC, s.id DESC))[1]
                 FROM account_move m
                 JOIN res_partner p ON p.id = m.partner_id
                 JOIN ar_collection_stage s ON s.id = m.collection_stage_id
                WHERE m.company_id = %s AND p.commercial_partner_id = ANY(%s)
                GROUP BY p.commercial_partner_id""",
                self.company_id.id,
                partner_ids,
            )
        )
        worst = dict(self.env.cr.fetchall())
        Stage = self.env["ar.collection.stage"].with_context(active_test=False)
        Stage.browse(set(worst.values())).fetch(
            ["days_from", "name", "owner_role", "cadence_days", "note", "activity_type_id"]
        )
        worst = {partner_id: Stage.browse(stage_id) for partner_id, stage_id in worst.items()}
        return self._ar_keep_plan_arrears_stages(partner_ids, worst)

    def _ar_update_partners(self, partners, stage_of):
        """Write the stage and the strategy matrix's quadrant and procedure (what each
        customer owes, one aging query) of ``partners``, grouped by value. Returns the
        strategy of each customer (dict partner id -> strategy)."""
        self.ensure_one()
        company = self.company_id
        aging = self.env["ar.aging"]._get_partner_aging(
            partner_ids=partners.ids, date=self.date, company_ids=company.ids
        )
        Partner = self.env["res.partner"]
        stage_writes = defaultdict(list)
        strategy_writes = defaultdict(list)
        strategy_of = {}
        for partner in partners:
            stage = stage_of.get(partner.id, self.env["ar.collection.stage"])
            residual = aging.get(partner.id, {}).get("residual", 0.0)
            strategy, procedure = False, False
            if residual > 0 or stage:
                strategy, procedure = Partner._ar_get_strategy(
                    residual, aging.get(partner.id, {}).get("max_days_overdue", 0), company
                )
            strategy_of[partner.id] = strategy
            if (partner.ar_strategy or False, partner.ar_procedure or False) != (strategy, procedure):
                strategy_writes[strategy, procedure].append(partner.id)
            if partner.collection_stage_id != stage:
                stage_writes[stage.id].append(partner.id)
        Partner = Partner.with_context(tracking_disable=True)
        for stage_id, ids in stage_writes.items():
            Partner.browse(ids).write({"collection_stage_id": stage_id or False})
        for (strategy, procedure), ids in strategy_writes.items():
            Partner.browse(ids).write({"ar_strategy": strategy, "ar_procedure": procedure})
        return strategy_of

    def _ar_step_check_repayment_plans(self):
        """Check the instalments of the active repayment plans of the run's company on the
        run's date (set-based: one payments query for all plans). A plan that cannot be
        checked is logged on the run and skipped; the others are checked."""
        self.ensure_one()
        company = self.company_id
        Plan = self.env["ar.repayment.plan"].with_company(company)
        plans = Plan.search([("company_id", "=", company.id), ("state", "=", "active")])
        try:
            with self.env.cr.savepoint():
                plans._ar_check(today=self.date)
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise
        except Exception:
            # one bad plan must not stop the others: check them one by one
            for plan in plans:
                try:
                    with self.env.cr.savepoint():
                        plan._ar_check(today=self.date)
                except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                    raise
                except Exception:
                    _logger.exception("Collections run %s: repayment plan %s failed", self.id, plan.id)
                    self._ar_log_error(
                        self.env._(
                            "Repayment plan %(plan)s (id %(id)s) not checked:\n%(error)s",
                            plan=plan.display_name,
                            id=plan.id,
                            error=traceback.format_exc(limit=3),
                        )
                    )
        return True

    def _ar_keep_plan_arrears_stages(self, partner_ids, worst):
        """A customer paying by an active plan with a broken instalment has no staged
        invoice (they are paused) but an escalated follow-up: it stays open in its stage
        (the collector chases the arrears; nothing is sent) instead of being closed as
        "nothing left to collect"."""
        unstaged = [pid for pid in partner_ids if pid not in worst]
        if not unstaged:
            return worst
        in_arrears = (
            self.env["ar.repayment.plan"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("state", "=", "active"),
                    ("broken_count", ">", 0),
                    ("partner_id", "in", unstaged),
                ]
            )
            .partner_id
        )
        if in_arrears:
            followup = self.env["ar.collection.followup"].with_company(self.company_id)
            for activity in followup._get_open_activities(in_arrears):
                if activity.ar_stage_id:
                    worst[activity.res_id] = activity.ar_stage_id
        return worst

    def _ar_step_score_customers(self):
        """Refresh the behaviour scores of every customer of the run's company (grouped
        queries, one upsert). A failure is logged on the run; the run goes on."""
        return self._ar_scoring_step(
            lambda: (
                self.env["ar.credit.score"].sudo().with_company(self.company_id)._ar_refresh(self.company_id, self.date)
            ),
            self.env._("Credit scores not refreshed"),
        )

    def _ar_step_danger_signals(self):
        """Raise the danger signals of the run's company, after the scores (the payments
        slowing signal reads them)."""
        return self._ar_scoring_step(
            lambda: (
                self.env["ar.credit.warning"]
                .sudo()
                .with_company(self.company_id)
                ._ar_detect(self.company_id, self.date)
            ),
            self.env._("Danger signals not raised"),
        )

    def _ar_scoring_step(self, func, failure):
        self.ensure_one()
        try:
            # sudo (in func): the run is started by the scheduler or a checked "Run Now"; the scores
            # and warnings are written by the system only
            with self.env.cr.savepoint():
                func()
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise
        except Exception:
            _logger.exception("Collections run %s: scoring step failed", self.id)
            self._ar_log_error(f"{failure}:\n{traceback.format_exc(limit=3)}")
        return True
