"""What goes over the wire, as text: JSON with Decimal money, timestamps, masked numbers.

Shared by both providers' parsers and by gateways.http; no HTTP here.

A provider's answer is untrusted data. `AnswerFields` reads its fields for a result: text has
NUL removed (PostgreSQL refuses it) and is cut to the column's length (gateways.base), an
integer out of range or an optional field of the wrong type becomes None, a payment link that
is not a plain absolute https URL is dropped, and each of these is logged as a warning on the
"gateways" logger (provider, field, our reference; numbers masked). The fields that identify or
decide an answer (client_reference / external_id, status) are checked by the parsers and still
raise. `json_safe` turns a parsed body into what a JSONField stores: plain JSON types only.
"""

from __future__ import annotations

import json
import logging
import math
import re
import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from gateways.base import (
    AMOUNT_DECIMAL_PLACES,
    AMOUNT_MAX_DIGITS,
    BIGINT_MAX,
    PAYMENT_LINK_MAX_LENGTH,
)

logger = logging.getLogger("gateways")


def normalise_status(
    table: Mapping[str, Any], provider: str, provider_status: str, reference: str = ""
):
    """The provider's status word through its table; an unknown word is pending, and logged:
    not final, so the order stays open and is asked again, and a person should look."""
    status = table.get(provider_status.strip().lower())
    if status is None:
        logger.warning(
            "%s unknown status %r for ref=%s: treated as pending",
            provider,
            preview(provider_status),
            mask_numbers_in(reference),
        )
        return table["pending"]
    return status


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


_DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=_refuse_constant)


def load_json(content: bytes) -> Any:
    """Parse JSON with every number that has a fraction as a Decimal; None if not JSON."""
    try:
        return _DECODER.decode(content.decode("utf-8"))
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None


def dumps_json(value: Any) -> bytes:
    """Compact JSON with Decimals written as JSON numbers digit for digit (500.00 -> 500.00).

    httpx's and aiohttp's `json=` would go through float; money never does.
    """
    return _encode(value).encode("utf-8")


def _encode(value: Any) -> str:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a JSON number")
        return format(value, "f")
    if isinstance(value, float):
        raise TypeError("floats are not sent to a provider; use Decimal")
    if isinstance(value, Mapping):
        items = (f"{json.dumps(str(key))}:{_encode(item)}" for key, item in value.items())
        return "{" + ",".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_encode(item) for item in value) + "]"
    return json.dumps(value)  # str, int, bool, None; anything else raises TypeError


def to_decimal(value: Any) -> Decimal:
    """A documented amount ("500.00" or a JSON number) as a finite Decimal, else ValueError."""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise ValueError(f"not an amount: {value!r}")
    try:
        amount = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise ValueError(f"not an amount: {value!r}") from None
    if not amount.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    return amount


def optional_decimal(value: Any) -> Decimal | None:
    return None if value is None else to_decimal(value)


def optional_datetime(value: Any, default_tz: tzinfo) -> datetime | None:
    """An ISO 8601 timestamp (with Z, an offset or, read in default_tz, none), or None."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"not a timestamp: {value!r}")
    moment = datetime.fromisoformat(value.strip())
    return moment if moment.tzinfo else moment.replace(tzinfo=default_tz)


def optional_int(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"not an integer: {value!r}")
    return int(value)


def optional_str(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict | list):
        raise ValueError(f"not a string: {value!r}")
    return str(value)


# --- Masking ---------------------------------------------------------------------------------

_NUMBER_IN_TEXT = re.compile(r"(?<!\d)(?:\+?88)?01[3-9]\d{8}(?!\d)")


def mask_number(number: str) -> str:
    """01712345678 -> 017****5678: enough to tell numbers apart, not enough to reuse one."""
    number = str(number)
    if len(number) >= 8:
        return number[:3] + "*" * (len(number) - 7) + number[-4:]
    return "*" * len(number)  # too short to show any of it


def mask_numbers_in(text: str) -> str:
    return _NUMBER_IN_TEXT.sub(lambda match: mask_number(match.group()), text)


def preview(value: Any, limit: int = 80) -> str:
    """A provider's value as a log may show it: masked numbers, at most `limit` characters."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) > 4 * limit:
        text = text[: 4 * limit]  # masking a 10 kB text for 80 characters of log is waste
    text = mask_numbers_in(text)
    return text if len(text) <= limit else text[:limit] + "…"


