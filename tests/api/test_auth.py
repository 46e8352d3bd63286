import hashlib
from datetime import timedelta

from django.utils import timezone

from orders.api.keys import api_key_create, api_key_revoke
from orders.models import ApiKey
from orders.wallet.resellers import reseller_set_state
from tests.api.conftest import Api


def test_no_key_is_401_json(api):
    response = api.get("/balance", key=None)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert "Bearer" in response.json()["message"]


def test_unknown_key_and_wrong_scheme_are_401(api, api_key):
    assert api.get("/balance", key="rk_not-a-real-key").status_code == 401
    response = api.client.get("/api/v1/balance", HTTP_AUTHORIZATION=f"Token {api_key}")
    assert response.status_code == 401


def test_revoked_key_is_401(api, reseller):
    key = ApiKey.objects.get(reseller=reseller)
    assert api.get("/balance").status_code == 200

    api_key_revoke(key_id=key.pk, reseller=reseller)

    assert api.get("/balance").status_code == 401


def test_suspended_resellers_keys_get_403_and_work_again_when_reactivated(api, reseller):
    reseller_set_state(reseller_id=reseller.pk, active=False)
    response = api.get("/balance")
    assert response.status_code == 403
    assert "suspended" in response.json()["message"]

    reseller_set_state(reseller_id=reseller.pk, active=True)
    assert api.get("/balance").status_code == 200


def test_key_is_stored_only_as_its_hash(reseller):
    plaintext, key = api_key_create(reseller=reseller, name="shop")

    stored = ApiKey.objects.filter(pk=key.pk).values()[0]
    assert plaintext not in [str(value) for value in stored.values()]
    assert stored["key_hash"] == hashlib.sha256(plaintext.encode()).hexdigest()
    assert plaintext.startswith(stored["prefix"]) and len(stored["prefix"]) < 16


def test_last_use_is_recorded(api, reseller):
    key = ApiKey.objects.get(reseller=reseller)
    assert key.last_used_at is None

    api.get("/balance")

    key.refresh_from_db()
    assert timezone.now() - key.last_used_at < timedelta(seconds=5)


def test_one_resellers_key_reads_only_their_balance(api, db):
    from decimal import Decimal

    from tests.factories import ResellerFactory

    other = ResellerFactory(balance=Decimal("77.00"))
    other_api = Api(api_key_create(reseller=other, name="k")[0])
    assert other_api.get("/balance").json() == {"balance": "77.00", "currency": "BDT"}
    assert api.get("/balance").json() == {"balance": "10000.00", "currency": "BDT"}


def test_rate_limit_per_key_is_429_with_retry_after(api, reseller, settings):
    settings.API_RATE_LIMIT = 3
    other = Api(api_key_create(reseller=reseller, name="second")[0])

    codes = [api.get("/balance").status_code for _ in range(4)]

    assert codes == [200, 200, 200, 429]
    limited = api.get("/balance")
    assert limited.json()["code"] == "rate_limited"
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert other.get("/balance").status_code == 200  # the limit is per key


def test_wrong_method_is_405_json(api):
    response = api.client.delete("/api/v1/balance")
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json()["code"] == "method_not_allowed"


def test_unknown_api_paths_answer_json_404_and_still_need_a_key(api, client):
    for path in ("/nothing-here", "/cash-in/line%0Abreak"):
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"
    assert client.get("/api/v1/nothing-here").status_code == 401
