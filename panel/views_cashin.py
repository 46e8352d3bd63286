"""Cash In: the two-step send form, the order list with its CSV, one order, live statuses."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orders import selectors, services
from orders.errors import OrderError
from panel.forms import CashInConfirmForm, CashInForm, OrderFilterForm, show_error
from panel.templatetags.panel_tags import badge
from panel.views_common import local_time, reseller_required, stream_csv, with_balance


@reseller_required
def cashin_new(request):
    form = CashInForm(request.POST or None, reseller=request.reseller)
    if request.method == "POST" and form.is_valid():
        # The reference is fixed now: posting this confirmation twice sends one order.
        initial = {**form.cleaned_data, "client_reference": services.new_client_reference()}
        confirm = CashInConfirmForm(initial=initial, reseller=request.reseller)
        balance_after = request.reseller.balance - form.cleaned_data["amount"]
        context = {"form": confirm, "data": form.cleaned_data, "balance_after": balance_after}
        return render(request, "panel/cashin_confirm.html", context)
    return render(request, "panel/cashin_new.html", {"form": form})


@require_POST
@reseller_required
def cashin_confirm(request):
    form = CashInConfirmForm(request.POST, reseller=request.reseller)
    if form.is_valid():
        try:
            outcome = services.cashin_submit(reseller=request.reseller, **form.cleaned_data)
        except OrderError as error:
            show_error(form, error)
        else:
            if not outcome.created:
                messages.info(request, _("This order was already submitted; here it is."))
            return redirect("order_detail", pk=outcome.order.pk)
    form.make_editable()
    return render(request, "panel/cashin_new.html", {"form": form})


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
        [local_time(row[key]) if key in times else row[key] for key in header]
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
    response = render(request, "panel/_order_card.html", {"order": order})
    return with_balance(response, request.reseller)


@reseller_required
def order_statuses(request):
    """Statuses of the listed non-final orders, polled by list pages."""
    ids = [int(part) for part in request.GET.get("ids", "").split(",") if part.isdigit()]
    orders = selectors.order_statuses(reseller=request.reseller, ids=ids)
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
