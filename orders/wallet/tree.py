"""Sub-resellers: creating them under a parent, their limits, plans and state, and what a
parent may see of them. A parent sees and acts on its direct children only; a child sees
nothing of its parent or siblings (their rows do not exist for it: 404)."""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from orders.errors import SubResellerRefused
from orders.models import RatePlan, Reseller
from orders.numbers import normalize_mobile_number, taka
from orders.staff.audit import Action, record
from orders.wallet.fees import plan_at_or_above
from orders.wallet.resellers import reseller_set_state

LIMITS = ("min_amount", "max_amount", "daily_limit")


def depth(reseller: Reseller) -> int:
    """1 for a reseller under staff, 2 for its child, and so on."""
    level, parent_id = 1, reseller.parent_id
    while parent_id is not None:
        level += 1
        parent_id = Reseller.objects.values_list("parent_id", flat=True).get(pk=parent_id)
    return level


def can_have_children(reseller: Reseller) -> bool:
    return depth(reseller) < settings.RESELLER_MAX_DEPTH


def check_limits(parent: Reseller, limits: dict) -> dict:
    """The child's limits, each no wider than the parent's (an empty one: the parent's)."""
    own = {
        "min_amount": parent.cashin_min,
        "max_amount": parent.cashin_max,
        "daily_limit": parent.cashin_daily_limit,
    }
    chosen = {name: limits.get(name) if limits.get(name) is not None else own[name]
              for name in LIMITS}  # fmt: skip
    if chosen["min_amount"] < own["min_amount"]:
        raise SubResellerRefused(
            _("The minimum cannot be lower than yours (%(v)s).") % {"v": taka(own["min_amount"])},
            "min_amount",
        )
    for name in ("max_amount", "daily_limit"):
        if chosen[name] > own[name]:
            raise SubResellerRefused(
                _("This limit cannot be higher than yours (%(v)s).") % {"v": taka(own[name])},
                name,
            )
    if chosen["min_amount"] > chosen["max_amount"]:
        raise SubResellerRefused(_("The minimum cannot be above the maximum."), "min_amount")
    return chosen


def check_plan(parent: Reseller, plan: RatePlan | None) -> None:
    if not plan_at_or_above(plan, parent.rate_plan):
        raise SubResellerRefused(
            _("A sub-reseller's rate plan must cost at least what yours costs."), "rate_plan"
        )


def sub_reseller_create(
    *,
    parent: Reseller,
    username: str,
    password: str,
    name: str = "",
    phone: str = "",
    limits: dict | None = None,
    rate_plan: RatePlan | None = ...,
    check_password: bool = True,
) -> Reseller:
    """A login with its own wallet (empty), limits, API keys and state, under `parent`.
    Its plan is the parent's unless another at or above it is given."""
    parent = Reseller.objects.select_related("rate_plan").get(pk=parent.pk)
    if not can_have_children(parent):
        raise SubResellerRefused(
            _("Sub-resellers can be at most %(n)s levels deep.")
            % {"n": settings.RESELLER_MAX_DEPTH}
        )
    chosen = check_limits(parent, limits or {})
    plan = parent.rate_plan if rate_plan is ... else rate_plan
    check_plan(parent, plan)
    phone = normalize_mobile_number(phone) if phone else ""
    user_model = get_user_model()
    if user_model.objects.filter(username__iexact=username).exists():
        raise SubResellerRefused(_("This username is taken."), "username")
    with transaction.atomic():
        user = user_model(username=username)
        if check_password:
            validate_password(password, user)
        user.set_password(password)
        user.save()
        return Reseller.objects.create(
            user=user, parent=parent, name=name, phone=phone, rate_plan=plan, **chosen
        )


def children(parent: Reseller):
    return Reseller.objects.filter(parent=parent).select_related("user", "rate_plan")


def child_for_parent(*, parent: Reseller, pk: int) -> Reseller:
    """One of the parent's own children, or 404 (anyone else does not exist for it)."""
    return get_object_or_404(children(parent), pk=pk)


def child_set_state(*, parent: Reseller, child_id: int, active: bool) -> None:
    child = child_for_parent(parent=parent, pk=child_id)
    reseller_set_state(reseller_id=child.pk, active=active)


def child_set_plan(*, parent: Reseller, child_id: int, plan: RatePlan | None, request=None) -> None:
    parent = Reseller.objects.select_related("rate_plan").get(pk=parent.pk)
    child = child_for_parent(parent=parent, pk=child_id)
    check_plan(parent, plan)
    if plan == child.rate_plan:
        return
    details = {"before": str(child.rate_plan or ""), "after": str(plan or "")}
    with transaction.atomic():
        Reseller.objects.filter(pk=child.pk).update(rate_plan=plan)
        record(parent.user, Action.PLAN_CHANGE, reseller=child, target=child, details=details,
               request=request)  # fmt: skip


def plans_for_children(parent: Reseller) -> list[RatePlan]:
    """The plans a parent may give its children: those costing at least its own."""
    floor = parent.rate_plan
    return [plan for plan in RatePlan.objects.all() if plan_at_or_above(plan, floor)]


def total_balance(resellers) -> Decimal:
    return sum((r.balance for r in resellers), Decimal("0.00"))
