"""Cash In: the two-step send form, the order list with its CSV, one order, live statuses.

At the counter: the form offers recent receivers and takes a receiver and amount from the
query string ("Send again"); the same receiver and amount within 10 minutes of an earlier
order needs an explicit second confirmation."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orders import recent, selectors
from orders.cashin import submit as cashin
from orders.errors import OrderError
from orders.localtime import local_text
from orders.models import CashInOrder
from orders.polling.hurry import check_soon, check_soon_if_open
from orders.wallet.fees import cashin_fee
from panel.forms import CashInConfirmForm, CashInForm, OrderFilterForm, show_error
from panel.templatetags.panel_tags import badge
from panel.views_common import reseller_required, stream_csv, with_balance


@reseller_required
def cashin_new(request):
    # "Send again" and a tapped recent receiver arrive as ?receiver_number=…&amount=…
    prefill = {name: request.GET[name][:20] for name in PREFILLED if request.GET.get(name)}
    form = CashInForm(request.POST or None, reseller=request.reseller, initial=prefill)
    if request.method == "POST" and form.is_valid():
        # The reference is fixed now: posting this confirmation twice sends one order.
        initial = {**form.cleaned_data, "client_reference": cashin.new_client_reference()}
        confirm = CashInConfirmForm(initial=initial, reseller=request.reseller)
        return _confirm_page(request, confirm, form.cleaned_data)
    return _new_page(request, form)


PREFILLED = ("receiver_number", "amount")


def _new_page(request, form):
    receivers = recent.recent_receivers(reseller=request.reseller)
    context = {
        "form": form,
        "recent_receivers": [(number, recent.grouped_number(number)) for number in receivers],
    }
    return render(request, "panel/cashin_new.html", context)


def _confirm_page(request, form, data, *, client_reference=""):
    fee = cashin_fee(request.reseller, data["amount"])
    earlier = recent.earlier_same_order(
        reseller=request.reseller,
        receiver_number=data["receiver_number"],
        amount=data["amount"],
        client_reference=client_reference,
    )
    context = {
        "form": form,
        "data": data,
        "receiver_grouped": recent.grouped_number(data["receiver_number"]),
        "fee": fee,
        "total": data["amount"] + fee,
        "balance_after": request.reseller.balance - data["amount"] - fee,
        "earlier": earlier,
        "minutes_ago": earlier and int((timezone.now() - earlier.created_at).total_seconds() // 60),
    }
    return render(request, "panel/cashin_confirm.html", context)


@require_POST
@reseller_required
def cashin_confirm(request):
    form = CashInConfirmForm(request.POST, reseller=request.reseller)
    if form.is_valid():
        order_data = dict(form.cleaned_data)
        repeat_confirmed = order_data.pop("repeat_confirmed")
        earlier = recent.earlier_same_order(
            reseller=request.reseller,
            receiver_number=order_data["receiver_number"],
            amount=order_data["amount"],
            client_reference=order_data["client_reference"],
        )
        if earlier and not repeat_confirmed:
            form.add_error(
                "repeat_confirmed", _("Tick the box to send the same amount to this number again.")
            )
            return _confirm_page(
                request, form, order_data, client_reference=order_data["client_reference"]
            )
        try:
            outcome = cashin.cashin_submit(reseller=request.reseller, **order_data)
        except OrderError as error:
            show_error(form, error)
        else:
            if not outcome.created:
                messages.info(request, _("This order was already submitted; here it is."))
            return redirect("order_detail", pk=outcome.order.pk)
    form.make_editable()
    return _new_page(request, form)


@reseller_required
def order_list(request):
    filters = OrderFilterForm(request.GET)
    orders = selectors.order_list(reseller=request.reseller, **filters.filters())
    page = selectors.keyset_page(
        orders, after=request.GET.get("after"), before=request.GET.get("before")
    )
    return render(request, "panel/order_list.html", {"filters": filters, "page": page})


@reseller_required
def order_export(request):
    filters = OrderFilterForm(request.GET)
    orders = selectors.order_list(reseller=request.reseller, **filters.filters())
    header = selectors.ORDER_EXPORT_FIELDS
    times = {"created_at", "completed_at"}
    rows = (
        [local_text(row[key]) if key in times else row[key] for key in header]
        for row in selectors.orders_for_export(orders)
    )
    return stream_csv("cashin-orders.csv", header, rows)


@reseller_required
def order_detail(request, pk: int):
    order = selectors.order_for_reseller(reseller=request.reseller, pk=pk)
    return render(request, "panel/order_detail.html", {"order": order})


@reseller_required
def order_live(request, pk: int):
    """The order card alone, polled by the detail page while the order is not final."""
    order = selectors.order_for_reseller(reseller=request.reseller, pk=pk)
    check_soon_if_open(order)
    response = render(request, "panel/_order_card.html", {"order": order})
    return with_balance(response, request.reseller)


@reseller_required
def order_statuses(request):
    """Statuses of the listed non-final orders, polled by list pages."""
    ids = selectors.live_ids(request.GET.get("ids", ""))
    orders = selectors.order_statuses(reseller=request.reseller, ids=ids)
    check_soon(CashInOrder, [o.pk for o in orders if not o.is_final])
    data = [
        {
            "id": o.pk,
            "status": o.status,
            "label": o.get_status_display(),
            "badge": badge(o.status),
            "final": o.is_final,
        }
        for o in orders
    ]
    return with_balance(JsonResponse({"orders": data}), request.reseller)
