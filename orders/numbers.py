"""Bangladeshi mobile numbers and BDT amounts, as the panel accepts them."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from orders.errors import InvalidAmount, InvalidReceiver

LOCAL_NUMBER = re.compile(r"01[3-9]\d{8}")
SEPARATORS = re.compile(r"[\s\-().]")
CENT = Decimal("0.01")


def normalize_mobile_number(raw: str) -> str:
    """Return the 11-digit 01XXXXXXXXX form of +8801…, 8801… or 01… numbers."""
    number = SEPARATORS.sub("", str(raw or ""))
    if number.startswith("+880"):
        number = number[3:]
    elif number.startswith("880"):
        number = number[2:]
    if not LOCAL_NUMBER.fullmatch(number):
        raise InvalidReceiver(
            _("Enter a Bangladeshi mobile number: 11 digits starting 013–019, e.g. 01712345678.")
        )
    return number


def normalize_amount(raw) -> Decimal:
    """A positive BDT amount with at most two decimals; floats are refused outright."""
    if isinstance(raw, float | bool):
        raise InvalidAmount(_("Enter the amount as a decimal number."))
    try:
        amount = Decimal(str(raw).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise InvalidAmount(_("Enter the amount as a number, e.g. 500 or 500.50.")) from None
    if not amount.is_finite() or amount <= 0:
        raise InvalidAmount(_("The amount must be more than zero."))
    if amount >= Decimal("1e12"):  # before quantize, which fails past 28 digits
        raise InvalidAmount(_("The amount is too large."))
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise InvalidAmount(_("The amount can have at most two decimals (poisha)."))
    return amount.quantize(CENT)


def mask_number(number: str) -> str:
    return f"{number[:3]}****{number[-4:]}" if len(number) >= 8 else "****"


def taka(value) -> str:
    """৳1,234.50; a negative amount as -৳1,234.50; anything else unchanged."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, ValueError):
        return str(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}৳{abs(amount):,.2f}"
