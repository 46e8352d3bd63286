"""Real Chromium (Playwright, sync API) against pytest-django's live_server, the sandbox
providers over HTTP, and a worker thread that sweeps open orders like the real worker."""

import contextlib
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


class SweepWorker:
    """The submitter and the poll sweep in a thread, as `manage.py qcluster` runs them."""

    def __init__(self, live_server):
        from django.db import connection

        self.errors: list[Exception] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sweep-worker", daemon=True)
        self._lock = contextlib.nullcontext()
        self._httpd = live_server.thread.httpd
        self._app = self._httpd.get_app()
        if connection.vendor == "sqlite":
            # The shared in-memory SQLite test database fails at once ("database table is
            # locked") when two threads write together: take turns with the live server.
            # PostgreSQL (CI) runs the worker and the pages truly concurrently.
            self._lock = threading.Lock()
            self._httpd.set_app(self._locked_app)

    def _locked_app(self, environ, start_response):
        with self._lock:
            return self._app(environ, start_response)

    def _run(self):
        from django.db import connections

        try:
            while not self._stop.is_set():
                try:
                    with self._lock:
                        self.step()
                except Exception as error:  # keep sweeping; the test fails on it at the end
                    self.errors.append(error)
                self._stop.wait(0.2)
        finally:
            connections.close_all()

    def step(self):
        """One round of what the worker does: send new submissions, then check open ones."""
        from orders.polling.sweep import sweep_once
        from orders.submission.submitter import submit_once

        submit_once(should_stop=self._stop.is_set)
        sweep_once()

    def start(self):
        self._thread.start()

    def stop(self):
        """Stop sweeping (call before reading the database from the test itself)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(10)
        self._httpd.set_app(self._app)
        assert not self._thread.is_alive(), "the sweep worker did not stop"


@pytest.fixture
def worker(transactional_db, providers, live_server):
    sweeper = SweepWorker(live_server)
    sweeper.start()
    yield sweeper
    sweeper.stop()
    assert not sweeper.errors, f"the sweep worker failed: {sweeper.errors!r}"


@pytest.fixture
def funded_reseller(transactional_db):
    return ResellerFactory(balance=Decimal("10000"))


def log_in(page, live_server, reseller):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", reseller.user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_url(f"{live_server.url}/")


def fonts_ready(page) -> None:
    """Wait until the web fonts the page uses are loaded (font-display: swap draws fallback
    glyphs first; widths and screenshots must see the real ones)."""
    page.evaluate("document.fonts.ready.then(() => true)")


def sideways_overflow(page, width: int) -> int:
    """How many CSS pixels the page is wider than the `width` the test set (not innerWidth:
    with phone emulation Chromium widens the viewport to the content)."""
    fonts_ready(page)
    return page.evaluate("document.documentElement.scrollWidth") - width


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{size['width']}x{size['height']}.png"),
                    full_page=True)  # fmt: skip
