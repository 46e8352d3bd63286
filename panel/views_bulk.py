"""Bulk Cash In pages: upload a CSV, preview and confirm it, follow it, download the results.
The rules live in orders.cashin.bulk; the worker sends the rows."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from orders.cashin import bulk
from orders.errors import OrderError
from orders.models import BulkRow, BulkUpload
from panel.forms import show_error
from panel.templatetags.panel_tags import badge
from panel.views_common import reseller_required, stream_csv


class BulkUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV file"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.BULK_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large: at most %(kb)s KB.")
                % {"kb": settings.BULK_MAX_BYTES // 1024}
            )
        return upload


@reseller_required
def bulk_new(request):
    form = BulkUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            batch, created = bulk.upload(
                reseller=request.reseller, data=file.read(), filename=file.name or ""
            )
        except OrderError as error:
            show_error(form, error)
        else:
            if not created:
                messages.info(request, _("This file was uploaded before: nothing is sent twice."))
            return redirect("bulk_detail", pk=batch.pk)
    batches = BulkUpload.objects.filter(reseller=request.reseller).order_by("-created_at")[:10]
    context = {"form": form, "batches": batches, "max_rows": settings.BULK_MAX_ROWS}
    return render(request, "panel/bulk_new.html", context)


def _batch(request, pk: int) -> BulkUpload:
    return get_object_or_404(BulkUpload, pk=pk, reseller=request.reseller)


@reseller_required
def bulk_detail(request, pk: int):
    batch = _batch(request, pk)
    preview = bulk.preview(batch)
    settled = bulk.is_settled(batch, [view.row for view in preview.rows])
    context = {
        "batch": batch,
        "preview": preview,
        "State": BulkUpload.State,
        # Not "batch is done": a done batch's orders may still be open, and the page must
        # keep following them until the last one is final.
        "following": batch.state != BulkUpload.State.PREVIEW and not settled,
        "settled": settled,
    }
    return render(request, "panel/bulk_detail.html", context)


@require_POST
@reseller_required
def bulk_confirm(request, pk: int):
    batch = _batch(request, pk)
    try:
        repeats_confirmed = request.POST.get("repeats_confirmed") == "on"
        bulk.confirm(
            reseller=request.reseller, batch_id=batch.pk, repeats_confirmed=repeats_confirmed
        )
    except OrderError as error:
        messages.error(request, error.message)
    return redirect("bulk_detail", pk=batch.pk)


@reseller_required
def bulk_progress(request, pk: int):
    """Counts and each row's order status, polled by bulk.js while the batch is not final."""
    batch = _batch(request, pk)
    rows = bulk.batch_rows_with_orders(batch)
    counts = {state: 0 for state in BulkRow.State.values}
    for row in rows:
        counts[row.state] += 1
    final = bulk.is_settled(batch, rows)
    body = {"state": batch.state, "counts": counts, "rows": [_row_json(row) for row in rows]}
    response = JsonResponse({**body, "final": final})
    response["Cache-Control"] = "no-store"
    return response


def _row_json(row: BulkRow) -> dict:
    order = row.order
    return {
        "row": row.row_number,
        "state": row.state,
        "label": order.get_status_display() if order else row.get_state_display(),
        "badge": badge(order.status) if order else "muted",
        "final": bulk.row_is_final(row),
    }


RESULT_HEADER = ["row", "receiver", "amount", "fee", "reference", "status", "error"]


@reseller_required
def bulk_results(request, pk: int):
    batch = _batch(request, pk)
    result = bulk.preview(batch)
    rows = (
        [
            view.row.row_number,
            view.row.receiver_number or view.row.receiver_text,
            view.row.amount if view.row.amount is not None else view.row.amount_text,
            view.fee if view.fee is not None else "",
            view.row.client_reference or view.row.reference_text,
            view.order.status if view.order else view.row.state,
            " ".join(view.errors),
        ]
        for view in result.rows
    )
    return stream_csv(f"bulk-cashin-{batch.pk}.csv", RESULT_HEADER, rows)
