"""A provider that stops answering: its breaker opens, new orders wait queued (debited, not
failed), resellers see a banner, and when the provider heals each queued order goes out once."""

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from orders.cashin.submit import cashin_submit
from orders.models import BreakerChange, CashInOrder, ProviderBreaker, ProviderMinute
from orders.submission.breaker import BANNER_CACHE_KEY
from tests.orders.conftest import balance, send_submissions


def _submit(reseller, digit: int):
    number = f"0171234567{digit}"
    return cashin_submit(reseller=reseller, receiver_number=number, amount="500").order


def _breaker():
    return ProviderBreaker.objects.get(provider="nictbd")


def test_breaker_opens_queues_orders_shows_a_banner_and_drains_once_healed(
    sandbox, reseller, rclient, settings
):
    from django.core.cache import cache

    settings.BREAKER_FAILURES = 3
    settings.BREAKER_COOLDOWN_SECONDS = 3600
    sandbox.configure(error_rate=1.0)  # every request answers 500
    for _ in range(3):
        _submit(reseller, 0)
    send_submissions()
    assert _breaker().state == "open"
    assert set(CashInOrder.objects.values_list("status", flat=True)) == {"submit_unknown"}

    queued = [_submit(reseller, 0) for _ in range(2)]
    send_submissions()
    for order in queued:
        order.refresh_from_db()
        assert order.status == "submitting" and order.last_submit_at is None
        assert order.client_reference not in sandbox.stats()["cashin_submits"]
    assert balance(reseller) == Decimal("7500.00")  # five debits, nothing refunded
    cache.delete(BANNER_CACHE_KEY)
    page = rclient.get(reverse("dashboard")).content.decode()
    assert "bKash Cash In is delayed; your orders are queued." in page

    sandbox.configure(error_rate=0.0)
    ProviderBreaker.objects.update(probe_at=timezone.now())  # the cool-down is over
    send_submissions()  # the probe: one order
    assert _breaker().state == "closed"
    send_submissions()  # the rest of the queue
    submits = sandbox.stats()["cashin_submits"]
    assert [submits[o.client_reference] for o in queued] == [1, 1]
    assert not CashInOrder.objects.filter(status="submitting").exists()
    changes = list(BreakerChange.objects.order_by("id").values_list("from_state", "to_state"))
    assert changes == [("closed", "open"), ("open", "half_open"), ("half_open", "closed")]
    assert "delayed" not in rclient.get(reverse("dashboard")).content.decode()
    assert ProviderMinute.objects.get(provider="nictbd", operation="submit").calls == 5


def test_a_refused_order_is_an_answer_and_keeps_the_breaker_closed(sandbox, reseller, settings):
    settings.BREAKER_FAILURES = 1
    _submit(reseller, 7)  # the sandbox refuses the receiver: the provider did answer
    send_submissions()
    assert _breaker().state == "closed"
    assert CashInOrder.objects.get().status == "failed"
