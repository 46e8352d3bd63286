"""The submitter: sends committed, not-yet-sent orders and PayIns to their providers.

A page or API submit only commits the order (`submitting`, debited) or the PayIn
(`creating`) with `last_submit_at` empty: that row is the outbox entry. Each round claims a
batch per provider (SELECT … FOR UPDATE SKIP LOCKED, so workers on any host never share a
row) and marks it sent (`last_submit_at`, and the first status check after
SUBMIT_UNKNOWN_GRACE_SECONDS) in the same transaction. That mark is the lease: a worker
killed before it recorded the answer leaves an order whose outcome is unknown, and the sweep
resolves it by our own reference as for any unknown outcome; it is never claimed again here.
Then the batch goes out over the async client, SUBMIT_CONCURRENCY at a time, and each answer
goes through the lifecycle's rules (orders.lifecycle.following). A provider whose breaker is
open (orders.submission.breaker) gets nothing but the probe; its queue waits.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.utils import timezone

from gateways.base import GatewayError
from orders.cashin.provider import CASHIN_FOLLOWED
from orders.lifecycle.following import Followed, grace
from orders.masking import masked
from orders.payin.provider import PAYIN_FOLLOWED
from orders.polling.sweep import run_coroutine
from orders.submission.breaker import outcome_of, record_submits, take_turn
from orders.submission.health import record_calls

log = logging.getLogger(__name__)
FOLLOWED = (CASHIN_FOLLOWED, PAYIN_FOLLOWED)
IDLE_PAUSE_SECONDS = 0.25  # a new submission is picked up within about this
STOP_CHECK_SECONDS = 0.2
STOP = threading.Event()  # set by a signal handler: every loop here ends soon after


@dataclass
class SubmitReport:
    sent: int = 0
    held: int = 0  # providers skipped because their breaker is open
    interrupted: bool = False

    def summary(self) -> str:
        held = f", {self.held} provider(s) held by the breaker" if self.held else ""
        return f"submitted {self.sent}{held}"


def queued(followed: Followed):
    """Committed and not sent yet: the outbox of one provider."""
    return followed.model.objects.filter(
        status=followed.lifecycle.initial.value, last_submit_at__isnull=True
    )


def submit_once(
    *, batch_size: int | None = None, concurrency: int | None = None, should_stop=STOP.is_set
) -> SubmitReport:
    """One round: claim and send what is queued for each provider whose breaker lets it."""
    report = SubmitReport()
    for followed in FOLLOWED:
        if should_stop():
            break
        _submit_batch(followed, batch_size or settings.SUBMIT_BATCH_SIZE,
                      concurrency or settings.SUBMIT_CONCURRENCY, report, should_stop)  # fmt: skip
    return report


def _submit_batch(followed: Followed, limit: int, concurrency: int, report, should_stop) -> None:
    """Up to `limit` rows, in waves of `concurrency`: each wave is claimed only when it goes
    out, so no claimed row waits behind others long enough to outlive its lease (the grace)
    and be resubmitted by the sweep while still queued here."""
    left = limit
    while left > 0 and not should_stop() and not report.interrupted:
        turn = take_turn(followed.gateway().name)
        if turn == 0:
            report.held += 1
            return
        sent = _submit_wave(followed, min(left, concurrency, turn or left), concurrency,
                            report, should_stop)  # fmt: skip
        if not sent or turn:  # nothing queued, or a probe: one wave only
            return
        left -= sent


def _submit_wave(followed: Followed, size: int, concurrency: int, report, should_stop) -> int:
    gateway = followed.gateway()
    subjects = claim_unsent(followed, size)
    if not subjects:
        return 0
    requests = [followed.request(subject) for subject in subjects]
    timings: dict[str, float] = {}
    answers = run_coroutine(
        lambda: _until_stopped(gateway.submit_many(requests, concurrency, timings), should_stop)
    )
    if answers is None:  # stopping: the claimed rows are resolved by reference later
        report.interrupted = True
        return 0
    for subject in subjects:
        answer = answers.get(followed._reference(subject))
        if answer is None:
            answer = GatewayError(gateway.name, "no answer for this reference")
        try:
            followed.apply_submit_outcome(subject.pk, answer, first_attempt=True)
        except Exception:  # one row's failure must not stop the others; the sweep follows it
            log.exception("submitter: %s %s failed", followed.lifecycle.kind,
                          masked(followed._reference(subject)))  # fmt: skip
    report.sent += len(subjects)
    record_submits(
        gateway.name, [outcome_of(answers.get(followed._reference(s))) for s in subjects]
    )
    record_calls(gateway.name, "submit", answers, timings)
    return len(subjects)


def claim_unsent(followed: Followed, limit: int) -> list:
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            queued(followed)
            .order_by("created_at")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        followed.model.objects.filter(pk__in=ids).update(
            last_submit_at=now, next_check_at=now + grace()
        )
    return list(followed.model.objects.filter(pk__in=ids).order_by("created_at"))


async def _until_stopped(coroutine, should_stop: Callable[[], bool]):
    """The coroutine's result, or None if a stop was asked for first (the sends are cut)."""
    task = asyncio.ensure_future(coroutine)
    while not task.done():
        await asyncio.wait({task}, timeout=STOP_CHECK_SECONDS)
        if not task.done() and await asyncio.to_thread(_stop_asked, should_stop):
            task.cancel()
            return None
    return task.result()


def _stop_asked(should_stop: Callable[[], bool]) -> bool:
    """should_stop() in a thread: qcluster's reads the cluster status through the ORM, which
    Django refuses inside an event loop; the thread's own connection is closed after."""
    try:
        return should_stop()
    finally:
        connections.close_all()


def run_submitter(*, seconds: float | None = None, should_stop=STOP.is_set, **options) -> int:
    """Submit round after round until should_stop() (or `seconds` passed); how many were sent."""
    deadline = None if seconds is None else time.monotonic() + seconds
    sent = 0
    while not should_stop() and (deadline is None or time.monotonic() < deadline):
        close_old_connections()
        try:
            report = submit_once(should_stop=should_stop, **options)
        except Exception:  # a database hiccup: log, pause, go on
            log.exception("submitter: round failed")
            report = SubmitReport()
        sent += report.sent
        if not report.sent:
            _pause(IDLE_PAUSE_SECONDS, should_stop)
    return sent


def _pause(seconds: float, should_stop) -> None:
    end = time.monotonic() + seconds
    while not should_stop() and time.monotonic() < end:
        time.sleep(min(STOP_CHECK_SECONDS, max(0.0, end - time.monotonic())))
