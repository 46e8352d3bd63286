"""NictbdGateway against the sandbox over real HTTP, and the document's own JSON examples."""

import asyncio
import json
import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from gateways.base import (
    CashInRequest,
    ConfigurationError,
    DuplicateReferenceError,
    NotFoundError,
    NotSentError,
    OutcomeUnknownError,
    RejectedError,
    Status,
)
from gateways.http import Answer
from gateways.nictbd import NictbdGateway, parse_cashin
from gateways.registry import build_cashin_gateway, get_cashin_gateway, reset_gateways

from .conftest import wait_until

DHAKA = timedelta(hours=6)
FINAL = {Status.SUCCESS, Status.FAILED, Status.REFUNDED}


def request(ref, number="01712345670", amount="500.00"):
    return CashInRequest(receiver_number=number, amount=Decimal(amount), client_reference=ref)


def until_final(gateway, ref):
    return wait_until(lambda: gateway.status_by_reference(ref), lambda r: r.status.is_final)


# --- The document's JSON examples, parsed as they are printed -----------------------------------

DOC_SUBMIT = {
    "success": True,
    "message": "bKash Cash In request submitted successfully.",
    "data": {
        "job_id": 451,
        "order_number": "NICT-451-260622-A8F4",
        "client_reference": "MY-ORDER-10001",
        "type": "cash-in",
        "service_name": "bKash Cash In",
        "service_type": "mobile_financial_service",
        "service_code": "BKASH_CASH_IN",
        "receiver_number": "01712345678",
        "amount": "500.00",
        "debit_amount": "500.00",
        "status": "processing",
        "job_status": "processing",
        "transaction_status": "pending",
        "operator_transaction_id": None,
        "failure_reason": None,
        "refund_order_number": None,
        "created_at": "2026-06-22T10:30:00+06:00",
        "completed_at": None,
    },
}
DOC_SUCCESSFUL = {
    "success": True,
    "message": "bKash Cash In completed successfully.",
    "data": {
        "job_id": 451,
        "order_number": "NICT-451-260622-A8F4",
        "client_reference": "MY-ORDER-10001",
        "receiver_number": "01712345678",
        "amount": "500.00",
        "debit_amount": "500.00",
        "status": "successfull",
        "job_status": "success",
        "transaction_status": "successfull",
        "operator_transaction_id": "C8F4A91B2D",
        "failure_reason": None,
        "refund_order_number": None,
        "completed_at": "2026-06-22T10:31:18+06:00",
    },
}
DOC_FAILED = {
    "success": True,
    "message": "bKash Cash In failed.",
    "data": {
        "job_id": 451,
        "order_number": "NICT-451-260622-A8F4",
        "client_reference": "MY-ORDER-10001",
        "status": "failed",
        "job_status": "failed",
        "transaction_status": "failed",
        "operator_transaction_id": None,
        "failure_reason": "Cash In request could not be completed.",
        "refund_order_number": None,
        "completed_at": "2026-06-22T10:31:18+06:00",
    },
}
DOC_REFUNDED = {
    "success": True,
    "message": "bKash Cash In failed and the amount was refunded.",
    "data": {
        "job_id": 451,
        "order_number": "NICT-451-260622-A8F4",
        "client_reference": "MY-ORDER-10001",
        "status": "refunded",
        "job_status": "refunded",
        "transaction_status": "refunded",
        "operator_transaction_id": None,
        "failure_reason": "Cash In request failed.",
        "refund_order_number": "REFUND-451-260622",
        "completed_at": "2026-06-22T10:32:00+06:00",
    },
}


def doc_answer(body):
    # Through JSON text, as it arrives: the amounts are strings in this document.
    return Answer(200, json.loads(json.dumps(body)))


def test_document_submit_response_lands_in_every_field():
    result = parse_cashin(doc_answer(DOC_SUBMIT), client_reference="MY-ORDER-10001")
    assert result.status is Status.PENDING
    assert result.provider_status == "processing"
    assert result.client_reference == "MY-ORDER-10001"
    assert result.order_number == "NICT-451-260622-A8F4"
    assert result.job_id == 451
    assert result.job_status == "processing"
    assert result.transaction_status == "pending"
    assert result.receiver_number == "01712345678"
    assert result.amount == Decimal("500.00") and isinstance(result.amount, Decimal)
    assert result.debit_amount == Decimal("500.00")
    assert result.operator_transaction_id is None
    assert result.failure_reason is None
    assert result.refund_order_number is None
    assert result.created_at == datetime.fromisoformat("2026-06-22T10:30:00+06:00")
    assert result.created_at.utcoffset() == DHAKA
    assert result.completed_at is None
    assert result.message == "bKash Cash In request submitted successfully."
    assert result.raw["data"]["service_code"] == "BKASH_CASH_IN"


