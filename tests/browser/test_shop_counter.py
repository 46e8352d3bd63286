"""The counter in a real browser: a tapped recent receiver fills the number at once, and a
repeat of the last order is sent only after its box is ticked."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from orders.models import CashInOrder, OrderStatus
from tests.browser.conftest import PHONE, log_in, shoot
from tests.factories import CashInOrderFactory, ResellerFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_tapping_a_recent_receiver_fills_the_number_without_reloading(
    phone, live_server, transactional_db
):
    reseller = ResellerFactory(balance=Decimal("5000"))
    CashInOrderFactory(reseller=reseller, receiver_number="01811111111", status=OrderStatus.SUCCESS)
    log_in(phone, live_server, reseller)
    phone.goto(f"{live_server.url}/cashin/new/")
    phone.evaluate("window.__notReloaded = true")
    phone.locator("[data-receiver='01811111111']").tap()
    expect(phone.locator("#id_receiver_number")).to_have_value("01811111111")
    expect(phone.locator("#id_amount")).to_be_focused()
    assert phone.evaluate("window.__notReloaded === true")


def test_a_repeat_of_the_last_order_is_sent_only_once_its_box_is_ticked(
    phone, live_server, transactional_db, sandbox
):
    reseller = ResellerFactory(balance=Decimal("5000"))
    CashInOrderFactory(reseller=reseller, receiver_number="01712345670", amount=Decimal("500"),
                       status=OrderStatus.SUCCESS)  # fmt: skip
    log_in(phone, live_server, reseller)
    phone.goto(f"{live_server.url}/cashin/new/")
    phone.fill("#id_receiver_number", "01712345670")
    phone.fill("#id_amount", "500")
    phone.click("button:has-text('Review')")
    expect(phone.locator("[data-confirm=receiver]")).to_have_text("017 1234 5670")
    expect(phone.locator("[data-repeat-warning]")).to_contain_text("less than a minute ago")
    shoot(phone, "cashin-confirm-repeat")
    phone.click("button:has-text('Send')")
    expect(phone.locator("[data-error-for=repeat_confirmed]")).to_be_visible()
    assert CashInOrder.objects.filter(reseller=reseller).count() == 1
    phone.check("#id_repeat_confirmed")
    phone.click("button:has-text('Send')")
    phone.wait_for_url(re.compile(r"/orders/\d+/$"))
    assert CashInOrder.objects.filter(reseller=reseller).count() == 2
