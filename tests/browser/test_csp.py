"""Key pages in real Chromium under the enforced CSP: no violation reported on the console."""

import pytest

from tests.browser.conftest import log_in
from tests.twofactor import current_code, give_device

pytestmark = pytest.mark.browser

RESELLER_PAGES = ["/", "/cashin/new/", "/orders/", "/wallet/", "/funds/add/", "/developer/keys/",
                  "/developer/webhooks/", "/settings/", "/settings/two-factor/",
                  "/api/v1/docs"]  # fmt: skip
ADMIN_PAGES = ["/admin/", "/admin/orders/cashinorder/", "/admin/orders/reseller/",
               "/admin/orders/apikey/add/", "/admin/two-factor/"]  # fmt: skip


def watch_csp(page) -> list[str]:
    violations: list[str] = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    return violations


def test_reseller_pages_raise_no_csp_violation(page, live_server, funded_reseller):
    violations = watch_csp(page)
    log_in(page, live_server, funded_reseller)
    for url in RESELLER_PAGES:
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("load")
    assert violations == []

    # The watch itself works: an inline style attribute added now is refused and reported.
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color:red\">x</p>')")
    page.wait_for_timeout(200)
    assert len(violations) == 1


def test_admin_pages_raise_no_csp_violation(page, live_server, transactional_db):
    from tests.factories import PASSWORD, StaffUserFactory

    staff = StaffUserFactory()
    device = give_device(staff)
    violations = watch_csp(page)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", staff.username)
    page.fill("#id_password", PASSWORD)
    page.fill("#id_otp_token", current_code(device))
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    for url in ADMIN_PAGES:
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("load")

    assert violations == []