def test_document_successful_response():
    result = parse_cashin(doc_answer(DOC_SUCCESSFUL), order_number="NICT-451-260622-A8F4")
    assert result.status is Status.SUCCESS
    assert result.provider_status == "successfull"
    assert result.job_status == "success"
    assert result.transaction_status == "successfull"
    assert result.operator_transaction_id == "C8F4A91B2D"
    assert result.receiver_number == "01712345678"
    assert result.amount == result.debit_amount == Decimal("500.00")
    assert result.completed_at == datetime.fromisoformat("2026-06-22T10:31:18+06:00")
    assert result.created_at is None  # not in this example
    assert result.message == "bKash Cash In completed successfully."


def test_document_failed_response():
    result = parse_cashin(doc_answer(DOC_FAILED), client_reference="MY-ORDER-10001")
    assert result.status is Status.FAILED
    assert result.provider_status == "failed"
    assert result.job_status == result.transaction_status == "failed"
    assert result.failure_reason == "Cash In request could not be completed."
    assert result.operator_transaction_id is None
    assert result.amount is None and result.receiver_number is None  # not in this example
    assert result.completed_at == datetime.fromisoformat("2026-06-22T10:31:18+06:00")


def test_document_refunded_response():
    result = parse_cashin(doc_answer(DOC_REFUNDED), client_reference="MY-ORDER-10001")
    assert result.status is Status.REFUNDED
    assert result.job_status == result.transaction_status == "refunded"
    assert result.failure_reason == "Cash In request failed."
    assert result.refund_order_number == "REFUND-451-260622"
    assert result.completed_at == datetime.fromisoformat("2026-06-22T10:32:00+06:00")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("successfull", Status.SUCCESS),
        ("successful", Status.SUCCESS),
        ("success", Status.SUCCESS),
        ("SUCCESSFULL", Status.SUCCESS),
        ("failed", Status.FAILED),
        ("refunded", Status.REFUNDED),
        ("pending", Status.PENDING),
        ("processing", Status.PENDING),
        ("awaiting_sms", Status.PENDING),
        ("manual_review", Status.PENDING),
    ],
)
def test_every_documented_status_value(value, expected):
    body = {"success": True, "data": {**DOC_SUCCESSFUL["data"], "status": value}}
    assert parse_cashin(Answer(200, body)).status is expected


def test_unknown_status_is_pending_and_warned(caplog):
    body = {"success": True, "data": {**DOC_SUCCESSFUL["data"], "status": "on_hold"}}
    result = parse_cashin(Answer(200, body))
    assert result.status is Status.PENDING
    assert result.provider_status == "on_hold"
    warnings = [r for r in caplog.records if r.name == "gateways" and r.levelname == "WARNING"]
    assert len(warnings) == 1
    assert "on_hold" in warnings[0].getMessage()
    assert "MY-ORDER-10001" in warnings[0].getMessage()


@pytest.mark.parametrize(
    "body",
    [
        {**DOC_SUBMIT, "success": False},
        {"success": True, "message": "ok"},
        {"success": True, "data": None},
        {"data": DOC_SUBMIT["data"]},
    ],
)
def test_a_2xx_without_success_and_data_is_outcome_unknown(body):
    with pytest.raises(OutcomeUnknownError) as caught:
        parse_cashin(Answer(200, body), client_reference="MY-ORDER-10001")
    assert caught.value.status_code == 200


@pytest.mark.parametrize(
    "change",
    [{"status": None}, {"status": 5}, {"client_reference": None}, {"client_reference": "x" * 65}],
)
def test_a_deciding_field_of_the_wrong_kind_is_not_accepted(change):
    # Other fields of the wrong kind are dropped with a warning (test_untrusted_cashin.py).
    body = {**DOC_SUBMIT, "data": {**DOC_SUBMIT["data"], **change}}
    with pytest.raises((ValueError, TypeError)):  # gateways.http turns these into "unknown"
        parse_cashin(Answer(200, body), client_reference="MY-ORDER-10001")


def test_an_answer_about_another_reference_is_not_accepted():
    with pytest.raises(ValueError):
        parse_cashin(doc_answer(DOC_SUCCESSFUL), client_reference="MY-ORDER-99999")
    with pytest.raises(ValueError):
        parse_cashin(doc_answer(DOC_SUCCESSFUL), order_number="NICT-452-260622-A8F4")


