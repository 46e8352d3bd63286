"""NICTBD's float: a snapshot of the balance-check endpoint, taken by the worker every few
minutes (the `float-snapshot` schedule), never by a page."""

import logging

from django.db.models import Sum
from django.utils import timezone

from gateways.base import GatewayError
from gateways.registry import get_cashin_gateway
from orders.models import FloatSnapshot, Reseller

log = logging.getLogger(__name__)


def take_float_snapshot() -> FloatSnapshot | None:
    """Ask NICTBD for its balance and store it; a provider fault is logged and None returned."""
    try:
        answer = get_cashin_gateway().balance()
    except (GatewayError, ValueError, KeyError) as error:
        log.warning("float snapshot: the balance check failed: %s", error)
        return None
    if answer.currency and answer.currency != "BDT":
        log.warning("float snapshot: balance in %r, not BDT; not stored", answer.currency)
        return None
    return FloatSnapshot.objects.create(
        balance=answer.balance, currency=answer.currency, taken_at=timezone.now(), raw=answer.raw
    )


def wallets_total():
    return Reseller.objects.aggregate(total=Sum("balance"))["total"] or 0


def float_alert(snapshot: FloatSnapshot | None, wallets, threshold) -> str:
    """Why the float needs staff's attention, or "" when it covers what resellers hold."""
    if snapshot is None:
        return "No NICTBD balance known yet: is the worker running?"
    if snapshot.balance < threshold:
        return f"NICTBD float {snapshot.balance:,.2f} is below the alert level {threshold:,.2f}."
    if snapshot.balance < wallets:
        return (
            f"NICTBD float {snapshot.balance:,.2f} is below the resellers' wallets {wallets:,.2f}."
        )
    return ""
