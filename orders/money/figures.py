"""The money view's figures for one period, in a handful of aggregate queries.

Volume is the orders' amount; provider cost is NICTBD's own `debit_amount` of the successful
orders (CashInOrder.provider_debit_amount); fees and commissions are the ledger's entries of
those kinds. Margin = what resellers paid for successful orders + fees − commissions −
provider cost. Success rate = successful / final orders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate, TruncHour
from django.utils import timezone

from orders.lifecycle.declaration import CASHIN
from orders.localtime import day_start
from orders.models import CashInOrder, LedgerEntry, Reseller

PERIODS = {"today": 1, "7d": 7, "30d": 30}  # days, counted in Asia/Dhaka
FEE_KINDS = ("order_fee", "order_fee_refund")  # added by the rate plans (biz-tree)
COMMISSION_KINDS = ("commission", "commission_reversal")
FINAL = [state.value for state in CASHIN.states if state.final]
ZERO = Decimal("0.00")
TOP_RESELLERS = 10


def money_sum(expression, **extra):
    return Coalesce(Sum(expression, **extra), Value(ZERO), output_field=DecimalField())


@dataclass
class StatusRow:
    status: str
    label: str
    count: int
    volume: Decimal


@dataclass
class Point:
    """One bar of a chart: an hour (today) or a day."""

    start: datetime | date
    orders: int
    final: int
    success: int
    volume: Decimal

    @property
    def success_rate(self) -> float | None:
        return self.success / self.final if self.final else None


@dataclass
class MoneyFigures:
    period: str
    since: datetime
    by_status: list[StatusRow]
    orders: int = 0
    volume: Decimal = ZERO
    success_count: int = 0
    final_count: int = 0
    success_volume: Decimal = ZERO
    paid_by_resellers: Decimal = ZERO
    provider_cost: Decimal = ZERO
    cost_unknown: int = 0  # successful orders whose answer carried no debit_amount
    fees: Decimal = ZERO
    commissions: Decimal = ZERO
    top_resellers: list[dict] = field(default_factory=list)
    series: list[Point] = field(default_factory=list)

    @property
    def success_rate(self) -> Decimal | None:
        if not self.final_count:
            return None
        return (Decimal(100) * self.success_count / self.final_count).quantize(Decimal("0.1"))

    @property
    def margin(self) -> Decimal:
        return self.paid_by_resellers + self.fees - self.commissions - self.provider_cost


def period_start(period: str, today: date | None = None) -> datetime:
    today = today or timezone.localdate()
    return day_start(today - timedelta(days=PERIODS[period] - 1))


def money_figures(period: str, today: date | None = None) -> MoneyFigures:
    since = period_start(period, today)
    orders = CashInOrder.objects.filter(created_at__gte=since)
    grouped = _grouped_by_status(orders)
    figures = MoneyFigures(period, since, [row for row, _ in grouped])
    for row, sums in grouped:
        figures.orders += row.count
        figures.volume += row.volume
        figures.final_count += row.count if row.status in FINAL else 0
        if row.status == "success":
            figures.success_count, figures.success_volume = row.count, row.volume
            figures.paid_by_resellers, figures.provider_cost = sums["paid"], sums["cost"]
            figures.cost_unknown = sums["unknown"]
    figures.fees, figures.commissions = _fees_and_commissions(since)
    figures.top_resellers = _top_resellers(orders)
    days = [since.date() + timedelta(days=n) for n in range(PERIODS[period])]
    figures.series = _series(orders, hourly=period == "today", days=days)
    return figures


def _grouped_by_status(orders) -> list[tuple[StatusRow, dict]]:
    """One scan: count and volume per status, with what successful orders cost and paid."""
    found = {
        row["status"]: row
        for row in orders.values("status").annotate(
            count=Count("id"),
            volume=money_sum("amount"),
            paid=money_sum("debit_amount"),
            cost=money_sum("provider_debit_amount"),
            unknown=Count("id", filter=Q(provider_debit_amount__isnull=True)),
        )
    }
    return [
        (
            StatusRow(
                state.value,
                str(state.label),
                found[state.value]["count"],
                found[state.value]["volume"],
            ),
            found[state.value],
        )  # fmt: skip
        for state in CASHIN.states
        if state.value in found
    ]


def _fees_and_commissions(since: datetime) -> tuple[Decimal, Decimal]:
    """Fees are debits of resellers (negative entries): their negation is the business's."""
    totals = LedgerEntry.objects.filter(created_at__gte=since).aggregate(
        fees=money_sum("amount", filter=Q(kind__in=FEE_KINDS)),
        commissions=money_sum("amount", filter=Q(kind__in=COMMISSION_KINDS)),
    )
    return -totals["fees"] + ZERO, totals["commissions"]


def _top_resellers(orders) -> list[dict]:
    """Grouped by reseller id alone (no join over the period's rows), then named."""
    top = list(
        orders.filter(status="success")
        .values("reseller_id")
        .annotate(count=Count("id"), volume=money_sum("amount"))
        .order_by("-volume", "reseller_id")[:TOP_RESELLERS]
    )
    names = dict(
        Reseller.objects.filter(pk__in=[row["reseller_id"] for row in top]).values_list(
            "pk", "user__username"
        )
    )
    return [{**row, "username": names.get(row["reseller_id"], "")} for row in top]


def _series(orders, *, hourly: bool, days: list[date]) -> list[Point]:
    zone = timezone.get_current_timezone()
    bucket = (
        TruncHour("created_at", tzinfo=zone) if hourly else TruncDate("created_at", tzinfo=zone)
    )
    rows = (
        orders.annotate(bucket=bucket)
        .values("bucket")
        .annotate(
            orders=Count("id"),
            final=Count("id", filter=Q(status__in=FINAL)),
            success=Count("id", filter=Q(status="success")),
            volume=money_sum("amount", filter=Q(status="success")),
        )
        .order_by("bucket")
    )
    found = {row["bucket"]: row for row in rows}
    buckets = _hours_of_today() if hourly else days
    return [_point(start, found.get(start)) for start in buckets]


def _hours_of_today() -> list[datetime]:
    """All 24 hours of today, empty ones too (Dhaka has no DST)."""
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return [midnight + timedelta(hours=h) for h in range(24)]


def _point(start, row) -> Point:
    if row is None:
        return Point(start, 0, 0, 0, ZERO)
    return Point(start, row["orders"], row["final"], row["success"], row["volume"])
