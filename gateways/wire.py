"""What goes over the wire, as text: JSON with Decimal money, timestamps, masked numbers.

Shared by both providers' parsers and by gateways.http; no HTTP here.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from datetime import datetime, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any

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
            provider_status,
            reference,
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
