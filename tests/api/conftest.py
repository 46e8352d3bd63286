import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client

import orders.api.admin  # noqa: F401,E402  (registers the ApiKey and WebhookDelivery admins)
from orders.api.keys import api_key_create
from tests.factories import ResellerFactory


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """A file test database on SQLite: the in-memory one is shared-cache, where threads get
    "table is locked" at once instead of waiting as a real SQLite file (and production) does.
    Session-wide: it applies when these tests set the database up (run first or alone)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        path = tmp_path_factory.mktemp("db") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(path)


@pytest.fixture(autouse=True)
def _no_staticfiles_warning(settings):
    # pytest-django turns DEBUG off, so WhiteNoise warns (an error here) that STATIC_ROOT
    # was never collected; autorefresh mode does not look for it.
    settings.WHITENOISE_AUTOREFRESH = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed


@pytest.fixture(autouse=True)
def _fresh_rate_limits(request):
    if "transactional_db" not in request.fixturenames:
        request.getfixturevalue("db")  # the rate limit counts in the database cache
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reseller(db):
    return ResellerFactory(balance=Decimal("10000.00"))


@pytest.fixture
def api_key(reseller):
    plaintext, _key = api_key_create(reseller=reseller, name="test server")
    return plaintext


class Api:
    """A test client that speaks JSON with a bearer key."""

    def __init__(self, key: str | None):
        self.client = Client()
        self.key = key

    def _headers(self, key):
        key = self.key if key is ... else key
        return {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}

    def get(self, path, params=None, key=...):
        return self.client.get("/api/v1" + path, params or {}, **self._headers(key))

    def post(self, path, body=None, raw=None, key=...):
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.client.post(
            "/api/v1" + path, data, content_type="application/json", **self._headers(key)
        )


@pytest.fixture
def api(api_key):
    return Api(api_key)
