import functools
import time
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from orders.models import CashInDay, CashInOrder, LedgerEntry, Reseller
from orders.polling.sweep import sweep_once
from tests.factories import ResellerFactory


@pytest.fixture
def fast_polling(settings):
    """Every open order is due again at once, so a test can sweep until the provider is final."""
    settings.POLL_BASE_DELAY = 0
    settings.POLL_MAX_DELAY = 0
    settings.SUBMIT_UNKNOWN_GRACE_SECONDS = 0
    return settings


@pytest.fixture
def reseller(db):
    return ResellerFactory(balance=Decimal("10000.00"))


def closing_connections(function):
    """`function` for another thread, closing that thread's database connections when it ends:
    one left open keeps the test database from being dropped at the end of the run."""

    @functools.wraps(function)
    def run(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        finally:
            connections.close_all()

    return run


def sweep_until(predicate, *, timeout: float = 8.0, pause: float = 0.1):
    """Submit and sweep (as the worker does) until predicate() holds; fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        send_submissions()
        sweep_once()
        if predicate():
            return
        time.sleep(pause)
    raise AssertionError("condition not reached by sweeping")


def send_submissions():
    """What the worker's submitter does within a second of a submit: one real round."""
    from orders.submission.submitter import submit_once

    return submit_once()


def submit(reseller, last_digit: int, amount="500"):
    """A Cash In whose sandbox outcome is chosen by the receiver's last digit (README), sent
    by the submitter as the worker would."""
    from orders.cashin.submit import cashin_submit

    number = f"0171234567{last_digit}"
    order = cashin_submit(reseller=reseller, receiver_number=number, amount=amount).order
    send_submissions()
    order.refresh_from_db()
    return order


def create_payin(reseller, last_digit: int, amount="1000"):
    """A PayIn whose sandbox outcome is chosen by the payer number's last digit (README)."""
    from orders.payin.create import payin_create

    payin = payin_create(
        reseller=reseller,
        amount=amount,
        wallet_provider="BKash",
        mobile_number=f"0187245678{last_digit}",
        email="payer@example.com",
        customer_name="Test Payer",
    )
    send_submissions()
    payin.refresh_from_db()
    return payin


def balance(reseller) -> Decimal:
    return Reseller.objects.values_list("balance", flat=True).get(pk=reseller.pk)


def payin_status(payin) -> str:
    from orders.models import PayIn

    return PayIn.objects.values_list("status", flat=True).get(pk=payin.pk)


def order_status(order) -> str:
    return CashInOrder.objects.values_list("status", flat=True).get(pk=order.pk)


def assert_ledger_consistent(reseller_id: int) -> None:
    balance = Reseller.objects.values_list("balance", flat=True).get(pk=reseller_id)
    amounts = LedgerEntry.objects.filter(reseller_id=reseller_id).values_list("amount", flat=True)
    assert balance >= 0
    assert balance == sum(amounts, Decimal("0"))  # summed exactly (SQLite's SUM is a float)
    assert daily_figures(reseller_id) == days_debited_unrefunded(reseller_id)


def daily_figures(reseller_id: int) -> dict:
    rows = CashInDay.objects.filter(reseller_id=reseller_id).exclude(sent=0)
    return dict(rows.values_list("day", "sent"))


def days_debited_unrefunded(reseller_id: int) -> dict:
    """What the daily limit's figures must be: each day's debited orders not refunded since."""
    kinds = LedgerEntry.objects.filter(order__reseller_id=reseller_id)
    debited = set(kinds.filter(kind=LedgerEntry.Kind.ORDER_DEBIT).values_list("order", flat=True))
    refunded = set(kinds.filter(kind=LedgerEntry.Kind.ORDER_REFUND).values_list("order", flat=True))
    days = defaultdict(Decimal)
    for order in CashInOrder.objects.filter(pk__in=debited - refunded):
        days[timezone.localdate(order.created_at)] += order.amount
    return dict(days)


def entries(order, kind) -> int:
    return LedgerEntry.objects.filter(order=order, kind=kind).count()


needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and SKIP LOCKED need PostgreSQL"
)
