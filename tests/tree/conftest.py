"""Sub-reseller fixtures: a rate plan, a funded parent on it and a child under the parent."""

from decimal import Decimal

import pytest

from orders.models import RatePlan
from orders.wallet.transfers import transfer_create
from orders.wallet.tree import sub_reseller_create
from tests.factories import PASSWORD, ResellerFactory


def make_plan(name="standard", **terms) -> RatePlan:
    values = {"fee_fixed": Decimal("5"), "fee_percent": Decimal("1"), "fee_min": Decimal("0"),
              "commission_fixed": Decimal("2"), "commission_percent": Decimal("0.5")}  # fmt: skip
    return RatePlan.objects.create(name=name, **{**values, **terms})


def make_child(parent, username="child", **kwargs):
    return sub_reseller_create(parent=parent, username=username, password=PASSWORD, **kwargs)


def fund(parent, child, amount) -> None:
    transfer_create(parent=parent, child_id=child.pk, amount=amount)


@pytest.fixture
def plan(db):
    return make_plan()


@pytest.fixture
def parent(db, plan):
    return ResellerFactory(balance=Decimal("10000"), rate_plan=plan)


@pytest.fixture
def child(parent):
    return make_child(parent)
