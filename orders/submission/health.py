"""Per-minute call figures per provider operation, and the staff page's summary of them.

One row per (provider, operation, minute), updated once per batch: cheap at any volume. The
gateways know nothing of this; the submitter and the sweep record what the gateways returned.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from orders.models import BreakerChange, ProviderBreaker, ProviderMinute
from orders.models.health import LATENCY_BOUNDS_MS
from orders.submission.breaker import Outcome, breaker_row, outcome_of

HISTORY_SHOWN = 20


def record_calls(provider: str, operation: str, answers: dict, timings: dict[str, float]) -> None:
    """Add one batch's answers ({key: result or GatewayError}) and timings to this minute."""
    outcomes = [outcome_of(answer) for answer in answers.values()]
    counted = [o for o in outcomes if o is not Outcome.IGNORED]
    if not counted:
        return
    errors = sum(1 for o in counted if o is not Outcome.ANSWERED)
    buckets = [0] * (len(LATENCY_BOUNDS_MS) + 1)
    for seconds in timings.values():
        buckets[bisect_left(LATENCY_BOUNDS_MS, seconds * 1000)] += 1
    minute = timezone.now().replace(second=0, microsecond=0)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                row, _ = ProviderMinute.objects.select_for_update().get_or_create(
                    provider=provider, operation=operation, minute=minute
                )
                row.calls += len(counted)
                row.errors += errors
                old = row.latency_buckets or [0] * len(buckets)
                row.latency_buckets = [a + b for a, b in zip(old, buckets, strict=True)]
                row.save()
                return
        except IntegrityError:  # two workers created this minute's row at once: add again
            continue


@dataclass
class ProviderHealth:
    provider: str
    label: str
    breaker: ProviderBreaker
    calls: int
    errors: int
    p50_ms: int | None
    p95_ms: int | None
    queued: int
    history: list[BreakerChange]

    @property
    def error_rate(self) -> float | None:
        return self.errors / self.calls if self.calls else None


def provider_health(
    provider: str, label: str, queue, *, minutes: int = 15, now: datetime | None = None
) -> ProviderHealth:
    since = (now or timezone.now()) - timedelta(minutes=minutes)
    rows = ProviderMinute.objects.filter(provider=provider, minute__gte=since)
    calls = errors = 0
    buckets = [0] * (len(LATENCY_BOUNDS_MS) + 1)
    for row in rows:
        calls += row.calls
        errors += row.errors
        for index, count in enumerate(row.latency_buckets or []):
            if index < len(buckets):
                buckets[index] += count
    history = list(BreakerChange.objects.filter(provider=provider)[:HISTORY_SHOWN])
    return ProviderHealth(
        provider=provider,
        label=label,
        breaker=breaker_row(provider),
        calls=calls,
        errors=errors,
        p50_ms=percentile_ms(buckets, 0.50),
        p95_ms=percentile_ms(buckets, 0.95),
        queued=queue.count(),
        history=history,
    )


def percentile_ms(buckets: list[int], share: float) -> int | None:
    """The upper bound of the bucket holding that share of the calls (None: no calls)."""
    total = sum(buckets)
    if not total:
        return None
    seen = 0
    for index, count in enumerate(buckets):
        seen += count
        if seen >= share * total:
            bounds = LATENCY_BOUNDS_MS
            return bounds[index] if index < len(bounds) else bounds[-1] * 2
    return None


def prune_minutes(*, keep_hours: float = 48) -> int:
    cutoff = timezone.now() - timedelta(hours=keep_hours)
    return ProviderMinute.objects.filter(minute__lt=cutoff).delete()[0]
