"""The Cash In form reads amounts and numbers with orders.numbers, as the API does."""

from decimal import Decimal

import pytest
from django.urls import reverse

from orders.models import CashInOrder
from tests.panel.test_cashin import field_errors, hidden_fields, review


def test_amount_and_number_in_bengali_digits_are_confirmed_and_sent_in_ascii(
    rclient, reseller, sandbox
):
    confirm = hidden_fields(review(rclient, receiver="০১৭১২৩৪৫৬৭০", amount="১,০০০.৫০"))
    assert confirm["receiver_number"] == "01712345670"
    assert confirm["amount"] == "1000.50"

    rclient.post(reverse("cashin_confirm"), confirm)

    order = CashInOrder.objects.get(reseller=reseller)
    assert (order.receiver_number, order.amount) == ("01712345670", Decimal("1000.50"))
    reseller.refresh_from_db()
    assert reseller.balance == Decimal("8999.50")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        pytest.param("12,50", "Use a comma only between thousands, e.g. 1,000.50.", id="comma"),
        pytest.param("500.500", "at most two decimals (poisha)", id="three-decimals"),
        pytest.param("5e2", "without an exponent", id="exponent"),
        pytest.param("٥٠٠", "Use digits 0–9 or ০–৯.", id="arabic-indic-digits"),
    ],
)
def test_refused_amount_says_why_on_the_amount_field(rclient, amount, message):
    errors = field_errors(review(rclient, amount=amount), "amount")
    assert message in errors[0]
    assert not CashInOrder.objects.exists()
