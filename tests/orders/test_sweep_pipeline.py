"""The sweep claims, asks and writes a chunk at a time (orders.polling.pipeline)."""

from django.utils import timezone

from orders.models import CashInOrder
from orders.polling.sweep import sweep_once
from tests.orders.conftest import submit


def _due_orders(reseller, count: int) -> list[CashInOrder]:
    orders = [submit(reseller, 0) for _ in range(count)]
    CashInOrder.objects.filter(pk__in=[o.pk for o in orders]).update(next_check_at=timezone.now())
    return orders


def _checks_at_provider(sandbox, orders) -> dict[str, int]:
    counts = sandbox.status_checks_by_reference()
    return {o.client_reference: counts.get(o.client_reference, 0) for o in orders}


def test_a_sweep_of_many_chunks_asks_about_each_due_order_once(sandbox, reseller):
    orders = _due_orders(reseller, 12)
    before = _checks_at_provider(sandbox, orders)
    counts_before = dict(CashInOrder.objects.values_list("pk", "check_count"))

    report = sweep_once(batch_size=50, concurrency=2)  # chunks of 2, then 6: several rounds

    assert report.orders_checked == 12 and report.errors == 0
    after = _checks_at_provider(sandbox, orders)
    assert all(after[ref] - before[ref] == 1 for ref in before)
    for pk, check_count in CashInOrder.objects.values_list("pk", "check_count"):
        assert check_count == counts_before[pk] + 1


def test_a_sweep_claims_no_more_than_its_batch(sandbox, reseller):
    orders = _due_orders(reseller, 9)
    before = _checks_at_provider(sandbox, orders)

    report = sweep_once(batch_size=5, concurrency=2)

    assert report.orders_checked == 5
    after = _checks_at_provider(sandbox, orders)
    assert sorted(after[ref] - before[ref] for ref in before) == [0] * 4 + [1] * 5
    assert CashInOrder.objects.filter(next_check_at__lte=timezone.now()).count() == 4


def test_a_sweep_with_nothing_due_asks_nothing(sandbox, reseller):
    checks = sandbox.stats()["cashin_status_checks"]

    report = sweep_once(batch_size=5, concurrency=2)

    assert report.checked == 0
    assert sandbox.stats()["cashin_status_checks"] == checks
