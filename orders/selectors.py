"""Reads for the reseller pages: every query is scoped to one reseller.

Lists use keyset pagination on (created_at, id), newest first, so a page costs the same on the
millionth row as on the first and no COUNT(*) is ever run.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from orders.cursors import decode_cursor, encode_cursor
from orders.errors import InvalidReceiver
from orders.lifecycle.declaration import CASHIN
from orders.lifecycle.reasons import render
from orders.localtime import day_start
from orders.models import CashInOrder, LedgerEntry, PayIn, Reseller
from orders.numbers import normalize_mobile_number
from orders.querystring import parse_ids

PAGE_SIZE = 50
STATUS_ORDER = {status: i for i, status in enumerate(CASHIN.values)}
LIVE_LIMIT = 100  # ids one live-status request may ask about


# --- Keyset pagination -----------------------------------------------------------------------


@dataclass
class Page:
    rows: list
    next_cursor: str | None = None  # older rows
    prev_cursor: str | None = None  # newer rows
    extra: dict = field(default_factory=dict)


def keyset_page(
    queryset: QuerySet, *, after: str | None, before: str | None, size: int = PAGE_SIZE
) -> Page:
    """One page newest first; `after` walks to older rows, `before` back to newer ones.

    The plain `created_at <= t` bound is what lets the database seek in the (reseller,
    created_at, id) index; the OR beside it only settles ties on equal timestamps."""
    if cursor := decode_cursor(before):
        at, pk = cursor
        newer = Q(created_at__gte=at) & (Q(created_at__gt=at) | Q(id__gt=pk))
        rows = list(queryset.filter(newer).order_by("created_at", "id")[: size + 1])
        has_more = len(rows) > size
        rows = rows[:size][::-1]
        return Page(rows, _cursor(rows, -1), _cursor(rows, 0) if has_more else None)
    query = queryset.order_by("-created_at", "-id")
    if cursor := decode_cursor(after):
        at, pk = cursor
        query = query.filter(Q(created_at__lte=at) & (Q(created_at__lt=at) | Q(id__lt=pk)))
    rows = list(query[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    return Page(rows, _cursor(rows, -1) if has_more else None, _cursor(rows, 0) if after else None)


def _cursor(rows: list, index: int) -> str | None:
    return encode_cursor(rows[index].created_at, rows[index].pk) if rows else None


# --- Dates -----------------------------------------------------------------------------------


def in_days(queryset: QuerySet, date_from: date | None, date_to: date | None) -> QuerySet:
    if date_from:
        queryset = queryset.filter(created_at__gte=day_start(date_from))
    if date_to:
        queryset = queryset.filter(created_at__lt=day_start(date_to + timedelta(days=1)))
    return queryset


# --- Cash In orders --------------------------------------------------------------------------


def order_list(
    *,
    reseller: Reseller,
    status: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    search: str = "",
) -> QuerySet:
    orders = in_days(CashInOrder.objects.filter(reseller=reseller), date_from, date_to)
    if status:
        orders = orders.filter(status=status)
    if search := search.strip():
        orders = orders.filter(_search(search))
    return orders


def _search(text: str) -> Q:
    match = Q(client_reference=text) | Q(order_number=text)
    try:
        return match | Q(receiver_number=normalize_mobile_number(text))
    except InvalidReceiver:
        return match


def order_for_reseller(*, reseller: Reseller, pk: int) -> CashInOrder:
    """The reseller's own order, or 404 (another reseller's order does not exist for them)."""
    return get_object_or_404(CashInOrder, pk=pk, reseller=reseller)


def live_ids(raw: str) -> list[int]:
    """The ids of a live-status request (?ids=1,2,3): ASCII ids only, at most LIVE_LIMIT."""
    return parse_ids(raw, LIVE_LIMIT)


def order_statuses(*, reseller: Reseller, ids: list[int]) -> list[CashInOrder]:
    return list(
        CashInOrder.objects.filter(reseller=reseller, pk__in=ids[:LIVE_LIMIT]).only(
            "id", "status", "provider_status", "order_number", "completed_at"
        )
    )


ORDER_EXPORT_FIELDS = ("created_at", "client_reference", "order_number", "receiver_number",
                       "amount", "status", "provider_status", "operator_transaction_id",
                       "failure_reason", "refund_order_number", "completed_at")  # fmt: skip


REASON_FIELDS = ("failure_code", "failure_params", "provider_failure_reason")


def orders_for_export(queryset: QuerySet) -> Iterator[dict]:
    """Plain rows (no model instances: several times faster for a large export); the failure
    reason rendered in the reader's language."""
    stored = [f for f in ORDER_EXPORT_FIELDS if f != "failure_reason"] + list(REASON_FIELDS)
    rows = queryset.order_by("-created_at", "-id").values(*stored)
    for row in rows.iterator(chunk_size=2000):
        code, params, text = (row.pop(f) for f in REASON_FIELDS)
        row["failure_reason"] = render(code, params) if code else text
        yield row


@dataclass(frozen=True)
class StatusTotal:
    status: str
    label: str
    count: int
    total: Decimal


def dashboard(*, reseller: Reseller, recent: int = 10) -> dict:
    """Today's (Asia/Dhaka) totals by status, orders needing a look, the latest orders."""
    mine = CashInOrder.objects.filter(reseller=reseller)
    today = mine.filter(created_at__gte=day_start(timezone.localdate()))
    rows = today.values("status").annotate(count=Count("id"), total=Sum("amount"))
    totals = [
        StatusTotal(row["status"], CASHIN[row["status"]].label, row["count"], row["total"])
        for row in sorted(rows, key=lambda row: STATUS_ORDER.get(row["status"], 99))
    ]
    return {
        "today_totals": totals,
        "today_count": sum(t.count for t in totals),
        "today_sum": sum((t.total for t in totals), Decimal("0")),
        "attention": _attention(mine, recent),
        "recent": list(mine.order_by("-created_at", "-id")[:recent]),
    }


def _attention(mine: QuerySet, limit: int) -> list[CashInOrder]:
    """Open or flagged orders: one small query per open status (each one seek in the
    (reseller, status, created_at) index) and one for flagged ones. A single OR or IN query
    may scan every order of a reseller who has none open."""
    newest = ("-created_at", "-id")
    found = [mine.filter(needs_attention=True).order_by(*newest)[:limit]]
    found += [mine.filter(status=s).order_by(*newest)[:limit] for s in CASHIN.open_values]
    unique = {order.pk: order for orders in found for order in orders}
    return sorted(unique.values(), key=lambda o: (o.created_at, o.pk), reverse=True)[:limit]


# --- Wallet ----------------------------------------------------------------------------------


def ledger_list(
    *, reseller: Reseller, date_from: date | None = None, date_to: date | None = None
) -> QuerySet:
    entries = LedgerEntry.objects.filter(reseller=reseller).select_related("order", "payin")
    return in_days(entries, date_from, date_to)


def ledger_for_export(queryset: QuerySet) -> Iterator[LedgerEntry]:
    return queryset.order_by("-created_at", "-id").iterator(chunk_size=2000)


# --- PayIns ----------------------------------------------------------------------------------


def payin_list(*, reseller: Reseller) -> QuerySet:
    return PayIn.objects.filter(reseller=reseller)


def payin_for_reseller(*, reseller: Reseller, pk: int) -> PayIn:
    return get_object_or_404(PayIn, pk=pk, reseller=reseller)
