"""TrustedPayGateway against the sandbox over real HTTP, and the document's own JSON example."""

import asyncio
import hashlib
import hmac
import json
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from gateways.base import (
    ConfigurationError,
    NotFoundError,
    NotSentError,
    OutcomeUnknownError,
    PayInRequest,
    RejectedError,
    Status,
    WalletProvider,
)
from gateways.http import Answer
from gateways.registry import build_payin_gateway, get_payin_gateway, reset_gateways
from gateways.trustedpay import TrustedPayGateway, parse_payin

from .conftest import wait_until


def request(external_id, number="01872456789", amount="5000.00", **changes):
    fields = {
        "external_id": external_id,
        "amount": Decimal(amount),
        "wallet_provider": WalletProvider.BKASH,
        "mobile_number": number,
        "email": "info@test.com",
        "customer_name": "Test Name",
        "merchant_user_id": "merchant-user-001",
        "merchant_user_ip": "203.0.113.10",
    }
    return PayInRequest(**{**fields, **changes})


def until_final(gateway, external_id):
    return wait_until(lambda: gateway.status_by_reference(external_id), lambda r: r.status.is_final)


# --- The document's example ---------------------------------------------------------------------

DOC_RESPONSE = """{
"id": 12345,
"status": "pending",
"external_id": "PIN-BDT-001",
"amount": 5000,
"currency": "BDT",
"shop_code": "your_bdt_shop",
"merchant_user_id": "merchant-user-001",
"merchant_user_ip": "203.0.113.10",
"paymentData": {
"wallet_provider": "BKash",
"mobile_number": "01872456789",
"email": "info@test.com",
"customer_name": "Test Name"
},
"transaction_type": "payin",
"created_at": "2025-12-05T10:00:00.000000Z",
"updated_at": "2025-12-05T10:00:00.000000Z"
}"""


def test_document_response_lands_in_every_field():
    result = parse_payin(
        Answer(201, json.loads(DOC_RESPONSE)), external_id="PIN-BDT-001", expect_created=True
    )
    assert result.status is Status.PENDING
    assert result.provider_status == "pending"
    assert result.external_id == "PIN-BDT-001"
    assert result.provider_id == 12345
    assert result.amount == Decimal("5000") and isinstance(result.amount, Decimal)
    assert result.currency == "BDT"
    assert result.payment_link is None and result.payment_link_expires_at is None
    assert result.created_at == datetime(2025, 12, 5, 10, 0, tzinfo=UTC)
    assert result.updated_at == datetime(2025, 12, 5, 10, 0, tzinfo=UTC)
    assert result.finalization_date is None
    assert result.created is True
    assert result.raw["paymentData"]["wallet_provider"] == "BKash"


def test_document_amount_with_a_fraction_stays_exact():
    body = DOC_RESPONSE.replace('"amount": 5000', '"amount": 5000.10')
    from gateways.wire import load_json

    result = parse_payin(
        Answer(200, load_json(body.encode())), external_id="PIN-BDT-001", expect_created=False
    )
    assert result.amount == Decimal("5000.10")
    assert result.created is False


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("pending", Status.PENDING),
        ("success", Status.SUCCESS),
        ("failed", Status.FAILED),
        ("canceled", Status.CANCELED),
        ("refunded", Status.REFUNDED),
        ("expired", Status.EXPIRED),
    ],
)
def test_every_documented_status_value(value, expected):
    body = {**json.loads(DOC_RESPONSE), "status": value}
    assert parse_payin(
        Answer(200, body), external_id="PIN-BDT-001", expect_created=False
    ).status is (expected)


def test_unknown_status_is_pending_and_warned(caplog):
    body = {**json.loads(DOC_RESPONSE), "status": "in_review"}
    result = parse_payin(Answer(200, body), external_id="PIN-BDT-001", expect_created=False)
    assert result.status is Status.PENDING
    warnings = [r for r in caplog.records if r.name == "gateways" and r.levelname == "WARNING"]
    assert len(warnings) == 1 and "in_review" in warnings[0].getMessage()


def test_payment_page_url_is_the_link_when_payment_data_has_none():
    body = {
        **json.loads(DOC_RESPONSE),
        "payment_page_url": "https://pay.example/abc",
        "payment_page_expires_at": "2025-12-05T10:30:00.000000Z",
    }
    result = parse_payin(Answer(200, body), external_id="PIN-BDT-001", expect_created=False)
    assert result.payment_link == "https://pay.example/abc"
    assert result.payment_link_expires_at == datetime(2025, 12, 5, 10, 30, tzinfo=UTC)


# --- Create and status over HTTP ----------------------------------------------------------------


