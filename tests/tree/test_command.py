from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from orders.models import LedgerEntry, Reseller
from tests.orders.conftest import balance


def test_create_reseller_with_parent_funds_the_child_by_a_transfer(parent):
    call_command("create_reseller", "shop2", "--password", "x-Long-pass-42", "--parent",
                 parent.user.username, "--balance", "1000")  # fmt: skip

    child = Reseller.objects.get(user__username="shop2")
    assert child.parent_id == parent.pk
    assert (balance(parent), balance(child)) == (Decimal("9000.00"), Decimal("1000.00"))
    assert LedgerEntry.objects.get(reseller=child).kind == LedgerEntry.Kind.TRANSFER_IN


def test_create_reseller_refuses_a_balance_the_parent_does_not_have(parent):
    with pytest.raises(CommandError):
        call_command("create_reseller", "shop3", "--password", "x-Long-pass-42", "--parent",
                     parent.user.username, "--balance", "20000")  # fmt: skip
    assert not Reseller.objects.filter(user__username="shop3").exists()
