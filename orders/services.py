"""Cash In orders: the one home of every rule that moves an order or its money.

Views, admin actions, the API and the worker all call these functions.

Unknown outcomes (a decision the README repeats): when a submit's outcome is unknown the order
waits as `submit_unknown` and the worker asks the provider by our `client_reference`. Found:
we adopt the provider's order. Not found after SUBMIT_UNKNOWN_GRACE_SECONDS: we submit again
under the *same* reference (at most SUBMIT_MAX_RESUBMITS times), because NICTBD documents the
reference as unique, so a late first request and the resubmit cannot both become orders. After
that the order is flagged for staff and keeps being checked. It is never failed and refunded
on our own guess: money goes back only when the provider says failed/refunded, when the provider
rejected the submit (nothing was created), when the request provably never left, or by staff.
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gateways.base import (
    CashInRequest,
    CashInResult,
    ConfigurationError,
    DuplicateReferenceError,
    GatewayError,
    NotFoundError,
    NotSentError,
    RejectedError,
    Status,
)
from gateways.registry import get_cashin_gateway
from orders.errors import (
    InsufficientBalance,
    InvalidReference,
    InvalidTransition,
    LimitExceeded,
    ReferenceConflict,
    ResellerSuspended,
)
from orders.history import record_change
from orders.ledger import lock_reseller, post_entry
from orders.models import CashInOrder, LedgerEntry, OrderStatus, Reseller, StatusChange
from orders.models.cashin import FINAL_ORDER_STATUSES, OPEN_ORDER_STATUSES
from orders.numbers import normalize_amount, normalize_mobile_number, taka
from orders.polling import note_check
from orders.webhooks import enqueue_final_status_webhook

log = logging.getLogger(__name__)

S = OrderStatus
TRANSITIONS: dict[str, set[str]] = {
    S.SUBMITTING: {S.SUBMIT_UNKNOWN, S.PENDING, S.SUCCESS, S.FAILED, S.REFUNDED},
    S.SUBMIT_UNKNOWN: {S.PENDING, S.SUCCESS, S.FAILED, S.REFUNDED},
    S.PENDING: {S.SUCCESS, S.FAILED, S.REFUNDED},
    S.SUCCESS: set(),
    S.FAILED: set(),
    S.REFUNDED: set(),
}
# Staff may correct a success the provider later contradicted; the refund still happens once.
STAFF_CORRECTIONS = {(S.SUCCESS, S.FAILED)}
REFUNDING_STATUSES = {S.FAILED, S.REFUNDED}
FROM_GATEWAY = {
    Status.PENDING: S.PENDING,
    Status.SUCCESS: S.SUCCESS,
    Status.FAILED: S.FAILED,
    Status.REFUNDED: S.REFUNDED,
    Status.CANCELED: S.FAILED,
    Status.EXPIRED: S.FAILED,
}
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
Source = StatusChange.Source


@dataclass(frozen=True)
class SubmitOutcome:
    order: CashInOrder
    created: bool


def new_client_reference() -> str:
    day = timezone.localdate().strftime("%y%m%d")
    tail = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(10))
    return f"CI-{day}-{tail}"


# --- Submit ----------------------------------------------------------------------------------


def cashin_submit(
    *,
    reseller: Reseller,
    receiver_number: str,
    amount,
    client_reference: str | None = None,
    source: str = "panel",
) -> SubmitOutcome:
    """Debit the wallet and send the order; the same reference again returns the same order."""
    receiver = normalize_mobile_number(receiver_number)
    amount = normalize_amount(amount)
    reference = validate_reference(client_reference) if client_reference else None
    outcome = _create_order(
        reseller_id=reseller.pk,
        receiver=receiver,
        amount=amount,
        reference=reference or new_client_reference(),
        source=source,
    )
    if outcome.created:
        _send_to_provider(outcome.order)
        outcome.order.refresh_from_db()
    return outcome


def validate_reference(reference: str) -> str:
    reference = reference.strip()
    allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:/")
    if not 1 <= len(reference) <= 64 or not set(reference) <= allowed:
        raise InvalidReference(
            _("A client reference is 1 to 64 letters, digits or - _ . : / characters.")
        )
    return reference


def _create_order(*, reseller_id, receiver, amount, reference, source) -> SubmitOutcome:
    try:
        with transaction.atomic():
            reseller = lock_reseller(reseller_id)
            existing = CashInOrder.objects.filter(client_reference=reference).first()
            if existing:
                return SubmitOutcome(_same_order(existing, reseller_id, receiver, amount), False)
            cashin_check_can_send(reseller=reseller, amount=amount)
            now = timezone.now()
            order = CashInOrder.objects.create(
                reseller=reseller,
                client_reference=reference,
                receiver_number=receiver,
                amount=amount,
                debit_amount=amount,
                source=source,
                last_submit_at=now,
                # Not picked by the sweep while this request is still waiting for its answer.
                next_check_at=now + _submit_grace(),
            )
            post_entry(
                reseller_id=reseller_id,
                kind=LedgerEntry.Kind.ORDER_DEBIT,
                amount=-amount,
                order=order,
            )
            record_change(order=order, from_status="", to_status=S.SUBMITTING, source=Source.SUBMIT)
            return SubmitOutcome(order, True)
    except IntegrityError:
        # Another reseller's transaction took this reference between our look-up and insert.
        existing = CashInOrder.objects.filter(client_reference=reference).first()
        if existing is None:
            raise
        return SubmitOutcome(_same_order(existing, reseller_id, receiver, amount), False)


def _same_order(existing: CashInOrder, reseller_id, receiver, amount) -> CashInOrder:
    if existing.reseller_id != reseller_id:
        raise ReferenceConflict(_("This client reference is already in use."))
    if existing.receiver_number != receiver or existing.amount != amount:
        raise ReferenceConflict(
            _("Client reference %(ref)s was already used for a different receiver or amount.")
            % {"ref": existing.client_reference}
        )
    return existing


def cashin_check_can_send(*, reseller: Reseller, amount: Decimal) -> None:
    """Raise the OrderError a submit of `amount` would raise now (for a confirmation step)."""
    if not reseller.is_active:
        raise ResellerSuspended(_("Your account is suspended; contact support."))
    if amount < reseller.cashin_min or amount > reseller.cashin_max:
        raise LimitExceeded(
            _("The amount must be between %(min)s and %(max)s.")
            % {"min": taka(reseller.cashin_min), "max": taka(reseller.cashin_max)}
        )
    sent_today = today_cashin_total(reseller.pk)
    if sent_today + amount > reseller.cashin_daily_limit:
        raise LimitExceeded(
            _("This would pass your daily limit of %(limit)s (%(sent)s sent today).")
            % {"limit": taka(reseller.cashin_daily_limit), "sent": taka(sent_today)}
        )
    if reseller.balance < amount:
        raise InsufficientBalance(
            _("Insufficient balance: %(balance)s available.") % {"balance": taka(reseller.balance)}
        )


def today_cashin_total(reseller_id: int) -> Decimal:
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    total = (
        CashInOrder.objects.filter(reseller_id=reseller_id, created_at__gte=start)
        .exclude(status__in=REFUNDING_STATUSES)
        .aggregate(total=Sum("amount"))["total"]
    )
    return (total or Decimal("0")).quantize(Decimal("0.01"))  # SQLite sums as a float


def _submit_grace() -> timedelta:
    return timedelta(seconds=settings.SUBMIT_UNKNOWN_GRACE_SECONDS)


def _send_to_provider(order: CashInOrder, *, first_attempt: bool = True) -> None:
    request = CashInRequest(
        receiver_number=order.receiver_number,
        amount=order.amount,
        client_reference=order.client_reference,
    )
    try:
        result = get_cashin_gateway().submit(request)
    except DuplicateReferenceError as error:
        _mark_unknown(order.pk, error)  # the provider has an order under our reference
    except RejectedError as error:
        if first_attempt:
            _fail_unsent(order.pk, _("Rejected by the provider: %(msg)s") % {"msg": explain(error)})
        else:
            _flag(order.pk, _("Resubmit rejected: %(msg)s") % {"msg": explain(error)})
    except (NotSentError, ConfigurationError) as error:
        if first_attempt:
            _fail_unsent(
                order.pk, _("Provider unreachable; nothing was sent (%(e)s).") % {"e": error}
            )
        else:
            _mark_unknown(order.pk, error)
    except GatewayError as error:
        _mark_unknown(order.pk, error)
    else:
        cashin_apply_result(order_id=order.pk, result=result, source=Source.SUBMIT)


def explain(error: RejectedError) -> str:
    """The provider's message with its field messages, for the reseller to read."""
    details = [message for messages in error.field_errors.values() for message in messages]
    return " ".join([error.message.rstrip(".") + ("." if details else ""), *details]).strip()


