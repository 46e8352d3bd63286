"""PayIn webhooks: opt-in per reseller, the same signing, outbox and retries as orders."""

from decimal import Decimal

import pytest

from gateways.base import PayInResult, Status
from orders.api.callback_urls import WebhookSettingsError
from orders.api.webhooks import (
    deliver_due,
    dispatch_events,
    webhook_send_again,
    webhook_set_callback_url,
)
from orders.models import AuditEntry, OutboxEvent, StatusChange, WebhookDelivery
from orders.payin.provider import payin_apply_result
from tests.factories import PayInFactory, ResellerFactory
from tests.webhooks.test_delivery import finish_order


@pytest.fixture
def reseller(db, receiver):
    reseller = ResellerFactory(balance=Decimal("5000"))
    webhook_set_callback_url(reseller=reseller, url=receiver.url, payins=True)
    receiver.secret = reseller.webhook_secret
    return reseller


def finish_payin(reseller, status=Status.SUCCESS):
    """A PayIn made final by a status answer, its outbox event dispatched (not yet sent)."""
    payin = PayInFactory(reseller=reseller)
    answer = PayInResult(status, payin.external_id, status.value, amount=payin.amount)
    payin_apply_result(payin_id=payin.pk, result=answer, source=StatusChange.Source.WORKER)
    dispatch_events()
    return payin


def test_a_final_payin_is_posted_signed_with_a_payin_body(reseller, receiver):
    payin = finish_payin(reseller)

    assert deliver_due().delivered == 1

    [request] = receiver.requests
    assert request["valid"] is True
    assert request["event"] == "payin.success"
    assert set(request["json"]) == {"id", "event", "payin"}
    assert request["json"]["payin"]["external_id"] == payin.external_id
    assert request["json"]["payin"]["status"] == "success"
    assert request["json"]["payin"]["amount"] == "1000.00"


def test_payins_are_not_sent_to_a_reseller_who_did_not_turn_them_on(reseller, receiver):
    webhook_set_callback_url(reseller=reseller, url=receiver.url, payins=False)
    finish_payin(reseller, Status.FAILED)
    finish_order(reseller)

    deliver_due()

    assert [r["event"] for r in receiver.requests] == ["cashin.success"]
    assert not OutboxEvent.objects.filter(handled_at=None).exists()


def test_turning_payins_on_or_off_is_in_the_audit_log(reseller, receiver):
    webhook_set_callback_url(reseller=reseller, url=receiver.url, payins=False)
    webhook_set_callback_url(reseller=reseller, url=receiver.url, payins=False)  # no change

    changes = AuditEntry.objects.filter(reseller=reseller, action="webhook_payins_change")
    assert [e.details for e in changes.order_by("id")] == [
        {"before": False, "after": True},  # the fixture turned them on
        {"before": True, "after": False},
    ]


def test_leaving_payins_unsaid_keeps_the_choice(reseller, receiver):
    webhook_set_callback_url(reseller=reseller, url=receiver.url + "?v=2")

    reseller.refresh_from_db()
    assert reseller.webhook_payins is True


def test_a_payin_delivery_is_sent_again_as_the_payin_is_now(reseller, receiver):
    payin = finish_payin(reseller)
    receiver.plan = [500]
    deliver_due()
    first = WebhookDelivery.objects.get()

    again = webhook_send_again(delivery_id=first.pk, reseller=reseller)
    deliver_due()

    again.refresh_from_db()
    assert (again.payin_id, again.order_id, again.state) == (payin.pk, None, "delivered")
    assert receiver.requests[-1]["json"]["payin"]["external_id"] == payin.external_id


def test_turning_payins_off_stops_their_retries_and_refuses_sending_them_again(reseller, receiver):
    finish_payin(reseller)
    finish_order(reseller)
    receiver.plan = [500, 500]
    deliver_due()

    webhook_set_callback_url(reseller=reseller, url=receiver.url, payins=False)

    payin_delivery = WebhookDelivery.objects.get(payin__isnull=False)
    order_delivery = WebhookDelivery.objects.get(order__isnull=False)
    assert (payin_delivery.state, order_delivery.state) == ("gave_up", "pending")
    with pytest.raises(WebhookSettingsError):
        webhook_send_again(delivery_id=payin_delivery.pk, reseller=reseller)
