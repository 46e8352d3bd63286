"""Submitting a Cash In: one debit, references saved, rejected and unsent orders refunded."""

from decimal import Decimal

import pytest

from orders.cashin.submit import cashin_submit
from orders.errors import (
    InsufficientBalance,
    InvalidReceiver,
    LimitExceeded,
    ReferenceConflict,
    ResellerSuspended,
)
from orders.models import LedgerEntry, OrderStatus, Reseller
from tests.factories import ResellerFactory
from tests.orders.conftest import assert_ledger_consistent, entries, send_submissions

DEBIT = LedgerEntry.Kind.ORDER_DEBIT
REFUND = LedgerEntry.Kind.ORDER_REFUND


def test_accepted_order_is_debited_once_and_keeps_provider_references(sandbox, reseller):
    outcome = cashin_submit(reseller=reseller, receiver_number="+8801712345670", amount="500")

    order = outcome.order
    send_submissions()
    order.refresh_from_db()
    assert outcome.created
    assert order.status == OrderStatus.PENDING  # never completed from the submit response
    assert order.receiver_number == "01712345670"
    assert order.order_number.startswith("NICT-")
    assert order.job_id
    assert order.provider_status == "processing"
    assert entries(order, DEBIT) == 1
    assert Reseller.objects.get(pk=reseller.pk).balance == Decimal("9500.00")
    assert sandbox.stats()["cashin_submits"] == {order.client_reference: 1}
    assert list(order.history.values_list("to_status", flat=True)) == ["submitting", "pending"]


def test_rejected_submit_fails_and_refunds_once(sandbox, reseller):
    order = cashin_submit(reseller=reseller, receiver_number="01712345677", amount="500").order

    send_submissions()
    order.refresh_from_db()
    assert order.status == OrderStatus.FAILED
    assert "not a bKash account" in order.failure_reason
    assert entries(order, DEBIT) == 1
    assert entries(order, REFUND) == 1
    assert Reseller.objects.get(pk=reseller.pk).balance == Decimal("10000.00")
    assert_ledger_consistent(reseller.pk)


def test_unreachable_provider_fails_and_refunds(db, reseller, settings):
    from gateways.registry import reset_gateways

    settings.NICTBD_BASE_URL = "http://127.0.0.1:9"  # nothing listens: refused before sending
    reset_gateways()
    order = cashin_submit(reseller=reseller, receiver_number="01712345670", amount="500").order
    reset_gateways()

    send_submissions()
    order.refresh_from_db()
    assert order.status == OrderStatus.FAILED
    assert "nothing was sent" in order.failure_reason
    assert Reseller.objects.get(pk=reseller.pk).balance == Decimal("10000.00")


def test_submit_timeout_waits_for_the_provider_without_refunding(sandbox, reseller):
    order = cashin_submit(reseller=reseller, receiver_number="01712345674", amount="500").order

    send_submissions()
    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMIT_UNKNOWN
    assert entries(order, REFUND) == 0
    assert Reseller.objects.get(pk=reseller.pk).balance == Decimal("9500.00")


def test_same_reference_twice_returns_the_same_order_without_a_second_debit(sandbox, reseller):
    first = cashin_submit(
        reseller=reseller, receiver_number="01712345670", amount="500", client_reference="SHOP-1"
    )
    again = cashin_submit(
        reseller=reseller, receiver_number="01712345670", amount="500.00", client_reference="SHOP-1"
    )

    send_submissions()
    assert first.created and not again.created
    assert again.order.pk == first.order.pk
    assert entries(first.order, DEBIT) == 1
    assert sandbox.stats()["cashin_submits"] == {"SHOP-1": 1}


def test_same_reference_with_another_amount_is_a_conflict(sandbox, reseller):
    cashin_submit(
        reseller=reseller, receiver_number="01712345670", amount="500", client_reference="SHOP-2"
    )
    with pytest.raises(ReferenceConflict):
        cashin_submit(
            reseller=reseller,
            receiver_number="01712345670",
            amount="600",
            client_reference="SHOP-2",
        )


def test_another_resellers_reference_is_a_conflict(sandbox, reseller):
    cashin_submit(
        reseller=reseller, receiver_number="01712345670", amount="500", client_reference="SHOP-3"
    )
    other = ResellerFactory(balance=Decimal("1000"))
    with pytest.raises(ReferenceConflict):
        cashin_submit(
            reseller=other, receiver_number="01712345670", amount="500", client_reference="SHOP-3"
        )
    assert Reseller.objects.get(pk=other.pk).balance == Decimal("1000.00")


@pytest.mark.parametrize(
    ("change", "amount", "error"),
    [
        ({"state": Reseller.State.SUSPENDED}, "500", ResellerSuspended),
        ({"min_amount": Decimal("100")}, "99.99", LimitExceeded),
        ({"max_amount": Decimal("1000")}, "1000.01", LimitExceeded),
        ({"daily_limit": Decimal("400")}, "500", LimitExceeded),
        ({}, "10000.01", InsufficientBalance),
    ],
)
def test_refused_submissions_move_no_money(db, reseller, settings, change, amount, error):
    settings.CASHIN_MAX_AMOUNT = Decimal("20000")
    settings.CASHIN_DAILY_LIMIT = Decimal("50000")
    Reseller.objects.filter(pk=reseller.pk).update(**change)
    reseller.refresh_from_db()

    with pytest.raises(error):
        cashin_submit(reseller=reseller, receiver_number="01712345670", amount=amount)

    assert LedgerEntry.objects.filter(reseller=reseller, kind=DEBIT).count() == 0
    assert Reseller.objects.get(pk=reseller.pk).balance == Decimal("10000.00")


def test_daily_limit_counts_todays_orders_but_not_refunded_ones(sandbox, reseller):
    Reseller.objects.filter(pk=reseller.pk).update(daily_limit=Decimal("1000"))
    reseller.refresh_from_db()
    cashin_submit(reseller=reseller, receiver_number="01712345677", amount="800")  # rejected
    send_submissions()
    cashin_submit(reseller=reseller, receiver_number="01712345670", amount="800")

    send_submissions()
    with pytest.raises(LimitExceeded):
        cashin_submit(reseller=reseller, receiver_number="01712345670", amount="300")


@pytest.mark.parametrize("number", ["0171234567", "01212345678", "+44 7911 123456", "", "abc"])
def test_bad_receiver_numbers_are_refused(db, reseller, number):
    with pytest.raises(InvalidReceiver):
        cashin_submit(reseller=reseller, receiver_number=number, amount="500")


@pytest.mark.parametrize("amount", [500.5, "0", "-5", "1.234", "NaN", "abc", "1e30", 10**40])
def test_bad_amounts_are_refused(db, reseller, amount):
    from orders.errors import InvalidAmount

    with pytest.raises(InvalidAmount):
        cashin_submit(reseller=reseller, receiver_number="01712345670", amount=amount)


@pytest.mark.parametrize("reference", [" " * 3, "x" * 65, "has space", "naïve"])
def test_malformed_references_are_refused_as_bad_input(db, reseller, reference):
    from orders.errors import InvalidReference

    with pytest.raises(InvalidReference):
        cashin_submit(
            reseller=reseller,
            receiver_number="01712345670",
            amount="500",
            client_reference=reference,
        )


def test_limit_messages_show_amounts_as_taka(db, reseller):
    Reseller.objects.filter(pk=reseller.pk).update(max_amount=Decimal("1500"))
    reseller.refresh_from_db()

    with pytest.raises(LimitExceeded, match="between ৳50.00 and ৳1,500.00"):
        cashin_submit(reseller=reseller, receiver_number="01712345670", amount="2000")
