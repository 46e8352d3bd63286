"""The poll sweep follows orders to a final status; faults never move money."""

from decimal import Decimal

import pytest

from orders.cashin.provider import cashin_check_now
from orders.models import CashInOrder, LedgerEntry, OrderStatus
from orders.polling.schedule import poll_delay
from orders.polling.sweep import sweep_once
from tests.factories import CashInOrderFactory
from tests.orders.conftest import (
    assert_ledger_consistent,
    balance,
    entries,
    order_status,
    submit,
    sweep_until,
)

REFUND = LedgerEntry.Kind.ORDER_REFUND


def test_successful_order_completes_and_keeps_the_debit(sandbox, reseller, fast_polling):
    order = submit(reseller, 0)

    sweep_until(lambda: order_status(order) == OrderStatus.SUCCESS)

    order.refresh_from_db()
    assert order.provider_status == "successfull"
    assert order.operator_transaction_id
    assert order.completed_at and order.next_check_at is None
    assert balance(reseller) == Decimal("9500.00")
    assert entries(order, REFUND) == 0
    statuses = list(order.history.values_list("provider_status", flat=True))
    assert statuses[-1] == "successfull"
    assert "awaiting_sms" in statuses or "processing" in statuses


def test_failed_and_refunded_orders_credit_back_once(sandbox, reseller, fast_polling):
    failed, refunded = submit(reseller, 1), submit(reseller, 2)

    sweep_until(lambda: order_status(failed) == "failed" and order_status(refunded) == "refunded")
    for _ in range(3):
        cashin_check_now(order_id=failed.pk)  # redelivered checks change nothing
        sweep_once()

    assert entries(failed, REFUND) == 1 and entries(refunded, REFUND) == 1
    refunded.refresh_from_db()
    assert refunded.refund_order_number.startswith("REFUND-")
    assert balance(reseller) == Decimal("10000.00")
    assert_ledger_consistent(reseller.pk)


def test_provider_errors_are_retried_and_move_no_money(sandbox, reseller, fast_polling):
    order = submit(reseller, 1)
    checks_before = order.check_count
    sandbox.configure(error_rate=1.0)
    for fault in ({"html_errors": True}, {"html_errors": False}):
        sandbox.configure(**fault)
        report = sweep_once()
        assert report.errors == 1
    sandbox.configure(error_rate=0.0, malformed_rate=1.0)
    sweep_once()

    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    assert order.check_count == checks_before + 3
    assert order.last_error
    assert entries(order, REFUND) == 0

    sandbox.configure(malformed_rate=0.0)
    sweep_until(lambda: order_status(order) == OrderStatus.FAILED)
    assert entries(order, REFUND) == 1


def test_status_500s_then_success(sandbox, reseller, fast_polling):
    order = submit(reseller, 5)

    sweep_until(lambda: order_status(order) == OrderStatus.SUCCESS)

    assert entries(order, REFUND) == 0


def test_timed_out_submit_is_adopted_by_reference_never_resubmitted(
    sandbox, reseller, fast_polling
):
    order = submit(reseller, 4)
    assert order.status == OrderStatus.SUBMIT_UNKNOWN

    sweep_until(lambda: order_status(order) == OrderStatus.SUCCESS)

    order.refresh_from_db()
    assert order.order_number.startswith("NICT-")
    assert sandbox.stats()["cashin_submits"] == {order.client_reference: 1}
    assert entries(order, REFUND) == 0


def test_lost_submit_is_resubmitted_under_the_same_reference(sandbox, reseller, fast_polling):
    order = submit(reseller, 6)  # the provider answers 500 and creates nothing
    assert order.status == OrderStatus.SUBMIT_UNKNOWN

    sweep_until(lambda: order_status(order) == OrderStatus.SUCCESS)

    order.refresh_from_db()
    assert order.resubmit_count == 1
    assert sandbox.stats()["cashin_submits"] == {order.client_reference: 2}
    assert CashInOrder.objects.count() == 1


def test_a_throttled_submit_is_sent_again_under_its_reference_not_refunded(
    sandbox, reseller, fast_polling
):
    sandbox.configure(throttle_rate=1.0)  # every request answered 429 Too Many Requests
    order = submit(reseller, 0)
    assert order.status == OrderStatus.SUBMIT_UNKNOWN
    sandbox.configure(throttle_rate=0.0)

    sweep_until(lambda: order_status(order) == OrderStatus.SUCCESS)

    order.refresh_from_db()
    assert order.resubmit_count == 1
    assert sandbox.stats()["cashin_submits"] == {order.client_reference: 2}
    assert entries(order, REFUND) == 0 and balance(reseller) == Decimal("9500.00")


