"""PayIn: a reseller funds the wallet through TrustedPay. Credited once on success; a success
the provider later refunds is reversed once (flagged instead if the balance cannot cover it).

TrustedPay documents `external_id` as the idempotency key, so an unknown create outcome is
resolved by asking the status by `external_id` and, if still not found after the grace
period, posting again with the same `external_id`.
"""

import logging
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gateways.base import (
    ConfigurationError,
    GatewayError,
    NotFoundError,
    NotSentError,
    PayInRequest,
    PayInResult,
    RejectedError,
    Status,
    WalletProvider,
)
from gateways.registry import get_payin_gateway
from orders.errors import (
    InsufficientBalance,
    InvalidAmount,
    InvalidReceiver,
    PayInReferenceConflict,
    PayInRejected,
    ResellerSuspended,
)
from orders.history import record_change
from orders.ledger import post_entry
from orders.models import LedgerEntry, PayIn, PayInStatus, Reseller, StatusChange
from orders.numbers import normalize_amount, normalize_mobile_number, taka
from orders.polling import note_check

log = logging.getLogger(__name__)

P = PayInStatus
Source = StatusChange.Source
TRANSITIONS: dict[str, set[str]] = {
    P.CREATING: {P.PENDING, P.SUCCESS, P.FAILED, P.CANCELED, P.EXPIRED, P.REJECTED, P.REFUNDED},
    P.PENDING: {P.SUCCESS, P.FAILED, P.CANCELED, P.EXPIRED, P.REFUNDED},
    P.SUCCESS: {P.REFUNDED},
    P.FAILED: set(),
    P.CANCELED: set(),
    P.EXPIRED: set(),
    P.REFUNDED: set(),
    P.REJECTED: set(),
}
FROM_GATEWAY = {
    Status.PENDING: P.PENDING,
    Status.SUCCESS: P.SUCCESS,
    Status.FAILED: P.FAILED,
    Status.CANCELED: P.CANCELED,
    Status.EXPIRED: P.EXPIRED,
    Status.REFUNDED: P.REFUNDED,
}
REFUND_WATCH = timedelta(hours=24)  # a success is re-checked this long for a later refund
EXTERNAL_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def new_external_id() -> str:
    return f"PIN-{timezone.localdate():%y%m%d}-{secrets.token_hex(6).upper()}"


def payin_create(**kwargs) -> PayIn:
    """payin_create_once without telling whether the PayIn is new."""
    return payin_create_once(**kwargs)[0]


def payin_create_once(
    *,
    reseller: Reseller,
    amount,
    wallet_provider: str,
    mobile_number: str,
    email: str,
    customer_name: str,
    merchant_user_ip: str = "",
    external_id: str | None = None,
) -> tuple[PayIn, bool]:
    """Create a PayIn at TrustedPay; raises PayInRejected with field messages if refused.

    The same `external_id` again with the same payment returns the first PayIn (False) and
    sends nothing; with another payment it raises PayInReferenceConflict.
    """
    fields = _validated(reseller, amount, wallet_provider, mobile_number, email, customer_name)
    external_id = _checked_external_id(external_id) if external_id else new_external_id()
    now = timezone.now()
    try:
        with transaction.atomic():
            payin = PayIn.objects.create(
                reseller=reseller,
                external_id=external_id,
                last_submit_at=now,
                next_check_at=now + _grace(),
                **fields,
            )
            record_change(payin=payin, from_status="", to_status=P.CREATING, source=Source.SUBMIT)
    except IntegrityError:
        return _same_payin(PayIn.objects.get(external_id=external_id), reseller, fields), False
    _send(payin, merchant_user_ip=merchant_user_ip)
    payin.refresh_from_db()
    if payin.status == P.REJECTED:
        raise PayInRejected(payin.failure_reason, _rejected_fields(payin))
    return payin, True


