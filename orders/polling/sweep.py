"""The poll sweep: follow every open order and watched PayIn at its provider.

One sweep claims a batch of due rows (SELECT … FOR UPDATE SKIP LOCKED, then pushes their
next check forward by POLL_CLAIM_SECONDS, so two workers never check one row at once and the
rows of a killed worker come back after the claim expires), asks the providers concurrently,
then writes: answers that change nothing are rescheduled with a few bulk UPDATEs, the rest go
one by one through the lifecycle (orders.lifecycle.following), which owns every status and
money rule.
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

from gateways.base import CashInResult, GatewayError, PayInResult, Status
from gateways.registry import get_cashin_gateway, get_payin_gateway
from orders.cashin.provider import cashin_apply_result, cashin_note_check_error
from orders.lifecycle.declaration import CASHIN, PAYIN
from orders.models import CashInOrder, PayIn
from orders.payin.provider import payin_apply_result, payin_note_check_error
from orders.polling.overdue import flag_overdue_orders
from orders.polling.schedule import next_check_time

log = logging.getLogger(__name__)
UPDATE_CHUNK = 5000
ORDER_FIELDS = ("id", "client_reference", "status", "provider_status", "job_status",
                "transaction_status", "check_count")  # fmt: skip
PAYIN_FIELDS = ("id", "external_id", "status", "provider_status", "check_count")


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
    orders = claim_due(CashInOrder, CASHIN.watched_values, ORDER_FIELDS, now, batch_size)
    payin_rows = claim_due(PayIn, PAYIN.watched_values, PAYIN_FIELDS, now, batch_size)
    order_answers, payin_answers = run_coroutine(
        lambda: _ask_providers(orders, payin_rows, concurrency)
    )
    apply_order_answers(orders, order_answers, report)
    apply_payin_answers(payin_rows, payin_answers, report)
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


async def _ask_providers(orders, payin_rows, concurrency):
    async def none():
        return {}

    order_refs = [row["client_reference"] for row in orders]
    payin_refs = [row["external_id"] for row in payin_rows]
    return await asyncio.gather(
        get_cashin_gateway().status_many(order_refs, concurrency) if order_refs else none(),
        get_payin_gateway().status_many(payin_refs, concurrency) if payin_refs else none(),
    )


def apply_order_answers(rows, answers, report: SweepReport) -> None:
    unchanged = defaultdict(list)
    for row in rows:
        answer = answers.get(row["client_reference"])
        report.orders_checked += 1
        if isinstance(answer, CashInResult) and _order_unchanged(row, answer):
            unchanged[(row["check_count"], "")].append(row["id"])
        elif isinstance(answer, CashInResult):
            report.orders_changed += 1
            _safely(cashin_apply_result, order_id=row["id"], result=answer, source="worker")
        else:
            _count_error(report, answer)
            _safely(cashin_note_check_error, order_id=row["id"], error=_as_error(answer))
    reschedule(CashInOrder, unchanged)


def apply_payin_answers(rows, answers, report: SweepReport) -> None:
    unchanged = defaultdict(list)
    for row in rows:
        answer = answers.get(row["external_id"])
        report.payins_checked += 1
        if isinstance(answer, PayInResult) and _payin_unchanged(row, answer):
            unchanged[(row["check_count"], "")].append(row["id"])
        elif isinstance(answer, PayInResult):
            report.payins_changed += 1
            _safely(payin_apply_result, payin_id=row["id"], result=answer, source="worker")
        else:
            _count_error(report, answer)
            _safely(payin_note_check_error, payin_id=row["id"], error=_as_error(answer))
    reschedule(PayIn, unchanged)


def _order_unchanged(row: dict, answer: CashInResult) -> bool:
    return (
        row["status"] == "pending"
        and answer.status is Status.PENDING
        and (answer.provider_status, answer.job_status or "", answer.transaction_status or "")
        == (row["provider_status"], row["job_status"], row["transaction_status"])
    )


def _payin_unchanged(row: dict, answer: PayInResult) -> bool:
    # Only a PENDING payin that is still pending takes the bulk path; others go to services.
    return (
        row["status"] == "pending"
        and answer.status is Status.PENDING
        and answer.provider_status == row["provider_status"]
    )


def reschedule(model, groups: dict[tuple[int, str], list[int]]) -> None:
    """Count one check on each row and set its next check, a few UPDATEs for a whole batch."""
    now = timezone.now()
    for (check_count, error), ids in groups.items():
        for chunk in _chunks(ids):
            model.objects.filter(pk__in=chunk).update(
                check_count=check_count + 1,
                last_checked_at=now,
                last_error=error,
                next_check_at=next_check_time(check_count, now),
            )


def _count_error(report: SweepReport, answer) -> None:
    report.errors += 1
    report.error_kinds[getattr(answer, "kind", "missing")] += 1


def _as_error(answer) -> GatewayError:
    if isinstance(answer, GatewayError):
        return answer
    return GatewayError("sweep", "no answer for this reference")


def _safely(function, **kwargs) -> None:
    """One row's failure must not stop the sweep; the row's claim expires and it comes back."""
    try:
        function(**kwargs)
    except Exception:
        log.exception("sweep: %s(%s) failed", function.__name__, kwargs)


def _chunks(ids: list[int]):
    for start in range(0, len(ids), UPDATE_CHUNK):
        yield ids[start : start + UPDATE_CHUNK]
