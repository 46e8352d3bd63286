"""What a Cash In costs on a rate plan, and what the parent earns from it.

fee = fee_fixed + fee_percent % of the amount, raised to fee_min, lowered to fee_max (if set).
commission = commission_fixed + commission_percent % of the amount, never more than the fee
the order pays (the business never pays a parent more than it took), and only for a reseller
that has a parent. Both quantised to 0.01 BDT, half up. No plan: no fee, no commission.
"""

from decimal import ROUND_HALF_UP, Decimal

from orders.models import RatePlan, Reseller

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def plan_fee(plan: RatePlan | None, amount: Decimal) -> Decimal:
    if plan is None:
        return ZERO
    fee = plan.fee_fixed + amount * plan.fee_percent / 100
    fee = max(fee, plan.fee_min)
    if plan.fee_max is not None:
        fee = min(fee, plan.fee_max)
    return _money(fee)


def cashin_fee(reseller: Reseller, amount: Decimal) -> Decimal:
    """The fee a Cash In of `amount` costs this reseller now, beside the amount."""
    return plan_fee(_plan(reseller), Decimal(amount))


def cashin_commission(reseller: Reseller, amount: Decimal, fee: Decimal) -> Decimal:
    """What this reseller's parent earns when a Cash In of `amount` (paying `fee`) succeeds."""
    plan = _plan(reseller)
    if plan is None or reseller.parent_id is None:
        return ZERO
    commission = plan.commission_fixed + Decimal(amount) * plan.commission_percent / 100
    return _money(min(commission, fee))


def plan_at_or_above(plan: RatePlan | None, floor: RatePlan | None) -> bool:
    """True if `plan` costs at least what `floor` costs for every amount: each of its terms is
    at least the floor's (no maximum counts as the highest). No floor: any plan is."""
    if floor is None:
        return True
    if plan is None:
        return False
    if floor.fee_max is None and plan.fee_max is not None:
        return False
    max_ok = plan.fee_max is None or plan.fee_max >= floor.fee_max
    terms = ("fee_fixed", "fee_percent", "fee_min")
    return max_ok and all(getattr(plan, t) >= getattr(floor, t) for t in terms)


def _plan(reseller: Reseller) -> RatePlan | None:
    # Read once per reseller row loaded (a submit's locked row, a bulk preview's reseller),
    # not once per fee: a 500-row preview asked for the same plan 500 times.
    return reseller.rate_plan if reseller.rate_plan_id is not None else None
