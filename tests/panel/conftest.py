"""Reseller page fixtures: funded resellers and logged-in clients."""

from decimal import Decimal

import pytest
from django.test import Client

from tests.factories import ResellerFactory

BACKEND = "django.contrib.auth.backends.ModelBackend"


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
