"""The poll sweep: follow every open order and watched PayIn at its provider.

One sweep claims up to a batch of due rows, a chunk (POLL_CONCURRENCY rows) at a time
(SELECT … FOR UPDATE SKIP LOCKED, then pushes their next check forward by POLL_CLAIM_SECONDS,
so two workers never check one row at once and the rows of a killed worker come back after
the claim expires), asks the providers concurrently, and writes the answers a chunk at a time
while the next chunks are at the provider (orders.polling.pipeline): answers that change
nothing are rescheduled with a few bulk UPDATEs, the rest go one by one through the
lifecycle (orders.lifecycle.following), which owns every status and money rule.
"""

import asyncio
import logging
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gateways.base import GatewayError, Status
from orders.cashin.provider import CASHIN_FOLLOWED
from orders.lifecycle.following import ACCEPTED, Followed
from orders.masking import masked
from orders.payin.provider import PAYIN_FOLLOWED
from orders.polling.overdue import flag_overdue_orders
from orders.polling.pipeline import run_pipeline
from orders.polling.schedule import poll_delay

log = logging.getLogger(__name__)
UPDATE_CHUNK = 5000
FOLLOWED = (CASHIN_FOLLOWED, PAYIN_FOLLOWED)
COUNTERS = {"cashin": "orders", "payin": "payins"}  # the report's names


@dataclass
class SweepReport:
    orders_checked: int = 0
    orders_changed: int = 0
    payins_checked: int = 0
    payins_changed: int = 0
    errors: int = 0
    flagged_overdue: int = 0
    seconds: float = 0.0
    error_kinds: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def count(self, subject: str, what: str) -> None:
        name = f"{subject}_{what}"
        setattr(self, name, getattr(self, name) + 1)

    @property
    def checked(self) -> int:
        return self.orders_checked + self.payins_checked

    def summary(self) -> str:
        kinds = ", ".join(f"{k}={v}" for k, v in sorted(self.error_kinds.items()))
        return (
            f"checked {self.orders_checked} orders ({self.orders_changed} changed) and "
            f"{self.payins_checked} payins ({self.payins_changed} changed); "
            f"{self.errors} errors{f' ({kinds})' if kinds else ''}; "
            f"{self.flagged_overdue} newly overdue; {self.seconds:.2f}s"
        )


def sweep_once(*, batch_size: int | None = None, concurrency: int | None = None) -> SweepReport:
    started = time.perf_counter()
    batch_size = batch_size or settings.POLL_BATCH_SIZE
    concurrency = concurrency or settings.POLL_CONCURRENCY
    report = SweepReport()
    now = timezone.now()
    report.flagged_overdue = flag_overdue_orders(now)
    streams = run_pipeline(
        FOLLOWED,
        batch_size=batch_size,
        concurrency=concurrency,
        claim=lambda followed, limit: claim(followed, now, limit),
        apply=lambda followed, rows, answers: apply_answers(followed, rows, answers, report),
    )
    for stream in streams:
        if stream.rows:
            record_checks(stream.followed.gateway().name, stream.calls.result(), stream.timings)
    report.seconds = time.perf_counter() - started
    return report


