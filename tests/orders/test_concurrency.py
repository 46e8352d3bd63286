"""Races between requests, sweeps and workers: money moves exactly once (PostgreSQL)."""

import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connections

from orders.cashin.provider import cashin_apply_result
from orders.cashin.submit import cashin_submit
from orders.errors import InsufficientBalance
from orders.models import CashInOrder, LedgerEntry, OrderStatus, Reseller
from orders.polling.sweep import sweep_once
from orders.tasks import check_order_task
from tests.factories import ResellerFactory
from tests.orders.conftest import (
    assert_ledger_consistent,
    entries,
    needs_postgres,
    order_status,
    send_submissions,
)
from tests.processes import start_manage

pytestmark = [needs_postgres, pytest.mark.django_db(transaction=True)]


def run_at_once(count: int, work):
    """Run work(i) in `count` threads released together; each thread closes its connection."""

    def one(i):
        try:
            return work(i)
        except Exception as error:  # noqa: BLE001 - the test inspects what each call raised
            return error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


def test_50_concurrent_submissions_never_overdraw_the_wallet(sandbox):
    reseller = ResellerFactory(
        balance=Decimal("100000"), max_amount=Decimal("10000"), daily_limit=Decimal("1000000")
    )

    results = run_at_once(
        50,
        lambda i: (
            cashin_submit(reseller=reseller, receiver_number="01712345670", amount="10000").order
        ),
    )

    accepted = [r for r in results if isinstance(r, CashInOrder)]
    refused = [r for r in results if isinstance(r, InsufficientBalance)]
    assert (len(accepted), len(refused)) == (10, 40)
    assert Reseller.objects.get(pk=reseller.pk).balance == Decimal("0.00")
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.ORDER_DEBIT).count() == 10
    assert_ledger_consistent(reseller.pk)


def test_one_reference_submitted_20_times_at_once_is_one_order(sandbox):
    reseller = ResellerFactory(balance=Decimal("10000"))

    results = run_at_once(
        20,
        lambda i: cashin_submit(
            reseller=reseller,
            receiver_number="01712345670",
            amount="500",
            client_reference="SAME-REF-1",
        ),
    )

    send_submissions()
    assert all(not isinstance(r, Exception) for r in results), results
    assert sum(r.created for r in results) == 1
    assert CashInOrder.objects.count() == 1
    assert entries(CashInOrder.objects.get(), LedgerEntry.Kind.ORDER_DEBIT) == 1
    assert sandbox.stats()["cashin_submits"] == {"SAME-REF-1": 1}
    assert Reseller.objects.get(pk=reseller.pk).balance == Decimal("9500.00")


def test_failed_order_finalised_by_10_sweeps_and_a_redelivered_task_refunds_once(sandbox, settings):
    settings.POLL_BASE_DELAY = 0
    reseller = ResellerFactory(balance=Decimal("1000"))
    order = cashin_submit(reseller=reseller, receiver_number="01712345671", amount="500").order
    time.sleep(0.8)  # the sandbox's failure is final now
    send_submissions()
    order.refresh_from_db()
    failed = sandbox.force(order.client_reference, "failed")
    assert failed["data"]["status"] == "failed"

    run_at_once(10, lambda i: sweep_once())
    run_at_once(10, lambda i: check_order_task(order.pk))  # a task delivered again and again

    assert order_status(order) == OrderStatus.FAILED
    assert entries(order, LedgerEntry.Kind.ORDER_REFUND) == 1
    assert Reseller.objects.get(pk=reseller.pk).balance == Decimal("1000.00")


def test_concurrent_applications_of_one_failure_refund_once(sandbox):
    from gateways.registry import get_cashin_gateway

    reseller = ResellerFactory(balance=Decimal("1000"))
    order = cashin_submit(reseller=reseller, receiver_number="01712345671", amount="500").order
    send_submissions()
    order.refresh_from_db()
    sandbox.force(order.client_reference, "failed")
    result = get_cashin_gateway().status_by_reference(order.client_reference)

    run_at_once(
        10, lambda i: cashin_apply_result(order_id=order.pk, result=result, source="worker")
    )

    assert entries(order, LedgerEntry.Kind.ORDER_REFUND) == 1
    assert_ledger_consistent(reseller.pk)


def test_two_sweeps_never_check_one_order_at_once(sandbox, settings):
    settings.POLL_BASE_DELAY = 0
    reseller = ResellerFactory(balance=Decimal("10000"))
    for _ in range(6):
        cashin_submit(reseller=reseller, receiver_number="01712345673", amount="500")
    CashInOrder.objects.update(next_check_at=CashInOrder.objects.first().created_at)
    checks_before = sandbox.stats()["cashin_status_checks"]
    sandbox.configure(latency_ms=300)

    reports = run_at_once(4, lambda i: sweep_once())

    assert sum(r.orders_checked for r in reports) == 6
    assert sandbox.stats()["cashin_status_checks"] - checks_before == 6


def test_a_worker_killed_mid_sweep_loses_nothing(sandbox, settings):
    reseller = ResellerFactory(balance=Decimal("10000"))
    orders = [
        cashin_submit(reseller=reseller, receiver_number=f"0171234567{d}", amount="500").order
        for d in (0, 1, 2)
    ]
    send_submissions()
    time.sleep(0.8)
    CashInOrder.objects.update(next_check_at=orders[0].created_at)
    sandbox.configure(latency_ms=5000)  # the sweep is waiting on the provider when killed

    worker = start_poll_once(sandbox.url, claim_seconds=1)
    wait_until_claimed(orders)
    worker.send_signal(signal.SIGKILL)
    worker.wait(10)

    sandbox.configure(latency_ms=0)
    settings.POLL_BASE_DELAY = 0
    time.sleep(1.1)  # the dead worker's claim runs out
    sweep_once()

    statuses = sorted(CashInOrder.objects.values_list("status", flat=True))
    assert statuses == ["failed", "refunded", "success"]
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.ORDER_REFUND).count() == 2
    assert_ledger_consistent(reseller.pk)


def start_poll_once(provider_url: str, claim_seconds: float) -> subprocess.Popen:
    return start_manage(
        "poll_orders",
        "--once",
        NICTBD_BASE_URL=provider_url,
        TRUSTEDPAY_BASE_URL=provider_url,
        POLL_CLAIM_SECONDS=str(claim_seconds),
    )


def wait_until_claimed(orders, timeout=15.0):
    deadline = time.monotonic() + timeout
    first_due = orders[0].created_at
    while time.monotonic() < deadline:
        if not CashInOrder.objects.filter(next_check_at=first_due).exists():
            return
        time.sleep(0.05)
    raise AssertionError("the worker never claimed the orders")
