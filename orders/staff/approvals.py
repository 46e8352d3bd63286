"""Two-person approval: a staff money move at or above STAFF_APPROVAL_THRESHOLD is proposed
by one staff member and applied, through the usual services, only when another approves.

Approving locks the proposal row, so two approvals (even at the same instant) apply it once;
a service refusal at apply time (order already final, balance too low) marks it failed.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.cashin.staff import RESOLUTIONS, cashin_resolve_by_staff
from orders.errors import InsufficientBalance, OrderError
from orders.models import CashInOrder, Reseller, StaffProposal
from orders.numbers import taka
from orders.staff.audit import Action, record
from orders.wallet.ledger import staff_adjust_balance

Kind = StaffProposal.Kind
Status = StaffProposal.Status


class ApprovalError(OrderError):
    code = "approval_error"


@dataclass
class Outcome:
    """Either a proposal waiting for approval, or the result of a move applied at once."""

    proposal: StaffProposal | None = None
    applied: object = None  # the LedgerEntry or CashInOrder when no approval was needed


def needs_approval(amount: Decimal) -> bool:
    return abs(amount) >= settings.STAFF_APPROVAL_THRESHOLD


def propose_balance_adjustment(
    *, reseller_id: int, amount: Decimal, staff_user, reason: str, request=None
) -> Outcome:
    reason = _required_reason(reason)
    if amount == 0:
        raise ApprovalError(_("An adjustment cannot be zero."))
    reseller = Reseller.objects.get(pk=reseller_id)
    if reseller.balance + amount < 0:  # checked again, under the wallet lock, when applied
        raise InsufficientBalance(
            _("Insufficient balance: %(balance)s available, %(needed)s needed.")
            % {"balance": taka(reseller.balance), "needed": taka(-amount)}
        )
    if not needs_approval(amount):
        with transaction.atomic():
            entry = staff_adjust_balance(
                reseller_id=reseller_id, amount=amount, staff_user=staff_user, reason=reason
            )
            _record_applied(staff_user, Kind.BALANCE_ADJUSTMENT, reseller, entry, reason, request)
        return Outcome(applied=entry)
    return Outcome(proposal=_propose(staff_user, reseller, amount, reason, request))


def propose_cashin_resolution(
    *, order_id: int, to_status: str, staff_user, reason: str, request=None
) -> Outcome:
    reason = _required_reason(reason)
    if to_status not in RESOLUTIONS:
        raise ApprovalError(_("Staff can resolve an order only to success or failed."))
    order = CashInOrder.objects.select_related("reseller").get(pk=order_id)
    if not needs_approval(order.amount):
        with transaction.atomic():
            order = cashin_resolve_by_staff(
                order_id=order_id, to_status=to_status, staff_user=staff_user, reason=reason
            )
            _record_applied(staff_user, Kind.CASHIN_RESOLUTION, order.reseller, order, reason,
                            request, to_status=to_status)  # fmt: skip
        return Outcome(applied=order)
    if StaffProposal.objects.filter(order=order, status=Status.PENDING).exists():
        raise ApprovalError(_("A proposal for this order is already waiting for approval."))
    proposal = _propose(staff_user, order.reseller, order.amount, reason, request, order=order,
                        to_status=to_status)  # fmt: skip
    return Outcome(proposal=proposal)


def approve(*, proposal_id: int, staff_user, request=None) -> StaffProposal:
    """Apply a pending proposal made by someone else; refused ones raise ApprovalError."""
    with transaction.atomic():
        proposal = StaffProposal.objects.select_for_update().get(pk=proposal_id)
        refusal = _refusal(proposal, staff_user, request)
        if refusal is None:
            _apply(proposal, staff_user, request)
    if refusal is not None:
        raise ApprovalError(refusal)  # after the commit, so an expiry found here is kept
    return proposal


def reject(*, proposal_id: int, staff_user, reason: str, request=None) -> StaffProposal:
    reason = _required_reason(reason)
    with transaction.atomic():
        proposal = StaffProposal.objects.select_for_update().get(pk=proposal_id)
        refusal = _refusal(proposal, staff_user, request, rejecting=True)
        if refusal is None:
            _decide(proposal, Status.REJECTED, staff_user, reason)
            record(staff_user, Action.PROPOSAL_REJECTED, reseller=proposal.reseller,
                   target=proposal, reason=reason, request=request)  # fmt: skip
    if refusal is not None:
        raise ApprovalError(refusal)
    return proposal


def expire_stale() -> int:
    """Mark every pending proposal past its expiry as expired; returns how many."""
    expired = 0
    stale = StaffProposal.objects.filter(status=Status.PENDING, expires_at__lte=timezone.now())
    for proposal_id in stale.values_list("pk", flat=True):
        with transaction.atomic():
            proposal = (
                StaffProposal.objects.select_for_update(skip_locked=True)
                .filter(pk=proposal_id, status=Status.PENDING)
                .first()
            )
            if proposal is not None:
                _expire(proposal)
                expired += 1
    return expired


# --- The steps -------------------------------------------------------------------------------


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ApprovalError(_("A reason is required."))
    return reason


def _propose(staff_user, reseller, amount, reason, request, *, order=None, to_status=""):
    with transaction.atomic():
        proposal = StaffProposal.objects.create(
            kind=Kind.CASHIN_RESOLUTION if order is not None else Kind.BALANCE_ADJUSTMENT,
            reseller=reseller,
            order=order,
            amount=amount,
            to_status=to_status,
            from_status=order.status if order is not None else "",
            reason=reason,
            proposed_by=staff_user,
            expires_at=timezone.now() + timedelta(hours=settings.STAFF_APPROVAL_EXPIRY_HOURS),
        )
        record(staff_user, Action.PROPOSAL_MADE, reseller=reseller, target=proposal,
               reason=reason, details=_details(proposal), request=request)  # fmt: skip
    return proposal


def _refusal(proposal, staff_user, request, *, rejecting=False) -> str | None:
    if proposal.status != Status.PENDING:
        return _("This proposal was already decided (%(status)s).") % {
            "status": proposal.get_status_display()
        }
    if proposal.expires_at <= timezone.now():
        _expire(proposal)
        return _("This proposal has expired; propose it again if it is still needed.")
    if not (staff_user.is_active and staff_user.is_staff):
        return _("Only staff can decide proposals.")
    if not rejecting and staff_user.pk == proposal.proposed_by_id:
        return _("You proposed this; a different staff member must approve it.")
    return None


def _apply(proposal, approver, request) -> None:
    # Kept in the ledger and history as written, whatever language the approver reads.
    reason = f"{proposal.reason} [proposal #{proposal.pk}, approved by {approver.get_username()}]"
    try:
        with transaction.atomic():  # a savepoint: a refusal undoes only the attempt
            applied = _run_service(proposal, reason)
    except (OrderError, ValueError) as error:
        why = getattr(error, "message", str(error))
        _decide(proposal, Status.FAILED, approver, why)
        record(approver, Action.PROPOSAL_FAILED, reseller=proposal.reseller, target=proposal,
               reason=why, details=_details(proposal), request=request)  # fmt: skip
        return
    _decide(proposal, Status.APPLIED, approver, "")
    record(approver, Action.PROPOSAL_APPROVED, reseller=proposal.reseller, target=proposal,
           reason=proposal.reason, details=_details(proposal), request=request)  # fmt: skip
    _record_applied(proposal.proposed_by, proposal.kind, proposal.reseller, applied, reason,
                    request, to_status=proposal.to_status, proposal=proposal)  # fmt: skip


def _run_service(proposal, reason):
    if proposal.kind == Kind.BALANCE_ADJUSTMENT:
        return staff_adjust_balance(reseller_id=proposal.reseller_id, amount=proposal.amount,
                                    staff_user=proposal.proposed_by, reason=reason)  # fmt: skip
    order = CashInOrder.objects.select_for_update().get(pk=proposal.order_id)
    if proposal.from_status and order.status != proposal.from_status:
        # The provider (or another resolution) moved it since: what was proposed no longer
        # describes the order, so a second look is needed, not a blind refund.
        raise ApprovalError(
            _("The order moved from %(old)s to %(new)s after this was proposed; propose again.")
            % {"old": proposal.from_status, "new": order.status}
        )
    return cashin_resolve_by_staff(order_id=proposal.order_id, to_status=proposal.to_status,
                                   staff_user=proposal.proposed_by, reason=reason)  # fmt: skip


def _decide(proposal, status, staff_user, why: str) -> None:
    proposal.status = status
    proposal.decided_by = staff_user
    proposal.decided_at = timezone.now()
    proposal.decision_reason = why
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])


def _expire(proposal) -> None:
    proposal.status = Status.EXPIRED
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_at"])
    record(None, Action.PROPOSAL_EXPIRED, reseller=proposal.reseller, target=proposal,
           details=_details(proposal))  # fmt: skip


def _record_applied(actor, kind, reseller, applied, reason, request, *, to_status="",
                    proposal=None):  # fmt: skip
    details = {"proposal": proposal.pk if proposal else None}
    if kind == Kind.BALANCE_ADJUSTMENT:
        details |= {"amount": applied.amount, "balance_after": applied.balance_after}
        action = Action.BALANCE_ADJUSTED
    else:
        details |= {"order": applied.client_reference, "to_status": to_status}
        action = Action.ORDER_RESOLVED
    record(actor, action, reseller=reseller, target=applied, reason=reason, details=details,
           request=request)  # fmt: skip


def _details(proposal) -> dict:
    details = {"kind": proposal.kind, "amount": proposal.amount}
    if proposal.order_id:
        details |= {"order": proposal.order.client_reference, "to_status": proposal.to_status}
    return details
