"""The only code that changes a reseller's balance: each change is one ledger entry."""

from decimal import Decimal

from django.db import connection, transaction
from django.utils.translation import gettext as _

from orders.errors import InsufficientBalance
from orders.models import LedgerEntry, Reseller
from orders.numbers import CENT, taka
from orders.wallet.daily import count_order, uncount_order


def lock_reseller(reseller_id: int) -> Reseller:
    """Lock the wallet row; every balance change of this reseller waits for it."""
    return wallet_rows().get(pk=reseller_id)


def lock_resellers(*reseller_ids: int) -> dict[int, Reseller]:
    """Lock several wallets in one fixed order (by id), so two transactions that each need
    the same two wallets wait for each other instead of deadlocking."""
    rows = wallet_rows().filter(pk__in=reseller_ids).order_by("pk")
    return {reseller.pk: reseller for reseller in rows}


def wallet_rows():
    """Reseller rows locked FOR NO KEY UPDATE: every other writer waits, but not the key-share
    lock PostgreSQL takes on a parent's row when a child's row (whose parent_id points at it)
    is written twice in one transaction. A plain FOR UPDATE blocks that, and a parent's
    transfer holding the parent while it waits for the child deadlocked with the child's
    Cash In."""
    return Reseller.objects.select_for_update(no_key=True)


def post_entry(
    *,
    reseller_id: int,
    kind: str,
    amount: Decimal,
    order=None,
    payin=None,
    transfer=None,
    staff_user=None,
    reason: str = "",
) -> LedgerEntry:
    """Write one entry and move the balance with it. Call inside the cause's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("post_entry must run inside the transaction of its cause")
    new_balance = _move_balance(reseller_id, amount)
    return LedgerEntry.objects.create(
        reseller_id=reseller_id,
        kind=kind,
        amount=amount,
        balance_after=new_balance,
        order=order,
        payin=payin,
        transfer=transfer,
        staff_user=staff_user,
        reason=reason,
    )


def _move_balance(reseller_id: int, amount: Decimal) -> Decimal:
    """Add `amount` to the wallet unless that takes it below zero; the new balance. One
    statement, which also takes the row lock if the caller has not."""
    table = connection.ops.quote_name(Reseller._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET balance = balance + %s"  # noqa: S608 (our table's name)
            " WHERE id = %s AND balance + %s >= 0 RETURNING balance",
            [amount, reseller_id, amount],
        )
        row = cursor.fetchone()
    if row is None:
        balance = Reseller.objects.values_list("balance", flat=True).get(pk=reseller_id)
        raise InsufficientBalance(
            _("Insufficient balance: %(balance)s available, %(needed)s needed.")
            % {"balance": taka(balance), "needed": taka(-amount)}
        )
    return Decimal(str(row[0])).quantize(CENT)  # SQLite answers a float or an int


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
Kind = LedgerEntry.Kind
# What else an order's money effect moves, after its main entry: (kind, undoes, sign, field).
ORDER_EXTRAS = {
    "debit": [(Kind.ORDER_FEE, None, -1, "fee")],
    "refund": [
        (Kind.ORDER_FEE_REFUND, Kind.ORDER_FEE, 1, "fee"),
        (Kind.COMMISSION_REVERSAL, Kind.COMMISSION, -1, "commission"),
    ],
}


def apply_money(
    subject, money: str, *, staff_user=None, text: str = "", new: bool = False
) -> LedgerEntry | None:
    """The money effect a status declares, on an order or PayIn, at most once per kind.

    A refund or reversal happens only where its debit or credit did; the partial unique
    indexes on the ledger make a second one impossible even if this check were skipped.
    An order's fee goes with its debit and comes back with its refund; its parent's
    commission is paid on success and taken back by a later refund. `new`: the subject was
    created in this transaction, so it has no entries to look for.
    """
    if money == "none":
        return None
    is_order = subject._meta.model_name == "cashinorder"
    if is_order and money == "commission":
        return _pay_commission(subject)
    kind, sign = KIND_OF[(str(money), is_order)]
    key = {"order": subject} if is_order else {"payin": subject}
    if is_order and money == "refund":
        _lock_order_wallets(subject)
    entries = LedgerEntry.objects.filter(**key)
    if not new and entries.filter(kind=kind).exists():
        return None
    if kind in UNDOES and not entries.filter(kind=UNDOES[kind]).exists():
        return None
    amount = subject.debit_amount if is_order else subject.amount
    entry = post_entry(
        reseller_id=subject.reseller_id,
        kind=kind,
        amount=sign * amount,
        staff_user=staff_user,
        reason=text,
        **key,
    )
    for extra in ORDER_EXTRAS.get(str(money), []) if is_order else []:
        _order_extra(subject, *extra, staff_user=staff_user, text=text, new=new)
    if is_order and money == "debit":
        count_order(subject)
    elif is_order:  # its refund
        uncount_order(subject)
    return entry


def _order_extra(order, kind, undoes, sign, field, *, staff_user, text, new) -> None:
    entries = LedgerEntry.objects.filter(order=order)
    if not new and entries.filter(kind=kind).exists():
        return
    if undoes is not None:
        undone = entries.filter(kind=undoes).first()
        if undone is None:
            return
        reseller_id, amount = undone.reseller_id, -undone.amount
    else:
        reseller_id, amount = order.reseller_id, sign * getattr(order, field)
    if not amount:
        return
    try:
        post_entry(reseller_id=reseller_id, kind=kind, amount=amount, order=order,
                   staff_user=staff_user, reason=text)  # fmt: skip
    except InsufficientBalance as short:
        if undoes != Kind.COMMISSION:
            raise
        parent = Reseller.objects.select_related("user").get(pk=reseller_id)
        raise InsufficientBalance(
            _("%(parent)s cannot give back its %(amount)s commission now (%(balance)s "
              "available), so this order cannot be refunded yet: try again once it can.")
            % {"parent": parent, "amount": taka(-amount), "balance": taka(parent.balance)}
        ) from short  # fmt: skip


def _pay_commission(order) -> LedgerEntry | None:
    """The parent's commission, once, only on a debited order that was not refunded."""
    parent_id = Reseller.objects.values_list("parent_id", flat=True).get(pk=order.reseller_id)
    entries = LedgerEntry.objects.filter(order=order)
    if not order.commission or parent_id is None or entries.filter(kind=Kind.COMMISSION).exists():
        return None
    if not entries.filter(kind=Kind.ORDER_DEBIT).exists():
        return None
    if entries.filter(kind=Kind.ORDER_REFUND).exists():
        return None
    return post_entry(reseller_id=parent_id, kind=Kind.COMMISSION, amount=order.commission,
                      order=order)  # fmt: skip


def _lock_order_wallets(order) -> None:
    """A refund that takes a commission back touches two wallets: lock both by id first."""
    commission = LedgerEntry.objects.filter(order=order, kind=Kind.COMMISSION).first()
    if commission is not None:
        lock_resellers(order.reseller_id, commission.reseller_id)
