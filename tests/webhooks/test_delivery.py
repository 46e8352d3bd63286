import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.api.webhooks import (
    deliver_due,
    deliver_due_webhooks_task,
    dispatch_events,
    webhook_rotate_secret,
    webhook_send_again,
    webhook_set_callback_url,
)
from orders.cashin.staff import cashin_resolve_by_staff
from orders.models import OrderStatus, OutboxEvent, WebhookDelivery
from tests.factories import CashInOrderFactory, ResellerFactory, StaffUserFactory
from tests.orders.conftest import send_submissions

State = WebhookDelivery.State


@pytest.fixture
def reseller(db, receiver):
    reseller = ResellerFactory(balance=Decimal("5000"))
    webhook_set_callback_url(reseller=reseller, url=receiver.url)
    receiver.secret = reseller.webhook_secret
    return reseller


def finish_order(reseller, status=OrderStatus.SUCCESS, **fields):
    """An order made final, its outbox event turned into a delivery (not yet sent)."""
    order = CashInOrderFactory(reseller=reseller, debited=True, **fields)
    cashin_resolve_by_staff(
        order_id=order.pk, to_status=status, staff_user=StaffUserFactory(), reason="checked"
    )
    dispatch_events()
    return order


def make_due(delivery):
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def test_final_status_writes_an_outbox_event_and_sends_nothing(reseller, receiver):
    order = CashInOrderFactory(reseller=reseller, debited=True)
    cashin_resolve_by_staff(
        order_id=order.pk, to_status="failed", staff_user=StaffUserFactory(), reason="checked"
    )

    [event] = OutboxEvent.objects.all()
    assert (event.order, event.event, event.handled_at) == (order, "cashin.failed", None)
    assert not WebhookDelivery.objects.exists()
    assert receiver.requests == []  # the transaction that made it final did no network I/O


def test_dispatching_an_event_queues_a_delivery_and_sends_nothing_yet(reseller, receiver):
    order = finish_order(reseller)

    delivery = WebhookDelivery.objects.get()
    assert delivery.order == order
    assert delivery.event == "cashin.success"
    assert delivery.url == receiver.url
    assert delivery.state == State.PENDING
    assert delivery.payload["status"] == "success"
    assert delivery.payload["client_reference"] == order.client_reference
    assert receiver.requests == []  # the transaction that made it final did no network I/O


def test_no_callback_url_no_delivery(db):
    finish_order(ResellerFactory(balance=Decimal("500")))
    assert not WebhookDelivery.objects.exists()


def test_delivery_is_signed_and_the_receiver_verifies_it(reseller, receiver):
    order = finish_order(reseller, status=OrderStatus.FAILED)

    report = deliver_due()

    assert report.delivered == 1
    [request] = receiver.requests
    assert request["valid"] is True
    assert abs(int(request["timestamp"]) - time.time()) < 10
    assert request["event"] == "cashin.failed"
    assert request["json"]["order"]["client_reference"] == order.client_reference
    assert request["json"]["order"]["failure_reason"] == "checked"
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == State.DELIVERED
    assert [a.status_code for a in delivery.attempts.all()] == [200]


def test_non_2xx_is_retried_with_backoff_then_delivered(reseller, receiver):
    finish_order(reseller)
    receiver.plan = [500]

    deliver_due()

    delivery = WebhookDelivery.objects.get()
    assert delivery.state == State.PENDING
    wait = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=25) < wait <= timedelta(seconds=30)
    assert deliver_due().attempted == 0  # not due yet

    make_due(delivery)
    deliver_due()

    delivery.refresh_from_db()
    assert delivery.state == State.DELIVERED
    attempts = list(delivery.attempts.all())
    assert [(a.status_code, a.error) for a in attempts] == [(500, "HTTP 500"), (200, "")]
    assert all(r["valid"] for r in receiver.requests)


def test_timeout_is_logged_as_an_error_and_retried(reseller, receiver, settings):
    settings.WEBHOOK_TIMEOUT = 0.3
    finish_order(reseller)
    receiver.plan = [("sleep", 1.0, 200)]

    started = time.monotonic()
    deliver_due()

    assert time.monotonic() - started < 1.0
    delivery = WebhookDelivery.objects.get()
    [attempt] = delivery.attempts.all()
    assert attempt.status_code is None
    assert "timeout" in attempt.error
    assert delivery.state == State.PENDING and delivery.next_attempt_at > timezone.now()


def test_unreachable_url_is_logged_and_retried(reseller, receiver):
    receiver.stop()
    finish_order(reseller)

    deliver_due()

    [attempt] = WebhookDelivery.objects.get().attempts.all()
    assert attempt.status_code is None and "ConnectError" in attempt.error


