import re
from decimal import Decimal

import pytest
from django.urls import reverse

from orders.models import CashInOrder, LedgerEntry, OrderStatus
from tests.factories import ResellerFactory
from tests.orders.conftest import send_submissions
from tests.panel.conftest import login


def field_errors(response, field):
    return response.context["form"].errors.get(field, [])


def review(client, receiver="01712345670", amount="500"):
    return client.post(reverse("cashin_new"), {"receiver_number": receiver, "amount": amount})


def hidden_fields(response) -> dict:
    html = response.content.decode()
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))


def test_bad_receiver_number_is_shown_on_its_field(rclient):
    response = review(rclient, receiver="12345")
    assert response.status_code == 200
    assert "Bangladeshi mobile number" in field_errors(response, "receiver_number")[0]
    assert 'data-error-for="receiver_number"' in response.content.decode()


def test_amount_outside_the_resellers_limits_is_shown_on_the_amount_field(db):
    reseller = ResellerFactory(balance=Decimal("10000"), min_amount=Decimal("100"))
    client = login(reseller)
    too_small = review(client, amount="99.99")
    too_big = review(client, amount="30000.01")
    assert "between ৳100" in field_errors(too_small, "amount")[0]
    assert "between" in field_errors(too_big, "amount")[0]


def test_insufficient_balance_is_shown_on_the_amount_field(db):
    client = login(ResellerFactory(balance=Decimal("300")))
    response = review(client, amount="500")
    assert "Insufficient balance" in field_errors(response, "amount")[0]


def test_review_shows_the_balance_after_and_sends_nothing(rclient, reseller):
    response = review(rclient, receiver="+880 1712-345670", amount="1234.5")
    html = response.content.decode()
    assert "৳1,234.50" in html and "৳8,765.50" in html  # 10,000 - 1,234.50
    assert hidden_fields(response)["receiver_number"] == "01712345670"
    assert hidden_fields(response)["client_reference"].startswith("CI-")
    assert CashInOrder.objects.count() == 0


def test_each_review_gets_a_new_reference(rclient):
    first = hidden_fields(review(rclient))["client_reference"]
    second = hidden_fields(review(rclient))["client_reference"]
    assert first != second


def test_confirm_sends_the_order_and_shows_it(rclient, reseller, sandbox):
    confirm = hidden_fields(review(rclient, receiver="01712345670", amount="500"))
    response = rclient.post(reverse("cashin_confirm"), confirm)
    order = CashInOrder.objects.get(reseller=reseller)
    send_submissions()
    order.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("order_detail", args=[order.pk])
    assert order.order_number and order.status == OrderStatus.PENDING
    reseller.refresh_from_db()
    assert reseller.balance == Decimal("9500.00")


def test_posting_the_same_confirmation_twice_sends_one_order_and_debits_once(
    rclient, reseller, sandbox
):
    confirm = hidden_fields(review(rclient, amount="700"))
    first = rclient.post(reverse("cashin_confirm"), confirm)
    second = rclient.post(reverse("cashin_confirm"), confirm, follow=True)
    send_submissions()
    assert CashInOrder.objects.filter(reseller=reseller).count() == 1
    order = CashInOrder.objects.get(reseller=reseller)
    assert first["Location"] == second.redirect_chain[0][0]
    assert "already submitted" in second.content.decode()
    debits = LedgerEntry.objects.filter(order=order, kind=LedgerEntry.Kind.ORDER_DEBIT)
    assert debits.count() == 1
    assert sandbox.stats()["cashin_submits"] == {order.client_reference: 1}
    reseller.refresh_from_db()
    assert reseller.balance == Decimal("9300.00")


def test_confirm_shows_the_error_when_the_balance_was_spent_meanwhile(db, sandbox):
    reseller = ResellerFactory(balance=Decimal("600"))
    client = login(reseller)
    first = hidden_fields(review(client, amount="500"))
    second = hidden_fields(review(client, receiver="01812345670", amount="500"))
    client.post(reverse("cashin_confirm"), first)
    response = client.post(reverse("cashin_confirm"), second)
    assert response.status_code == 200
    assert "Insufficient balance" in field_errors(response, "amount")[0]
    # The form is editable again to correct the amount.
    assert 'type="text" name="amount"' in response.content.decode()
    assert CashInOrder.objects.filter(reseller=reseller).count() == 1


def test_a_tampered_resubmission_is_refused_without_a_second_order(rclient, reseller, sandbox):
    confirm = hidden_fields(review(rclient, amount="500"))
    rclient.post(reverse("cashin_confirm"), confirm)
    response = rclient.post(reverse("cashin_confirm"), {**confirm, "amount": "900"})
    assert response.status_code == 200
    assert "different receiver or amount" in response.content.decode()
    assert CashInOrder.objects.filter(reseller=reseller).count() == 1


def test_an_order_the_provider_rejects_is_failed_and_refunded_on_screen(rclient, reseller, sandbox):
    confirm = hidden_fields(review(rclient, receiver="01712345677", amount="500"))
    page = rclient.post(reverse("cashin_confirm"), confirm, follow=True)
    assert "Sending…" in page.content.decode()
    send_submissions()
    html = rclient.get(page.redirect_chain[-1][0]).content.decode()
    assert "Failed" in html and "not a bKash account" in html
    assert "৳10,000.00" in html  # the balance in the top bar is back
    reseller.refresh_from_db()
    assert reseller.balance == Decimal("10000.00")


@pytest.mark.parametrize("amount", ["abc", "0", "10.555"])
def test_malformed_amounts_are_refused_on_the_amount_field(rclient, amount):
    assert field_errors(review(rclient, amount=amount), "amount")


def test_a_suspended_reseller_is_told_so_and_nothing_is_sent(rclient, reseller):
    from orders.wallet.resellers import reseller_set_state

    reseller_set_state(reseller_id=reseller.pk, active=False)
    response = review(rclient)
    assert "suspended" in " ".join(response.context["form"].non_field_errors())
    assert "suspended" in response.content.decode()
    assert CashInOrder.objects.count() == 0