def test_create_answers_201_with_every_field(payin, sandbox, new_ref):
    external_id = new_ref("PIN")
    before = datetime.now(UTC)
    result = payin.submit(request(external_id, amount="5000.00"))
    assert result.created is True
    assert result.status is Status.PENDING
    assert result.provider_status == "pending"
    assert result.external_id == external_id
    assert isinstance(result.provider_id, int)
    assert result.amount == Decimal("5000.00")
    assert result.currency == "BDT"
    assert result.payment_link == f"{sandbox.url}/_sandbox/pay/{external_id}"
    assert result.created_at.tzinfo is not None
    assert before - timedelta(seconds=2) <= result.created_at <= datetime.now(UTC)
    assert result.payment_link_expires_at == result.created_at + timedelta(minutes=30)
    assert result.updated_at is not None
    assert result.finalization_date is None
    assert result.raw["paymentData"]["email"] == "info@test.com"
    assert result.raw["merchant_user_id"] == "merchant-user-001"
    assert result.raw["shop_code"] == "sandbox_bdt_shop"
    assert sandbox.stats()["payin_submits"] == {external_id: 1}


def test_the_same_external_id_answers_200_with_the_existing_payin(payin, new_ref):
    external_id = new_ref("PIN")
    first = payin.submit(request(external_id))
    again = payin.submit(request(external_id))
    assert again.created is False
    assert again.provider_id == first.provider_id
    assert again.external_id == external_id


def test_amount_fractions_are_sent_exactly(payin, new_ref):
    result = payin.submit(request(new_ref("PIN"), amount="1234.56"))
    assert result.amount == Decimal("1234.56")


@pytest.mark.parametrize(
    ("digit", "expected"),
    [
        ("0", Status.SUCCESS),
        ("1", Status.FAILED),
        ("2", Status.EXPIRED),
        ("4", Status.CANCELED),
        ("7", Status.SUCCESS),
    ],
)
def test_final_statuses_by_number(payin, new_ref, digit, expected):
    external_id = new_ref("PIN")
    payin.submit(request(external_id, number=f"0187245678{digit}"))
    result = until_final(payin, external_id)
    assert result.status is expected
    assert result.provider_status == str(expected)
    assert result.finalization_date is not None
    assert result.finalization_date >= result.created_at


def test_success_then_refunded(payin, new_ref):
    external_id = new_ref("PIN")
    payin.submit(request(external_id, number="01872456783"))
    assert until_final(payin, external_id).status is Status.SUCCESS
    refunded = wait_until(
        lambda: payin.status_by_reference(external_id), lambda r: r.status is Status.REFUNDED
    )
    assert refunded.provider_status == "refunded"
    assert refunded.finalization_date is not None


def test_never_paid_stays_pending(payin, new_ref):
    external_id = new_ref("PIN")
    payin.submit(request(external_id, number="01872456785"))
    time.sleep(0.8)  # past final_after (0.6 s)
    result = payin.status_by_reference(external_id)
    assert result.status is Status.PENDING and result.finalization_date is None


@pytest.mark.parametrize(
    "forced", ["pending", "success", "failed", "canceled", "refunded", "expired"]
)
def test_every_status_value_over_http(payin, sandbox, new_ref, forced):
    external_id = new_ref("PIN")
    payin.submit(request(external_id, number="01872456785"))
    sandbox.force(external_id, forced)
    result = payin.status_by_reference(external_id)
    assert result.provider_status == forced
    assert result.status == Status(forced)


# --- Errors -------------------------------------------------------------------------------------


def test_invalid_payment_data_is_rejected_per_field(payin, sandbox, new_ref):
    external_id = new_ref("PIN")
    with pytest.raises(RejectedError) as caught:
        payin.submit(request(external_id, email="not-an-email", wallet_provider="Rocket"))
    error = caught.value
    assert error.status_code == 422
    assert error.message == "Invalid paymentData"
    assert set(error.field_errors) == {"paymentData.email", "paymentData.wallet_provider"}
    assert error.field_errors["paymentData.email"] == ["The email must be a valid email address."]
    with pytest.raises(NotFoundError):
        payin.status_by_reference(external_id)


def test_other_invalid_fields_are_rejected_per_field(payin, new_ref):
    with pytest.raises(RejectedError) as caught:
        payin.submit(request(new_ref("PIN"), amount="0"))
    assert caught.value.message == "The given data was invalid."
    assert list(caught.value.field_errors) == ["amount"]


def test_not_found_in_the_second_error_shape(payin, new_ref):
    with pytest.raises(NotFoundError) as caught:
        payin.status_by_reference(new_ref("PIN"))
    assert caught.value.status_code == 404
    assert caught.value.message.startswith("PayIn not found")
    assert "not_found" in caught.value.message


def test_an_external_id_needing_quoting_reaches_its_own_payin(payin, new_ref):
    external_id = new_ref("PIN") + " a/b?c"
    payin.submit(request(external_id))
    assert payin.status_by_reference(external_id).external_id == external_id


def test_read_timeout_is_outcome_unknown(payin, sandbox, new_ref):
    sandbox.configure(latency_ms=1500)  # the test read timeout (settings) is 1 s
    started = time.monotonic()
    with pytest.raises(OutcomeUnknownError) as caught:
        payin.submit(request(new_ref("PIN")))
    assert 0.9 < time.monotonic() - started < 2.5  # gave up at the 1 s read timeout, once
    assert caught.value.status_code is None
    with pytest.raises(OutcomeUnknownError):
        payin.status_by_reference(new_ref("PIN"))


