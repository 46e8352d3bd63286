"""Reseller page fixtures: funded resellers and logged-in clients."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client

from tests.factories import ResellerFactory

BACKEND = "django.contrib.auth.backends.ModelBackend"
HERE = Path(__file__).parent

# WhiteNoise warns once per handler when STATIC_ROOT was never collected (a fresh clone); the
# pages serve static files through the finders in tests, so that warning is not a failure here.
STATIC_ROOT_WARNING = "ignore:No directory at:UserWarning"


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.filterwarnings(STATIC_ROOT_WARNING))


def login(reseller_or_user) -> Client:
    user = getattr(reseller_or_user, "user", reseller_or_user)
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


@pytest.fixture
def reseller(db):
    return ResellerFactory(balance=Decimal("10000"))


@pytest.fixture
def other_reseller(db):
    return ResellerFactory(balance=Decimal("10000"))


@pytest.fixture
def rclient(reseller):
    return login(reseller)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
