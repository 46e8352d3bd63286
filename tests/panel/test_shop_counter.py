"""At the shop counter: recent receivers to tap, "Send again", a second confirmation for the
same receiver and amount within 10 minutes, and the receiver read back large and grouped."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import CashInOrder, OrderStatus
from tests.factories import CashInOrderFactory


def review(client, receiver="01712345670", amount="500"):
    return client.post(reverse("cashin_new"), {"receiver_number": receiver, "amount": amount})


def hidden_fields(response) -> dict:
    html = response.content.decode()
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))


def earlier_order(reseller, *, minutes_ago, receiver="01712345670", amount="500", **fields):
    order = CashInOrderFactory(
        reseller=reseller, receiver_number=receiver, amount=Decimal(amount), **fields
    )
    CashInOrder.objects.filter(pk=order.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return order


def test_new_cash_in_offers_recent_receivers_newest_first_each_once(rclient, reseller):
    for minutes, receiver in [(30, "01811111111"), (20, "01712345670"), (10, "01811111111")]:
        earlier_order(reseller, minutes_ago=minutes, receiver=receiver)
    html = rclient.get(reverse("cashin_new")).content.decode()
    offered = re.findall(r'data-receiver="(\d+)"', html)
    assert offered == ["01811111111", "01712345670"]
    assert "018 1111 1111" in html  # shown grouped


def test_a_tapped_receiver_link_opens_the_form_with_that_number(rclient, reseller):
    earlier_order(reseller, minutes_ago=30, receiver="01811111111")
    html = rclient.get(reverse("cashin_new")).content.decode()
    link = re.search(r'href="([^"]+)" data-receiver="01811111111"', html).group(1)
    form = rclient.get(link.replace("&amp;", "&")).content.decode()
    assert re.search(r'name="receiver_number" value="01811111111"', form)


def test_another_resellers_receivers_are_not_offered(rclient, other_reseller):
    earlier_order(other_reseller, minutes_ago=5, receiver="01999999999")
    assert "01999999999" not in rclient.get(reverse("cashin_new")).content.decode()


def test_send_again_on_an_order_opens_the_form_with_its_receiver_and_amount(rclient, reseller):
    order = earlier_order(reseller, minutes_ago=60, receiver="01812345678", amount="1250.50")
    detail = rclient.get(reverse("order_detail", args=[order.pk])).content.decode()
    link = re.search(r'data-send-again href="([^"]+)"', detail).group(1).replace("&amp;", "&")
    form = rclient.get(link).content.decode()
    assert 'name="receiver_number" value="01812345678"' in form
    assert 'name="amount" value="1250.50"' in form


def test_confirmation_shows_the_receiver_large_and_grouped(rclient):
    html = review(rclient, receiver="+8801712345678").content.decode()
    assert re.search(r'class="receiver-big[^"]*" data-confirm="receiver">017 1234 5678<', html)


def test_same_receiver_and_amount_within_ten_minutes_needs_a_second_confirmation(
    rclient, reseller, sandbox
):
    earlier = earlier_order(reseller, minutes_ago=4, status=OrderStatus.SUCCESS)
    page = review(rclient, receiver="01712345670", amount="500")
    html = page.content.decode()
    assert "data-repeat-warning" in html and "4 minutes ago" in html
    assert reverse("order_detail", args=[earlier.pk]) in html

    confirm = hidden_fields(page)
    refused = rclient.post(reverse("cashin_confirm"), confirm)
    assert refused.status_code == 200
    assert 'data-error-for="repeat_confirmed"' in refused.content.decode()
    assert CashInOrder.objects.filter(reseller=reseller).count() == 1  # nothing sent

    sent = rclient.post(reverse("cashin_confirm"), {**confirm, "repeat_confirmed": "on"})
    assert sent.status_code == 302
    assert CashInOrder.objects.filter(reseller=reseller).count() == 2


@pytest.mark.parametrize(
    ("minutes_ago", "receiver", "amount", "status"),
    [
        (11, "01712345670", "500", OrderStatus.SUCCESS),  # longer ago than 10 minutes
        (4, "01812345670", "500", OrderStatus.SUCCESS),  # another receiver
        (4, "01712345670", "600", OrderStatus.SUCCESS),  # another amount
        (4, "01712345670", "500", OrderStatus.FAILED),  # the first one sent no money
    ],
    ids=["older", "other-receiver", "other-amount", "earlier-failed"],
)
def test_no_second_confirmation_otherwise(
    rclient, reseller, sandbox, minutes_ago, receiver, amount, status
):
    earlier_order(reseller, minutes_ago=minutes_ago, receiver=receiver, amount=amount,
                  status=status)  # fmt: skip
    page = review(rclient, receiver="01712345670", amount="500")
    assert "data-repeat-warning" not in page.content.decode()
    sent = rclient.post(reverse("cashin_confirm"), hidden_fields(page))
    assert sent.status_code == 302


def test_posting_one_confirmation_twice_is_not_asked_as_a_repeat(rclient, reseller, sandbox):
    confirm = hidden_fields(review(rclient, receiver="01712345670", amount="500"))
    first = rclient.post(reverse("cashin_confirm"), confirm)
    second = rclient.post(reverse("cashin_confirm"), confirm)
    assert first.status_code == second.status_code == 302
    assert CashInOrder.objects.filter(reseller=reseller).count() == 1
