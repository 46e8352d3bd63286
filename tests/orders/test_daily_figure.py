"""The daily limit's running figure (orders.wallet.daily): it moves with each debit and refund,
so a submit reads one row; it never blocks a refund; the migration counts existing orders."""

import importlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import transaction
from django.utils import timezone

from orders.cashin.staff import cashin_resolve_by_staff
from orders.cashin.submit import cashin_submit, today_cashin_total
from orders.errors import LimitExceeded
from orders.lifecycle.declaration import Money
from orders.models import CashInDay, CashInOrder, OrderStatus, Reseller
from orders.wallet.ledger import apply_money
from tests.factories import CashInOrderFactory, ResellerFactory, StaffUserFactory
from tests.orders.conftest import assert_ledger_consistent, needs_postgres
from tests.orders.test_concurrency import run_at_once


@pytest.fixture
def limited(db):
    return ResellerFactory(balance=Decimal("10000.00"), daily_limit=Decimal("1000"))


def _fail_by_staff(order):
    staff = StaffUserFactory()
    cashin_resolve_by_staff(
        order_id=order.pk, to_status=OrderStatus.FAILED, staff_user=staff, reason="not received"
    )


def test_a_failed_order_gives_its_amount_back_to_todays_limit(limited):
    first = cashin_submit(reseller=limited, receiver_number="01712345670", amount="800").order
    with pytest.raises(LimitExceeded):
        cashin_submit(reseller=limited, receiver_number="01712345670", amount="300")

    _fail_by_staff(first)

    cashin_submit(reseller=limited, receiver_number="01712345670", amount="300")
    assert today_cashin_total(limited.pk) == Decimal("300.00")
    assert_ledger_consistent(limited.pk)


def test_yesterdays_order_refunded_today_leaves_todays_limit_alone(limited):
    yesterday = timezone.now() - timedelta(days=1)
    old = CashInOrderFactory(reseller=limited, amount=Decimal("400.00"))
    CashInOrder.objects.filter(pk=old.pk).update(created_at=yesterday)
    old.refresh_from_db()
    with transaction.atomic():
        apply_money(old, Money.DEBIT)
    cashin_submit(reseller=limited, receiver_number="01712345670", amount="700")

    with transaction.atomic():
        apply_money(CashInOrder.objects.get(pk=old.pk), Money.REFUND)

    assert today_cashin_total(limited.pk) == Decimal("700.00")
    with pytest.raises(LimitExceeded):
        cashin_submit(reseller=limited, receiver_number="01712345670", amount="301")
    assert_ledger_consistent(limited.pk)


def test_a_refund_goes_through_even_without_a_daily_figure_to_lower(limited):
    order = cashin_submit(reseller=limited, receiver_number="01712345670", amount="500").order
    CashInDay.objects.all().delete()

    _fail_by_staff(order)

    assert Reseller.objects.get(pk=limited.pk).balance == Decimal("10000.00")
    assert CashInOrder.objects.get(pk=order.pk).status == OrderStatus.FAILED


def test_the_migration_counts_the_days_debited_orders_that_were_not_refunded(limited):
    kept = cashin_submit(reseller=limited, receiver_number="01712345670", amount="250").order
    failed = cashin_submit(reseller=limited, receiver_number="01712345670", amount="600").order
    _fail_by_staff(failed)
    CashInOrderFactory(reseller=limited, amount=Decimal("90.00"))  # never debited: not counted
    CashInDay.objects.all().delete()

    migration = importlib.import_module("orders.migrations.0014_cashin_day")
    migration.count_existing_orders(apps, None)

    assert today_cashin_total(limited.pk) == kept.amount
    assert_ledger_consistent(limited.pk)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_20_simultaneous_submits_stop_exactly_at_the_daily_limit(sandbox):
    reseller = ResellerFactory(balance=Decimal("100000"), daily_limit=Decimal("1000"))

    results = run_at_once(
        20,
        lambda i: cashin_submit(reseller=reseller, receiver_number="01712345670", amount="100"),
    )

    refused = [r for r in results if isinstance(r, LimitExceeded)]
    assert len(refused) == 10
    assert today_cashin_total(reseller.pk) == Decimal("1000.00")
    assert Reseller.objects.get(pk=reseller.pk).balance == Decimal("99000.00")
    assert_ledger_consistent(reseller.pk)
