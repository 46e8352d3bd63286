"""Keyset cursors, one format for the reseller pages (?after=, ?before=) and the API (?cursor=):
"<microseconds since 1970 UTC>.<id>" of the row a page ends at. Opaque to clients."""

import re
from datetime import UTC, datetime, timedelta

from orders.querystring import parse_id

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def encode_cursor(created_at: datetime, pk: int) -> str:
    micros = (created_at - EPOCH) // timedelta(microseconds=1)
    return f"{micros}.{pk}"


CURSOR_PATTERN = re.compile(r"(-?[0-9]{1,18})\.([0-9]{1,19})")
CURSOR_FIRST, CURSOR_LAST = datetime(2000, 1, 1, tzinfo=UTC), datetime(2101, 1, 1, tzinfo=UTC)


def decode_cursor(raw: str | None) -> tuple[datetime, int] | None:
    """(created_at, id) from a cursor; None (the first page) for anything else, such as a
    time outside 2000..2100 or an id past a signed 64-bit integer."""
    match = CURSOR_PATTERN.fullmatch(raw or "")
    if not match or parse_id(match[2]) is None:
        return None
    try:
        at = EPOCH + timedelta(microseconds=int(match[1]))
    except OverflowError:
        return None
    if not CURSOR_FIRST <= at <= CURSOR_LAST:
        return None
    return at, int(match[2])