def test_gives_up_24_hours_after_creation(reseller, receiver):
    finish_order(reseller)
    # The next try would be 30 s from now: past the 24 hours.
    WebhookDelivery.objects.update(created_at=timezone.now() - timedelta(hours=24, seconds=-10))
    receiver.plan = [503]

    report = deliver_due()

    assert report.gave_up == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == State.GAVE_UP and delivery.next_attempt_at is None
    assert deliver_due().attempted == 0


def test_backoff_grows_from_30_seconds_to_hours():
    from orders.api.webhooks import next_delay

    delays = [next_delay(n).total_seconds() for n in range(1, 13)]
    assert delays[:4] == [30, 60, 120, 300]
    assert delays == sorted(delays) and delays[-1] == 4 * 3600


def test_a_claimed_delivery_is_not_sent_by_a_second_worker(reseller, receiver):
    from orders.api.webhooks import _claim_due

    finish_order(reseller)
    assert len(_claim_due(10)) == 1
    assert _claim_due(10) == []


def test_deliveries_go_out_concurrently_but_bounded(reseller, receiver, settings):
    settings.WEBHOOK_CONCURRENCY = 4
    for _ in range(8):
        finish_order(reseller)
    receiver.plan = [("sleep", 0.4, 200)] * 8

    started = time.monotonic()
    report = deliver_due()
    elapsed = time.monotonic() - started

    assert report.delivered == 8
    assert receiver.max_in_flight == 4
    assert elapsed < 8 * 0.4 / 2


def test_send_again_queues_a_new_delivery_to_the_current_url(reseller, receiver):
    finish_order(reseller)
    receiver.plan = [500]
    deliver_due()
    first = WebhookDelivery.objects.get()
    webhook_set_callback_url(reseller=reseller, url=receiver.url + "?fixed=1")

    again = webhook_send_again(delivery_id=first.pk, reseller=reseller)
    deliver_due()

    again.refresh_from_db()
    assert again.state == State.DELIVERED
    assert again.url.endswith("?fixed=1")
    assert again.order_id == first.order_id


def test_another_resellers_delivery_cannot_be_sent_again(reseller, receiver):
    finish_order(reseller)
    other = ResellerFactory()
    with pytest.raises(WebhookDelivery.DoesNotExist):
        webhook_send_again(delivery_id=WebhookDelivery.objects.get().pk, reseller=other)


def test_rotated_secret_signs_the_next_attempts(reseller, receiver):
    finish_order(reseller)
    webhook_rotate_secret(reseller=reseller)

    deliver_due()

    assert receiver.requests[0]["valid"] is False  # the receiver still has the old secret
    assert WebhookDelivery.objects.get().attempts.get().status_code == 401
    receiver.secret = reseller.webhook_secret
    make_due(WebhookDelivery.objects.get())
    deliver_due()
    assert receiver.requests[1]["valid"] is True


def test_callback_url_is_checked(reseller, settings, monkeypatch):
    import socket

    from orders.api.webhooks import WebhookSettingsError

    for url in ("ftp://example.com/x", "not a url", "http://"):
        with pytest.raises(WebhookSettingsError):
            webhook_set_callback_url(reseller=reseller, url=url)
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    for url in ("http://example.com/hook", "https://127.0.0.1/hook", "https://10.0.0.5/h"):
        with pytest.raises(WebhookSettingsError):
            webhook_set_callback_url(reseller=reseller, url=url)
    public = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 443))]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: public)  # no network
    webhook_set_callback_url(reseller=reseller, url="https://shop.example.com/hook")


@pytest.mark.django_db(transaction=True)  # the task closes stale connections, as workers do
def test_scheduled_task_drains_due_deliveries(reseller, receiver):
    finish_order(reseller)
    finish_order(reseller)

    summary = deliver_due_webhooks_task()

    assert summary.startswith("2 attempts: 2 delivered")
    assert WebhookDelivery.objects.filter(state=State.DELIVERED).count() == 2


def test_poll_sweep_finishing_orders_only_writes_outbox_events(reseller, receiver, sandbox):
    """The sweep never waits on a reseller's server: a receiver that would hang is not called."""
    from orders.cashin.submit import cashin_submit
    from orders.polling.sweep import sweep_once

    receiver.plan = [("sleep", 5.0, 200)] * 3
    for ref, number in (("W-1", "01712345670"), ("W-2", "01712345671")):
        cashin_submit(reseller=reseller, receiver_number=number, amount="100", client_reference=ref)
    send_submissions()
    time.sleep(0.7)  # the sandbox's orders are final after 0.6 s
    from orders.models import CashInOrder

    CashInOrder.objects.update(next_check_at=timezone.now())

    started = time.monotonic()
    sweep_once()

    send_submissions()
    assert time.monotonic() - started < 2.0
    assert sorted(OutboxEvent.objects.values_list("event", flat=True)) == [
        "cashin.failed",
        "cashin.success",
    ]
    assert receiver.requests == []
