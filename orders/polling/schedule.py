"""When to ask the provider again: front-loaded, then backing off (README "Polling").

Every POLL_BASE_DELAY s (2) for the first POLL_FAST_SECONDS (120) after the last submit, when
most orders end (bench/status_latency.py); after that the gap grows with the order's age,
POLL_BACKOFF_RATIO of the time past the fast window, never under the base nor over
POLL_MAX_DELAY. A page or API client asking for an open order may bring its next check
forward (orders.polling.hurry).
"""

from datetime import datetime, timedelta

from django.conf import settings


def poll_delay(age_seconds: float) -> float:
    """Seconds until the next check of an order submitted `age_seconds` ago."""
    base, cap = settings.POLL_BASE_DELAY, settings.POLL_MAX_DELAY
    past_window = age_seconds - settings.POLL_FAST_SECONDS
    if past_window <= 0:
        return min(base, cap)
    return min(max(base, past_window * settings.POLL_BACKOFF_RATIO), cap)


def submitted_at(subject) -> datetime:
    return subject.last_submit_at or subject.created_at


def next_check_time(since: datetime | None, now: datetime) -> datetime:
    """The next check of an order submitted at `since` (None: as if just now)."""
    age = (now - since).total_seconds() if since else 0.0
    return now + timedelta(seconds=poll_delay(age))


def note_check(subject, *, error: str, keep_watching: bool, now: datetime) -> None:
    """Record one status check on an order or PayIn and schedule the next one (or none)."""
    subject.last_checked_at = now
    subject.last_error = error[:500]
    subject.next_check_at = next_check_time(submitted_at(subject), now) if keep_watching else None
    subject.check_count += 1