def test_a_lost_submit_waits_for_an_open_breaker_before_it_is_sent_again(
    sandbox, reseller, fast_polling
):
    from django.core.cache import cache
    from django.utils import timezone

    from orders.models import ProviderBreaker
    from orders.submission.breaker import BANNER_CACHE_KEY

    order = submit(reseller, 6)  # the provider answers 500 and creates nothing
    later = timezone.now() + timezone.timedelta(hours=1)
    ProviderBreaker.objects.update_or_create(
        provider="nictbd", defaults={"state": "open", "probe_at": later}
    )
    cache.delete(BANNER_CACHE_KEY)
    for _ in range(3):
        sweep_once()
    assert sandbox.stats()["cashin_submits"] == {order.client_reference: 1}
    assert CashInOrder.objects.get(pk=order.pk).resubmit_count == 0

    ProviderBreaker.objects.update(state="closed", probe_at=None)
    cache.delete(BANNER_CACHE_KEY)
    sweep_until(lambda: order_status(order) == OrderStatus.SUCCESS)
    assert sandbox.stats()["cashin_submits"] == {order.client_reference: 2}
    assert ProviderBreaker.objects.get(provider="nictbd").last_success_at is not None


def test_lost_submit_waits_for_the_grace_period_before_resubmitting(sandbox, reseller, settings):
    settings.POLL_BASE_DELAY = 0
    settings.SUBMIT_UNKNOWN_GRACE_SECONDS = 3600
    order = submit(reseller, 6)
    CashInOrder.objects.filter(pk=order.pk).update(next_check_at=order.created_at)

    sweep_once()

    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMIT_UNKNOWN
    assert order.resubmit_count == 0
    assert "not found" in order.last_error.lower()
    assert entries(order, REFUND) == 0


def test_order_never_found_after_resubmits_is_flagged_not_refunded(sandbox, reseller, fast_polling):
    fast_polling.SUBMIT_MAX_RESUBMITS = 0
    order = submit(reseller, 6)

    sweep_until(lambda: CashInOrder.objects.get(pk=order.pk).needs_attention)

    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMIT_UNKNOWN
    assert "decide by hand" in order.attention_reason
    assert order.next_check_at is not None  # still followed
    assert entries(order, REFUND) == 0


def test_stuck_order_is_flagged_after_the_deadline_and_still_checked(sandbox, reseller, settings):
    settings.POLL_BASE_DELAY = 0
    settings.POLL_DEADLINE_MINUTES = 0
    order = submit(reseller, 3)

    sweep_until(lambda: CashInOrder.objects.get(pk=order.pk).provider_status == "manual_review")

    order.refresh_from_db()
    assert order.needs_attention and "Not final" in order.attention_reason
    assert order.status == OrderStatus.PENDING and order.next_check_at is not None
    assert entries(order, REFUND) == 0


def test_a_provider_contradicting_a_final_status_is_flagged_and_not_obeyed(sandbox, reseller):
    order = submit(reseller, 0)
    sandbox.force(order.client_reference, "successfull")
    cashin_check_now(order_id=order.pk)
    sandbox.force(order.client_reference, "failed")

    cashin_check_now(order_id=order.pk)

    order.refresh_from_db()
    assert order.status == OrderStatus.SUCCESS
    assert order.needs_attention and "failed" in order.attention_reason
    assert entries(order, REFUND) == 0
    assert order.history.filter(source="provider", provider_status="failed").count() == 1


def test_a_pending_order_the_provider_no_longer_knows_is_flagged(sandbox, db):
    order = CashInOrderFactory()  # the sandbox has never seen it

    sweep_once()

    order.refresh_from_db()
    assert order.needs_attention
    assert order.status == OrderStatus.PENDING


def test_checks_are_frequent_at_first_then_back_off_to_the_cap(settings):
    settings.POLL_BASE_DELAY = 2
    settings.POLL_FAST_SECONDS = 120
    settings.POLL_BACKOFF_RATIO = 0.1
    settings.POLL_MAX_DELAY = 120
    ages = [0, 60, 119, 130, 200, 600, 1320, 5000]
    assert [poll_delay(age) for age in ages] == [2, 2, 2, 2, 8, 48, 120, 120]


def test_poll_orders_once_prints_what_it_did(sandbox, reseller, fast_polling):
    from io import StringIO

    from django.core.management import call_command

    submit(reseller, 0)
    out = StringIO()
    call_command("poll_orders", "--once", stdout=out)

    assert "checked 1 orders" in out.getvalue()


@pytest.mark.django_db(transaction=True)  # inside a loop Django opens another connection
def test_sweep_works_from_a_thread_whose_event_loop_is_running(
    sandbox, reseller, fast_polling, monkeypatch
):
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # as under Playwright's sync API
    submit(reseller, 0)

    async def sweep_inside_a_loop():
        try:
            return sweep_once()
        finally:
            # Inside the loop: the task's connection is its own. Left open, it would keep the
            # test database from being dropped at the end of the run.
            connections.close_all()

    # A thread of its own: this test session's main thread may run Playwright's loop already.
    with ThreadPoolExecutor(max_workers=1) as pool:
        report = pool.submit(asyncio.run, sweep_inside_a_loop()).result()

    assert report.orders_checked == 1
