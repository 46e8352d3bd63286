"""A sub-reseller's limits stay inside its parent's when the parent's are narrowed later."""

from decimal import Decimal

import pytest

from orders.cashin.submit import cashin_submit
from orders.errors import LimitExceeded, SubResellerRefused
from orders.models import AuditEntry, Reseller
from orders.wallet.tree import hold_to_parent_limits
from tests.factories import ResellerFactory
from tests.tree.conftest import fund, make_child


def narrow(reseller, **limits) -> list[Reseller]:
    Reseller.objects.filter(pk=reseller.pk).update(**limits)
    reseller.refresh_from_db()
    return hold_to_parent_limits(reseller, actor=None)


def limits(reseller) -> tuple:
    row = Reseller.objects.get(pk=reseller.pk)
    return row.cashin_min, row.cashin_max, row.cashin_daily_limit


def test_lowering_a_parents_maximum_narrows_children_and_grandchildren(parent):
    child = make_child(parent, limits={"max_amount": Decimal("8000")})
    grandchild = make_child(child, username="grandchild", limits={"max_amount": Decimal("7000")})

    narrowed = narrow(parent, max_amount=Decimal("5000"), daily_limit=Decimal("20000"))

    assert [r.pk for r in narrowed] == [child.pk, grandchild.pk]
    assert limits(child)[1:] == (Decimal("5000.00"), Decimal("20000.00"))
    assert limits(grandchild)[1:] == (Decimal("5000.00"), Decimal("20000.00"))


def test_a_narrowed_child_cannot_send_above_the_parents_new_maximum(parent, child):
    fund(parent, child, Decimal("9000"))
    narrow(parent, max_amount=Decimal("3000"))

    with pytest.raises(LimitExceeded):
        cashin_submit(reseller=child, receiver_number="01711111111", amount=Decimal("4000"))


def test_each_narrowing_is_audited_with_before_after_and_the_parents_name(parent, child):
    narrow(parent, daily_limit=Decimal("1000"))

    entry = AuditEntry.objects.get(reseller=child, action=AuditEntry.Action.LIMITS_CHANGE)
    assert entry.details == {"daily_limit": {"before": "50000.00", "after": "1000.00"}}
    assert str(parent) in entry.reason


def test_a_child_already_inside_the_new_limits_is_left_alone(parent):
    child = make_child(parent, limits={"max_amount": Decimal("1000")})

    assert narrow(parent, max_amount=Decimal("2000")) == []
    assert limits(child)[1] == Decimal("1000.00")
    assert not AuditEntry.objects.filter(reseller=child).exists()


def test_a_child_range_below_the_parents_new_minimum_becomes_that_minimum(parent):
    child = make_child(parent, limits={"max_amount": Decimal("200")})

    narrow(parent, min_amount=Decimal("500"))

    assert limits(child)[:2] == (Decimal("500.00"), Decimal("500.00"))


def test_a_legacy_child_with_empty_limits_gets_the_parents_narrower_ones(db):
    parent = ResellerFactory(max_amount=Decimal("4000"))
    legacy = ResellerFactory(parent=parent)  # made before limits were held: empty, the default

    narrow(parent, daily_limit=Decimal("9000"))

    assert limits(legacy)[1:] == (Decimal("4000.00"), Decimal("9000.00"))


def test_a_child_whose_daily_limit_is_below_its_minimum_is_refused(parent):
    with pytest.raises(SubResellerRefused) as refused:
        make_child(parent, limits={"daily_limit": Decimal("40")})

    assert refused.value.field == "daily_limit"
