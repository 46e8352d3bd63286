"""Fixtures shared by every test package.

`sandbox`: the sandbox providers (gateways/sandbox) served over real HTTP on a free loopback
port for the whole session, reset before each test that uses it. Its URL is set as both
providers' base URL, so gateways built from settings talk to it.
"""

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from gateways.sandbox.testing import start_sandbox_thread

SANDBOX_TEST_CONFIG = {"final_after": 0.6, "submit_hang_seconds": 3.0}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Full-strength hashing costs ~0.5 s per login or user; tests need no such strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: a request with a Bangla cookie leaves Bangla
    active in the thread (LocaleMiddleware does not switch back)."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def sandbox_server():
    running = start_sandbox_thread(**SANDBOX_TEST_CONFIG)
    yield running
    running.stop()


@pytest.fixture
def sandbox(sandbox_server, settings):
    from gateways.registry import reset_gateways

    sandbox_server.reset()
    settings.NICTBD_BASE_URL = sandbox_server.url
    settings.TRUSTEDPAY_BASE_URL = sandbox_server.url
    settings.NICTBD_READ_TIMEOUT = 1.0
    settings.TRUSTEDPAY_READ_TIMEOUT = 1.0
    reset_gateways()
    yield sandbox_server
    reset_gateways()


@pytest.fixture
def staff_login(db):
    """staff_login(client, user=None): log staff in to the admin with a verified 2FA device."""
    from tests.factories import StaffUserFactory
    from tests.twofactor import log_in_verified

    def log_in(client, user=None):
        user = user or StaffUserFactory()
        log_in_verified(client, user)
        return user

    return log_in
