"""Reading API input: a JSON object body and query parameters, or a 422 with field messages.

Nothing the client sends reaches a service before its type is checked here, so no input
(bad JSON, wrong types, control characters, exponents, huge numbers) can become a 500. JSON
numbers are read as Decimal, exactly as written, never through float.
"""

import json
import unicodedata
from datetime import UTC, datetime
from decimal import Decimal

from django.core.exceptions import RequestDataTooBig
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from orders.api.errors import invalid
from orders.cursors import decode_cursor
from orders.errors import InvalidAmount
from orders.numbers import decimal_from_json, normalize_amount


def json_object(request) -> dict:
    """The body as a dict; its numbers as Decimal (500.50 → Decimal('500.50')), NaN and
    Infinity as Decimal NaN / Infinity and exponent numbers (5e2) marked, for the field's
    parser to refuse with a message."""
    try:
        body = json.loads(
            request.body or b"",
            parse_float=decimal_from_json,
            parse_int=decimal_from_json,
            parse_constant=Decimal,
        )
    except RequestDataTooBig:
        raise invalid({}, _("The body is too large.")) from None
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise invalid({}, _("The body must be a JSON object.")) from None
    if not isinstance(body, dict):
        raise invalid({}, _("The body must be a JSON object."))
    return body


class Fields:
    """Collects field messages; `.done()` raises one 422 with all of them."""

    def __init__(self, data: dict):
        self.data, self.errors = data, {}

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def text(self, name: str, *, required: bool = True, max_length: int = 200, aliases=()):
        value = ""
        for key in (name, *aliases):
            if key not in self.data or self.data[key] == "":
                continue
            given = self.data[key]  # null is no string either: the document says string
            if not isinstance(given, str):
                self.error(key, _("Send this field as a string."))
            elif len(given) > max_length or not is_printable(given):
                self.error(key, _("Up to %(n)s printable characters.") % {"n": max_length})
            else:
                value = value or given
        if not value and required and not any(k in self.errors for k in (name, *aliases)):
            self.error(name, _("This field is required."))
        return value

    def amount(self, name: str = "amount") -> Decimal | None:
        """The amount as Decimal with two decimals, from a JSON number (500.50) or a string
        ("500.50", "1,000.50", "৫০০"); the rules are orders.numbers.normalize_amount's."""
        value = self.data.get(name)
        if value is None:
            self.error(name, _("This field is required."))
            return None
        if isinstance(value, bool | list | dict):
            self.error(name, _('Send the amount as a number or a string, e.g. 500.50 or "500.50".'))
            return None
        try:
            return normalize_amount(value)
        except InvalidAmount as error:
            self.error(name, error.message)
            return None

    def done(self, *, known=()) -> None:
        """Raise the collected errors; with `known`, other fields are errors too (typos)."""
        for unknown in set(self.data) - set(known) if known else ():
            self.error(unknown, _("Unknown field."))
        if self.errors:
            raise invalid(self.errors)


def is_printable(value: str) -> bool:
    return not any(unicodedata.category(c) in ("Cc", "Cs") for c in value)


def query_datetime(request, name: str) -> datetime | None:
    raw = request.GET.get(name)
    if not raw:
        return None
    try:
        moment = parse_datetime(raw) if is_printable(raw) and len(raw) <= 40 else None
        moment = moment and as_utc(moment)
    except (ValueError, OverflowError):
        moment = None
    if moment is None:
        raise invalid({name: [_("Use ISO 8601, e.g. 2025-01-31T09:30:00+06:00.")]})
    return moment


def as_utc(moment: datetime) -> datetime:
    """Aware and in UTC; raises OverflowError at the ends of the calendar."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment.astimezone(UTC)


def query_choice(request, name: str, choices) -> str | None:
    raw = request.GET.get(name)
    if not raw:
        return None
    if raw not in choices:
        raise invalid({name: [_("One of: %(c)s.") % {"c": ", ".join(choices)}]})
    return raw


def query_int(request, name: str, *, default: int, low: int, high: int) -> int:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 6 and low <= int(raw) <= high):
        raise invalid({name: [_("A whole number from %(a)s to %(b)s.") % {"a": low, "b": high}]})
    return int(raw)


# --- Cursor: orders.cursors' format, opaque to clients ----------------------------------------


def cursor_param(request, name: str = "cursor") -> str | None:
    """The cursor as given, once it is known to be one of ours; a 422 otherwise."""
    raw = request.GET.get(name)
    if not raw:
        return None
    if decode_cursor(raw) is None:
        raise invalid({name: [_("This cursor is not valid; use next_cursor as given.")]})
    return raw
