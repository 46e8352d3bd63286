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


KIND_OF = {
    # (money effect, subject is an order) → the entry kind and the sign of its amount
    ("debit", True): (LedgerEntry.Kind.ORDER_DEBIT, -1),
    ("refund", True): (LedgerEntry.Kind.ORDER_REFUND, 1),
    ("credit", False): (LedgerEntry.Kind.PAYIN_CREDIT, 1),
    ("reversal", False): (LedgerEntry.Kind.PAYIN_REVERSAL, -1),
}
UNDOES = {
    LedgerEntry.Kind.ORDER_REFUND: LedgerEntry.Kind.ORDER_DEBIT,
    LedgerEntry.Kind.PAYIN_REVERSAL: LedgerEntry.Kind.PAYIN_CREDIT,
}


def apply_money(subject, money: str, *, staff_user=None, text: str = "") -> LedgerEntry | None:
    """The money effect a status declares, on an order or PayIn, at most once per kind.

    A refund or reversal happens only where its debit or credit did; the partial unique
    indexes on the ledger make a second one impossible even if this check were skipped.
    """
    if money == "none":
        return None
    is_order = subject._meta.model_name == "cashinorder"
    kind, sign = KIND_OF[(str(money), is_order)]
    key = {"order": subject} if is_order else {"payin": subject}
    entries = LedgerEntry.objects.filter(**key)
    if entries.filter(kind=kind).exists():
        return None
    if kind in UNDOES and not entries.filter(kind=UNDOES[kind]).exists():
        return None
    amount = subject.debit_amount if is_order else subject.amount
    return post_entry(
        reseller_id=subject.reseller_id,
        kind=kind,
        amount=sign * amount,
        staff_user=staff_user,
        reason=text,
        **key,
    )
