from decimal import Decimal

from orders.models import RatePlan
from orders.wallet.fees import plan_at_or_above, plan_fee


def plan(**terms) -> RatePlan:
    values = {"fee_fixed": Decimal("0"), "fee_percent": Decimal("0"), "fee_min": Decimal("0"),
              "fee_max": None}  # fmt: skip
    return RatePlan(name="p", **{**values, **terms})


def test_no_plan_costs_nothing():
    assert plan_fee(None, Decimal("500")) == Decimal("0.00")


def test_fee_is_fixed_plus_percent_rounded_half_up():
    # 5 + 1.5 % of 333 = 9.995 → 10.00 (half up, not to even)
    assert plan_fee(plan(fee_fixed=Decimal("5"), fee_percent=Decimal("1.5")), Decimal("333")) == (
        Decimal("10.00")
    )
    assert plan_fee(plan(fee_percent=Decimal("1")), Decimal("333")) == Decimal("3.33")


def test_fee_is_raised_to_the_minimum_and_capped_at_the_maximum():
    terms = {"fee_percent": Decimal("2"), "fee_min": Decimal("10"), "fee_max": Decimal("50")}
    assert plan_fee(plan(**terms), Decimal("100")) == Decimal("10.00")
    assert plan_fee(plan(**terms), Decimal("1000")) == Decimal("20.00")
    assert plan_fee(plan(**terms), Decimal("10000")) == Decimal("50.00")


def test_a_plan_is_at_or_above_another_only_if_every_term_is():
    cheap = plan(fee_fixed=Decimal("5"), fee_percent=Decimal("1"), fee_max=Decimal("50"))
    dearer = plan(fee_fixed=Decimal("6"), fee_percent=Decimal("1"), fee_max=None)
    mixed = plan(fee_fixed=Decimal("10"), fee_percent=Decimal("0.5"), fee_max=None)
    assert plan_at_or_above(dearer, cheap)
    assert not plan_at_or_above(cheap, dearer)
    assert not plan_at_or_above(mixed, cheap)
    assert not plan_at_or_above(None, cheap)
    assert plan_at_or_above(None, None)
