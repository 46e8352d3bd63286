"""The sandbox's TrustedPay PayIn (BDT), spoken to over HTTP."""

import hashlib
import hmac
import json
import time
from datetime import UTC, datetime, timedelta, timezone

import pytest

from .helpers import payin_body, payin_status, watch

SHOP = "sandbox_bdt_shop"


def create(client, body, **kwargs):
    return client.post("/api/v1/payins", json=body, **kwargs)


def moment(text: str) -> datetime:
    assert text.endswith("Z")
    return datetime.fromisoformat(text)


def test_create_answers_201_with_the_documented_body_and_a_payment_link(client, sb):
    response = create(client, payin_body("PIN-BDT-001"))

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "pending"
    assert isinstance(body["id"], int)
    assert body["external_id"] == "PIN-BDT-001"
    assert body["amount"] == 5000 and '"amount":5000,' in response.text
    assert (body["currency"], body["shop_code"]) == ("BDT", SHOP)
    assert (body["merchant_user_id"], body["merchant_user_ip"]) == (
        "merchant-user-001",
        "203.0.113.10",
    )
    assert body["transaction_type"] == "payin"
    assert body["created_at"] == body["updated_at"]
    assert "finalization_date" not in body
    link = f"{sb.url}/_sandbox/pay/PIN-BDT-001"
    assert body["paymentData"] == {
        "wallet_provider": "BKash",
        "mobile_number": "01872456789",
        "email": "info@test.com",
        "customer_name": "Test Name",
        "payment_link": link,
    }
    assert body["payment_page_url"] == link
    lifetime = moment(body["payment_page_expires_at"]) - moment(body["created_at"])
    assert lifetime == timedelta(minutes=30)


def test_amount_is_echoed_as_an_exact_json_number(client):
    response = client.post(
        "/api/v1/payins",
        content=json.dumps(payin_body("P")).replace("5000.0", "1234.56"),
        headers={"content-type": "application/json"},
    )

    assert '"amount":1234.56,' in response.text


def test_a_known_external_id_answers_200_with_the_existing_payin(client, sb):
    first = create(client, payin_body("P-1"))

    again = create(client, payin_body("P-1", amount=10))

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["amount"] == 5000
    assert sb.stats()["payin_submits"] == {"P-1": 2}
    assert sb.stats()["payins"] == 1


@pytest.mark.parametrize(
    ("digit", "final"),
    [("0", "success"), ("1", "failed"), ("2", "expired"), ("4", "canceled")]
    + [(digit, "success") for digit in "6789"],
)
def test_outcome_by_last_digit_of_the_mobile_number(client, sb, digit, final):
    sb.configure(final_after=0.1)
    create(client, payin_body("P", mobile_number=f"0187245678{digit}"))

    seen = watch(lambda: payin_status(client, "P")["status"], lambda s: s != "pending")

    assert seen[-1] == final
    body = payin_status(client, "P")
    assert moment(body["finalization_date"]) > moment(body["created_at"])
    assert body["updated_at"] == body["finalization_date"]


def test_digit_3_succeeds_then_is_refunded(client, sb):
    sb.configure(final_after=0.4)
    create(client, payin_body("P", mobile_number="01872456783"))

    seen = watch(lambda: payin_status(client, "P")["status"], lambda s: s == "refunded")

    assert seen == ["pending", "success", "refunded"]
    body = payin_status(client, "P")
    assert moment(body["updated_at"]) > moment(body["finalization_date"])


def test_digit_5_stays_pending(client, sb):
    sb.configure(final_after=0.05)
    create(client, payin_body("P", mobile_number="01872456785"))
    time.sleep(0.15)

    body = payin_status(client, "P")
    assert body["status"] == "pending"
    assert "finalization_date" not in body


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("wallet_provider", "bKash"),
        ("wallet_provider", None),
        ("mobile_number", "8801872456789"),
        ("mobile_number", "0187245678"),
        ("email", "info.test.com"),
        ("customer_name", "  "),
        ("customer_name", None),
    ],
)
def test_invalid_payment_data_is_422(client, field, value):
    body = payin_body("P")
    body["paymentData"][field] = value

    response = create(client, body)

    assert response.status_code == 422
    assert response.json()["message"] == "Invalid paymentData"
    assert [e["field"] for e in response.json()["errors"]] == [f"paymentData.{field}"]
    assert response.json()["errors"][0]["message"]


