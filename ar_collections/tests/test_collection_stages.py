from contextlib import contextmanager
from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common_collections import ArCollectionRunCommon

DUE = "2026-06-15"


@tagged("post_install", "-at_install")
class TestCollectionStages(ArCollectionRunCommon):
    @contextmanager
    def assertLadderError(self, text):
        with self.assertRaises(ValidationError) as catcher:
            yield
        self.assertIn(text, str(catcher.exception))

    def test_default_ladder_of_a_new_company(self):
        # the test company was created after the install: it got a copy of the ladder
        ladder = self.env["ar.collection.stage"]._ar_get_ladder(self.company)
        self.assertEqual(
            [
                (s.days_from, s.no_end or s.days_to, s.owner_role, s.letter_level, s.hold_sales, s.lock_deliveries)
                for s in ladder
            ],
            [
                (-5, -4, "collector", "reminder", False, False),
                (-3, 0, "collector", "reminder", False, False),
                (1, 30, "collector", "demand", False, False),
                (31, 60, "salesperson", "demand", True, False),
                (61, 90, "sales_manager", "final", True, False),
                (91, True, "legal", "lawyer", True, True),
            ],
        )
        self.assertEqual(self.stage_1_30.channel_ids.mapped("code"), ["phone", "letter"])
        self.assertEqual(self.stage_1_30.activity_type_id, self.env.ref("ar_collections.mail_activity_type_collection"))
        self.assertTrue(all(s.company_id == self.company for s in ladder))
        # a company created now gets its own copy too
        company = self.env["res.company"].create({"name": "Shenzhen Branch"})
        self.assertEqual(len(self.env["ar.collection.stage"]._ar_get_ladder(company)), 6)

    def test_overlapping_ranges_rejected(self):
        with self.assertLadderError("overlap"):
            self.stage_1_30.days_to = 35
        with self.assertLadderError("overlap"):
            self.env["ar.collection.stage"].create(
                {"name": "Extra", "company_id": self.company.id, "days_from": 50, "days_to": 55}
            )

    def test_holes_and_bad_ranges_rejected(self):
        with self.assertLadderError("hole"):
            self.stage_1_30.days_to = 25
        with self.assertLadderError("ends"):
            self.stage_pre5.days_to = -6
        with self.assertLadderError("no end"):
            self.stage_61_90.no_end = True
        # archiving a middle stage leaves a hole
        with self.assertLadderError("hole"):
            self.stage_31_60.active = False
        # archiving the first one does not
        self.stage_pre5.active = False
        self.assertNotIn(self.stage_pre5, self.env["ar.collection.stage"]._ar_get_ladder(self.company))

    def test_stage_boundaries_day_by_day(self):
        invoice = self.ar_invoice(self.customer, 1000.0, "2026-05-01", DUE)
        expected = [
            (-7, False),
            (-6, False),
            (-5, self.stage_pre5),
            (-4, self.stage_pre5),
            (-3, self.stage_pre3),
            (0, self.stage_pre3),
            (1, self.stage_1_30),
            (30, self.stage_1_30),
            (31, self.stage_31_60),
            (60, self.stage_31_60),
            (61, self.stage_61_90),
            (90, self.stage_61_90),
            (91, self.stage_over_90),
            (400, self.stage_over_90),
        ]
        previous = self.env["ar.collection.stage"]
        for days, stage in expected:
            with self.subTest(days=days), freeze_time(self.d(DUE) + timedelta(days=days)):
                run = self.run_collections()
                self.assertEqual(run.state, "done")
                self.assertEqual(invoice.collection_stage_id, stage or previous.browse())
                self.assertEqual(
                    self.customer.with_company(self.company).collection_stage_id, stage or previous.browse()
                )
                if stage and stage != previous:
                    self.assertEqual(invoice.collection_stage_date, self.d(DUE) + timedelta(days=days))
                    last = invoice.ar_stage_history_ids[:1]
                    self.assertEqual((last.from_stage_id, last.to_stage_id), (previous, stage))
                    self.assertEqual(last.run_id, run)
                previous = stage or previous.browse()
        # one history line per change
        self.assertEqual(len(invoice.ar_stage_history_ids), 6)
