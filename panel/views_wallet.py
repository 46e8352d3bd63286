"""Wallet: the statement with its CSV, and adding funds through a PayIn."""

from django.shortcuts import redirect, render

from orders import selectors
from orders.errors import OrderError
from orders.localtime import local_text
from orders.payin import create as payins
from orders.polling.hurry import check_soon_if_open
from panel.forms import DateRangeForm, PayInForm, show_error
from panel.views_common import reseller_required, stream_csv, with_balance


@reseller_required
def wallet(request):
    filters = DateRangeForm(request.GET)
    entries = selectors.ledger_list(reseller=request.reseller, **filters.filters())
    page = selectors.keyset_page(
        entries, after=request.GET.get("after"), before=request.GET.get("before")
    )
    return render(request, "panel/wallet.html", {"filters": filters, "page": page})


@reseller_required
def wallet_export(request):
    filters = DateRangeForm(request.GET)
    entries = selectors.ledger_list(reseller=request.reseller, **filters.filters())
    header = ["created_at", "kind", "amount", "balance_after", "order", "payin", "reason"]
    rows = (
        [
            local_text(e.created_at),
            e.get_kind_display(),
            e.amount,
            e.balance_after,
            e.order.client_reference if e.order else "",
            e.payin.external_id if e.payin else "",
            e.reason,
        ]
        for e in selectors.ledger_for_export(entries)
    )
    return stream_csv("wallet-statement.csv", header, rows)


@reseller_required
def payin_list(request):
    payin_rows = selectors.payin_list(reseller=request.reseller)
    page = selectors.keyset_page(
        payin_rows, after=request.GET.get("after"), before=request.GET.get("before")
    )
    return render(request, "panel/payin_list.html", {"page": page})


@reseller_required
def payin_new(request):
    form = PayInForm(request.POST or None, initial={"external_id": payins.new_external_id()})
    if request.method == "POST" and form.is_valid():
        try:
            payin = payins.payin_create(
                reseller=request.reseller,
                merchant_user_ip=request.META.get("REMOTE_ADDR", ""),
                **form.cleaned_data,
            )
        except OrderError as error:
            show_error(form, error)
            form.data = form.data.copy()  # errors stay; a corrected form is a new PayIn
            form.data["external_id"] = payins.new_external_id()
        else:
            return redirect("payin_detail", pk=payin.pk)
    return render(request, "panel/payin_new.html", {"form": form})


@reseller_required
def payin_detail(request, pk: int):
    payin = selectors.payin_for_reseller(reseller=request.reseller, pk=pk)
    return render(request, "panel/payin_detail.html", {"payin": payin})


@reseller_required
def payin_live(request, pk: int):
    payin = selectors.payin_for_reseller(reseller=request.reseller, pk=pk)
    check_soon_if_open(payin)
    response = render(request, "panel/_payin_card.html", {"payin": payin})
    return with_balance(response, request.reseller)