def test_missing_payment_data_is_422(client):
    body = payin_body("P")
    del body["paymentData"]

    response = create(client, body)

    assert response.status_code == 422
    assert response.json()["message"] == "Invalid paymentData"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("external_id", None),
        ("external_id", ""),
        ("amount", 0),
        ("amount", -5),
        ("amount", "many"),
        ("amount", None),
        ("currency", "USD"),
        ("currency", None),
        ("shop_code", None),
    ],
)
def test_other_invalid_fields_are_422_given_data_invalid(client, field, value):
    body = {**payin_body("P"), field: value}
    body = {key: value for key, value in body.items() if value is not None}

    response = create(client, body)

    assert response.status_code == 422
    assert response.json()["message"] == "The given data was invalid."
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert client.get("/api/v1/payins/P", params={"shop_code": SHOP}).status_code == 404


def test_unknown_payin_is_404(client):
    response = client.get("/api/v1/payins/NOPE", params={"shop_code": SHOP})

    assert response.status_code == 404
    assert response.json() == {
        "message": "PayIn not found",
        "code": "not_found",
        "error": {"code": "not_found", "message": "PayIn not found"},
    }


def test_status_needs_the_shop_code_of_the_payin(client):
    create(client, payin_body("P"))

    assert client.get("/api/v1/payins/P", params={"shop_code": "other"}).status_code == 404
    missing = client.get("/api/v1/payins/P")
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "shop_code"


# --- Signatures ----------------------------------------------------------------------------

KEY, SECRET = "tp_key", "tp_secret"


@pytest.fixture
def signed(sb):
    sb.configure(trustedpay_api_key=KEY, trustedpay_api_secret=SECRET)


def signed_headers(body: bytes, timestamp=None, key=KEY, secret=SECRET) -> dict:
    timestamp = timestamp or str(int(time.time()))
    signature = hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).hexdigest()
    return {
        "X-API-Key": key,
        "X-Timestamp": timestamp,
        "X-Signature": signature,
        "Content-Type": "application/json",
    }


def post_signed(client, body: dict, **header_args):
    raw = json.dumps(body).encode()
    return client.post("/api/v1/payins", content=raw, headers=signed_headers(raw, **header_args))


TIMESTAMPS = {
    "unix": lambda now: str(int(now.timestamp())),
    "iso": lambda now: now.isoformat(),
    "iso_z": lambda now: now.strftime("%Y-%m-%dT%H:%M:%SZ"),
    "iso_dhaka": lambda now: now.astimezone(timezone(timedelta(hours=6))).isoformat(),
}


@pytest.mark.usefixtures("signed")
@pytest.mark.parametrize("form", TIMESTAMPS)
def test_signed_requests_are_accepted(client, form):
    timestamp = TIMESTAMPS[form](datetime.now(UTC))

    assert post_signed(client, payin_body("P"), timestamp=timestamp).status_code == 201
    response = client.get(
        "/api/v1/payins/P", params={"shop_code": SHOP}, headers=signed_headers(b"")
    )
    assert response.status_code == 200


@pytest.mark.usefixtures("signed")
@pytest.mark.parametrize(
    "header_args",
    [
        {"key": "wrong"},
        {"secret": "wrong"},
        {"timestamp": lambda: str(int(time.time()) - 120)},
        {"timestamp": lambda: str(int(time.time()) + 120)},
        {"timestamp": lambda: "yesterday"},
    ],
    ids=["key", "secret", "stale", "future", "not-a-time"],
)
def test_badly_signed_requests_are_401(client, sb, header_args):
    header_args = {k: v() if callable(v) else v for k, v in header_args.items()}

    response = post_signed(client, payin_body("P"), **header_args)

    assert response.status_code == 401
    body = response.json()
    assert (body["message"], body["code"]) == ("Unauthenticated.", "unauthorized")
    assert body["error"]["code"] == "invalid_signature"
    assert body["error"]["message"]
    assert sb.stats()["payins"] == 0


@pytest.mark.usefixtures("signed")
def test_unsigned_requests_are_401(client):
    assert create(client, payin_body("P")).status_code == 401
    assert client.get("/api/v1/payins/P", params={"shop_code": SHOP}).status_code == 401


@pytest.mark.usefixtures("signed")
def test_signature_covers_the_body(client):
    raw = json.dumps(payin_body("P")).encode()
    headers = signed_headers(raw)

    response = client.post("/api/v1/payins", content=raw.replace(b"5000", b"9000"), headers=headers)

    assert response.status_code == 401
