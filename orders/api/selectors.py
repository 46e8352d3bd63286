"""Reads for the API: a reseller's own orders and PayIns, never another's."""

from orders.api.errors import not_found
from orders.api.inputs import is_printable
from orders.api.serialize import ORDER_STATUS_FILTER
from orders.models import CashInOrder, PayIn, Reseller
from orders.selectors import keyset_page


def reseller_order(*, reseller: Reseller, client_reference: str) -> CashInOrder:
    """The reseller's order under this reference; 404 also when it is another reseller's."""
    if len(client_reference) > 64 or not is_printable(client_reference):
        raise not_found("No order with this client_reference.")
    order = CashInOrder.objects.filter(reseller=reseller, client_reference=client_reference)
    return _first_or_404(order, "No order with this client_reference.")


def reseller_payin(*, reseller: Reseller, external_id: str) -> PayIn:
    if len(external_id) > 64 or not is_printable(external_id):
        raise not_found("No PayIn with this external_id.")
    payin = PayIn.objects.filter(reseller=reseller, external_id=external_id)
    return _first_or_404(payin, "No PayIn with this external_id.")


def _first_or_404(queryset, message: str):
    found = queryset.first()
    if found is None:
        raise not_found(message)
    return found


def orders_page(*, reseller: Reseller, status=None, since=None, cursor=None, limit: int = 50):
    """Newest first; returns (orders, next_cursor or None). Keyset pagination on (created_at, id)
    so pages neither skip nor repeat orders when new ones arrive meanwhile."""
    orders = CashInOrder.objects.filter(reseller=reseller).order_by("-created_at", "-id")
    if status:
        orders = orders.filter(status__in=ORDER_STATUS_FILTER[status])
    if since:
        orders = orders.filter(created_at__gte=since)
    page = keyset_page(orders, after=cursor, before=None, size=limit)
    return page.rows, page.next_cursor
