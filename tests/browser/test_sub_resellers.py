"""A parent creates a sub-reseller, sends it ৳1,000; the child sends a Cash In with a fee; the
parent sees the child's order and its commission (real Chromium, live server, sandbox, worker)."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from orders.models import LedgerEntry, RatePlan, Reseller
from tests.browser.conftest import log_in
from tests.browser.test_reseller_pages import LIVE_TIMEOUT, send_cash_in
from tests.factories import ResellerFactory

pytestmark = pytest.mark.browser
CHILD_PASSWORD = "kid-Store-pass-42"


def test_parent_funds_a_child_whose_cash_in_pays_a_fee_and_the_parent_a_commission(
    browser, page, live_server, worker
):
    plan = RatePlan.objects.create(name="retail", fee_fixed=Decimal("5"), fee_percent=Decimal("1"),
                                   commission_fixed=Decimal("2"))  # fmt: skip
    parent = ResellerFactory(balance=Decimal("10000"), rate_plan=plan)
    log_in(page, live_server, parent)
    page.click("nav >> text=Sub-resellers")
    page.click("text=New sub-reseller")
    page.fill("#id_username", "kidstore")
    page.fill("#id_password", CHILD_PASSWORD)
    page.fill("#id_name", "Kid Store")
    page.click("button:has-text('Create')")
    page.wait_for_url(re.compile(r"/team/\d+/$"))
    child_url = page.url
    page.fill("#id_amount", "1000")
    page.click("button:has-text('Transfer')")
    expect(page.locator("[data-child-balance]")).to_have_text("৳1,000.00")

    child_page = browser.new_context(viewport=page.viewport_size, locale="en-US").new_page()
    child_page.goto(f"{live_server.url}/login/")
    child_page.fill("#id_username", "kidstore")
    child_page.fill("#id_password", CHILD_PASSWORD)
    child_page.click("button:has-text('Log in')")
    child_page.wait_for_url(f"{live_server.url}/")
    send_cash_in(child_page, "01712345670", "500")
    expect(child_page.locator("[data-confirm=fee]")).to_have_text("৳10.00")
    expect(child_page.locator("[data-confirm=total]")).to_have_text("৳510.00")
    child_page.click("button:has-text('Send')")
    child_page.wait_for_url(re.compile(r"/orders/\d+/$"))
    expect(child_page.locator("#order-card [data-status]")).to_have_text(
        "Successful", timeout=LIVE_TIMEOUT
    )
    child_page.context.close()

    page.goto(child_url)
    page.click("[data-child-order] a")
    expect(page.locator("#child-order [data-status]")).to_have_text("Successful")
    expect(page.locator("[data-commission]")).to_have_text("৳2.00")
    page.click("nav >> text=Wallet")
    expect(page.locator("table")).to_contain_text("Commission")
    worker.stop()
    child = Reseller.objects.get(user__username="kidstore")
    assert child.balance == Decimal("490.00")
    assert LedgerEntry.objects.get(kind="commission").reseller_id == parent.pk
    assert Reseller.objects.get(pk=parent.pk).balance == Decimal("9002.00")
