"""A sub-reseller's Cash In: amount and fee out together, back together once on failure; the
parent's commission paid once on success and taken back once by a staff correction."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from orders.cashin.staff import cashin_resolve_by_staff
from orders.errors import InsufficientBalance
from orders.models import LedgerEntry
from tests.factories import StaffUserFactory
from tests.orders.conftest import (  # noqa: F401
    assert_ledger_consistent,
    balance,
    entries,
    fast_polling,  # noqa: F401  (a fixture)
    order_status,
    submit,
    sweep_until,
)
from tests.tree.conftest import fund

Kind = LedgerEntry.Kind
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fast_polling")]


@pytest.fixture
def funded_child(parent, child, sandbox):
    fund(parent, child, "1000")
    return child


def test_a_cash_in_debits_the_amount_and_its_fee_as_two_entries(funded_child):
    order = submit(funded_child, 0, amount="500")  # fee: 5 + 1 % = 10.00

    assert (order.fee, order.total) == (Decimal("10.00"), Decimal("510.00"))
    assert entries(order, Kind.ORDER_DEBIT) == entries(order, Kind.ORDER_FEE) == 1
    assert balance(funded_child) == Decimal("490.00")


def test_failed_order_refunds_amount_and_fee_once_and_pays_no_commission(parent, funded_child):
    order = submit(funded_child, 1, amount="500")
    sweep_until(lambda: order_status(order) == "failed")
    sweep_until(lambda: True)  # another sweep over the final order moves nothing

    assert entries(order, Kind.ORDER_REFUND) == entries(order, Kind.ORDER_FEE_REFUND) == 1
    assert entries(order, Kind.COMMISSION) == 0
    assert balance(funded_child) == Decimal("1000.00")
    assert balance(parent) == Decimal("9000.00")
    assert_ledger_consistent(funded_child.pk)


def test_success_pays_the_parent_commission_once_and_a_staff_correction_reverses_it_once(
    parent, funded_child
):
    order = submit(funded_child, 0, amount="500")
    sweep_until(lambda: order_status(order) == "success")
    sweep_until(lambda: True)
    commission = Decimal("4.50")  # 2 + 0.5 % of 500
    assert LedgerEntry.objects.get(order=order, kind=Kind.COMMISSION).reseller_id == parent.pk
    assert balance(parent) == Decimal("9000.00") + commission

    staff = StaffUserFactory()
    cashin_resolve_by_staff(order_id=order.pk, to_status="failed", staff_user=staff,
                            reason="bKash says it never arrived")  # fmt: skip

    assert entries(order, Kind.COMMISSION) == entries(order, Kind.COMMISSION_REVERSAL) == 1
    assert entries(order, Kind.ORDER_FEE_REFUND) == 1
    assert balance(parent) == Decimal("9000.00")
    assert balance(funded_child) == Decimal("1000.00")
    for reseller in (parent, funded_child):
        assert_ledger_consistent(reseller.pk)


def test_a_correction_the_parent_cannot_cover_says_whose_balance_and_refunds_nothing(
    parent, funded_child
):
    order = submit(funded_child, 0, amount="500")
    sweep_until(lambda: order_status(order) == "success")
    fund(parent, funded_child, str(balance(parent)))  # the parent gives everything away

    with pytest.raises(InsufficientBalance, match=f"{parent} cannot give back its ৳4.50"):
        cashin_resolve_by_staff(order_id=order.pk, to_status="failed",
                                staff_user=StaffUserFactory(), reason="never arrived")  # fmt: skip

    assert order_status(order) == "success" and entries(order, Kind.ORDER_REFUND) == 0


def test_the_database_refuses_a_second_fee_refund_or_commission(parent, funded_child):
    order = submit(funded_child, 0, amount="500")
    sweep_until(lambda: order_status(order) == "success")
    for kind, reseller in ((Kind.COMMISSION, parent), (Kind.ORDER_FEE, funded_child)):
        with pytest.raises(IntegrityError), transaction.atomic():
            LedgerEntry.objects.create(reseller=reseller, kind=kind, amount=Decimal("1"),
                                       balance_after=Decimal("1"), order=order)  # fmt: skip


def test_a_top_level_reseller_pays_the_fee_but_earns_no_one_a_commission(parent, sandbox):
    order = submit(parent, 0, amount="1000")
    sweep_until(lambda: order_status(order) == "success")

    assert (order.fee, order.commission) == (Decimal("15.00"), Decimal("0.00"))
    assert entries(order, Kind.COMMISSION) == 0
    assert balance(parent) == Decimal("8985.00")
