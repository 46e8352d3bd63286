"""When to ask the provider again."""

from datetime import datetime, timedelta

from django.conf import settings


def backoff_seconds(check_count: int) -> float:
    """About 5 s, 10 s, 20 s … capped (POLL_BASE_DELAY, POLL_MAX_DELAY)."""
    return min(settings.POLL_BASE_DELAY * (2 ** min(check_count, 20)), settings.POLL_MAX_DELAY)


def next_check_time(check_count: int, now: datetime) -> datetime:
    return now + timedelta(seconds=backoff_seconds(check_count))


def note_check(subject, *, error: str, keep_watching: bool, now: datetime) -> None:
    """Record one status check on an order or PayIn and schedule the next one (or none)."""
    subject.last_checked_at = now
    subject.last_error = error[:500]
    subject.next_check_at = next_check_time(subject.check_count, now) if keep_watching else None
    subject.check_count += 1
