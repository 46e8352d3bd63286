"""Display helpers: money as ৳1,234.50 and status badges."""

from django import template

from orders.models import OrderStatus, PayInStatus
from orders.numbers import taka as format_taka

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
    """৳1,234.50 (orders.numbers.taka)."""
    return format_taka(value)


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
