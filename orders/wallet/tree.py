"""Sub-resellers: creating them under a parent, their limits, plans and state, and what a
parent may see of them. A parent sees and acts on its direct children only; a child sees
nothing of its parent or siblings (their rows do not exist for it: 404)."""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from orders.errors import SubResellerRefused
from orders.models import RatePlan, Reseller
from orders.models.reseller import LIMIT_DEFAULTS, effective_limits
from orders.numbers import normalize_mobile_number, taka
from orders.staff.audit import Action, record
from orders.wallet.fees import plan_at_or_above
from orders.wallet.ledger import wallet_rows
from orders.wallet.resellers import reseller_set_state

LIMITS = tuple(LIMIT_DEFAULTS)  # min_amount, max_amount, daily_limit


def depth(reseller: Reseller) -> int:
    """1 for a reseller under staff, 2 for its child, and so on."""
    level, parent_id = 1, reseller.parent_id
    while parent_id is not None:
        level += 1
        parent_id = Reseller.objects.values_list("parent_id", flat=True).get(pk=parent_id)
    return level


def can_have_children(reseller: Reseller) -> bool:
    return depth(reseller) < settings.RESELLER_MAX_DEPTH


def check_limits(parent: Reseller, limits: dict, *, staff: bool = False) -> dict:
    """The child's limits, each no wider than the parent's (an empty one: the parent's).
    `staff`: the errors speak of "the parent's" limits instead of "yours"."""
    own = parent.limits
    chosen = {name: limits.get(name) if limits.get(name) is not None else own[name]
              for name in LIMITS}  # fmt: skip
    if staff:
        too_low = _("The minimum cannot be lower than the parent's (%(v)s).")
        too_high = _("This limit cannot be higher than the parent's (%(v)s).")
    else:
        too_low = _("The minimum cannot be lower than yours (%(v)s).")
        too_high = _("This limit cannot be higher than yours (%(v)s).")
    if chosen["min_amount"] < own["min_amount"]:
        raise SubResellerRefused(too_low % {"v": taka(own["min_amount"])}, "min_amount")
    for name in ("max_amount", "daily_limit"):
        if chosen[name] > own[name]:
            raise SubResellerRefused(too_high % {"v": taka(own[name])}, name)
    check_range(chosen)
    return chosen


def check_range(limits: dict) -> None:
    """A usable set of limits (each given, or the panel's default): some amount can be sent."""
    value = effective_limits(limits)
    if value["min_amount"] > value["max_amount"]:
        raise SubResellerRefused(_("The minimum cannot be above the maximum."), "min_amount")
    if value["daily_limit"] < value["min_amount"]:
        raise SubResellerRefused(_("The daily limit cannot be below the minimum."), "daily_limit")


def can_send_nothing(reseller: Reseller) -> bool:
    return reseller.cashin_daily_limit < reseller.cashin_min


def hold_to_parent_limits(reseller: Reseller, *, actor, request=None) -> list[Reseller]:
    """Keep the tree's rule after `reseller` was edited: it (under a parent) and every
    descendant whose limits no longer fit inside its parent's are narrowed to fit, each change
    audited. Call in the transaction of the edit; returns the resellers narrowed."""
    if reseller.parent_id is None:
        return _hold(reseller, _locked(parent=reseller), actor, request)
    parent = Reseller.objects.select_related("user").get(pk=reseller.parent_id)
    return _hold(parent, _locked(pk=reseller.pk), actor, request)


def fitted_limits(parent: Reseller, child: Reseller) -> dict[str, Decimal]:
    """The child's limits narrowed to fit inside the parent's (those inside stay as they are)."""
    low, high = parent.cashin_min, parent.cashin_max
    new_min, new_max = max(child.cashin_min, low), min(child.cashin_max, high)
    if new_min > new_max:  # the two ranges do not meet: the parent's nearer edge
        new_min = new_max = low if child.cashin_max < low else high
    daily = min(child.cashin_daily_limit, parent.cashin_daily_limit)
    return {"min_amount": new_min, "max_amount": new_max, "daily_limit": daily}


def _locked(**where):
    rows = wallet_rows().select_related("user").select_for_update(no_key=True, of=("self",))
    return rows.filter(**where).order_by("pk")


def _hold(parent: Reseller, resellers, actor, request) -> list[Reseller]:
    narrowed = []
    for child in resellers:
        if _narrow(parent, child, actor, request):
            narrowed.append(child)
        narrowed += _hold(child, _locked(parent=child), actor, request)
    return narrowed


def _narrow(parent: Reseller, child: Reseller, actor, request) -> bool:
    before = child.limits
    moved = {name: value for name, value in fitted_limits(parent, child).items()
             if value != before[name]}  # fmt: skip
    if not moved:
        return False
    Reseller.objects.filter(pk=child.pk).update(**moved)
    for name, value in moved.items():
        setattr(child, name, value)
    details = {name: {"before": f"{before[name]:.2f}", "after": f"{value:.2f}"}
               for name, value in moved.items()}  # fmt: skip
    reason = _("Held to the limits of %(parent)s") % {"parent": parent}
    record(actor, Action.LIMITS_CHANGE, reseller=child, target=child, reason=reason,
           details=details, request=request)  # fmt: skip
    return True


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
    username = _checked_username(username)
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


def _checked_username(username: str) -> str:
    """The login rule of Django's users: 1–150 letters, digits and @ . + - _ (no spaces, no
    invisible characters), as the admin would require."""
    username = (username or "").strip()
    try:
        if not 1 <= len(username) <= 150:
            raise ValidationError(_("A username has 1 to 150 characters."))
        get_user_model().username_validator(username)
    except ValidationError as error:
        raise SubResellerRefused(error.messages[0], "username") from None
    return username


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
