"""Every reseller page, in English and Bangla, on 320 px and 360 px phones: it fits the width,
axe-core finds no serious or critical problem, and the browser logs no error. Bangla and ৳ are
drawn with the font the panel ships, whatever fonts the machine has."""

from datetime import timedelta
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from orders.models import OrderStatus, PayInStatus, Reseller
from tests.browser.conftest import fonts_ready, shoot, sideways_overflow
from tests.factories import (
    PASSWORD,
    ApiKeyFactory,
    CashInOrderFactory,
    PayInFactory,
    ResellerFactory,
    WebhookAttemptFactory,
    WebhookDeliveryFactory,
)

pytestmark = pytest.mark.browser

PHONES = [320, 360]
LANGUAGES = ["en", "bn"]
BLOCKING = {"serious", "critical"}
AXE = Axe()
# Elements whose own text, placeholder or ::before label has Bengali-block characters (৳ too)
# in a font stack without the shipped font: on a phone without a Bengali font they show boxes.
WITHOUT_SHIPPED_FONT = """() => {
  const bengali = /[\u0980-\u09ff]/, shipped = "Noto Sans Bengali", found = [];
  for (const el of document.querySelectorAll("body *")) {
    const own = [...el.childNodes].filter(n => n.nodeType === Node.TEXT_NODE)
      .map(n => n.textContent).join("") + (el.placeholder || "");
    const before = getComputedStyle(el, "::before");
    for (const [text, family] of [[own, getComputedStyle(el).fontFamily],
                                  [before.content, before.fontFamily]]) {
      if (bengali.test(text) && !family.includes(shipped)) {
        found.push(`${el.tagName.toLowerCase()}.${el.className}: ${text.trim().slice(0, 24)}`);
      }
    }
  }
  return found;
}"""


@pytest.fixture
def busy_reseller(transactional_db):
    """A reseller with something on every page: orders in each state, a statement, PayIns, an
    API key, a callback URL and deliveries with failed attempts."""
    reseller = ResellerFactory(balance=Decimal("25000"))
    later = timezone.now() + timedelta(days=1)  # no worker runs here
    statuses = [OrderStatus.SUCCESS, OrderStatus.PENDING, OrderStatus.FAILED,
                OrderStatus.REFUNDED, OrderStatus.SUBMIT_UNKNOWN]  # fmt: skip
    orders = [
        CashInOrderFactory(
            reseller=reseller,
            status=status,
            receiver_number=f"0171234567{i}",
            amount=Decimal("1500.00") + i * 250,
            order_number=f"NICT-{100 + i}-260301-ab{i}d",
            provider_status=status,
            needs_attention=status == OrderStatus.SUBMIT_UNKNOWN,
            next_check_at=later,
        )
        for i, status in enumerate(statuses)
    ]
    payins = [
        PayInFactory(reseller=reseller, status=PayInStatus.SUCCESS),
        PayInFactory(
            reseller=reseller,
            status=PayInStatus.PENDING,
            next_check_at=later,
            payment_link="https://pay.example.com/p/1",
        ),
    ]
    Reseller.objects.filter(pk=reseller.pk).update(
        callback_url="https://shop.example.com/hooks/cash-in", webhook_secret="whsec_" + "0" * 48
    )
    ApiKeyFactory(reseller=reseller, name="counter till 1")
    ApiKeyFactory(reseller=reseller, name="old server", revoked_at=timezone.now())
    delivery = WebhookDeliveryFactory(order=orders[0])
    WebhookAttemptFactory(delivery=delivery, status_code=500)
    WebhookAttemptFactory(delivery=delivery, status_code=None, error="timed out after 5 s")
    WebhookDeliveryFactory(order=orders[2], event="cashin.failed", state="delivered")
    reseller.refresh_from_db()
    return reseller, orders, payins


def reseller_pages(orders, payins) -> dict[str, str]:
    return {
        "dashboard": "/",
        "cashin-new": "/cashin/new/",
        "orders": "/orders/",
        "order-detail": f"/orders/{orders[0].pk}/",
        "order-detail-open": f"/orders/{orders[1].pk}/",
        "wallet": "/wallet/",
        "payins": "/funds/",
        "payin-new": "/funds/add/",
        "payin-detail": f"/funds/{payins[0].pk}/",
        "payin-detail-pending": f"/funds/{payins[1].pk}/",
        "api-keys": "/developer/keys/",
        "webhooks": "/developer/webhooks/",
        "api-docs": "/api/v1/docs",
    }


