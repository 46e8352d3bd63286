"""The overdue rule: an order still open POLL_DEADLINE_MINUTES after it was created.

Staff's "overdue" filter and the sweep's flag both read it from here.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from orders.lifecycle.declaration import CASHIN
from orders.lifecycle.reasons import Reason
from orders.lifecycle.transition import flag
from orders.models import CashInOrder, StatusChange

FLAG_BATCH = 200  # flagged per sweep at most; the rest wait for the next sweep


def overdue_q(now: datetime | None = None) -> Q:
    cutoff = (now or timezone.now()) - timedelta(minutes=settings.POLL_DEADLINE_MINUTES)
    # A queued order never sent (its provider's breaker is open) is waiting, not overdue.
    return Q(status__in=CASHIN.open_values, created_at__lt=cutoff, last_submit_at__isnull=False)


def flag_overdue_orders(now: datetime) -> int:
    """Flag overdue orders not flagged yet, each with its history row; how many were flagged."""
    ids = list(
        CashInOrder.objects.filter(overdue_q(now), needs_attention=False)
        .order_by("created_at")
        .values_list("pk", flat=True)[:FLAG_BATCH]
    )
    reason = Reason("overdue", {"minutes": f"{settings.POLL_DEADLINE_MINUTES:g}"})
    flagged = 0
    for pk in ids:
        with transaction.atomic():
            order = CashInOrder.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if order and not order.needs_attention and order.status in CASHIN.open_values:
                flagged += flag(order, reason, source=StatusChange.Source.WORKER)
    return flagged
