"""Amounts in Chinese capital numerals (中文大写金额), as written on cheques and letters.

Convention: the People's Bank of China 《支付结算办法》, annex 《正确填写票据和结算凭证的基本
规定》 (rules for filling in bills and settlement vouchers):

- capital digits 零壹贰叁肆伍陆柒捌玖 with units 拾佰仟 and 万亿; ten is written 壹拾;
- a zero (or a run of zeros) between non-zero digits is written as one 零 (¥1,005 → 壹仟零伍元;
  ¥100,005 → 壹拾万零伍元); where the rule lets the writer choose (a zero 万 or 元 digit
  followed by a non-zero thousand or 角 digit) no 零 is written (¥107,000.53 → 壹拾万柒仟元伍角叁分,
  ¥1,680.32 → 壹仟陆佰捌拾元叁角贰分);
- when the 角 digit is zero and the 分 digit is not, 零 is written after 元 (¥325.04 →
  叁佰贰拾伍元零肆分);
- 整 is written after 元 when there are no 角 and 分, and — as this addon's choice among the
  two allowed forms — after 角 when there is no 分 (¥1,005.50 → 壹仟零伍元伍角整); never after 分;
- an amount below one yuan starts at its first non-zero unit (¥0.01 → 壹分, ¥0.50 → 伍角整);
  zero is 零元整; a negative amount is prefixed with 负.

The currency prefix (人民币) is left to the caller.
"""

from decimal import ROUND_HALF_UP, Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
UNITS = ("", "拾", "佰", "仟")
GROUP_UNITS = ("", "万", "亿", "万亿")


def _group_to_chinese(number):
    """0 < number < 10000, without leading 零."""
    text = ""
    pending_zero = False
    for position in range(3, -1, -1):
        digit = number // 10**position % 10
        if digit:
            if pending_zero:
                text += DIGITS[0]
            text += DIGITS[digit] + UNITS[position]
            pending_zero = False
        elif text:
            pending_zero = True
    return text


def _integer_to_chinese(number):
    groups = []
    while number:
        groups.append(number % 10000)
        number //= 10000
    if len(groups) > len(GROUP_UNITS):
        raise ValueError("Amount too large to be written in Chinese capital numerals")
    text = ""
    pending_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if not group:
            pending_zero = bool(text)
            continue
        if text and (pending_zero or group < 1000):
            text += DIGITS[0]
        text += _group_to_chinese(group) + GROUP_UNITS[index]
        pending_zero = False
    return text


def amount_to_chinese(amount):
    """Return ``amount`` (int, float, str or Decimal) in Chinese capital numerals, rounded to
    the fen (half up). See the module docstring for the convention."""
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "负" if value < 0 else ""
    cents = int(abs(value) * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    if not cents:
        return "零元整"
    text = ""
    if yuan:
        text = _integer_to_chinese(yuan) + "元"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif fen and yuan:
        text += DIGITS[0]
    if fen:
        text += DIGITS[fen] + "分"
    else:
        text += "整"
    return sign + text
