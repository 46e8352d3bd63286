"""Moving balance between a parent and one of its sub-resellers.

One transaction locks both wallets in id order (so two transfers between the same wallets,
or a transfer beside a Cash In, wait instead of deadlocking), creates the Transfer and writes
its two ledger entries: out of the sender's wallet, into the receiver's. The sender's entry is
written first: a transfer that would overdraw it raises InsufficientBalance and leaves nothing.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from orders.errors import InvalidTransfer, ReferenceConflict, ResellerSuspended
from orders.models import LedgerEntry, Reseller, Transfer
from orders.numbers import normalize_amount
from orders.wallet.ledger import lock_resellers, post_entry

NOTE_MAX = 200


@dataclass(frozen=True)
class TransferOutcome:
    transfer: Transfer
    created: bool


def transfer_create(
    *,
    parent: Reseller,
    child_id: int,
    amount,
    direction: str = Transfer.Direction.DOWN,
    note: str = "",
    reference: str = "",
) -> TransferOutcome:
    """Send balance down to a child, or pull it back up (at most the child's balance).
    The same `reference` again with the same child, amount and direction returns the same
    transfer; with another, ReferenceConflict."""
    amount = normalize_amount(amount)
    note = (note or "").strip()[:NOTE_MAX]
    if reference and not reference.strip():  # blank would silently lose the idempotency
        raise InvalidTransfer(_("A reference cannot be only spaces."))
    reference = (reference or "").strip()  # "R1 " is the retry of "R1", not a new transfer
    if direction not in Transfer.Direction.values:
        raise InvalidTransfer(_("The direction is down or up."))
    try:
        with transaction.atomic():
            return _create(parent, child_id, amount, direction, note, reference)
    except IntegrityError:
        existing = _existing(parent, reference)
        if existing is None:
            raise
        return TransferOutcome(_same(existing, child_id, amount, direction), False)


def _create(parent, child_id, amount, direction, note, reference) -> TransferOutcome:
    wallets = lock_resellers(parent.pk, child_id)
    if existing := _existing(parent, reference):
        return TransferOutcome(_same(existing, child_id, amount, direction), False)
    child = wallets.get(child_id)
    if child is None or child.parent_id != parent.pk:
        raise InvalidTransfer(_("No such sub-reseller."))
    if not wallets[parent.pk].is_active:
        raise ResellerSuspended(_("Your account is suspended; contact support."))
    transfer = Transfer.objects.create(
        parent=parent, child=child, direction=direction, amount=amount, note=note,
        reference=reference,
    )  # fmt: skip
    for reseller_id, kind, sign in (
        (transfer.sender_id, LedgerEntry.Kind.TRANSFER_OUT, -1),
        (transfer.receiver_id, LedgerEntry.Kind.TRANSFER_IN, 1),
    ):
        post_entry(reseller_id=reseller_id, kind=kind, amount=sign * amount,
                   transfer=transfer, reason=note)  # fmt: skip
    return TransferOutcome(transfer, True)


def _existing(parent: Reseller, reference: str) -> Transfer | None:
    if not reference:
        return None
    return Transfer.objects.filter(parent=parent, reference=reference).first()


def _same(existing: Transfer, child_id: int, amount: Decimal, direction: str) -> Transfer:
    if (existing.child_id, existing.amount, existing.direction) != (child_id, amount, direction):
        raise ReferenceConflict(
            _("Reference %(ref)s was already used for another transfer.")
            % {"ref": existing.reference}
        )
    return existing
