"""Bring an open order's next check forward while someone is looking at it.

A reseller's live page or an API client asking for an open order calls `check_soon`: one
conditional UPDATE, no provider call in the request; the worker picks the row up within about
POLL_IDLE_SECONDS. At most once per POLL_HURRY_SECONDS per order (its last check must be that
old), and never on a row a sweep has claimed: a claim pushes next_check_at POLL_CLAIM_SECONDS
past the claim, further than any schedule puts it past the last check (POLL_MAX_DELAY), as
long as POLL_CLAIM_SECONDS is the longer (the default).
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone


def check_soon(model, ids) -> int:
    """Make the open rows of `model` among `ids` due now; how many were moved."""
    ids = list(ids)
    if not ids:
        return 0
    now = timezone.now()
    return model.objects.filter(
        pk__in=ids,
        status__in=model.lifecycle.open_values,
        next_check_at__gt=now,
        next_check_at__lte=F("last_checked_at") + timedelta(seconds=settings.POLL_MAX_DELAY),
        last_checked_at__lte=now - timedelta(seconds=settings.POLL_HURRY_SECONDS),
    ).update(next_check_at=now)


def check_soon_if_open(subject) -> None:
    if not subject.is_final:
        check_soon(type(subject), [subject.pk])
