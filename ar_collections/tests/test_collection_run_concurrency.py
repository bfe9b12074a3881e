"""The collections run with two real transactions at once (two cursors).

The data are committed for each test in the main company (it has a chart of accounts
and a collection ladder) and removed after it; the run's own transactions commit too.
"""

from contextlib import closing, contextmanager

from freezegun import freeze_time

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

TODAY = "2026-06-15"


@tagged("post_install", "-at_install")
class TestCollectionRunConcurrency(TransactionCase):
    def setUp(self):
        super().setUp()
        frozen = freeze_time(f"{TODAY} 15:00:00")  # 11:00 in New York, the main company's time zone
        frozen.start()
        self.addCleanup(frozen.stop)
        with closing(self.registry.cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            self.cron_id = env.ref("ar_collections.ir_cron_collection_run").id
            self.manager_id = env.ref("base.user_admin").id  # an Accounting Administrator: a Credit Manager
            self.run_ids_before = env["ar.collection.run"].search([]).ids
            self.trigger_ids_before = env["ir.cron.trigger"].search([]).ids
            self.assertEqual(
                env["ar.collection.stage"].search([]).company_id,
                company,
                "the run of the committed database covers the main company only",
            )
            partners = env["res.partner"].create(
                [{"name": f"Concurrent Customer {i}", "is_company": True, "customer_rank": 1} for i in range(3)]
            )
            moves = (
                env["account.move"]
                .with_company(company)
                .create(
                    [
                        {
                            "move_type": "out_invoice",
                            "partner_id": partner.id,
                            "invoice_date": "2026-04-15",
                            "date": "2026-04-15",
                            "invoice_payment_term_id": False,
                            "invoice_date_due": "2026-05-01",  # 45 days late
                            "invoice_line_ids": [
                                Command.create(
                                    {"name": "Goods", "quantity": 1, "price_unit": 1000.0, "tax_ids": [Command.clear()]}
                                )
                            ],
                        }
                        for partner in partners
                    ]
                )
            )
            moves.action_post()
            self.partner_ids, self.move_ids = partners.ids, moves.ids
            self.company_id = company.id
            # committed: the test's other cursors must see the data
            cr.commit()  # pylint: disable=invalid-commit
        self.addCleanup(self._remove_data)

    def _remove_data(self):
        with closing(self.registry.cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            partners = env["res.partner"].browse(self.partner_ids)
            moves = env["account.move"].browse(self.move_ids)
            env["mail.activity"].search([("res_model", "=", "res.partner"), ("res_id", "in", partners.ids)]).unlink()
            env["ar.collection.stage.history"].search([("move_id", "in", moves.ids)]).unlink()
            env["ar.collection.run"].search([("id", "not in", self.run_ids_before)]).unlink()
            env["ir.cron.trigger"].search([("id", "not in", self.trigger_ids_before)]).unlink()
            moves.button_draft()
            moves.with_context(force_delete=True).unlink()
            env["mail.message"].search([("model", "=", "res.partner"), ("res_id", "in", partners.ids)]).unlink()
            # what the run's scoring steps wrote about them (the scores go with the partner)
            env["ar.credit.warning"].search([("partner_id", "in", partners.ids)]).unlink()
            env["ar.credit.review"].search([("partner_id", "in", partners.ids)]).unlink()
            partners.unlink()
            # committed: the test's other cursors must see the data
            cr.commit()  # pylint: disable=invalid-commit

    @contextmanager
    def cursors(self, *uids):
        """Real cursors, each in its own transaction, with an environment of user ``uid``."""
        crs = [self.registry.cursor() for _uid in uids]
        try:
            yield [api.Environment(cr, uid, {"allowed_company_ids": [self.company_id]}) for cr, uid in zip(crs, uids)]
        finally:
            for cr in crs:
                cr.rollback()
                cr.close()

    def check_outcome(self, trigger="cron"):
        """One run for the company and the day, done; one follow-up per customer."""
        with closing(self.registry.cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            runs = env["ar.collection.run"].search([("company_id", "=", self.company_id)])
            self.assertEqual(len(runs), 1)
            self.assertEqual(
                (runs.date, runs.state, runs.trigger, runs.error_count),
                (fields.Date.to_date(TODAY), "done", trigger, 0),
                runs.error_log,
            )
            activities = env["mail.activity"].search(
                [("res_model", "=", "res.partner"), ("res_id", "in", self.partner_ids)]
            )
            self.assertEqual(
                sorted(activities.mapped("res_id")), sorted(self.partner_ids), "exactly one follow-up per customer"
            )
            self.assertEqual(runs.partner_count, 3)
            return runs.read(["activity_created_count", "conflict_count", "error_log"])[0]

    def test_run_now_while_the_cron_runs(self):
        with self.cursors(SUPERUSER_ID, self.manager_id) as (cron_env, manager_env):
            # the cron is in the middle of a unit of work when the manager clicks Run Now
            self.assertTrue(cron_env["ar.collection.run"]._cron_run_collections())
            with self.assertRaisesRegex(UserError, "in progress"):
                manager_env["ar.collection.run"].action_run_now()
            manager_env.cr.rollback()
            cron_env.cr.commit()
            # the manager's Run Now takes the run over; the cron meanwhile skips the company
            action = manager_env["ar.collection.run"].action_run_now()
            self.assertEqual(cron_env["ar.collection.run"]._cron_run_collections(), 0)
            self.assertTrue(
                cron_env["ir.cron.trigger"].search(
                    [("cron_id", "=", self.cron_id), ("call_at", ">", fields.Datetime.now())]
                ),
                "the cron comes back later",
            )
            cron_env.cr.commit()
            manager_env.cr.commit()
            # the cron's next call: nothing left for today
            self.assertEqual(cron_env["ar.collection.run"]._cron_run_collections(), 0)
            cron_env.cr.commit()
        run = self.check_outcome(trigger="cron")
        self.assertEqual(action["res_id"], run["id"])
        self.assertEqual(run["activity_created_count"], 3)

    def test_run_now_first_then_the_cron(self):
        with self.cursors(SUPERUSER_ID, self.manager_id) as (cron_env, manager_env):
            cron_env.cr.execute("SELECT 1")  # the cron's transaction starts before Run Now commits
            manager_env["ar.collection.run"].action_run_now()
            self.assertEqual(cron_env["ar.collection.run"]._cron_run_collections(), 0, "busy")
            manager_env.cr.commit()
            # the cron's snapshot does not show the run Run Now created: it must not create another
            self.assertEqual(cron_env["ar.collection.run"]._cron_run_collections(), 0)
            cron_env.cr.commit()
            self.assertEqual(cron_env["ar.collection.run"]._cron_run_collections(), 0)
            cron_env.cr.commit()
        self.assertEqual(self.check_outcome(trigger="manual")["activity_created_count"], 3)

    def test_two_cron_loops(self):
        with self.cursors(SUPERUSER_ID, SUPERUSER_ID) as envs:
            for round_ in range(20):
                first, second = envs[round_ % 2], envs[(round_ + 1) % 2]
                second.cr.execute("SELECT 1")  # the second's snapshot is taken before the first commits
                first_left = first["ar.collection.run"]._cron_run_collections()
                # while the first holds the company, the second skips it
                self.assertEqual(second["ar.collection.run"]._cron_run_collections(), 0)
                first.cr.commit()
                # with its old snapshot, the second still cannot take the run
                self.assertEqual(second["ar.collection.run"]._cron_run_collections(), 0)
                second.cr.commit()
                if not first_left:
                    break
            self.assertGreaterEqual(round_, 2, "three units of work: promises, stages, one batch of customers")
        self.assertEqual(self.check_outcome()["activity_created_count"], 3)

    def test_conflict_inside_a_unit_is_recorded_and_retried(self):
        with self.cursors(SUPERUSER_ID, SUPERUSER_ID) as (cron_env, user_env):
            Run = cron_env["ar.collection.run"]
            Run._cron_run_collections()  # promises
            cron_env.cr.commit()
            Run._cron_run_collections()  # repayment plans
            cron_env.cr.commit()
            Run._cron_run_collections()  # stages
            cron_env.cr.commit()
            # the cron's next transaction starts; meanwhile a user edits a customer and saves
            cron_env.cr.execute("SELECT 1")
            user_env["res.partner"].browse(self.partner_ids[0]).comment = "Called: pays Friday"
            user_env.cr.commit()
            # the follow-up batch writes that customer: serialization failure, caught
            Trigger = cron_env["ir.cron.trigger"]
            triggers_before = Trigger.search([("cron_id", "=", self.cron_id)])
            self.assertTrue(Run._cron_run_collections(), "work left: retried")
            # the scheduler is asked to call the cron again
            self.assertTrue(Trigger.search([("cron_id", "=", self.cron_id)]) - triggers_before)
            run = Run.search([("company_id", "=", self.company_id)])
            self.assertEqual((run.state, run.conflict_count, run.error_count), ("running", 1, 0))
            self.assertIn("conflict with a concurrent update", run.error_log)
            cron_env.cr.commit()
            # the next call, in a new transaction, does the batch
            while Run._cron_run_collections():
                cron_env.cr.commit()
            cron_env.cr.commit()
        run = self.check_outcome()
        self.assertEqual((run["conflict_count"], run["activity_created_count"]), (1, 3))
        self.assertIn("conflict with a concurrent update", run["error_log"])
