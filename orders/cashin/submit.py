"""Sending a Cash In: checks, the debit (amount and fee) and idempotency by client_reference.

One transaction locks the wallet row, checks the reseller's state, limits, daily total and
balance, creates the order and its debit (the lifecycle's initial money effect). No provider is
called here: the committed `submitting` order is the outbox entry the worker's submitter
(orders.submission.submitter) sends; what the answer may do is the lifecycle's business
(orders.lifecycle.following).
"""

import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.errors import (
    InsufficientBalance,
    InvalidReference,
    LimitExceeded,
    OrderError,
    ReferenceConflict,
    ResellerSuspended,
)
from orders.lifecycle.transition import begin
from orders.models import CashInOrder, Reseller, StatusChange
from orders.numbers import normalize_amount, normalize_mobile_number, taka
from orders.wallet.daily import sent_today
from orders.wallet.fees import cashin_commission, cashin_fee
from orders.wallet.ledger import lock_reseller

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
REFERENCE_CHARACTERS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:/")


@dataclass(frozen=True)
class SubmitOutcome:
    order: CashInOrder
    created: bool


def new_client_reference() -> str:
    day = timezone.localdate().strftime("%y%m%d")
    tail = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(10))
    return f"CI-{day}-{tail}"


def cashin_submit(
    *,
    reseller: Reseller,
    receiver_number: str,
    amount,
    client_reference: str | None = None,
    source: str = "panel",
) -> SubmitOutcome:
    """Debit the wallet and queue the order for the submitter; the same reference again
    returns the same order."""
    receiver = normalize_mobile_number(receiver_number)
    amount = normalize_amount(amount)
    reference = validate_reference(client_reference) if client_reference else None
    return _create_order(
        reseller_id=reseller.pk,
        receiver=receiver,
        amount=amount,
        reference=reference or new_client_reference(),
        source=source,
    )


def validate_reference(reference: str) -> str:
    reference = reference.strip()
    if not 1 <= len(reference) <= 64 or not set(reference) <= REFERENCE_CHARACTERS:
        raise InvalidReference(
            _("A client reference is 1 to 64 letters, digits or - _ . : / characters.")
        )
    return reference


def _create_order(*, reseller_id, receiver, amount, reference, source) -> SubmitOutcome:
    try:
        with transaction.atomic():
            reseller = lock_reseller(reseller_id)
            cashin_check_can_send(reseller=reseller, amount=amount)
            fee = cashin_fee(reseller, amount)
            # No last_submit_at and no next_check_at: queued for the submitter, not the sweep.
            order = CashInOrder.objects.create(
                reseller=reseller,
                client_reference=reference,
                receiver_number=receiver,
                amount=amount,
                debit_amount=amount,
                fee=fee,
                commission=cashin_commission(reseller, amount, fee),
                source=source,
            )
            begin(order, source=StatusChange.Source.SUBMIT)
            return SubmitOutcome(order, True)
    except (IntegrityError, OrderError):
        # A reference seen before is answered with its order, whatever the wallet says now.
        # Looked up only here: the unique index on client_reference catches every reuse.
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


def cashin_check_can_send(
    *, reseller: Reseller, amount: Decimal, sent_today: Decimal | None = None
) -> None:
    """Raise the OrderError a submit of `amount` would raise now (for a confirmation step).
    `sent_today`: today's figure when the caller has just read it (a bulk preview's rows)."""
    if not reseller.is_active:
        raise ResellerSuspended(_("Your account is suspended; contact support."))
    if amount < reseller.cashin_min or amount > reseller.cashin_max:
        raise LimitExceeded(
            _("The amount must be between %(min)s and %(max)s.")
            % {"min": taka(reseller.cashin_min), "max": taka(reseller.cashin_max)}
        )
    if sent_today is None:
        sent_today = today_cashin_total(reseller.pk)
    if sent_today + amount > reseller.cashin_daily_limit:
        raise LimitExceeded(
            _("This would pass your daily limit of %(limit)s (%(sent)s sent today).")
            % {"limit": taka(reseller.cashin_daily_limit), "sent": taka(sent_today)}
        )
    total = amount + cashin_fee(reseller, amount)
    if reseller.balance < total:
        raise InsufficientBalance(
            _("Insufficient balance: %(balance)s available.") % {"balance": taka(reseller.balance)}
        )


def today_cashin_total(reseller_id: int) -> Decimal:
    """What this reseller sent today (Asia/Dhaka), refunded orders left out."""
    return sent_today(reseller_id)
