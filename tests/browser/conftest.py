"""Real Chromium (Playwright, sync API) against pytest-django's live_server, the sandbox
providers over HTTP, and a worker thread that sweeps open orders like the real worker."""

import os
import threading
from decimal import Decimal
from pathlib import Path

import pytest

from tests.factories import PASSWORD, ResellerFactory

HERE = Path(__file__).parent
SCREENSHOTS = HERE.parent.parent / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}


# Module scope, not session: Playwright's sync API keeps an event loop running in the main
# thread while it is open, and tests after these that call asyncio.run() would fail.
@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    # Playwright's loop runs in this thread; Django's ORM would refuse to run beside it, though
    # nothing here is async Django code. Only while the browser is open: a subprocess started
    # by a later test (manage.py check --deploy) must not inherit the switch.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP, locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(autouse=True)
def fast_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.POLL_BASE_DELAY = 0.3
    settings.POLL_MAX_DELAY = 1.0


@pytest.fixture
def providers(sandbox):
    sandbox.configure(final_after=1.0)
    return sandbox


@pytest.fixture
def worker(transactional_db, providers):
    """The poll sweep in a background thread for the whole test, as `manage.py qcluster` runs it."""
    from django.db import OperationalError, connection, connections

    from orders.sweep import sweep_once

    stop = threading.Event()
    errors = []

    def run():
        try:
            while not stop.is_set():
                try:
                    sweep_once()
                except OperationalError as error:
                    # SQLite's shared in-memory test database locks whole tables between
                    # threads; the next sweep retries. PostgreSQL (CI) never gets here.
                    if not (connection.vendor == "sqlite" and "locked" in str(error)):
                        errors.append(error)
                except Exception as error:  # keep sweeping; the test fails on it below
                    errors.append(error)
                stop.wait(0.2)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name="sweep-worker", daemon=True)
    thread.start()
    yield thread
    stop.set()
    thread.join(10)
    assert not thread.is_alive(), "the sweep worker did not stop"
    assert not errors, f"the sweep worker failed: {errors!r}"


@pytest.fixture
def funded_reseller(transactional_db):
    return ResellerFactory(balance=Decimal("10000"))


def log_in(page, live_server, reseller):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", reseller.user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_url(f"{live_server.url}/")


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{size['width']}x{size['height']}.png"),
                    full_page=True)  # fmt: skip
