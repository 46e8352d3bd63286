from decimal import Decimal

import pytest

from orders.errors import SubResellerRefused
from orders.wallet.tree import child_set_plan, depth
from tests.tree.conftest import make_child, make_plan


def test_a_child_gets_the_parents_limits_and_plan_by_default(parent, plan, settings):
    child = make_child(parent, name="Rahim Store", phone="01812345678")

    assert child.parent_id == parent.pk and child.rate_plan == plan
    limits = (child.min_amount, child.max_amount, child.daily_limit)
    assert limits == (settings.CASHIN_MIN_AMOUNT, settings.CASHIN_MAX_AMOUNT,
                      settings.CASHIN_DAILY_LIMIT)  # fmt: skip
    assert child.balance == Decimal("0.00") and child.is_active


@pytest.mark.parametrize(
    ("name", "value"), [("max_amount", "30000.01"), ("daily_limit", "50001"), ("min_amount", "49")]
)
def test_limits_wider_than_the_parents_are_refused(parent, name, value):
    with pytest.raises(SubResellerRefused) as refused:
        make_child(parent, limits={name: Decimal(value)})
    assert refused.value.field == name


def test_narrower_limits_are_kept(parent):
    child = make_child(parent, limits={"max_amount": Decimal("5000")})
    assert child.cashin_max == Decimal("5000")


def test_sub_resellers_stop_at_the_configured_depth(parent, settings):
    settings.RESELLER_MAX_DEPTH = 3
    child = make_child(parent, username="level2")
    grandchild = make_child(child, username="level3")

    assert depth(grandchild) == 3
    with pytest.raises(SubResellerRefused):
        make_child(grandchild, username="level4")


def test_a_child_plan_below_the_parents_price_is_refused(parent, child, plan):
    cheaper = make_plan("cheaper", fee_fixed=Decimal("1"))
    dearer = make_plan("dearer", fee_fixed=Decimal("8"), fee_percent=Decimal("1.5"))

    with pytest.raises(SubResellerRefused):
        make_child(parent, username="cheap", rate_plan=cheaper)
    with pytest.raises(SubResellerRefused):
        child_set_plan(parent=parent, child_id=child.pk, plan=None)
    child_set_plan(parent=parent, child_id=child.pk, plan=dearer)
    child.refresh_from_db()
    assert child.rate_plan == dearer


@pytest.mark.parametrize("username", ["ab/cd", "\u200b", "with space", "", "x" * 151])
def test_a_username_django_would_refuse_is_refused_for_a_sub_reseller(parent, username):
    with pytest.raises(SubResellerRefused) as refused:
        make_child(parent, username=username)
    assert refused.value.field == "username"


def test_a_username_is_kept_without_surrounding_spaces(parent):
    assert make_child(parent, username="  rahim.store  ").user.username == "rahim.store"
