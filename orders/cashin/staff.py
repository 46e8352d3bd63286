"""Staff decisions on an order, through the same lifecycle rules as the provider's answers."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.errors import InvalidTransition
from orders.lifecycle.declaration import CASHIN, Authority
from orders.lifecycle.following import grace
from orders.lifecycle.reasons import Reason
from orders.lifecycle.transition import flag, transition, unflag
from orders.models import CashInOrder, StatusChange

RESOLUTIONS = ("success", "failed")
Source = StatusChange.Source


def cashin_resolve_by_staff(*, order_id: int, to_status: str, staff_user, reason: str):
    """A staff decision: success, or failed with its refund (exactly once). A reason is needed.
    A queued order not yet sent may be decided (a failed one is then never sent); one whose
    submit is in flight may not, until the grace period is over."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidTransition(_("A reason is required to resolve an order by hand."))
    if to_status not in RESOLUTIONS:
        raise InvalidTransition(_("Staff can resolve an order only to success or failed."))
    with transaction.atomic():
        order = CashInOrder.objects.select_for_update().get(pk=order_id)
        if submit_in_flight(order):
            # The provider may be receiving it right now: a refund decided now could go out
            # beside a Cash In it carries out. After the grace period the send is over.
            raise InvalidTransition(
                _("This order is being sent to the provider: decide once the provider answers.")
            )
        why = Reason("staff", {"text": reason})
        transition(order, to_status, by=Authority.STAFF, source=Source.STAFF, reason=why,
                   failure=why if to_status == "failed" else None, text=reason,
                   staff_user=staff_user)  # fmt: skip
        unflag(order, source=Source.STAFF, staff_user=staff_user, note=reason)
        return order


def submit_in_flight(order: CashInOrder) -> bool:
    """A submit or resubmit of this order went out less than the grace period ago and the
    provider has not answered it yet (the order is not known to exist there)."""
    not_created = {CASHIN.initial.value, CASHIN.unknown}
    sent = order.last_submit_at
    return order.status in not_created and sent is not None and timezone.now() - sent < grace()


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