@pytest.mark.parametrize(
    ("config", "status_code"),
    [
        ({"error_rate": 1.0}, 500),
        ({"error_rate": 1.0, "html_errors": True}, 500),
        ({"malformed_rate": 1.0}, 201),
        ({"throttle_rate": 1.0}, 429),
    ],
)
def test_server_errors_throttling_and_bad_bodies_are_outcome_unknown(
    payin, sandbox, new_ref, config, status_code
):
    sandbox.configure(**config)
    with pytest.raises(OutcomeUnknownError) as caught:
        payin.submit(request(new_ref("PIN")))
    assert caught.value.status_code == status_code


def test_malformed_status_answer_is_outcome_unknown(payin, sandbox, new_ref):
    external_id = new_ref("PIN")
    payin.submit(request(external_id))
    sandbox.configure(malformed_rate=1.0)
    with pytest.raises(OutcomeUnknownError) as caught:
        payin.status_by_reference(external_id)
    assert caught.value.status_code == 200


def test_closed_port_is_not_sent(sandbox, closed_port_url, new_ref):
    gateway = build_payin_gateway(base_url=closed_port_url)
    try:
        with pytest.raises(NotSentError):
            gateway.submit(request(new_ref("PIN")))
        with pytest.raises(NotSentError):
            gateway.status_by_reference(new_ref("PIN"))
    finally:
        gateway.close()


@pytest.mark.parametrize(
    "changes",
    [
        {"TRUSTEDPAY_BASE_URL": ""},
        {"TRUSTEDPAY_SHOP_CODE": ""},
        {"TRUSTEDPAY_API_KEY": "key-without-secret"},
        {"TRUSTEDPAY_API_SECRET": "secret-without-key"},
    ],
)
def test_missing_configuration(sandbox, settings, new_ref, changes):
    for name, value in changes.items():
        setattr(settings, name, value)
    reset_gateways()
    gateway = get_payin_gateway()
    with pytest.raises(ConfigurationError):
        gateway.submit(request(new_ref("PIN")))
    with pytest.raises(ConfigurationError):
        gateway.status_by_reference(new_ref("PIN"))
    assert sandbox.stats()["payin_submits"] == {}


# --- Signature ----------------------------------------------------------------------------------

API_KEY = "tp_key_live_123"
API_SECRET = "tp_secret_live_456"


def require_signature(sandbox, settings, key=API_KEY, secret=API_SECRET):
    sandbox.configure(trustedpay_api_key=API_KEY, trustedpay_api_secret=API_SECRET)
    settings.TRUSTEDPAY_API_KEY = key
    settings.TRUSTEDPAY_API_SECRET = secret
    reset_gateways()
    return get_payin_gateway()


def test_signed_requests_are_accepted(sandbox, settings, new_ref):
    gateway = require_signature(sandbox, settings)
    external_id = new_ref("PIN")
    assert gateway.submit(request(external_id)).created is True
    assert gateway.status_by_reference(external_id).external_id == external_id
    results = asyncio.run(gateway.status_many([external_id], 2))
    assert results[external_id].external_id == external_id


def test_a_wrong_secret_is_401(sandbox, settings, new_ref):
    gateway = require_signature(sandbox, settings, secret="not-the-secret")
    with pytest.raises(RejectedError) as caught:
        gateway.submit(request(new_ref("PIN")))
    assert caught.value.status_code == 401
    assert caught.value.message.startswith("Unauthenticated.")
    assert "invalid_signature" in caught.value.message
    with pytest.raises(RejectedError):
        gateway.status_by_reference(new_ref("PIN"))


def test_unsigned_requests_are_401_when_the_provider_wants_a_signature(payin, sandbox, new_ref):
    sandbox.configure(trustedpay_api_key=API_KEY, trustedpay_api_secret=API_SECRET)
    with pytest.raises(RejectedError) as caught:
        payin.submit(request(new_ref("PIN")))
    assert caught.value.status_code == 401


def test_a_stale_timestamp_is_401(sandbox, new_ref):
    sandbox.configure(trustedpay_api_key=API_KEY, trustedpay_api_secret=API_SECRET)
    gateway = build_payin_gateway(
        api_key=API_KEY, api_secret=API_SECRET, clock=lambda: time.time() - 600
    )
    try:
        with pytest.raises(RejectedError) as caught:
            gateway.submit(request(new_ref("PIN")))
        assert caught.value.status_code == 401
    finally:
        gateway.close()


def test_signature_is_hmac_of_timestamp_and_the_exact_body():
    gateway = TrustedPayGateway(
        base_url="http://127.0.0.1:1",
        shop_code="s",
        api_key="k",
        api_secret="sec",
        clock=lambda: 1e9,
    )
    body = b'{"amount":500.00}'
    headers = gateway.signed_headers(body)
    assert headers["X-API-Key"] == "k"
    assert headers["X-Timestamp"] == "1000000000"
    expected = hmac.new(b"sec", b"1000000000" + body, hashlib.sha256).hexdigest()
    assert headers["X-Signature"] == expected
    empty = hmac.new(b"sec", b"1000000000", hashlib.sha256).hexdigest()
    assert gateway.signed_headers(b"")["X-Signature"] == empty
    assert "sec" not in repr(gateway)