# --- Submit and status over HTTP ----------------------------------------------------------------


def test_submit_parses_the_sandbox_submit_answer(cashin, sandbox, new_ref):
    ref = new_ref()
    result = cashin.submit(request(ref, amount="500.00"))
    assert result.status is Status.PENDING  # a submit answer is never final
    assert result.provider_status == "processing"
    assert result.job_status == "processing"
    assert result.transaction_status == "pending"
    assert result.client_reference == ref
    assert isinstance(result.job_id, int)
    assert re.fullmatch(rf"NICT-{result.job_id}-\d{{6}}-[0-9A-F]{{4}}", result.order_number)
    assert result.receiver_number == "01712345670"
    assert result.amount == Decimal("500.00") and isinstance(result.amount, Decimal)
    assert result.debit_amount == Decimal("500.00")
    assert result.operator_transaction_id is None
    assert result.failure_reason is None and result.refund_order_number is None
    assert result.created_at.utcoffset() == DHAKA
    assert abs(result.created_at - datetime.now(result.created_at.tzinfo)) < timedelta(minutes=1)
    assert result.completed_at is None
    assert result.message == "bKash Cash In request submitted successfully."
    assert result.raw["data"]["service_code"] == "BKASH_CASH_IN"
    assert sandbox.stats()["cashin_submits"] == {ref: 1}


def test_decimal_amount_is_sent_exactly(cashin, new_ref):
    ref = new_ref()
    result = cashin.submit(request(ref, amount="1234.56"))
    assert result.amount == Decimal("1234.56")
    # A float would never reach the provider.
    with pytest.raises(TypeError):
        cashin.submit(
            CashInRequest(receiver_number="01712345670", amount=12.5, client_reference=new_ref())
        )


def test_successfull_status_by_reference_and_by_order_number(cashin, new_ref):
    ref = new_ref()
    submitted = cashin.submit(request(ref, number="01712345670"))
    result = until_final(cashin, ref)
    assert result.status is Status.SUCCESS
    assert result.provider_status == "successfull"
    assert result.job_status == "success"
    assert result.transaction_status == "successfull"
    assert re.fullmatch(r"[0-9A-F]{10}", result.operator_transaction_id)
    assert result.failure_reason is None and result.refund_order_number is None
    assert result.completed_at is not None and result.completed_at >= result.created_at
    assert result.job_id == submitted.job_id
    assert result.order_number == submitted.order_number
    assert result.amount == Decimal("500.00")
    assert result.message == "bKash Cash In completed successfully."

    by_number = cashin.status_by_order_number(submitted.order_number)
    assert by_number == result


def test_failed_status(cashin, new_ref):
    ref = new_ref()
    cashin.submit(request(ref, number="01712345671"))
    result = until_final(cashin, ref)
    assert result.status is Status.FAILED
    assert result.provider_status == "failed"
    assert result.job_status == result.transaction_status == "failed"
    assert result.failure_reason == "Cash In request could not be completed."
    assert result.operator_transaction_id is None
    assert result.completed_at is not None


def test_refunded_status(cashin, new_ref):
    ref = new_ref()
    submitted = cashin.submit(request(ref, number="01712345672"))
    result = until_final(cashin, ref)
    assert result.status is Status.REFUNDED
    assert result.failure_reason == "Cash In request failed."
    assert result.refund_order_number == (f"REFUND-{submitted.job_id}-{result.completed_at:%y%m%d}")


def test_manual_review_stays_pending(cashin, new_ref):
    ref = new_ref()
    cashin.submit(request(ref, number="01712345673"))
    result = wait_until(
        lambda: cashin.status_by_reference(ref), lambda r: r.provider_status == "manual_review"
    )
    assert result.status is Status.PENDING
    assert result.completed_at is None


@pytest.mark.parametrize(
    ("forced", "expected"),
    [
        ("pending", Status.PENDING),
        ("processing", Status.PENDING),
        ("awaiting_sms", Status.PENDING),
        ("manual_review", Status.PENDING),
        ("successfull", Status.SUCCESS),
        ("failed", Status.FAILED),
        ("refunded", Status.REFUNDED),
    ],
)
def test_every_status_value_over_http(cashin, sandbox, new_ref, forced, expected):
    ref = new_ref()
    cashin.submit(request(ref, number="01712345673"))
    sandbox.force(ref, forced)
    result = cashin.status_by_reference(ref)
    assert result.provider_status == forced
    assert result.status is expected
    assert (result.completed_at is not None) == expected.is_final


