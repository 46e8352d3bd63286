"""Login throttling, per username and per client IP, each on its own counter.

After LOGIN_USER_FAILURE_LIMIT failures for a username (LOGIN_IP_FAILURE_LIMIT for an IP) the
key is held back for 30 s, doubling with each further failure up to LOGIN_MAX_LOCK_SECONDS.
The hold is soft: `may_pass_hold` (panel/security/login.py) lets the right password through
when the second factor also checks out, so failures by someone else cannot lock a user out.
A counter whose last failure is older than LOGIN_MAX_LOCK_SECONDS starts again from zero.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from orders.models import LoginThrottle

FIRST_HOLD_SECONDS = 30
Scope = LoginThrottle.Scope


def _keys(username: str, ip: str) -> list[tuple[str, str]]:
    return [(Scope.USERNAME, username.strip().casefold()[:200]), (Scope.IP, ip)]


def _limit(scope: str) -> int:
    if scope == Scope.USERNAME:
        return settings.LOGIN_USER_FAILURE_LIMIT
    return settings.LOGIN_IP_FAILURE_LIMIT


def hold_seconds(scope: str, failures: int) -> float:
    """How long a key is held back after its `failures`-th failure (0: not held)."""
    over = failures - _limit(scope)
    if over < 0:
        return 0.0
    return min(FIRST_HOLD_SECONDS * 2 ** min(over, 30), settings.LOGIN_MAX_LOCK_SECONDS)


def held_until(username: str, ip: str):
    """The latest time until which this username or this IP is held back, or None."""
    if not settings.LOGIN_THROTTLE_ENABLED:
        return None
    now = timezone.now()
    latest = None
    for scope, key in _keys(username, ip):
        row = LoginThrottle.objects.filter(scope=scope, key=key, locked_until__gt=now).first()
        if row and (latest is None or row.locked_until > latest):
            latest = row.locked_until
    return latest


def record_failure(username: str, ip: str) -> None:
    if not settings.LOGIN_THROTTLE_ENABLED:
        return
    now = timezone.now()
    forget_before = now - timedelta(seconds=settings.LOGIN_MAX_LOCK_SECONDS)
    with transaction.atomic():
        for scope, key in _keys(username, ip):
            row, _created = LoginThrottle.objects.select_for_update().get_or_create(
                scope=scope, key=key, defaults={"last_failure_at": now}
            )
            idle = row.last_failure_at < forget_before
            if idle and (row.locked_until is None or row.locked_until <= now):
                row.failures = 0
            row.failures += 1
            row.last_failure_at = now
            hold = hold_seconds(scope, row.failures)
            row.locked_until = now + timedelta(seconds=hold) if hold else None
            row.save()


def record_success(username: str) -> None:
    """A full login clears its username's counter; the IP's stays (one account of one's own
    must not wash away the failures of a guessing run over others)."""
    scope, key = _keys(username, "")[0]
    LoginThrottle.objects.filter(scope=scope, key=key).delete()
