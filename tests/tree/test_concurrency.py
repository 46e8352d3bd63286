"""Transfers and Cash Ins racing on one parent wallet (PostgreSQL row locks)."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import transaction

from orders.cashin.submit import cashin_submit
from orders.errors import InsufficientBalance
from orders.models import LedgerEntry, Reseller
from orders.wallet.fees import cashin_fee
from orders.wallet.transfers import transfer_create
from tests.factories import ResellerFactory
from tests.orders.conftest import closing_connections, needs_postgres
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


def test_a_childs_cash_in_and_its_parents_top_up_at_once_both_go_through(plan):
    """The child's submit writes its wallet twice (amount, then fee), so PostgreSQL checks the
    child's parent key at commit (a key-share lock on the parent's row). A wallet lock that
    blocked key-share locks deadlocked against a transfer holding the parent."""
    parent = ResellerFactory(balance=Decimal("10000"), rate_plan=plan)
    child = make_child(parent)
    transfer_create(parent=parent, child_id=child.pk, amount="1000")
    debited, outcome = threading.Event(), {}

    @closing_connections
    def child_sends():
        with transaction.atomic():  # the request's transaction, still open when the parent acts
            cashin_submit(reseller=child, receiver_number="01712345670", amount="100")
            debited.set()
            time.sleep(0.5)
        outcome["cash in"] = "ok"

    @closing_connections
    def parent_tops_up():
        debited.wait(5)
        transfer_create(parent=parent, child_id=child.pk, amount="50")
        outcome["top-up"] = "ok"

    threads = [threading.Thread(target=work) for work in (child_sends, parent_tops_up)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcome == {"cash in": "ok", "top-up": "ok"}
    child.refresh_from_db()
    assert (
        child.balance == Decimal("1000") - Decimal("100") - cashin_fee(child, Decimal("100")) + 50
    )