# --- Untrusted fields ------------------------------------------------------------------------

_SURROGATES = re.compile("[\ud800-\udfff]")
_DIGITS = re.compile(r"[+-]?[0-9]+")
_CENT = Decimal(1).scaleb(-AMOUNT_DECIMAL_PLACES)
# Deeper than any documented body (two levels): what lies below is left out of the record.
JSON_SAFE_MAX_DEPTH = 32
TOO_DEEP = "(nested too deep: left out)"


def clean_text(text: str) -> str:
    """`text` without NUL (PostgreSQL refuses it in text and jsonb) and with any unpaired
    surrogate (JSON's "\\ud800", which UTF-8 cannot encode) replaced by U+FFFD."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    if not text.isascii():
        text = _SURROGATES.sub("\ufffd", text)
    return text


def json_safe(value: Any, _depth: int = 0) -> Any:
    """`value` as plain JSON data that `json.dumps` writes and a JSONField stores.

    A Decimal (a JSON number with a fraction, read by load_json) becomes its text as sent
    ("512.34"); an integer beyond a signed 64-bit, its digits as text; text is clean_text'ed;
    keys become text; tuples become lists; anything nested deeper than JSON_SAFE_MAX_DEPTH is
    replaced by TOO_DEEP; any other object becomes its str(). It runs on every status answer
    of the poll sweep, hence the fast paths for plain text and small integers.
    """
    kind = type(value)
    if kind is str:
        return value if value.isascii() and "\x00" not in value else clean_text(value)
    if kind is dict or kind is list or isinstance(value, Mapping | list | tuple):
        if _depth >= JSON_SAFE_MAX_DEPTH:
            return TOO_DEEP
        if isinstance(value, Mapping):
            safe = {}
            for key, item in value.items():
                if type(key) is not str or not key.isascii() or "\x00" in key:
                    key = clean_text(str(key))
                safe[key] = _safe_item(item, _depth)
            return safe
        return [_safe_item(item, _depth) for item in value]
    if value is None or kind is bool:
        return value
    if isinstance(value, int):
        if _INT_MIN <= value <= BIGINT_MAX:
            return int(value)
        try:
            return str(value)
        except ValueError:  # past Python's int-to-text digit limit
            return f"(an integer of {value.bit_length()} bits)"
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else str(value)
    return clean_text(str(value))


_INT_MIN = -BIGINT_MAX - 1


def _safe_item(item: Any, depth: int) -> Any:
    kind = type(item)
    if kind is str:
        return item if item.isascii() and "\x00" not in item else clean_text(item)
    if item is None or kind is bool or (kind is int and _INT_MIN <= item <= BIGINT_MAX):
        return item
    return json_safe(item, depth + 1)


def fits_amount(amount: Decimal) -> bool:
    """Whether a DecimalField(AMOUNT_MAX_DIGITS, AMOUNT_DECIMAL_PLACES) holds `amount` exactly."""
    if not amount.is_finite():
        return False
    if amount and amount.adjusted() >= AMOUNT_MAX_DIGITS - AMOUNT_DECIMAL_PLACES:
        return False
    try:
        return amount.quantize(_CENT) == amount
    except InvalidOperation:
        return False


_ASCII_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f\\]")


def _has_control_or_space(text: str) -> bool:
    if text.isascii():
        return _ASCII_CONTROL_OR_SPACE.search(text) is not None
    return any(
        char.isspace() or char == "\\" or unicodedata.category(char)[0] == "C" for char in text
    )


def _origin(url: Any) -> tuple[str, str, int | None]:
    default_ports = {"http": 80, "https": 443}
    scheme = (url.scheme or "").lower()
    return scheme, (url.hostname or "").lower(), url.port or default_ports.get(scheme)


def link_problem(value: Any, same_origin_as: str = "") -> str | None:
    """Why `value` is not a payment link to show a customer, or None when it is one.

    A link is an absolute `https:` URL with a host, no user info, no whitespace, control
    characters or backslashes, at most PAYMENT_LINK_MAX_LENGTH characters. `same_origin_as`
    (the provider's base URL) also admits links on exactly that origin whatever its scheme:
    the sandbox on http://127.0.0.1 serves its own payment page.
    """
    if not isinstance(value, str):
        return f"is a {type(value).__name__}, not text"
    if len(value) > PAYMENT_LINK_MAX_LENGTH:
        return f"is {len(value)} characters, over {PAYMENT_LINK_MAX_LENGTH}"
    if _has_control_or_space(value):
        return "holds whitespace, control characters or a backslash"
    try:
        url = urlsplit(value)
        origin = _origin(url)
        own = _origin(urlsplit(same_origin_as)) if same_origin_as else None
    except ValueError:
        return "is not a URL"
    if origin[0] != "https" and origin != own:
        return "is not an https URL"
    if not url.hostname:
        return "has no host"
    if url.username is not None or url.password is not None:
        return "carries user info"
    return None


class AnswerFields:
    """Reads the optional fields of one provider answer about `reference`, for a result.

    Each method takes the field's value as parsed (None when absent) and its name; it answers
    the value fit for its column, or None, and logs a warning for whatever it had to change.
    """

    def __init__(self, provider: str, reference: str):
        self.provider = provider
        self.reference = reference

    def warn(self, field: str, problem: str, value: Any) -> None:
        logger.warning(
            "%s answer for ref=%s: %s %s (%r)",
            self.provider,
            mask_numbers_in(str(self.reference))[:100],
            field,
            problem,
            preview(value),
        )

    def text(self, value: Any, field: str, limit: int) -> str | None:
        """Text at most `limit` characters, NUL-free; a JSON number is read as its digits."""
        if value is None:
            return None
        if isinstance(value, str):
            text = value
        elif isinstance(value, int | Decimal) and not isinstance(value, bool):
            try:
                text = str(value)
            except ValueError:  # an int past Python's digit limit
                text = None
        else:
            text = None
        if text is None:
            self.warn(field, f"is a {type(value).__name__}, not text: dropped", value)
            return None
        cleaned = clean_text(text)
        if cleaned != text:
            self.warn(field, "held NUL or unpaired surrogate characters: removed", value)
        if len(cleaned) > limit:
            self.warn(field, f"is {len(cleaned)} characters: cut to {limit}", value)
            cleaned = cleaned[:limit]
        return cleaned

    def integer(self, value: Any, field: str, maximum: int = BIGINT_MAX) -> int | None:
        """A whole number from 0 to `maximum` (a JSON integer, or its digits as text)."""
        if value is None:
            return None
        number: int | None = None
        too_big = False
        if isinstance(value, bool):
            pass
        elif isinstance(value, int):
            number = value
        elif isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
            digits = value.strip()
            too_big = len(digits.lstrip("+-").lstrip("0")) > len(str(maximum))
            number = None if too_big else int(digits)
        elif isinstance(value, Decimal) and value.is_finite() and value == value.to_integral():
            too_big = value.adjusted() > len(str(maximum))
            number = None if too_big else int(value)
        if number is None and not too_big:
            self.warn(field, "is not a whole number: dropped", value)
            return None
        if too_big or not 0 <= number <= maximum:
            self.warn(field, f"is outside 0..{maximum}: dropped", value)
            return None
        return number

    def amount(self, value: Any, field: str) -> Decimal | None:
        """An amount ("500.00" or a JSON number) a money column holds exactly."""
        if value is None:
            return None
        try:
            amount = to_decimal(value)
        except ValueError:
            self.warn(field, "is not an amount: dropped", value)
            return None
        if not fits_amount(amount):
            places = f"{AMOUNT_MAX_DIGITS} digits, {AMOUNT_DECIMAL_PLACES} decimal places"
            self.warn(field, f"does not fit {places}: dropped", value)
            return None
        return amount

    def moment(self, value: Any, field: str, default_tz: tzinfo) -> datetime | None:
        """An ISO 8601 timestamp that also exists in UTC (what a DateTimeField stores)."""
        try:
            moment = optional_datetime(value, default_tz)
            if moment is not None:
                moment.astimezone(UTC)
        except (ValueError, OverflowError):
            self.warn(field, "is not an ISO 8601 timestamp: dropped", value)
            return None
        return moment

    def mapping(self, value: Any, field: str) -> dict[str, Any]:
        """An object's fields; anything else reads as none."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.warn(field, f"is a {type(value).__name__}, not an object: ignored", value)
            return {}
        return value

    def link(self, value: Any, field: str, same_origin_as: str = "") -> str | None:
        """A payment link to show a customer (see link_problem), or None."""
        if value is None or value == "":
            return None
        problem = link_problem(value, same_origin_as)
        if problem is not None:
            self.warn(field, f"{problem}: dropped", value)
            return None
        return value
