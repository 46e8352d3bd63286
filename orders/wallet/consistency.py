"""Whether the figures kept beside the ledger still agree with it (the daily report's check).

A balance must be the sum of its wallet's entries, and a day's Cash In figure
(orders.wallet.daily) the amounts of that day's orders debited and not refunded. The ledger
keeps both so, in the transaction that moves the money; a difference found here is a bug to
investigate, so it is reported and logged, never corrected silently. Both sides are read in one
snapshot, so money moving during the check is not mistaken for a difference.
"""

import logging
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Sum

from orders.localtime import day_start
from orders.models import CashInDay, CashInOrder, LedgerEntry, Reseller
from orders.numbers import CENT
from orders.wallet.daily import ZERO

log = logging.getLogger(__name__)
Kind = LedgerEntry.Kind
LOGGED = 20  # differences of each kind written to the log; the report keeps them all


def ledger_drift(day: date) -> dict[str, list[dict]]:
    """The wallets whose balance is not their ledger's sum, and the resellers whose figure for
    `day` is not that day's debited, unrefunded orders; each as {reseller, held, ledger}."""
    outermost = not connection.in_atomic_block  # isolation is set only at a transaction's start
    with transaction.atomic():
        if connection.vendor == "postgresql":
            _read_one_snapshot(outermost)
        found = {"balances": _balances_off_ledger(), "daily_figures": _figures_off_ledger(day)}
    if found["balances"] or found["daily_figures"]:
        shown = {part: rows[:LOGGED] for part, rows in found.items()}
        log.error("ledger drift on %s (at most %s of each shown): %s", day, LOGGED, shown)
    return found


def _read_one_snapshot(outermost: bool) -> None:
    with connection.cursor() as cursor:
        if outermost:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            return
        cursor.execute("SHOW transaction_isolation")
        if cursor.fetchone()[0] == "read committed":
            log.warning("ledger drift checked inside a READ COMMITTED transaction: money moving "
                        "during the check may be reported as drift")  # fmt: skip


def _balances_off_ledger() -> list[dict]:
    held = dict(Reseller.objects.values_list("id", "balance"))
    return _differences(held, _totals(LedgerEntry.objects.all()))


def _figures_off_ledger(day: date) -> list[dict]:
    held = dict(CashInDay.objects.filter(day=day).values_list("reseller_id", "sent"))
    start, end = day_start(day), day_start(day + timedelta(days=1))
    entry = LedgerEntry.objects.filter(order=OuterRef("pk"))
    counting = (
        CashInOrder.objects.filter(created_at__gte=start, created_at__lt=end)
        .filter(Exists(entry.filter(kind=Kind.ORDER_DEBIT)))
        .exclude(Exists(entry.filter(kind=Kind.ORDER_REFUND)))
    )
    return _differences(held, _totals(counting))


def _totals(rows) -> dict[int, Decimal]:
    """Each reseller's sum of `amount`, to the poisha (SQLite sums in floating point)."""
    sums = rows.order_by().values("reseller_id").annotate(total=Sum("amount"))
    return {row["reseller_id"]: Decimal(row["total"]).quantize(CENT) for row in sums}


def _differences(held: dict, ledger: dict) -> list[dict]:
    found = []
    for reseller_id in sorted(held.keys() | ledger.keys()):
        ours, theirs = held.get(reseller_id, ZERO), ledger.get(reseller_id, ZERO)
        if ours != theirs:
            found.append(
                {"reseller": reseller_id, "held": f"{ours:.2f}", "ledger": f"{theirs:.2f}"}
            )
    return found
