"""Bulk Cash In in real Chromium: upload a small file, confirm, watch the rows reach their
final statuses without reloading."""

import re

import pytest
from playwright.sync_api import expect

from orders.cashin import bulk
from orders.models import CashInOrder, LedgerEntry
from tests.browser.conftest import SweepWorker, log_in

pytestmark = pytest.mark.browser

LIVE_TIMEOUT = 25_000


class BulkWorker(SweepWorker):
    """The sweep plus the bulk send step, as the django-q2 worker runs both."""

    def step(self):
        bulk.send_step()
        super().step()


@pytest.fixture
def bulk_worker(transactional_db, providers, live_server):
    worker = BulkWorker(live_server)
    worker.start()
    yield worker
    worker.stop()
    assert not worker.errors, f"the worker failed: {worker.errors!r}"


def test_bulk_upload_confirm_and_progress_reach_final_statuses(
    page, live_server, funded_reseller, bulk_worker, tmp_path
):
    csv_file = tmp_path / "list.csv"
    csv_file.write_text("receiver;amount\n01712345670;500\n01712345671;300\nnot-a-number;100\n")
    log_in(page, live_server, funded_reseller)
    page.click("nav >> text=Bulk Cash In")
    page.set_input_files("#id_file", str(csv_file))
    page.click("button:has-text('Upload and review')")
    page.wait_for_url(re.compile(r"/cashin/bulk/\d+/$"))
    expect(page.locator("[data-total=count]")).to_have_text("2")
    expect(page.locator("[data-total=total]")).to_have_text("৳800.00")
    expect(page.locator("[data-row-error]")).to_have_count(1)

    page.locator("button:has-text('Send 2 Cash Ins')").dblclick()
    page.wait_for_url(re.compile(r"/cashin/bulk/\d+/$"))
    expect(page.locator("[data-bulk-row='2'] [data-status]")).to_have_text(
        "Successful", timeout=LIVE_TIMEOUT
    )
    expect(page.locator("[data-bulk-row='3'] [data-status]")).to_have_text(
        "Failed", timeout=LIVE_TIMEOUT
    )
    expect(page.locator("[data-bulk-final]")).to_have_count(1, timeout=LIVE_TIMEOUT)
    bulk_worker.stop()
    orders = CashInOrder.objects.filter(reseller=funded_reseller)
    assert orders.count() == 2
    assert LedgerEntry.objects.filter(order__in=orders, kind="order_debit").count() == 2
