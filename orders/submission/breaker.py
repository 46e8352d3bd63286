"""A circuit breaker per provider, its state in the database so every worker shares it.

closed: submissions go out. After BREAKER_FAILURES outcome-unknown (or never-sent) submits in a
row, or an error share of at least BREAKER_ERROR_RATE over BREAKER_MIN_CALLS calls in one
BREAKER_WINDOW_SECONDS window, it opens: new submissions wait in the queue (still
`submitting` / `creating`, debited, not failed). After BREAKER_COOLDOWN_SECONDS one worker
takes the probe (half open) and sends one queued submission; an answer closes the breaker,
none opens it again for another cool-down. Any answer from the provider closes it.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from gateways.base import ConfigurationError, GatewayError, NotSentError, OutcomeUnknownError
from orders.models import BreakerChange, ProviderBreaker

State = ProviderBreaker.State
BANNER_CACHE_KEY = "provider-breakers-open"
BANNER_CACHE_SECONDS = 5


class Outcome(enum.StrEnum):
    ANSWERED = "answered"  # the provider answered (accepted, refused, not found)
    UNKNOWN = "unknown"  # timeout, 5xx, an undocumented body: no usable answer
    NOT_SENT = "not_sent"  # the request never reached it (connection refused)
    IGNORED = "ignored"  # our configuration, not the provider's health


def outcome_of(answer) -> Outcome:
    if isinstance(answer, ConfigurationError):
        return Outcome.IGNORED
    if isinstance(answer, NotSentError):
        return Outcome.NOT_SENT
    if isinstance(answer, OutcomeUnknownError) or type(answer) is GatewayError:
        return Outcome.UNKNOWN
    return Outcome.ANSWERED  # a result, a refusal (4xx), a 404


def breaker_row(provider: str) -> ProviderBreaker:
    try:
        return ProviderBreaker.objects.get_or_create(provider=provider)[0]
    except IntegrityError:  # another worker created it at the same moment
        return ProviderBreaker.objects.get(provider=provider)


def take_turn(provider: str, now: datetime | None = None) -> int | None:
    """How many submissions this worker may send now: None (no limit), 1 (the probe) or 0."""
    now = now or timezone.now()
    row = breaker_row(provider)
    if row.state == State.CLOSED:
        return None
    if row.probe_at and row.probe_at > now:
        return 0
    # The guarded update lets one worker of many take the probe.
    taken = ProviderBreaker.objects.filter(
        pk=row.pk, state=row.state, probe_at=row.probe_at
    ).update(state=State.HALF_OPEN, probe_at=now + cooldown(), changed_at=now)
    if taken != 1:
        return 0
    if row.state != State.HALF_OPEN:
        _history(provider, row.state, State.HALF_OPEN, "cool-down over: one probe")
    return 1


def record_submits(provider: str, outcomes: list[Outcome]) -> str:
    """Count submit outcomes (in the order they came) and move the breaker; its new state."""
    outcomes = [o for o in outcomes if o is not Outcome.IGNORED]
    if not outcomes:
        return breaker_row(provider).state
    now = timezone.now()
    breaker_row(provider)
    with transaction.atomic():
        row = ProviderBreaker.objects.select_for_update().get(provider=provider)
        before = row.state
        _roll_window(row, now)
        answered = False
        for outcome in outcomes:
            row.window_calls += 1
            if outcome is Outcome.ANSWERED:
                answered = True
                row.consecutive_unknown = 0
                row.last_success_at = now
            else:
                row.window_errors += 1
                row.consecutive_unknown += 1
        reason = _next_state(row, answered, now)
        row.save()
        if row.state != before:
            _history(provider, before, row.state, reason)
            cache.delete(BANNER_CACHE_KEY)
    return row.state


def record_answered(provider: str) -> None:
    """A status check answered: the provider is there (its last success, for staff)."""
    ProviderBreaker.objects.filter(provider=provider).update(last_success_at=timezone.now())


def _next_state(row: ProviderBreaker, answered: bool, now: datetime) -> str:
    if answered and row.state != State.CLOSED:
        row.state, row.probe_at, row.changed_at = State.CLOSED, None, now
        row.window_started_at, row.window_calls, row.window_errors = now, 0, 0
        return "the provider answered"
    if row.state == State.HALF_OPEN and not answered:
        row.state, row.probe_at, row.changed_at = State.OPEN, now + cooldown(), now
        return "the probe got no answer"
    if row.state != State.CLOSED:
        return ""
    if row.consecutive_unknown >= settings.BREAKER_FAILURES:
        reason = f"{row.consecutive_unknown} submits in a row without an answer"
    elif (
        row.window_calls >= settings.BREAKER_MIN_CALLS
        and row.window_errors >= settings.BREAKER_ERROR_RATE * row.window_calls
    ):
        reason = f"{row.window_errors} of {row.window_calls} submits failed"
    else:
        return ""
    row.state, row.probe_at, row.changed_at = State.OPEN, now + cooldown(), now
    return reason


def _roll_window(row: ProviderBreaker, now: datetime) -> None:
    window = timedelta(seconds=settings.BREAKER_WINDOW_SECONDS)
    if row.window_started_at is None or now - row.window_started_at >= window:
        row.window_started_at, row.window_calls, row.window_errors = now, 0, 0


def _history(provider: str, before: str, after: str, reason: str) -> None:
    BreakerChange.objects.create(
        provider=provider, from_state=before, to_state=after, reason=reason[:200]
    )


def cooldown() -> timedelta:
    return timedelta(seconds=settings.BREAKER_COOLDOWN_SECONDS)


def open_providers() -> set[str]:
    """Providers whose breaker is not closed, cached briefly (the banner on every page)."""
    found = cache.get(BANNER_CACHE_KEY)
    if found is None:
        found = list(
            ProviderBreaker.objects.exclude(state=State.CLOSED).values_list("provider", flat=True)
        )
        cache.set(BANNER_CACHE_KEY, found, BANNER_CACHE_SECONDS)
    return set(found)