def run_coroutine(make_coroutine):
    """asyncio.run, also from a thread whose event loop is already running (ASGI, Playwright)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make_coroutine())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make_coroutine())).result()


def claim_due(model, statuses, fields, now: datetime, limit: int) -> list[dict]:
    with transaction.atomic():
        rows = list(
            model.objects.filter(status__in=statuses, next_check_at__lte=now)
            .order_by("next_check_at")
            .select_for_update(skip_locked=True)
            .values(*fields)[:limit]
        )
        lease = now + timedelta(seconds=settings.POLL_CLAIM_SECONDS)
        for chunk in _chunks([row["id"] for row in rows]):
            model.objects.filter(pk__in=chunk).update(next_check_at=lease)
    return rows


def claim(followed: Followed, now: datetime, limit: int) -> list[dict]:
    fields = ("id", followed.reference_field, "status", "check_count", "created_at",
              "last_submit_at", *followed.sweep_compared)  # fmt: skip
    return claim_due(followed.model, followed.lifecycle.watched_values, fields, now, limit)


async def ask_providers(claimed: list[list[dict]], concurrency: int, timings=None) -> list[dict]:
    timings = timings or [None for _ in FOLLOWED]

    async def ask(followed: Followed, rows: list[dict], timed) -> dict:
        references = [row[followed.reference_field] for row in rows]
        if not references:
            return {}
        return await followed.gateway().status_many(references, concurrency, timed)

    return await asyncio.gather(
        *(ask(f, rows, t) for f, rows, t in zip(FOLLOWED, claimed, timings, strict=True))
    )


def record_checks(provider: str, answers: dict, timings: dict) -> None:
    """The provider's health figures (orders.submission.health); never stops a sweep."""
    from orders.submission.breaker import Outcome, outcome_of, record_answered
    from orders.submission.health import record_calls

    if not answers:
        return
    try:
        record_calls(provider, "status", answers, timings)
        if any(outcome_of(a) is Outcome.ANSWERED for a in answers.values()):
            record_answered(provider)
    except Exception:
        log.exception("sweep: recording %s health failed", provider)


def apply_answers(followed: Followed, rows, answers, report: SweepReport) -> None:
    """Unchanged pending answers are rescheduled in bulk; the rest go through the lifecycle."""
    unchanged = defaultdict(list)
    counter = COUNTERS[followed.lifecycle.kind]
    now = timezone.now()
    for row in rows:
        answer = answers.get(row[followed.reference_field])
        report.count(counter, "checked")
        if answer is None or isinstance(answer, GatewayError):
            _count_error(report, answer)
            _safely(followed.note_check_error, row["id"], _as_error(answer))
        elif _unchanged(followed, row, answer):
            unchanged[(row["check_count"], _delay(row, now))].append(row["id"])
        else:
            report.count(counter, "changed")
            _safely(followed.apply_status_answer, row["id"], answer, source="worker")
    reschedule(followed.model, unchanged)


def _unchanged(followed: Followed, row: dict, answer) -> bool:
    """Still pending, and the provider's words are those we have: nothing to write but a check."""
    return (
        row["status"] == ACCEPTED
        and answer.status is Status.PENDING
        and all((getattr(answer, f) or "") == (row[f] or "") for f in followed.sweep_compared)
    )


def _delay(row: dict, now: datetime) -> float:
    """The row's next gap, rounded to whole seconds past the fast window so that a batch
    needs few UPDATEs (one per check count and gap)."""
    since = row["last_submit_at"] or row["created_at"]
    delay = poll_delay((now - since).total_seconds())
    return delay if delay <= settings.POLL_BASE_DELAY else float(round(delay))


def reschedule(model, groups: dict[tuple[int, float], list[int]]) -> None:
    """Count one check on each row and set its next check, a few UPDATEs for a whole batch."""
    now = timezone.now()
    for (check_count, delay), ids in groups.items():
        for chunk in _chunks(ids):
            # A row another worker or a "check now" changed meanwhile is left to that change.
            model.objects.filter(pk__in=chunk, status=ACCEPTED, check_count=check_count).update(
                check_count=check_count + 1,
                last_checked_at=now,
                last_error="",
                next_check_at=now + timedelta(seconds=delay),
            )


def _count_error(report: SweepReport, answer) -> None:
    report.errors += 1
    report.error_kinds[getattr(answer, "kind", "missing")] += 1


def _as_error(answer) -> GatewayError:
    if isinstance(answer, GatewayError):
        return answer
    return GatewayError("sweep", "no answer for this reference")


def _safely(function, *args, **kwargs) -> None:
    """One row's failure must not stop the sweep; the row's claim expires and it comes back."""
    try:
        function(*args, **kwargs)
    except Exception:
        log.exception("sweep: %s%s failed", function.__name__, masked(args))


def _chunks(ids: list[int]):
    for start in range(0, len(ids), UPDATE_CHUNK):
        yield ids[start : start + UPDATE_CHUNK]