def _fail_unsent(order_id: int, reason: str) -> None:
    """The provider created nothing: fail the order and give the money back, once."""
    with transaction.atomic():
        order = CashInOrder.objects.select_for_update().get(pk=order_id)
        if order.status != S.SUBMITTING:
            return
        order.failure_reason = reason
        _move(order, S.FAILED, source=Source.SUBMIT, reason=reason)
        order.save()


def _mark_unknown(order_id: int, error: GatewayError) -> None:
    log.warning("cash-in %s: submit outcome unknown: %s", order_id, error)
    with transaction.atomic():
        order = CashInOrder.objects.select_for_update().get(pk=order_id)
        order.last_error = str(error)[:500]
        order.next_check_at = timezone.now() + timedelta(seconds=settings.POLL_BASE_DELAY)
        if order.status == S.SUBMITTING:
            _move(order, S.SUBMIT_UNKNOWN, source=Source.SUBMIT, reason=str(error)[:500])
        order.save()


# --- Provider answers ------------------------------------------------------------------------


def cashin_apply_result(
    *, order_id: int, result: CashInResult, source: str, staff_user=None
) -> CashInOrder:
    """Apply one provider answer: forward moves only; a contradicted final status is flagged."""
    with transaction.atomic():
        order = CashInOrder.objects.select_for_update().get(pk=order_id)
        target = FROM_GATEWAY[result.status]
        if order.is_final:
            if target != order.status:
                _flag_contradiction(order, result)
            return order
        provider_status_before = order.provider_status
        _copy_provider_fields(order, result)
        if target != order.status:
            _move(
                order,
                target,
                source=source,
                raw=result.raw,
                reason=result.failure_reason or result.message,
                staff_user=staff_user,
            )
        elif order.provider_status != provider_status_before:
            record_change(
                order=order,
                from_status=order.status,
                to_status=order.status,
                provider_status=order.provider_status,
                source=source,
                raw=result.raw,
                staff_user=staff_user,
            )
        _count_check(order, error="")
        order.save()
        return order


