"""Staff in the admin: resolve a flagged order by hand; the reseller's statement shows it."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from orders.cashin.staff import cashin_set_attention
from orders.cashin.submit import cashin_submit
from orders.models import LedgerEntry, OrderStatus
from tests.browser.conftest import PHONE, log_in, shoot
from tests.factories import PASSWORD, ResellerFactory, StaffUserFactory
from tests.orders.conftest import send_submissions
from tests.twofactor import current_code, give_device

pytestmark = pytest.mark.browser


def log_in_to_admin(page, live_server, staff) -> None:
    device = give_device(staff)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", staff.username)
    page.fill("#id_password", PASSWORD)
    page.fill("#id_otp_token", current_code(device))
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


def test_staff_resolves_a_flagged_order_and_the_reseller_sees_the_refund(
    browser, live_server, providers
):
    reseller = ResellerFactory(balance=Decimal("5000"))
    staff = StaffUserFactory()
    # A receiver ending in 3 sticks in manual_review at the sandbox: staff must decide.
    order = cashin_submit(reseller=reseller, receiver_number="01712345673", amount="750").order
    send_submissions()
    cashin_set_attention(
        order_id=order.pk, flagged=True, staff_user=staff, reason="stuck in manual review"
    )

    staff_page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in_to_admin(staff_page, live_server, staff)
    staff_page.goto(f"{live_server.url}/admin/orders/cashinorder/attention/")
    expect(staff_page.locator("body")).to_contain_text(order.client_reference)
    staff_page.goto(f"{live_server.url}/admin/orders/cashinorder/{order.pk}/change/")
    staff_page.select_option("form.staff-actions select[name=action]", "resolve_failed")
    staff_page.click("form.staff-actions button:has-text('Run')")
    staff_page.fill("[name=reason]", "Provider confirmed by phone: never delivered")
    staff_page.click("input[value=Confirm]")
    expect(staff_page.locator(".messagelist")).to_contain_text("proposed")
    staff_page.context.close()

    # A second staff member approves the proposal; only then is the order failed and refunded.
    approver_page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in_to_admin(approver_page, live_server, StaffUserFactory())
    approver_page.goto(f"{live_server.url}/admin/orders/staffproposal/")
    expect(approver_page.locator("#result_list")).to_contain_text("never delivered")
    approver_page.check("#result_list input[name=_selected_action]")
    approver_page.select_option("select[name=action]", "approve_selected")
    approver_page.click("button[name=index]")
    expect(approver_page.locator(".messagelist")).to_contain_text("applied")
    approver_page.context.close()

    reseller_page = browser.new_context(viewport=PHONE, locale="en-US").new_page()
    log_in(reseller_page, live_server, reseller)
    reseller_page.click("nav >> text=Wallet")
    statement = reseller_page.locator("table")
    expect(statement).to_contain_text("Cash In refund")
    expect(statement).to_contain_text("৳750.00")
    expect(reseller_page.locator(".topbar [data-balance]")).to_have_text("৳5,000.00")
    shoot(reseller_page, "wallet-after-staff-refund")
    reseller_page.goto(f"{live_server.url}/orders/{order.pk}/")
    expect(reseller_page.locator("#order-card [data-status]")).to_have_text("Failed")
    expect(reseller_page.locator("body")).to_contain_text(re.compile("never delivered"))
    reseller_page.context.close()

    order.refresh_from_db()
    assert order.status == OrderStatus.FAILED and not order.needs_attention
    refund = LedgerEntry.objects.get(order=order, kind=LedgerEntry.Kind.ORDER_REFUND)
    assert refund.staff_user == staff
    by_staff = order.history.filter(staff_user=staff)
    assert [(c.kind, c.to_status) for c in by_staff] == [
        ("attention", "pending"),  # flagged
        ("status", "failed"),  # resolved, with the refund
        ("attention", "failed"),  # the flag cleared by the resolution
    ]
    assert order.timeline.filter(to_status="failed").count() == 1  # shown once to the reseller
