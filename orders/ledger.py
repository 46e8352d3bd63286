"""The only code that changes a reseller's balance: each change is one ledger entry."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from orders.errors import InsufficientBalance
from orders.models import LedgerEntry, Reseller
from orders.numbers import taka


def lock_reseller(reseller_id: int) -> Reseller:
    """Lock the wallet row; every balance change of this reseller waits for it."""
    return Reseller.objects.select_for_update().get(pk=reseller_id)


def post_entry(
    *,
    reseller_id: int,
    kind: str,
    amount: Decimal,
    order=None,
    payin=None,
    staff_user=None,
    reason: str = "",
) -> LedgerEntry:
    """Write one entry and move the balance with it. Call inside the cause's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("post_entry must run inside the transaction of its cause")
    reseller = lock_reseller(reseller_id)
    new_balance = reseller.balance + amount
    if new_balance < 0:
        raise InsufficientBalance(
            _("Insufficient balance: %(balance)s available, %(needed)s needed.")
            % {"balance": taka(reseller.balance), "needed": taka(-amount)}
        )
    Reseller.objects.filter(pk=reseller_id).update(balance=new_balance)
    return LedgerEntry.objects.create(
        reseller_id=reseller_id,
        kind=kind,
        amount=amount,
        balance_after=new_balance,
        order=order,
        payin=payin,
        staff_user=staff_user,
        reason=reason,
    )


def staff_adjust_balance(
    *, reseller_id: int, amount: Decimal, staff_user, reason: str
) -> LedgerEntry:
    if not reason.strip():
        raise ValueError("A balance adjustment needs a reason")
    if amount == 0:
        raise ValueError("A balance adjustment cannot be zero")
    with transaction.atomic():
        return post_entry(
            reseller_id=reseller_id,
            kind=LedgerEntry.Kind.ADJUSTMENT,
            amount=amount,
            staff_user=staff_user,
            reason=reason.strip(),
        )
