from datetime import date, datetime

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common_workspace import ArWorkspaceCommon


@tagged("post_install", "-at_install")
class TestCallingDays(ArWorkspaceCommon):
    """The credit policy's calling days: the best day to phone is Friday, then Thursday and Tuesday; never Monday
    or Wednesday, weekends or month end; early in the working day."""

    def test_default_days_follow_the_seed(self):
        company = self.company
        # Monday 2 March 2026: Tuesday is the best day within the 3-day delay (Mon..Thu)
        self.assertEqual(company._ar_next_call_date(date(2026, 3, 2)), date(2026, 3, 3))
        # Wednesday 4 March: Friday 6 beats Thursday 5 (Wed..Sat)
        self.assertEqual(company._ar_next_call_date(date(2026, 3, 4)), date(2026, 3, 6))
        # a Friday stays a Friday
        self.assertEqual(company._ar_next_call_date(date(2026, 3, 6)), date(2026, 3, 6))
        # Saturday 7 March: the weekend and Monday are avoided, Tuesday 10
        self.assertEqual(company._ar_next_call_date(date(2026, 3, 7)), date(2026, 3, 10))

    def test_preferences_are_configurable(self):
        self.company.write({"ar_call_monday": "best", "ar_call_max_delay_days": 0})
        self.assertEqual(self.company._ar_next_call_date(date(2026, 3, 2)), date(2026, 3, 2))
        # no waiting allowed: Wednesday is still avoided, Thursday is the next allowed day
        self.assertEqual(self.company._ar_next_call_date(date(2026, 3, 4)), date(2026, 3, 5))

    def test_month_end_is_avoided(self):
        self.company.write({"ar_call_friday": "avoid", "ar_call_max_delay_days": 1})
        # Thursday 30 April is in the last two days of the month, Friday is avoided,
        # then a weekend and a Monday: Tuesday 5 May
        self.assertEqual(self.company._ar_next_call_date(date(2026, 4, 30)), date(2026, 5, 5))
        self.company.ar_call_avoid_month_end_days = 0
        self.assertEqual(self.company._ar_next_call_date(date(2026, 4, 30)), date(2026, 4, 30))

    def test_call_time_in_collector_time_zone(self):
        # 9:00 in Shanghai is 1:00 UTC
        self.assertEqual(
            self.company._ar_next_call_datetime(date(2026, 3, 4), tz="Asia/Shanghai"), datetime(2026, 3, 6, 1, 0)
        )
        self.company.ar_call_hour_from = 8.5
        self.assertEqual(
            self.company._ar_next_call_datetime(date(2026, 3, 6), tz="Asia/Shanghai"), datetime(2026, 3, 6, 0, 30)
        )

    def test_after_calling_hours_moves_to_next_good_day(self):
        # Friday 6 March 8:00 Shanghai (0:00 UTC): still today at 9:00
        self.assertEqual(
            self.company._ar_next_call_datetime(datetime(2026, 3, 6, 0, 0), tz="Asia/Shanghai"),
            datetime(2026, 3, 6, 1, 0),
        )
        # Friday 6 March 15:00 Shanghai: too late, the weekend and Monday are avoided: Tuesday 10
        self.assertEqual(
            self.company._ar_next_call_datetime(datetime(2026, 3, 6, 7, 0), tz="Asia/Shanghai"),
            datetime(2026, 3, 10, 1, 0),
        )

    def test_bad_settings_rejected(self):
        with self.assertRaises(ValidationError):
            self.company.ar_call_hour_from = 25.0
        with self.assertRaises(ValidationError):
            self.company.ar_promise_grace_days = -1
