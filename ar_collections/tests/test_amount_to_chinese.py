from odoo.tests import BaseCase, tagged

from odoo.addons.ar_collections.tools.amount_to_chinese import amount_to_chinese


@tagged("post_install", "-at_install")
class TestAmountToChinese(BaseCase):
    def test_amounts(self):
        for amount, expected in (
            (0.01, "壹分"),
            (10, "壹拾元整"),
            (1005.50, "壹仟零伍元伍角整"),
            (100000, "壹拾万元整"),
            (12345678.90, "壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角整"),
            # examples of the PBoC rules
            (1409.50, "壹仟肆佰零玖元伍角整"),
            (6007.14, "陆仟零柒元壹角肆分"),
            (1680.32, "壹仟陆佰捌拾元叁角贰分"),
            (107000.53, "壹拾万柒仟元伍角叁分"),
            (16409.02, "壹万陆仟肆佰零玖元零贰分"),
            (325.04, "叁佰贰拾伍元零肆分"),
            # zeros across the 万 and 亿 groups
            (100005, "壹拾万零伍元整"),
            (1000500, "壹佰万零伍佰元整"),
            (100010000, "壹亿零壹万元整"),
            (0, "零元整"),
            (0.5, "伍角整"),
            ("110.00", "壹佰壹拾元整"),
            (-20, "负贰拾元整"),
            (2.675, "贰元陆角捌分"),  # rounded half up to the fen
        ):
            with self.subTest(amount=amount):
                self.assertEqual(amount_to_chinese(amount), expected)

    def test_too_large(self):
        with self.assertRaises(ValueError):
            amount_to_chinese(10**16)
