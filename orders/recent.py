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
    found = earlier_same_orders(
        reseller=reseller, pairs={(receiver_number, amount)}, own_references={client_reference},
        within=within,
    )  # fmt: skip
    return found.get((receiver_number, amount))


def earlier_same_orders(
    *, reseller: Reseller, pairs: set, own_references: set, within: timedelta = REPEAT_WINDOW
) -> dict[tuple[str, Decimal], CashInOrder]:
    """For each (receiver, amount) in `pairs`, the latest order that repeats it in the sense of
    earlier_same_order, leaving out the orders under `own_references`."""
    orders = (
        CashInOrder.objects.filter(
            reseller=reseller,
            receiver_number__in={receiver for receiver, _amount in pairs},
            created_at__gte=timezone.now() - within,
        )
        .exclude(status__in=NO_MONEY_SENT)
        .exclude(client_reference__in=own_references)
        .order_by("created_at", "id")  # the latest last, so it wins below
    )
    found = {(order.receiver_number, order.amount): order for order in orders}
    return {pair: order for pair, order in found.items() if pair in pairs}


def grouped_number(number: str) -> str:
    """01712345678 as 017 1234 5678, easy to read aloud and compare at the counter."""
    if len(number) == 11 and number.isdigit():
        return f"{number[:3]} {number[3:7]} {number[7:]}"
    return number
