"""Reading query-string values a reseller or staff member can type: ids, dates, NUL.

Every list, CSV and admin filter reads its parameters through these (or a form field with the
same bounds), so a hostile value is ignored or answered with a 400, never a 500: a digit that
only Unicode calls one ("²"), an id past a signed 64-bit integer, a date whose neighbouring day
or Dhaka midnight in UTC does not exist (9999-12-31, 0001-01-01), or NUL (PostgreSQL refuses
it in text).
"""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gateways.base import BIGINT_MAX  # the database's bigint, which ids are

DATE_MIN = date(2000, 1, 1)
DATE_MAX = date(2100, 12, 31)
_ID = re.compile(r"[0-9]{1,19}")


def parse_id(text: str) -> int | None:
    """A database id from ASCII digits (1 .. 2**63-1), else None."""
    if not isinstance(text, str) or not _ID.fullmatch(text):
        return None
    number = int(text)
    return number if 0 < number <= BIGINT_MAX else None


def parse_ids(text: str, limit: int) -> list[int]:
    """Comma-separated ids; anything that is not one is left out; at most `limit` read."""
    ids = []
    for part in (text or "").split(",", limit)[:limit]:
        number = parse_id(part.strip())
        if number is not None:
            ids.append(number)
    return ids


def date_in_range(value: date) -> None:
    """A form validator: a filter date between DATE_MIN and DATE_MAX."""
    if value and not DATE_MIN <= value <= DATE_MAX:
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s."),
            code="date_out_of_range",
            params={"first": DATE_MIN.isoformat(), "last": DATE_MAX.isoformat()},
        )


def has_nul(request) -> bool:
    """Whether any query-string name or value holds NUL."""
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in request.GET.lists()
    )


# --- Admin changelists -----------------------------------------------------------------------

# Changelist parameters that are not lookups (Django's own, read by the changelist itself).
ADMIN_RESERVED = {"q", "o", "p", "e", "all", "_popup", "_to_field", "_changelist_filters",
                  "_facets"}  # fmt: skip
_PLAIN_LOOKUPS = {"", "exact", "in", "gt", "gte", "lt", "lte"}


def bad_admin_lookup(model, name: str, value: str) -> bool:
    """Whether a changelist lookup (`reseller=…`, `created_at__gte=…`) holds a value Django
    parses but the database cannot hold: an integer past 64 bits, a date outside
    DATE_MIN..DATE_MAX, a decimal too large or not finite. Values Django cannot parse at all
    it answers itself (the "incorrect lookup" page), and unknown names it refuses."""
    from django.core.exceptions import FieldDoesNotExist
    from django.db import models

    field_name, _sep, lookup = name.partition("__")
    try:
        field = model._meta.get_field(field_name)
    except FieldDoesNotExist:
        return False
    if lookup not in _PLAIN_LOOKUPS:
        return False
    values = value.split(",") if lookup == "in" else [value]
    for text in (v.strip() for v in values):
        if not text:
            continue
        if isinstance(field, models.ForeignKey | models.AutoField | models.IntegerField):
            if _bad_integer(text):
                return True
        elif isinstance(field, models.DateField):  # a DateTimeField is one too
            if _bad_date(text):
                return True
        elif isinstance(field, models.DecimalField) and _bad_decimal(field, text):
            return True
    return False


def _bad_integer(text: str) -> bool:
    try:
        number = int(text)
    except ValueError:
        return False
    return not -BIGINT_MAX - 1 <= number <= BIGINT_MAX


def _bad_date(text: str) -> bool:
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return not text.isascii() or text[:1].isdigit() and len(text.split("-")[0]) > 4
    return not DATE_MIN <= moment.date() <= DATE_MAX


def _bad_decimal(field, text: str) -> bool:
    from decimal import Decimal, InvalidOperation

    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        return False
    if not number.is_finite():
        return True
    return abs(number) >= Decimal(10) ** (field.max_digits - field.decimal_places)