def _copy_provider_fields(order: CashInOrder, result: CashInResult) -> None:
    order.order_number = result.order_number or order.order_number
    order.job_id = result.job_id or order.job_id
    order.provider_status = result.provider_status or order.provider_status
    order.job_status = result.job_status or order.job_status
    order.transaction_status = result.transaction_status or order.transaction_status
    order.operator_transaction_id = result.operator_transaction_id or ""
    order.failure_reason = result.failure_reason or order.failure_reason
    order.refund_order_number = result.refund_order_number or ""
    if order.submitted_at is None and result.order_number:
        order.submitted_at = timezone.now()
    if result.status.is_final:
        order.completed_at = result.completed_at or timezone.now()


def _move(order: CashInOrder, target: str, *, source, raw=None, reason="", staff_user=None):
    """The one place an order's status changes: edge check, history, refund."""
    allowed = target in TRANSITIONS[order.status] or (
        source == Source.STAFF and (order.status, target) in STAFF_CORRECTIONS
    )
    if not allowed:
        raise InvalidTransition(
            _("An order cannot go from %(a)s to %(b)s.") % {"a": order.status, "b": target}
        )
    previous = order.status
    order.status = target
    if target in FINAL_ORDER_STATUSES:
        order.completed_at = order.completed_at or timezone.now()
        order.next_check_at = None
    record_change(
        order=order,
        from_status=previous,
        to_status=target,
        provider_status=order.provider_status,
        source=source,
        raw=raw,
        staff_user=staff_user,
        reason=reason or "",
    )
    if target in FINAL_ORDER_STATUSES:
        enqueue_final_status_webhook(order)
    if target in REFUNDING_STATUSES:
        post_entry(
            reseller_id=order.reseller_id,
            kind=LedgerEntry.Kind.ORDER_REFUND,
            amount=order.debit_amount,
            order=order,
            staff_user=staff_user,
            reason=reason or "",
        )


def _count_check(order: CashInOrder, *, error: str) -> None:
    note_check(
        order, error=error, keep_watching=order.status in OPEN_ORDER_STATUSES, now=timezone.now()
    )


def _flag_contradiction(order: CashInOrder, result: CashInResult) -> None:
    reason = _("Provider now says '%(new)s' but the order is final as '%(old)s'.") % {
        "new": result.provider_status,
        "old": order.status,
    }
    log.error("cash-in %s: %s", order.client_reference, reason)
    if order.needs_attention and order.attention_reason == reason:
        return
    order.needs_attention = True
    order.attention_reason = reason
    order.save(update_fields=["needs_attention", "attention_reason"])
    record_change(
        order=order,
        from_status=order.status,
        to_status=order.status,
        provider_status=result.provider_status,
        source=Source.PROVIDER,
        raw=result.raw,
        reason=reason,
    )