def _validated(reseller, amount, wallet_provider, mobile_number, email, customer_name) -> dict:
    if not reseller.is_active:
        raise ResellerSuspended(_("Your account is suspended; contact support."))
    amount = normalize_amount(amount)
    if not settings.PAYIN_MIN_AMOUNT <= amount <= settings.PAYIN_MAX_AMOUNT:
        raise InvalidAmount(
            _("Add between %(min)s and %(max)s.")
            % {"min": taka(settings.PAYIN_MIN_AMOUNT), "max": taka(settings.PAYIN_MAX_AMOUNT)}
        )
    errors = {}
    try:
        mobile_number = normalize_mobile_number(mobile_number)
    except InvalidReceiver as error:
        errors["mobile_number"] = [error.message]
    if wallet_provider not in PayIn.WalletProvider.values:
        errors["wallet_provider"] = [_("Choose bKash or Nagad.")]
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Enter a valid email address.")]
    if not (customer_name or "").strip() or len(customer_name) > 100:
        errors["customer_name"] = [_("Enter the payer's name (up to 100 characters).")]
    if errors:
        raise PayInRejected(_("Please correct the fields below."), errors)
    return {
        "amount": amount,
        "wallet_provider": wallet_provider,
        "mobile_number": mobile_number,
        "email": email.strip(),
        "customer_name": customer_name.strip(),
    }


def _checked_external_id(external_id: str) -> str:
    if not EXTERNAL_ID.fullmatch(external_id):
        raise PayInRejected(
            _("Please correct the fields below."),
            {"external_id": [_("1 to 64 letters, digits or - _ . characters.")]},
        )
    return external_id


def _same_payin(existing: PayIn, reseller: Reseller, fields: dict) -> PayIn:
    same = existing.reseller_id == reseller.pk and all(
        getattr(existing, name) == fields[name]
        for name in ("amount", "wallet_provider", "mobile_number")
    )
    if not same:
        raise PayInReferenceConflict(_("This external_id was already used for another PayIn."))
    return existing


def _rejected_fields(payin: PayIn) -> dict[str, list[str]]:
    last = payin.history.filter(to_status=P.REJECTED).last()
    raw = (last.raw or {}) if last else {}
    return {key.removeprefix("paymentData."): value for key, value in raw.items()}


def _grace() -> timedelta:
    return timedelta(seconds=settings.SUBMIT_UNKNOWN_GRACE_SECONDS)


def _send(payin: PayIn, *, merchant_user_ip: str = "", first_attempt: bool = True) -> None:
    request = PayInRequest(
        external_id=payin.external_id,
        amount=payin.amount,
        wallet_provider=WalletProvider(payin.wallet_provider),
        mobile_number=payin.mobile_number,
        email=payin.email,
        customer_name=payin.customer_name,
        merchant_user_id=f"reseller-{payin.reseller_id}",
        merchant_user_ip=merchant_user_ip,
        callback_url=settings.TRUSTEDPAY_CALLBACK_URL,
    )
    try:
        result = get_payin_gateway().submit(request)
    except RejectedError as error:
        _end_unsent(payin.pk, P.REJECTED, error.message, raw=error.field_errors)
    except (NotSentError, ConfigurationError) as error:
        if first_attempt:
            _end_unsent(payin.pk, P.FAILED, _("Provider unreachable; nothing was sent."))
        else:
            _note_error(payin.pk, error)
    except GatewayError as error:
        _note_error(payin.pk, error)
    else:
        payin_apply_result(payin_id=payin.pk, result=result, source=Source.SUBMIT)


def _end_unsent(payin_id: int, status: str, reason: str, raw=None) -> None:
    with transaction.atomic():
        payin = PayIn.objects.select_for_update().get(pk=payin_id)
        if payin.status != P.CREATING:
            return
        payin.failure_reason = reason
        payin.next_check_at = None
        _move(payin, status, source=Source.SUBMIT, raw=raw, reason=reason)
        payin.save()


def payin_apply_result(
    *, payin_id: int, result: PayInResult, source: str, staff_user=None
) -> PayIn:
    with transaction.atomic():
        payin = PayIn.objects.select_for_update().get(pk=payin_id)
        target = FROM_GATEWAY[result.status]
        _copy_provider_fields(payin, result)
        if target != payin.status:
            if target in TRANSITIONS[payin.status]:
                _move(payin, target, source=source, raw=result.raw, staff_user=staff_user)
            else:
                _flag(
                    payin,
                    _("Provider now says '%(new)s' but the PayIn is final as '%(old)s'.")
                    % {"new": result.provider_status, "old": payin.status},
                )
        _count_check(payin, error="")
        payin.save()
        return payin


def _copy_provider_fields(payin: PayIn, result: PayInResult) -> None:
    payin.provider_id = result.provider_id or payin.provider_id
    payin.provider_status = result.provider_status or payin.provider_status
    payin.payment_link = result.payment_link or payin.payment_link
    payin.payment_link_expires_at = result.payment_link_expires_at or payin.payment_link_expires_at
    payin.finalization_date = result.finalization_date or payin.finalization_date


