"""Creating a PayIn: a reseller funds the wallet through TrustedPay.

The money rules (credit once on success, reverse once on a later refund) are the lifecycle's
(orders.lifecycle.declaration); following the PayIn is orders.payin.provider's. TrustedPay
documents `external_id` as its idempotency key: the same one again is the same PayIn.
"""

import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.errors import (
    InvalidAmount,
    InvalidReceiver,
    PayInReferenceConflict,
    PayInRejected,
    ResellerSuspended,
)
from orders.lifecycle.transition import begin
from orders.models import PayIn, Reseller, StatusChange
from orders.numbers import normalize_amount, normalize_mobile_number, taka

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
    """Queue a PayIn for the submitter, which creates it at TrustedPay (`creating` until then;
    a refusal ends it `rejected` with the field messages). Raises PayInRejected for our own
    checks.

    The same `external_id` again with the same payment returns the first PayIn (False) and
    sends nothing; with another payment it raises PayInReferenceConflict.
    """
    fields = _validated(reseller, amount, wallet_provider, mobile_number, email, customer_name)
    external_id = _checked_external_id(external_id) if external_id else new_external_id()
    try:
        with transaction.atomic():
            payin = PayIn.objects.create(
                reseller=reseller,
                external_id=external_id,
                merchant_user_ip=(merchant_user_ip or "")[:45],
                **fields,
            )
            begin(payin, source=StatusChange.Source.SUBMIT)
    except IntegrityError:
        return _same_payin(PayIn.objects.get(external_id=external_id), reseller, fields), False
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
