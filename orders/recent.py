"""What the shop counter needs from a reseller's recent orders: the numbers it sent to lately,
and an earlier order the one on screen repeats."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from orders.models import CashInOrder, OrderStatus, Reseller

RECENT_RECEIVERS = 6
RECENT_ORDERS_SCANNED = 100
REPEAT_WINDOW = timedelta(minutes=10)
# A failed or refunded order moved no money: sending it again is the point, not a mistake.
NO_MONEY_SENT = (OrderStatus.FAILED, OrderStatus.REFUNDED)


def recent_receivers(*, reseller: Reseller, limit: int = RECENT_RECEIVERS) -> list[str]:
    """The reseller's last receiver numbers, newest first, each once."""
    numbers = (
        CashInOrder.objects.filter(reseller=reseller)
        .order_by("-created_at", "-id")
        .values_list("receiver_number", flat=True)[:RECENT_ORDERS_SCANNED]
    )
    return list(dict.fromkeys(numbers))[:limit]


def earlier_same_order(
    *,
    reseller: Reseller,
    receiver_number: str,
    amount: Decimal,
    client_reference: str = "",
    within: timedelta = REPEAT_WINDOW,
) -> CashInOrder | None:
    """The latest order to the same receiver for the same amount in the last `within`, other
    than the one under `client_reference` (a repeated post of one confirmation is not a
    repeat), that may have moved money."""
    return (
        CashInOrder.objects.filter(
            reseller=reseller,
            receiver_number=receiver_number,
            amount=amount,
            created_at__gte=timezone.now() - within,
        )
        .exclude(status__in=NO_MONEY_SENT)
        .exclude(client_reference=client_reference)
        .order_by("-created_at", "-id")
        .first()
    )


def grouped_number(number: str) -> str:
    """01712345678 as 017 1234 5678, easy to read aloud and compare at the counter."""
    if len(number) == 11 and number.isdigit():
        return f"{number[:3]} {number[3:7]} {number[7:]}"
    return number
