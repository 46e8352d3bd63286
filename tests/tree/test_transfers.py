from decimal import Decimal

import pytest

from orders.errors import InsufficientBalance, InvalidTransfer, ReferenceConflict
from orders.models import LedgerEntry, Transfer
from orders.wallet.transfers import transfer_create
from tests.factories import ResellerFactory
from tests.orders.conftest import assert_ledger_consistent, balance
from tests.tree.conftest import make_child

Kind = LedgerEntry.Kind


def test_a_transfer_down_writes_two_linked_entries_with_its_note(parent, child):
    outcome = transfer_create(parent=parent, child_id=child.pk, amount="1,000", note="float")

    entries = {e.kind: e for e in LedgerEntry.objects.filter(transfer=outcome.transfer)}
    assert (entries[Kind.TRANSFER_OUT].reseller_id, entries[Kind.TRANSFER_OUT].amount) == (
        parent.pk, Decimal("-1000.00"))  # fmt: skip
    assert (entries[Kind.TRANSFER_IN].reseller_id, entries[Kind.TRANSFER_IN].amount) == (
        child.pk, Decimal("1000.00"))  # fmt: skip
    assert entries[Kind.TRANSFER_IN].reason == "float"
    assert (balance(parent), balance(child)) == (Decimal("9000.00"), Decimal("1000.00"))


def test_a_parent_pulls_back_at_most_the_childs_balance(parent, child):
    transfer_create(parent=parent, child_id=child.pk, amount="300")
    transfer_create(parent=parent, child_id=child.pk, amount="100", direction="up")

    with pytest.raises(InsufficientBalance):
        transfer_create(parent=parent, child_id=child.pk, amount="200.01", direction="up")
    assert (balance(parent), balance(child)) == (Decimal("9800.00"), Decimal("200.00"))
    assert Transfer.objects.count() == 2
    assert_ledger_consistent(child.pk)


def test_a_parent_cannot_send_more_than_it_has(parent, child):
    with pytest.raises(InsufficientBalance):
        transfer_create(parent=parent, child_id=child.pk, amount="10000.01")
    assert not Transfer.objects.exists()


def test_transfers_reach_only_the_parents_own_children(parent, child):
    stranger = ResellerFactory(balance=Decimal("100"))
    grandchild = make_child(child, username="grandchild")
    for target in (stranger, grandchild, parent):
        with pytest.raises(InvalidTransfer):
            transfer_create(parent=parent, child_id=target.pk, amount="10")
    with pytest.raises(InvalidTransfer):  # a child cannot pull from its parent
        transfer_create(parent=child, child_id=parent.pk, amount="10", direction="up")


def test_the_same_reference_returns_the_same_transfer_and_another_body_conflicts(parent, child):
    first = transfer_create(parent=parent, child_id=child.pk, amount="500", reference="T-1")
    again = transfer_create(parent=parent, child_id=child.pk, amount="500.00", reference=" T-1 ")

    assert (first.created, again.created) == (True, False)
    assert again.transfer.pk == first.transfer.pk
    with pytest.raises(ReferenceConflict):
        transfer_create(parent=parent, child_id=child.pk, amount="501", reference="T-1")
    with pytest.raises(ReferenceConflict):
        transfer_create(parent=parent, child_id=child.pk, amount="500", reference="T-1",
                        direction="up")  # fmt: skip
    assert balance(child) == Decimal("500.00")


def test_a_reference_of_only_spaces_is_refused_not_dropped(parent, child):
    with pytest.raises(InvalidTransfer):
        transfer_create(parent=parent, child_id=child.pk, amount="500", reference="   ")
    assert balance(child) == Decimal("0.00")
