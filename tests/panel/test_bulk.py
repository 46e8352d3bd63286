"""Bulk Cash In pages: upload errors in the form, the preview, one confirmation, progress JSON,
another reseller's batch is a 404, and the results CSV neutralises formulas."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from orders.cashin import bulk
from orders.models import BulkUpload, CashInOrder
from tests.orders.conftest import sweep_until
from tests.panel.conftest import login


def post_file(client, content: bytes, name="list.csv"):
    return client.post(reverse("bulk_new"), {"file": SimpleUploadedFile(name, content)})


def test_upload_shows_the_preview_with_row_errors_and_totals(rclient):
    response = post_file(rclient, b"receiver,amount\n01712345670,500\nnope,100\n", "a.csv")
    assert response.status_code == 302
    page = rclient.get(response["Location"]).content.decode()
    assert "Enter a Bangladeshi mobile number" in page
    assert "৳500.00" in page and "data-row-error" in page
    assert reverse("bulk_confirm", args=[BulkUpload.objects.get().pk]) in page


def test_a_file_over_the_size_limit_is_a_form_error_not_a_500(rclient, settings):
    settings.BULK_MAX_BYTES = 1024
    response = post_file(rclient, b"01712345670,500\n" * 200)
    assert response.status_code == 200
    assert "The file is too large" in response.content.decode()
    assert not BulkUpload.objects.exists()


def test_a_file_that_is_not_utf8_is_a_form_error(rclient):
    response = post_file(rclient, "01712345670,500,é\n".encode("cp1252"))
    assert response.status_code == 200 and "UTF-8" in response.content.decode()


def test_confirm_queues_once_and_the_page_never_calls_the_provider(rclient, reseller):
    post_file(rclient, b"01712345670,500\n01712345679,600\n")
    batch = BulkUpload.objects.get()
    url = reverse("bulk_confirm", args=[batch.pk])
    assert rclient.post(url).status_code == 302
    assert rclient.post(url).status_code == 302

    batch.refresh_from_db()
    assert batch.state == BulkUpload.State.SENDING and batch.queued_count == 2
    assert not CashInOrder.objects.exists()  # the worker sends, not the request
    progress = rclient.get(reverse("bulk_progress", args=[batch.pk])).json()
    assert progress["counts"]["queued"] == 2 and progress["final"] is False


def test_another_reseller_cannot_see_the_batch(rclient, other_reseller):
    post_file(rclient, b"01712345670,500\n")
    pk = BulkUpload.objects.get().pk
    other = login(other_reseller)
    for name in ("bulk_detail", "bulk_progress", "bulk_results"):
        assert other.get(reverse(name, args=[pk])).status_code == 404
    assert other.post(reverse("bulk_confirm", args=[pk])).status_code == 404


def test_results_csv_neutralises_formula_cells(rclient):
    post_file(rclient, b'=HYPERLINK("http://evil.example"),500,@SUM(1)\n01712345670,500\n')
    pk = BulkUpload.objects.get().pk
    response = rclient.get(reverse("bulk_results", args=[pk]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["receiver"].startswith("'=HYPERLINK")
    assert rows[0]["reference"] == "'@SUM(1)"
    assert rows[0]["error"] and rows[1]["error"] == ""
    assert rows[1]["amount"] == "500.00" and rows[1]["status"] == "ready"


def test_results_and_progress_show_final_order_statuses(rclient, reseller, sandbox):
    post_file(rclient, b"01712345670,500\n")
    batch = BulkUpload.objects.get()
    bulk.confirm(reseller=reseller, batch_id=batch.pk)
    bulk.send_step()
    order = CashInOrder.objects.get()
    progress = rclient.get(reverse("bulk_progress", args=[batch.pk])).json()
    assert progress["state"] == "done"
    assert progress["rows"][0]["label"] == order.get_status_display()
    page = rclient.get(reverse("bulk_detail", args=[batch.pk])).content.decode()
    assert reverse("order_detail", args=[order.pk]) in page


def test_the_bangla_page_is_translated(rclient):
    rclient.cookies["django_language"] = "bn"
    page = rclient.get(reverse("bulk_new")).content.decode()
    assert "বাল্ক ক্যাশ ইন" in page


def test_a_done_batch_page_keeps_following_until_every_order_is_final(
    rclient, reseller, sandbox, settings
):
    settings.POLL_BASE_DELAY = settings.POLL_MAX_DELAY = 0
    sandbox.configure(final_after=0)
    post_file(rclient, b"01712345670,500\n")
    batch = BulkUpload.objects.get()
    bulk.confirm(reseller=reseller, batch_id=batch.pk)
    bulk.send_step()  # every row sent: the batch is done, its order still open
    detail = reverse("bulk_detail", args=[batch.pk])
    page = rclient.get(detail).content.decode()
    assert "data-bulk-progress" in page and "data-bulk-final" not in page

    sweep_until(lambda: CashInOrder.objects.get().is_final)
    page = rclient.get(detail).content.decode()
    assert "data-bulk-progress" not in page and "data-bulk-final" in page
    progress = rclient.get(reverse("bulk_progress", args=[batch.pk]))
    assert progress.json()["final"] is True and progress["Cache-Control"] == "no-store"


def test_rows_repeating_a_cash_in_just_sent_need_the_box_ticked(rclient, reseller):
    from orders.cashin.submit import cashin_submit

    cashin_submit(reseller=reseller, receiver_number="01712345670", amount="500")
    post_file(rclient, b"01712345670,500\n01712345679,600\n")
    batch = BulkUpload.objects.get()

    page = rclient.get(reverse("bulk_detail", args=[batch.pk])).content.decode()
    assert "1 row repeats a Cash In sent in the last few minutes" in page
    assert 'name="repeats_confirmed"' in page and "data-row-repeat" in page

    url = reverse("bulk_confirm", args=[batch.pk])
    refused = rclient.post(url, follow=True).content.decode()
    assert "Tick the box" in refused
    assert BulkUpload.objects.get().state == BulkUpload.State.PREVIEW
    rclient.post(url, {"repeats_confirmed": "on"})
    assert BulkUpload.objects.get().queued_count == 2