# --- Errors while checking -------------------------------------------------------------------


def cashin_note_check_error(*, order_id: int, error: GatewayError) -> CashInOrder:
    """A status check failed: resolve unknown submits, flag lost orders, else retry later."""
    if isinstance(error, NotFoundError):
        return _handle_not_found(order_id, error)
    log.warning("cash-in %s: status check failed: %s", order_id, error)
    with transaction.atomic():
        order = CashInOrder.objects.select_for_update().get(pk=order_id)
        _count_check(order, error=str(error))
        order.save()
        return order


def _handle_not_found(order_id: int, error: NotFoundError) -> CashInOrder:
    order = CashInOrder.objects.get(pk=order_id)
    if order.status == S.PENDING:
        _flag(order_id, _("The provider no longer finds this order."))
    elif order.status in (S.SUBMITTING, S.SUBMIT_UNKNOWN):
        waited = timezone.now() - (order.last_submit_at or order.created_at)
        if waited >= _submit_grace():
            if order.resubmit_count < settings.SUBMIT_MAX_RESUBMITS:
                return _resubmit(order)
            _flag(
                order_id,
                _("No order at the provider under %(ref)s after %(n)s resubmits; decide by hand.")
                % {"ref": order.client_reference, "n": order.resubmit_count},
            )
    with transaction.atomic():
        order = CashInOrder.objects.select_for_update().get(pk=order_id)
        _count_check(order, error=str(error))
        order.save()
    return order


def _resubmit(order: CashInOrder) -> CashInOrder:
    """Submit again under the same reference; the guarded update lets one worker do it."""
    claimed = CashInOrder.objects.filter(
        pk=order.pk,
        status__in=[S.SUBMITTING, S.SUBMIT_UNKNOWN],
        resubmit_count=order.resubmit_count,
    ).update(
        resubmit_count=order.resubmit_count + 1,
        last_submit_at=timezone.now(),
        next_check_at=timezone.now() + _submit_grace(),
    )
    if claimed == 1:
        log.warning("cash-in %s: resubmitting under the same reference", order.client_reference)
        _send_to_provider(order, first_attempt=False)
    return CashInOrder.objects.get(pk=order.pk)


def _flag(order_id: int, reason: str) -> None:
    CashInOrder.objects.filter(pk=order_id).exclude(attention_reason=reason).update(
        needs_attention=True, attention_reason=reason
    )


# --- Staff -----------------------------------------------------------------------------------


def cashin_check_now(*, order_id: int, source: str = Source.STAFF, staff_user=None) -> CashInOrder:
    """Ask the provider about one order at once (admin action, API refresh, redelivered task)."""
    order = CashInOrder.objects.get(pk=order_id)
    try:
        result = get_cashin_gateway().status_by_reference(order.client_reference)
    except GatewayError as error:
        return cashin_note_check_error(order_id=order_id, error=error)
    return cashin_apply_result(
        order_id=order_id, result=result, source=source, staff_user=staff_user
    )


def cashin_resolve_by_staff(*, order_id: int, to_status: str, staff_user, reason: str):
    """A staff decision: success, or failed with its refund (exactly once)."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidTransition(_("A reason is required to resolve an order by hand."))
    if to_status not in (S.SUCCESS, S.FAILED):
        raise InvalidTransition(_("Staff can resolve an order only to success or failed."))
    with transaction.atomic():
        order = CashInOrder.objects.select_for_update().get(pk=order_id)
        if to_status == S.FAILED and not order.failure_reason:
            order.failure_reason = reason
        _move(order, to_status, source=Source.STAFF, staff_user=staff_user, reason=reason)
        order.needs_attention = False
        order.attention_reason = ""
        order.save()
        return order


def cashin_set_attention(*, order_id: int, flagged: bool, staff_user, reason: str = ""):
    with transaction.atomic():
        order = CashInOrder.objects.select_for_update().get(pk=order_id)
        order.needs_attention = flagged
        order.attention_reason = reason.strip() if flagged else ""
        order.save(update_fields=["needs_attention", "attention_reason"])
        record_change(
            order=order,
            from_status=order.status,
            to_status=order.status,
            source=Source.STAFF,
            staff_user=staff_user,
            reason=("Flagged: " if flagged else "Unflagged: ") + (reason or "-"),
        )
        return order
