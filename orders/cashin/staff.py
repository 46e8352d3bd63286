"""Staff decisions on an order, through the same lifecycle rules as the provider's answers."""

from django.db import transaction
from django.utils.translation import gettext as _

from orders.errors import InvalidTransition
from orders.lifecycle.declaration import Authority
from orders.lifecycle.reasons import Reason
from orders.lifecycle.transition import flag, transition, unflag
from orders.models import CashInOrder, StatusChange

RESOLUTIONS = ("success", "failed")
Source = StatusChange.Source


def cashin_resolve_by_staff(*, order_id: int, to_status: str, staff_user, reason: str):
    """A staff decision: success, or failed with its refund (exactly once). A reason is needed."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidTransition(_("A reason is required to resolve an order by hand."))
    if to_status not in RESOLUTIONS:
        raise InvalidTransition(_("Staff can resolve an order only to success or failed."))
    with transaction.atomic():
        order = CashInOrder.objects.select_for_update().get(pk=order_id)
        why = Reason("staff", {"text": reason})
        transition(order, to_status, by=Authority.STAFF, source=Source.STAFF, reason=why,
                   failure=why if to_status == "failed" else None, text=reason,
                   staff_user=staff_user)  # fmt: skip
        unflag(order, source=Source.STAFF, staff_user=staff_user, note=reason)
        return order


def cashin_set_attention(*, order_id: int, flagged: bool, staff_user, reason: str = ""):
    """Flag an order for attention, or clear its flag, saying why."""
    reason = (reason or "").strip()
    with transaction.atomic():
        order = CashInOrder.objects.select_for_update().get(pk=order_id)
        if flagged:
            flag(order, Reason("staff", {"text": reason or "-"}), source=Source.STAFF,
                 staff_user=staff_user)  # fmt: skip
        else:
            unflag(order, source=Source.STAFF, staff_user=staff_user, note=reason)
        return order
