"""Bangladeshi mobile numbers and BDT amounts: the one parser for the panel's forms and the API.

An amount is a whole number or one with at most two decimals (poisha), typed as text ("500",
"500.50", "1,000.50", "৫০০.৫০") or sent as a JSON number (500.50, read as Decimal('500.50'):
see `decimal_from_json`). A mobile number may be typed with separators, +880 / 880 and Bengali
digits; it is always kept as 11 ASCII digits, 01[3-9]XXXXXXXX. Digits other than 0–9 and ০–৯
(Arabic-Indic, Devanagari, fullwidth, superscript, …) are refused, never converted.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from orders.errors import InvalidAmount, InvalidReceiver, OrderError

LOCAL_NUMBER = re.compile(r"01[3-9][0-9]{8}", re.ASCII)
SEPARATORS = re.compile(r"[\s\-().]")
CENT = Decimal("0.01")
TOO_LARGE = Decimal("1e12")
BENGALI_DIGITS = str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789")

# Shapes of amount text, read after Bengali digits became ASCII.
AMOUNT_TEXT = re.compile(r"(?P<minus>-)?(?P<whole>[0-9,]+)(?:\.(?P<poisha>[0-9]+))?", re.ASCII)
THOUSANDS = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+", re.ASCII)
WITH_EXPONENT = re.compile(r"[+-]?[0-9.,]*[0-9][0-9.,]*[eE][+-]?[0-9]*", re.ASCII)
NOT_FINITE = re.compile(r"[+-]?(?:s?nan|inf|infinity)", re.ASCII | re.IGNORECASE)
DIGITS_AND_MARKS = re.compile(r"[+-]?[0-9.,]+", re.ASCII)


@dataclass(frozen=True, slots=True)
class WrittenWithExponent:
    """A JSON number written with an exponent (5e2, 1E-2), kept as its text and never turned
    into a number (1e999999999 is none): normalize_amount refuses it."""

    literal: str


def decimal_from_json(literal: str) -> Decimal | WrittenWithExponent:
    """json.loads' parse_float and parse_int: a JSON number as the Decimal written (500.50 →
    Decimal('500.50'), 500.500 → Decimal('500.500'), never through float); with an exponent,
    a WrittenWithExponent."""
    if "e" in literal or "E" in literal:
        return WrittenWithExponent(literal)
    return Decimal(literal)


def _ascii_digits(text: str, error: type[OrderError]) -> str:
    """Bengali digits as 0–9; any other non-ASCII digit or numeral raises `error`."""
    text = text.translate(BENGALI_DIGITS)
    if any(not c.isascii() and c.isnumeric() for c in text):
        raise error(_("Use digits 0–9 or ০–৯."))
    return text


def without_country_code(raw: str) -> str:
    """Separators gone, Bengali digits as 0–9 and +880 / 880 dropped: +880 1712-345678 →
    01712345678. The one place the country code is stripped; it does not check the rest."""
    number = SEPARATORS.sub("", str(raw or "")).translate(BENGALI_DIGITS)
    if number.startswith("+880"):
        return number[3:]
    if number.startswith("880"):
        return number[2:]
    return number


def normalize_mobile_number(raw: str) -> str:
    """The 11 ASCII digits 01[3-9]XXXXXXXX of a number typed as 01…, +8801… or 8801…, with
    spaces, dashes, dots or brackets and 0–9 or ০–৯; raises InvalidReceiver otherwise."""
    number = without_country_code(_ascii_digits(str(raw or ""), InvalidReceiver))
    if not LOCAL_NUMBER.fullmatch(number):
        raise InvalidReceiver(
            _("Enter a Bangladeshi mobile number: 11 digits starting 013–019, e.g. 01712345678.")
        )
    return number


def normalize_amount(raw) -> Decimal:
    """A positive BDT amount below 10^12 with at most two decimals, as Decimal with exactly two
    (Decimal('500.50')); raises InvalidAmount with the reason otherwise.

    Accepts text ("500", " 500.5 ", "1,000.50", "৫০০.৫০"), int and Decimal (a JSON number,
    see decimal_from_json). Refuses floats, booleans, exponents, NaN/Infinity, three or more
    decimals (also 500.500), commas other than between thousands, digits other than 0–9 / ০–৯,
    zero, negatives and empty text."""
    if isinstance(raw, WrittenWithExponent):
        raise InvalidAmount(_("Write the amount without an exponent, e.g. 500 rather than 5e2."))
    if isinstance(raw, bool):
        raise InvalidAmount(_("Enter the amount as a number, e.g. 500 or 500.50."))
    if isinstance(raw, float):  # already rounded in binary: 0.1 + 0.2 is not 0.3
        raise InvalidAmount(_("Enter the amount as a decimal number."))
    if isinstance(raw, int):
        return _checked(Decimal(raw))
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise InvalidAmount(_("NaN and Infinity are not amounts; enter a number, e.g. 500.50."))
        if raw.as_tuple().exponent < -2:
            raise InvalidAmount(_("The amount can have at most two decimals (poisha)."))
        return _checked(raw)
    if isinstance(raw, str):
        return _checked(_amount_from_text(raw))
    if raw is None:
        raise InvalidAmount(_("Enter the amount, e.g. 500 or 500.50."))
    raise InvalidAmount(_("Enter the amount as a number, e.g. 500 or 500.50."))


def _amount_from_text(raw: str) -> Decimal:
    text = _ascii_digits(raw.strip(), InvalidAmount)
    if not text:
        raise InvalidAmount(_("Enter the amount, e.g. 500 or 500.50."))
    match = AMOUNT_TEXT.fullmatch(text)
    if match is None:
        if WITH_EXPONENT.fullmatch(text):
            raise InvalidAmount(
                _("Write the amount without an exponent, e.g. 500 rather than 5e2.")
            )
        if NOT_FINITE.fullmatch(text):
            raise InvalidAmount(_("NaN and Infinity are not amounts; enter a number, e.g. 500.50."))
        if "," in text and DIGITS_AND_MARKS.fullmatch(text):  # 1.000,50
            raise InvalidAmount(_("Use a comma only between thousands, e.g. 1,000.50."))
        raise InvalidAmount(_("Enter the amount as a number, e.g. 500 or 500.50."))
    whole, poisha = match["whole"], match["poisha"] or ""
    if "," in whole and not THOUSANDS.fullmatch(whole):
        raise InvalidAmount(_("Use a comma only between thousands, e.g. 1,000.50."))
    if len(poisha) > 2:
        raise InvalidAmount(_("The amount can have at most two decimals (poisha)."))
    if match["minus"]:
        raise InvalidAmount(_("The amount must be more than zero."))
    whole = whole.replace(",", "").lstrip("0") or "0"
    if len(whole) > 12:  # checked before Decimal is made of a page of digits
        raise InvalidAmount(_("The amount is too large."))
    return Decimal(f"{whole}.{poisha or '0'}")


def _checked(amount: Decimal) -> Decimal:
    if amount <= 0:
        raise InvalidAmount(_("The amount must be more than zero."))
    if amount >= TOO_LARGE:  # before quantize, which fails past 28 digits
        raise InvalidAmount(_("The amount is too large."))
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
