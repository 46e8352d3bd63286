"""Display helpers: money as ৳1,234.50 and status badges and labels (from the lifecycle)."""

from django import template

from orders.lifecycle.declaration import CASHIN, PAYIN
from orders.numbers import taka as format_taka

register = template.Library()


@register.filter
def taka(value) -> str:
    """৳1,234.50 (orders.numbers.taka)."""
    return format_taka(value)


@register.filter
def badge(status: str, kind: str = "") -> str:
    """The CSS modifier of a status badge; `|badge:"payin"` for a PayIn's own statuses (the
    two lifecycles give the statuses they share the same badge)."""
    for lifecycle in [PAYIN] if kind == "payin" else [CASHIN, PAYIN]:
        if status in lifecycle.by_value:
            return lifecycle[status].badge
    return "wait"


@register.filter
def order_status(value: str) -> str:
    state = CASHIN.by_value.get(value)
    return state.label if state else value


@register.filter
def payin_status(value: str) -> str:
    state = PAYIN.by_value.get(value)
    return state.label if state else value