def test_a_provider_contradicting_its_final_status_is_reported_as_it_is(cashin, new_ref):
    ref = new_ref()
    cashin.submit(request(ref, number="01712345678"))
    assert until_final(cashin, ref).status is Status.SUCCESS
    later = wait_until(lambda: cashin.status_by_reference(ref), lambda r: r.status is Status.FAILED)
    assert later.provider_status == "failed"


def test_balance(cashin, new_ref):
    before = cashin.balance()
    assert before.balance == Decimal("2835.60") and isinstance(before.balance, Decimal)
    assert before.currency == "BDT"
    assert before.merchant_name == "Sandbox Merchant"
    cashin.submit(request(new_ref(), amount="100.50"))
    assert cashin.balance().balance == Decimal("2735.10")


# --- Errors -------------------------------------------------------------------------------------


def test_rejected_receiver_carries_the_field_message(cashin, sandbox, new_ref):
    ref = new_ref()
    with pytest.raises(RejectedError) as caught:
        cashin.submit(request(ref, number="01712345677"))
    error = caught.value
    assert type(error) is RejectedError
    assert error.status_code == 422
    assert error.message == "Validation error"
    assert error.field_errors == {
        "receiver_number": ["The receiver number is not a bKash account."]
    }
    with pytest.raises(NotFoundError):  # nothing was created
        cashin.status_by_reference(ref)


def test_rejected_with_several_fields(cashin, new_ref):
    with pytest.raises(RejectedError) as caught:
        cashin.submit(request(new_ref(), number="12345", amount="0.50"))
    errors = caught.value.field_errors
    assert set(errors) == {"receiver_number", "amount"}
    assert all(messages for messages in errors.values())
    assert errors["amount"] == ["The amount field must be at least 1."]


def test_duplicate_reference(cashin, sandbox, new_ref):
    ref = new_ref()
    first = cashin.submit(request(ref))
    with pytest.raises(DuplicateReferenceError) as caught:
        cashin.submit(request(ref))
    assert caught.value.status_code == 422
    assert caught.value.field_errors["client_reference"] == [
        "The client reference has already been taken."
    ]
    # The first order stands and is still found under the reference.
    assert cashin.status_by_reference(ref).order_number == first.order_number


def test_not_found(cashin, new_ref):
    with pytest.raises(NotFoundError) as caught:
        cashin.status_by_reference(new_ref())
    assert caught.value.status_code == 404
    assert caught.value.message == "bKash Cash In request not found."
    with pytest.raises(NotFoundError):
        cashin.status_by_order_number("NICT-1-260622-FFFF")


def test_submit_timeout_is_outcome_unknown_and_the_order_exists(cashin, sandbox, new_ref):
    ref = new_ref()
    with pytest.raises(OutcomeUnknownError) as caught:
        cashin.submit(request(ref, number="01712345674"))
    assert caught.value.status_code is None
    assert "Timeout" in caught.value.message
    # Resolved by asking for our own reference, never by resubmitting under a new one.
    assert cashin.status_by_reference(ref).client_reference == ref
    assert until_final(cashin, ref).status is Status.SUCCESS
    assert sandbox.stats()["cashin_submits"] == {ref: 1}  # no retry behind our back


def test_status_answering_500_twice_is_unknown_then_normal(cashin, new_ref):
    ref = new_ref()
    cashin.submit(request(ref, number="01712345675"))
    for _ in range(2):
        with pytest.raises(OutcomeUnknownError) as caught:
            cashin.status_by_reference(ref)
        assert caught.value.status_code == 500
        assert caught.value.message == "Unable to process the request."
    assert until_final(cashin, ref).status is Status.SUCCESS


def test_submit_500_created_nothing_and_the_same_reference_goes_through(cashin, sandbox, new_ref):
    ref = new_ref()
    with pytest.raises(OutcomeUnknownError) as caught:
        cashin.submit(request(ref, number="01712345676"))
    assert caught.value.status_code == 500
    with pytest.raises(NotFoundError):
        cashin.status_by_reference(ref)
    assert cashin.submit(request(ref, number="01712345676")).client_reference == ref
    assert until_final(cashin, ref).status is Status.SUCCESS
    assert sandbox.stats()["cashin_submits"] == {ref: 2}


