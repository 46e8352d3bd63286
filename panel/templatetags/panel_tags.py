"""Display helpers: money as ৳1,234.50 and status badges."""

from decimal import Decimal, InvalidOperation

from django import template

from orders.models import OrderStatus, PayInStatus

register = template.Library()

BADGES = {
    OrderStatus.SUCCESS: "ok",
    OrderStatus.FAILED: "bad",
    OrderStatus.REFUNDED: "bad",
    OrderStatus.PENDING: "wait",
    OrderStatus.SUBMITTING: "wait",
    OrderStatus.SUBMIT_UNKNOWN: "warn",
    PayInStatus.CREATING: "wait",
    PayInStatus.CANCELED: "muted",
    PayInStatus.EXPIRED: "muted",
    PayInStatus.REJECTED: "bad",
}


@register.filter
def taka(value) -> str:
    """৳1,234.50; a negative amount as -৳1,234.50; anything else unchanged."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return str(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}৳{abs(amount):,.2f}"


@register.filter
def badge(status: str) -> str:
    """The CSS modifier of a status badge."""
    return BADGES.get(status, "wait")


@register.filter
def order_status(value: str) -> str:
    return OrderStatus(value).label if value in OrderStatus.values else value


@register.filter
def payin_status(value: str) -> str:
    return PayInStatus(value).label if value in PayInStatus.values else value
