"""Transfers and Cash Ins racing on one parent wallet (PostgreSQL row locks)."""

from decimal import Decimal

import pytest

from orders.cashin.submit import cashin_submit
from orders.errors import InsufficientBalance
from orders.models import LedgerEntry, Reseller
from orders.wallet.transfers import transfer_create
from tests.factories import ResellerFactory
from tests.orders.conftest import needs_postgres
from tests.orders.test_concurrency import run_at_once
from tests.tree.conftest import make_child

pytestmark = [needs_postgres, pytest.mark.django_db(transaction=True)]


def test_50_concurrent_transfers_and_orders_never_overdraw_and_keep_the_sums(sandbox, plan):
    parent = ResellerFactory(balance=Decimal("5000"), rate_plan=plan, daily_limit=Decimal("1e6"))
    kids = [make_child(parent, username=f"kid{i}") for i in range(3)]
    transfer_create(parent=parent, child_id=kids[2].pk, amount="1000")

    def work(i):
        if i % 5 == 0:  # a Cash In from the parent's wallet: 500 + fee 10
            return cashin_submit(reseller=parent, receiver_number="01712345670", amount="500")
        if i % 5 == 1:  # pull back from the funded child
            return transfer_create(parent=parent, child_id=kids[2].pk, amount="100",
                                   direction="up")  # fmt: skip
        return transfer_create(parent=parent, child_id=kids[i % 2].pk, amount="400")

    results = run_at_once(50, work)

    errors = [r for r in results if isinstance(r, Exception)]
    assert errors and all(isinstance(e, InsufficientBalance) for e in errors), errors
    everyone = [parent, *kids]
    balances = Reseller.objects.filter(pk__in=[r.pk for r in everyone])
    ledger = LedgerEntry.objects.filter(reseller__in=everyone).values_list("amount", flat=True)
    assert all(r.balance >= 0 for r in balances)
    assert sum(r.balance for r in balances) == sum(ledger, Decimal("0"))
    for reseller in balances:
        own = LedgerEntry.objects.filter(reseller=reseller).values_list("amount", flat=True)
        assert reseller.balance == sum(own, Decimal("0"))