@pytest.mark.parametrize(
    ("config", "status_code"),
    [
        ({"error_rate": 1.0}, 500),
        ({"error_rate": 1.0, "html_errors": True}, 500),
        ({"malformed_rate": 1.0}, 200),
        ({"throttle_rate": 1.0}, 429),  # not documented: nothing says it created nothing
    ],
)
def test_server_errors_throttling_and_bad_bodies_are_outcome_unknown(
    cashin, sandbox, new_ref, config, status_code
):
    ref = new_ref()
    if "malformed_rate" in config:
        cashin.submit(request(ref))
    sandbox.configure(**config)
    with pytest.raises(OutcomeUnknownError) as caught:
        cashin.submit(request(new_ref()))
    assert caught.value.status_code == status_code
    with pytest.raises(OutcomeUnknownError):
        cashin.status_by_reference(ref)
    with pytest.raises(OutcomeUnknownError):
        cashin.balance()
    if config.get("html_errors"):
        assert "<" in caught.value.body  # the HTML page, kept for the record


def test_closed_port_is_not_sent(sandbox, closed_port_url, new_ref):
    gateway = build_cashin_gateway(base_url=closed_port_url)
    try:
        with pytest.raises(NotSentError):
            gateway.submit(request(new_ref()))
        with pytest.raises(NotSentError):
            gateway.status_by_reference(new_ref())
        results = asyncio.run(gateway.status_many([new_ref(), new_ref()], 5))
        assert all(type(error) is NotSentError for error in results.values())
    finally:
        gateway.close()


@pytest.mark.parametrize("base_url", ["", "127.0.0.1:8100", "ftp://example.com"])
def test_missing_or_unusable_base_url_is_a_configuration_error(
    sandbox, settings, new_ref, base_url
):
    settings.NICTBD_BASE_URL = base_url
    reset_gateways()
    gateway = get_cashin_gateway()
    with pytest.raises(ConfigurationError):
        gateway.submit(request(new_ref()))
    with pytest.raises(ConfigurationError):
        gateway.balance()
    ref = new_ref()
    assert isinstance(asyncio.run(gateway.status_many([ref], 3))[ref], ConfigurationError)
    assert sandbox.stats()["cashin_submits"] == {}


def test_half_the_credentials_is_a_configuration_error(sandbox, settings, new_ref):
    settings.NICTBD_API_KEY = "pk_live_only_the_key"
    reset_gateways()
    with pytest.raises(ConfigurationError):
        get_cashin_gateway().submit(request(new_ref()))


# --- Credentials --------------------------------------------------------------------------------

CREDENTIALS = {"store_id": "store-77", "api_key": "pk_live_abc123", "api_secret": "sk_live_s3cr3t"}


def require_credentials(sandbox):
    sandbox.configure(
        nictbd_store_id=CREDENTIALS["store_id"],
        nictbd_api_key=CREDENTIALS["api_key"],
        nictbd_api_secret=CREDENTIALS["api_secret"],
    )


def test_without_credentials_the_provider_answers_401(cashin, sandbox, new_ref):
    require_credentials(sandbox)
    with pytest.raises(RejectedError) as caught:
        cashin.submit(request(new_ref()))
    assert caught.value.status_code == 401
    assert caught.value.message == "Unauthenticated."
    with pytest.raises(RejectedError):
        cashin.balance()


def test_configured_credentials_travel_in_the_body(sandbox, settings, new_ref):
    require_credentials(sandbox)
    settings.NICTBD_STORE_ID = CREDENTIALS["store_id"]
    settings.NICTBD_API_KEY = CREDENTIALS["api_key"]
    settings.NICTBD_API_SECRET = CREDENTIALS["api_secret"]
    reset_gateways()
    gateway = get_cashin_gateway()
    ref = new_ref()
    submitted = gateway.submit(request(ref))
    assert gateway.status_by_reference(ref).order_number == submitted.order_number
    assert gateway.status_by_order_number(submitted.order_number).client_reference == ref
    assert gateway.balance().currency == "BDT"
    assert asyncio.run(gateway.status_many([ref], 2))[ref].client_reference == ref


def test_a_wrong_secret_is_401(sandbox, new_ref):
    require_credentials(sandbox)
    gateway = build_cashin_gateway(**{**CREDENTIALS, "api_secret": "sk_live_wrong"})
    try:
        with pytest.raises(RejectedError) as caught:
            gateway.submit(request(new_ref()))
        assert caught.value.status_code == 401
    finally:
        gateway.close()


def test_explicit_construction_needs_no_settings(sandbox, new_ref):
    gateway = NictbdGateway(base_url=sandbox.url, connect_timeout=1.0, read_timeout=2.0)
    try:
        assert gateway.submit(request(ref := new_ref())).client_reference == ref
        assert "sk_" not in repr(gateway)
    finally:
        gateway.close()