def _move(payin: PayIn, target: str, *, source, raw=None, reason="", staff_user=None) -> None:
    previous = payin.status
    if target == P.REFUNDED and previous == P.SUCCESS and not _reverse_credit(payin):
        return
    payin.status = target
    if target != P.PENDING:
        payin.completed_at = payin.completed_at or timezone.now()
    record_change(
        payin=payin,
        from_status=previous,
        to_status=target,
        provider_status=payin.provider_status,
        source=source,
        raw=raw,
        staff_user=staff_user,
        reason=reason,
    )
    if target == P.SUCCESS:
        post_entry(
            reseller_id=payin.reseller_id,
            kind=LedgerEntry.Kind.PAYIN_CREDIT,
            amount=payin.amount,
            payin=payin,
        )


def _reverse_credit(payin: PayIn) -> bool:
    """Take a refunded PayIn's credit back, unless that would make the balance negative."""
    try:
        with transaction.atomic():
            post_entry(
                reseller_id=payin.reseller_id,
                kind=LedgerEntry.Kind.PAYIN_REVERSAL,
                amount=-payin.amount,
                payin=payin,
                reason=_("The provider refunded this PayIn."),
            )
    except InsufficientBalance:
        _flag(
            payin,
            _("Provider refunded this PayIn but the balance cannot cover the %(amount)s reversal.")
            % {"amount": taka(payin.amount)},
        )
        return False
    if payin.needs_attention and "reversal" in payin.attention_reason:
        payin.needs_attention = False
        payin.attention_reason = ""
    return True


def _flag(payin: PayIn, reason: str) -> None:
    if payin.attention_reason != reason:
        log.error("payin %s: %s", payin.external_id, reason)
        payin.needs_attention = True
        payin.attention_reason = reason


def _count_check(payin: PayIn, *, error: str) -> None:
    now = timezone.now()
    watching = payin.status in (P.CREATING, P.PENDING) or (
        payin.status == P.SUCCESS and payin.completed_at and now - payin.completed_at < REFUND_WATCH
    )
    note_check(payin, error=error, keep_watching=bool(watching), now=now)


def payin_note_check_error(*, payin_id: int, error: GatewayError) -> PayIn:
    payin = PayIn.objects.get(pk=payin_id)
    if isinstance(error, NotFoundError) and payin.status == P.CREATING:
        if timezone.now() - (payin.last_submit_at or payin.created_at) >= _grace():
            if payin.resubmit_count < settings.SUBMIT_MAX_RESUBMITS:
                return _resubmit(payin)
            with transaction.atomic():
                payin = PayIn.objects.select_for_update().get(pk=payin_id)
                _flag(payin, _("TrustedPay has no PayIn under this external_id; decide by hand."))
                payin.save()
    elif isinstance(error, NotFoundError):
        with transaction.atomic():
            payin = PayIn.objects.select_for_update().get(pk=payin_id)
            _flag(payin, _("TrustedPay no longer finds this PayIn."))
            payin.save()
    return _note_error(payin_id, error)


def _note_error(payin_id: int, error: GatewayError) -> PayIn:
    log.warning("payin %s: %s", payin_id, error)
    with transaction.atomic():
        payin = PayIn.objects.select_for_update().get(pk=payin_id)
        _count_check(payin, error=str(error))
        payin.save()
        return payin


def _resubmit(payin: PayIn) -> PayIn:
    claimed = PayIn.objects.filter(
        pk=payin.pk, status=P.CREATING, resubmit_count=payin.resubmit_count
    ).update(resubmit_count=payin.resubmit_count + 1, last_submit_at=timezone.now())
    if claimed == 1:
        _send(payin, first_attempt=False)
    return PayIn.objects.get(pk=payin.pk)


def payin_check_now(*, payin_id: int, source: str = Source.STAFF, staff_user=None) -> PayIn:
    payin = PayIn.objects.get(pk=payin_id)
    try:
        result = get_payin_gateway().status_by_reference(payin.external_id)
    except GatewayError as error:
        return payin_note_check_error(payin_id=payin_id, error=error)
    return payin_apply_result(
        payin_id=payin_id, result=result, source=source, staff_user=staff_user
    )