class PageChecks:
    """Visits pages in one browser context and collects what a user would trip over."""

    def __init__(self, browser, live_server, *, width: int, language: str):
        self.width, self.language, self.base = width, language, live_server.url
        self.context = browser.new_context(
            viewport={"width": width, "height": 640}, is_mobile=True, has_touch=True
        )
        self.context.add_cookies([{"name": "django_language", "value": language,
                                   "url": live_server.url}])  # fmt: skip
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.current = "?"
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self._note(f"script error: {error}"))
        self.page.on("response", self._response)

    def _note(self, problem: str) -> None:
        self.problems.append(f"{self.current} [{self.language}, {self.width} px]: {problem}")

    def _console(self, message) -> None:
        if message.type == "error":
            self._note(f"console error: {message.text}")

    def _response(self, response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            self._note(f"{response.status} for {response.url}")

    def visit(self, name: str, path: str) -> None:
        self.current = name
        response = self.page.goto(self.base + path)
        if response.status != 200:
            self._note(f"answered {response.status}")
        self.check(name)

    def check(self, name: str) -> None:
        self.current = name
        overflow = sideways_overflow(self.page, self.width)
        if overflow > 0:
            self._note(f"{overflow} px wider than the phone")
        for element in self.page.evaluate(WITHOUT_SHIPPED_FONT)[:5]:
            self._note(f"Bangla or ৳ without the shipped font: {element}")
        if self.page.locator("h1").count() != 1:
            self._note(f"{self.page.locator('h1').count()} <h1> elements, not one")
        if self.page.get_attribute("html", "lang") != self.language:
            self._note(f'<html lang="{self.page.get_attribute("html", "lang")}">')
        for violation in AXE.run(self.page).response["violations"]:
            if violation["impact"] in BLOCKING:
                targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
                self._note(f"axe {violation['impact']} {violation['id']}: {targets}")

    def log_in(self, reseller) -> None:
        self.page.fill("#id_username", reseller.user.username)
        self.page.fill("#id_password", PASSWORD)
        self.page.press("#id_password", "Enter")
        self.page.wait_for_url(self.base + "/")

    def close(self) -> None:
        self.context.close()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", PHONES)
def test_every_reseller_page_fits_the_phone_and_passes_axe(
    browser, live_server, busy_reseller, width, language
):
    reseller, orders, payins = busy_reseller
    checks = PageChecks(browser, live_server, width=width, language=language)
    try:
        checks.visit("login", "/login/")
        checks.log_in(reseller)
        for name, path in reseller_pages(orders, payins).items():
            checks.visit(name, path)
        # The two pages reached by a form: the confirmation, and a form with its errors.
        checks.visit("cashin-new", "/cashin/new/")
        checks.page.fill("#id_receiver_number", "01712345670")
        checks.page.fill("#id_amount", "1500")
        checks.page.press("#id_amount", "Enter")
        checks.page.wait_for_selector("[data-confirm=receiver]")
        checks.check("cashin-confirm")
        checks.visit("cashin-new", "/cashin/new/")
        checks.page.fill("#id_receiver_number", "123")
        checks.page.fill("#id_amount", "999999")
        checks.page.press("#id_amount", "Enter")
        checks.page.wait_for_selector("[data-error-for=receiver_number]")
        checks.check("cashin-errors")
        checks.visit("api-keys", "/developer/keys/")
        checks.page.fill("#id_name", "till 2")
        checks.page.press("#id_name", "Enter")
        checks.page.wait_for_selector("#new-key")
        checks.check("api-key-shown-once")
    finally:
        checks.close()
    assert not checks.problems, "\n".join(checks.problems)


def test_docs_code_blocks_scroll_inside_their_box_and_take_keyboard_focus(
    browser, live_server, transactional_db
):
    context = browser.new_context(viewport={"width": 320, "height": 640}, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/api/v1/docs")
        fonts_ready(page)
        blocks = page.locator("pre")
        assert blocks.count() >= 3
        for i in range(blocks.count()):
            block = blocks.nth(i)
            box = block.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 320
            assert block.evaluate("el => el.scrollWidth > el.clientWidth")  # it scrolls itself
            block.focus()
            assert block.evaluate("el => el === document.activeElement")
            page.keyboard.press("ArrowRight")  # scrolls the block (smoothly: wait for it)
            page.wait_for_function("el => el.scrollLeft > 0", arg=block.element_handle())
    finally:
        context.close()


def platform_fonts(page, selector: str) -> dict[str, int]:
    """Glyph counts per font Chromium really drew `selector`'s text with."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return {font["familyName"]: font["glyphCount"] for font in fonts}


@pytest.mark.parametrize("language", LANGUAGES)
def test_bangla_and_the_taka_sign_are_drawn_with_the_shipped_font(
    browser, live_server, busy_reseller, language
):
    reseller, _, _ = busy_reseller
    checks = PageChecks(browser, live_server, width=360, language=language)
    try:
        checks.visit("login", "/login/")
        checks.log_in(reseller)
        page = checks.page
        fonts_ready(page)
        assert page.locator(".topbar [data-balance]").text_content().startswith("৳")
        assert platform_fonts(page, ".topbar [data-balance]").keys() == {"Noto Sans Bengali"}
        assert platform_fonts(page, ".nav").keys() == {"Noto Sans Bengali"}
        shoot(page, f"fonts-dashboard-{language}")
    finally:
        checks.close()
