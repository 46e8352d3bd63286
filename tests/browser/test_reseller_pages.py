import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from orders.models import CashInOrder, LedgerEntry, OrderStatus, PayInStatus
from orders.recent import grouped_number
from orders.wallet.ledger import staff_adjust_balance
from tests.browser.conftest import DESKTOP, PHONE, log_in, shoot, sideways_overflow
from tests.factories import CashInOrderFactory, PayInFactory, ResellerFactory

pytestmark = pytest.mark.browser

LIVE_TIMEOUT = 20_000  # ms: final_after 1 s plus a few sweep and page polls


def send_cash_in(page, receiver: str, amount: str) -> None:
    page.click("nav >> text=New Cash In")
    page.fill("#id_receiver_number", receiver)
    page.fill("#id_amount", amount)
    page.click("button:has-text('Review')")
    expect(page.locator("[data-confirm=receiver]")).to_have_text(grouped_number(receiver))


def mark_page(page) -> None:
    """A flag that survives only as long as the page is not reloaded."""
    page.evaluate("window.__notReloaded = true")


def still_same_page(page) -> bool:
    return page.evaluate("window.__notReloaded === true")


def test_cash_in_turns_successful_on_screen_without_reloading(
    page, live_server, funded_reseller, worker
):
    log_in(page, live_server, funded_reseller)
    send_cash_in(page, "01712345670", "500")
    expect(page.locator("[data-confirm=balance-after]")).to_have_text("৳9,500.00")
    # A double click sends one order: the button is disabled and the reference is fixed.
    page.locator("button:has-text('Send')").dblclick()
    page.wait_for_url(re.compile(r"/orders/\d+/$"))
    mark_page(page)

    badge = page.locator("#order-card [data-status]")
    expect(badge).to_have_text("Successful", timeout=LIVE_TIMEOUT)
    assert still_same_page(page)
    expect(page.locator("#order-card")).to_contain_text(re.compile(r"[0-9A-F]{10}"))  # trx id
    expect(page.locator(".topbar [data-balance]")).to_have_text("৳9,500.00")
    worker.stop()
    assert CashInOrder.objects.filter(reseller=funded_reseller).count() == 1
    order = CashInOrder.objects.get(reseller=funded_reseller)
    assert LedgerEntry.objects.filter(order=order).count() == 1  # one debit, no refund


def test_failed_cash_in_is_refunded_on_the_orders_list(page, live_server, funded_reseller, worker):
    log_in(page, live_server, funded_reseller)
    send_cash_in(page, "01712345671", "1234.50")
    page.click("button:has-text('Send')")
    page.wait_for_url(re.compile(r"/orders/\d+/$"))
    expect(page.locator(".topbar [data-balance]")).to_have_text("৳8,765.50")

    page.click("nav >> text=Orders")
    mark_page(page)
    row = page.locator("tr[data-order]").first
    expect(row.locator("[data-status]")).to_have_text("Failed", timeout=LIVE_TIMEOUT)
    expect(page.locator(".topbar [data-balance]")).to_have_text("৳10,000.00")
    assert still_same_page(page)

    page.click("nav >> text=Wallet")
    expect(page.locator("table")).to_contain_text("Cash In refund")
    worker.stop()
    funded_reseller.refresh_from_db()
    assert funded_reseller.balance == Decimal("10000.00")


def test_another_resellers_order_is_not_found(page, live_server, transactional_db):
    owner = ResellerFactory(balance=Decimal("1000"))
    order = CashInOrderFactory(reseller=owner)
    intruder = ResellerFactory()
    log_in(page, live_server, intruder)
    response = page.goto(f"{live_server.url}/orders/{order.pk}/")
    assert response.status == 404
    page.goto(f"{live_server.url}/orders/")
    expect(page.locator("table")).not_to_contain_text(order.client_reference)


def _sample_data(reseller):
    now = timezone.now()
    statuses = [OrderStatus.SUCCESS, OrderStatus.PENDING, OrderStatus.FAILED,
                OrderStatus.REFUNDED, OrderStatus.SUBMIT_UNKNOWN, OrderStatus.SUCCESS]  # fmt: skip
    orders = []
    for i, status in enumerate(statuses):
        order = CashInOrderFactory(
            reseller=reseller,
            status=status,
            receiver_number=f"0171234567{i}",
            amount=Decimal("1500.00") + i * 250,
            order_number=f"NICT-{100 + i}-260301-ab{i}d",
            provider_status=status,
            next_check_at=now + timedelta(days=1),  # the worker is not running here
        )
        orders.append(order)
    staff_adjust_balance(reseller_id=reseller.pk, amount=Decimal("-250"), staff_user=None,
                         reason="Correction")  # fmt: skip
    payin = PayInFactory(reseller=reseller, status=PayInStatus.SUCCESS)
    return orders, payin


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_screenshots_of_each_main_page(browser, live_server, transactional_db, viewport):
    reseller = ResellerFactory(balance=Decimal("25000"))
    orders, payin = _sample_data(reseller)
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/login/")
        shoot(page, "login")
        log_in(page, live_server, reseller)
        pages = {
            "dashboard": "/",
            "cashin-new": "/cashin/new/",
            "orders": "/orders/",
            "order-detail": f"/orders/{orders[0].pk}/",
            "wallet": "/wallet/",
            "payins": "/funds/",
            "payin-new": "/funds/add/",
            "payin-detail": f"/funds/{payin.pk}/",
        }
        for name, path in pages.items():
            page.goto(live_server.url + path)
            shoot(page, name)
            overflow = sideways_overflow(page, viewport["width"])
            assert overflow <= 0, f"{name} scrolls sideways at {viewport['width']} px"
        page.goto(f"{live_server.url}/cashin/new/")
        page.fill("#id_receiver_number", "01712345670")
        page.fill("#id_amount", "1500")
        page.click("button:has-text('Review')")
        shoot(page, "cashin-confirm")
        page.goto(f"{live_server.url}/cashin/new/")
        page.fill("#id_receiver_number", "123")
        page.fill("#id_amount", "999999")
        page.click("button:has-text('Review')")
        expect(page.locator("[data-error-for=receiver_number]")).to_be_visible()
        shoot(page, "cashin-errors")
        page.goto(f"{live_server.url}/")
        page.click("button[value=bn]")
        expect(page.locator("nav")).to_contain_text("নতুন ক্যাশ ইন")
        for name, path in pages.items():
            page.goto(live_server.url + path)
            shoot(page, f"{name}-bn")
            overflow = sideways_overflow(page, viewport["width"])
            assert overflow <= 0, f"{name} in Bangla scrolls sideways at {viewport['width']} px"
    finally:
        context.close()
