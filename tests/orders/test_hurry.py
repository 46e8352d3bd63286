"""An open order someone is looking at gets its next check brought forward, cheaply."""

from datetime import timedelta

from django.utils import timezone

from orders.models import CashInOrder, OrderStatus
from orders.polling.hurry import check_soon
from orders.polling.sweep import claim_due
from tests.factories import CashInOrderFactory


def waiting_order(*, checked_ago: float, due_in: float = 60, **fields) -> CashInOrder:
    now = timezone.now()
    return CashInOrderFactory(
        last_checked_at=now - timedelta(seconds=checked_ago),
        next_check_at=now + timedelta(seconds=due_in),
        **fields,
    )


def due_now(order) -> bool:
    order.refresh_from_db()
    return order.next_check_at <= timezone.now()


def test_asking_for_an_open_order_makes_it_due_now(db):
    order = waiting_order(checked_ago=10)
    assert check_soon(CashInOrder, [order.pk]) == 1
    assert due_now(order)


def test_an_order_checked_under_two_seconds_ago_is_not_hurried(db):
    order = waiting_order(checked_ago=1)
    assert check_soon(CashInOrder, [order.pk]) == 0
    assert not due_now(order)


def test_a_final_order_is_not_hurried(db):
    order = waiting_order(checked_ago=10, status=OrderStatus.SUCCESS)
    assert check_soon(CashInOrder, [order.pk]) == 0


def test_an_order_a_sweep_has_claimed_is_not_hurried(db):
    order = waiting_order(checked_ago=10, due_in=-1)
    claimed = claim_due(CashInOrder, [OrderStatus.PENDING], ("id",), timezone.now(), 10)
    assert [row["id"] for row in claimed] == [order.pk]
    assert check_soon(CashInOrder, [order.pk]) == 0
    assert not due_now(order)
