"""NICTBD answers are untrusted: every field is cut, cleaned or dropped to fit the order's row.

parse_cashin on odd bodies, then the sandbox's hostile_fields and nictbd_submit_claims modes
over real HTTP.
"""

import asyncio
import json
import logging
from decimal import Decimal

import pytest

from gateways.base import (
    FAILURE_REASON_MAX_LENGTH,
    OPERATOR_TRANSACTION_ID_MAX_LENGTH,
    CashInRequest,
    Status,
)
from gateways.http import Answer
from gateways.nictbd import parse_cashin
from gateways.wire import load_json

from .conftest import wait_until
from .fits import assert_fits_columns, assert_raw_storable

REFERENCE = "MY-ORDER-10001"
NUMBER = "01712345678"


def body(**changes):
    data = {
        "job_id": 451,
        "order_number": "NICT-451-260622-A8F4",
        "client_reference": REFERENCE,
        "receiver_number": NUMBER,
        "amount": "500.00",
        "debit_amount": "500.00",
        "status": "successfull",
        "job_status": "success",
        "transaction_status": "successfull",
        "operator_transaction_id": "C8F4A91B2D",
        "failure_reason": None,
        "refund_order_number": None,
        "created_at": "2026-06-22T10:30:00+06:00",
        "completed_at": "2026-06-22T10:31:18+06:00",
    }
    message = changes.pop("message", "bKash Cash In completed successfully.")
    return {"success": True, "message": message, "data": {**data, **changes}}


def parse(answer_body, **expect):
    expect = expect or {"client_reference": REFERENCE}
    return parse_cashin(Answer(200, answer_body), **expect)


def warnings_of(caplog):
    return [
        r.getMessage() for r in caplog.records if r.name == "gateways" and r.levelname == "WARNING"
    ]


# --- Text: cut to the column, NUL removed ------------------------------------------------------


def test_an_80_character_operator_transaction_id_is_cut_to_64_with_a_warning(caplog):
    result = parse(body(operator_transaction_id="A" * 80))

    assert result.operator_transaction_id == "A" * OPERATOR_TRANSACTION_ID_MAX_LENGTH
    (warning,) = warnings_of(caplog)
    assert warning.startswith(f"nictbd answer for ref={REFERENCE}: operator_transaction_id")
    assert "80 characters: cut to 64" in warning
    assert result.raw["data"]["operator_transaction_id"] == "A" * 80  # the record keeps it all


def test_a_10_kb_failure_reason_is_cut_to_1000_characters():
    result = parse(body(status="failed", failure_reason="x" * 10_240))

    assert result.failure_reason == "x" * FAILURE_REASON_MAX_LENGTH
    assert result.status is Status.FAILED


@pytest.mark.parametrize(
    ("field", "attribute", "limit"),
    [
        ("order_number", "order_number", 64),
        ("refund_order_number", "refund_order_number", 64),
        ("job_status", "job_status", 32),
        ("transaction_status", "transaction_status", 32),
        ("receiver_number", "receiver_number", 32),
    ],
)
def test_over_long_text_fields_are_cut_to_their_column(field, attribute, limit, caplog):
    result = parse(body(**{field: "Z" * (limit + 50)}))

    assert getattr(result, attribute) == "Z" * limit
    assert any(f"{field} is {limit + 50} characters" in w for w in warnings_of(caplog))
    assert_fits_columns(result)


def test_an_over_long_message_is_cut_to_500_characters():
    assert parse(body(message="m" * 2000)).message == "m" * 500


def test_an_over_long_unknown_status_is_pending_and_cut_to_32_characters(caplog):
    result = parse(body(status="weird" * 20))

    assert result.status is Status.PENDING
    assert result.provider_status == ("weird" * 20)[:32]
    assert any("unknown status" in w for w in warnings_of(caplog))


def test_nul_characters_are_removed_from_every_text_field_and_from_raw(caplog):
    result = parse(
        body(
            message="done\x00",
            order_number="NICT-\x00451",
            job_status="success\x00",
            transaction_status="\x00successfull",
            operator_transaction_id="C8F4\x00A91B2D",
            failure_reason="no\x00ne",
            refund_order_number="REFUND\x00",
            receiver_number=NUMBER + "\x00",
        )
    )

    assert (result.message, result.order_number) == ("done", "NICT-451")
    assert (result.job_status, result.transaction_status) == ("success", "successfull")
    assert (result.operator_transaction_id, result.failure_reason) == ("C8F4A91B2D", "none")
    assert result.refund_order_number == "REFUND"
    assert result.status is Status.SUCCESS
    assert_fits_columns(result)
    assert "NUL" in warnings_of(caplog)[0]


def test_a_status_word_with_a_nul_inside_is_unknown_so_never_final():
    result = parse(body(status="successfull\x00"))

    assert result.status is Status.PENDING
    assert result.provider_status == "successfull"  # stored clean, but not believed


def test_a_numeric_operator_transaction_id_is_read_as_its_digits():
    assert parse(body(operator_transaction_id=8812345)).operator_transaction_id == "8812345"


# --- Numbers, amounts and timestamps: dropped when they cannot be right -----------------------


@pytest.mark.parametrize("job_id", [2**70, 2**63, -1, "99999999999999999999999", "12a", 4.5])
def test_a_job_id_no_signed_64_bit_column_holds_is_dropped_with_a_warning(job_id, caplog):
    value = Decimal(str(job_id)) if isinstance(job_id, float) else job_id

    result = parse(body(job_id=value))

    assert result.job_id is None
    assert result.status is Status.SUCCESS  # the rest of the answer still counts
    assert any("job_id" in w and "dropped" in w for w in warnings_of(caplog))


@pytest.mark.parametrize(("job_id", "expected"), [(2**63 - 1, 2**63 - 1), ("451", 451), (0, 0)])
def test_a_job_id_in_range_is_kept(job_id, expected):
    assert parse(body(job_id=job_id)).job_id == expected


@pytest.mark.parametrize(
    ("change", "attribute"),
    [
        ({"amount": "abc"}, "amount"),
        ({"amount": [1]}, "amount"),
        ({"debit_amount": True}, "debit_amount"),
        ({"amount": "1e30"}, "amount"),  # no money column holds it
        ({"amount": "500.005"}, "amount"),  # nor a third decimal place
        ({"amount": "Infinity"}, "amount"),
        ({"created_at": "yesterday"}, "created_at"),
        ({"completed_at": 5}, "completed_at"),
        ({"completed_at": "9999-12-31T23:59:59-06:00"}, "completed_at"),  # past year 9999 in UTC
        ({"job_id": [1]}, "job_id"),
        ({"job_id": True}, "job_id"),
        ({"operator_transaction_id": {"id": 1}}, "operator_transaction_id"),
        ({"failure_reason": ["x"]}, "failure_reason"),
        ({"job_status": False}, "job_status"),
        ({"order_number": ["NICT"]}, "order_number"),
    ],
)
def test_an_optional_field_of_the_wrong_kind_becomes_none_with_a_warning(change, attribute, caplog):
    result = parse(body(**change))

    assert getattr(result, attribute) is None
    assert result.status is Status.SUCCESS
    (warning,) = warnings_of(caplog)
    assert attribute in warning and f"ref={REFERENCE}" in warning
    assert_fits_columns(result)


def test_a_message_of_the_wrong_kind_is_empty():
    assert parse(body(message={"text": "hi"})).message == ""


def test_amounts_are_exact_decimals_and_raw_keeps_them_as_sent_text():
    answer_body = load_json(json.dumps(body()).replace('"500.00"', "512.34", 1).encode())

    result = parse(answer_body)

    assert result.amount == Decimal("512.34") and isinstance(result.amount, Decimal)
    assert result.raw["data"]["amount"] == "512.34"
    assert_raw_storable(result.raw)


# --- What still makes the answer unusable ------------------------------------------------------


def test_an_order_number_answer_naming_a_client_reference_no_order_has_is_unusable():
    for reference in ("R" * 65, "MY-ORDER\x00-1"):
        with pytest.raises(ValueError):
            parse(body(client_reference=reference), order_number="NICT-451-260622-A8F4")


def test_warnings_never_show_a_whole_phone_number(caplog):
    parse(body(status="failed", failure_reason=f"Receiver {NUMBER} refused. " * 100))

    text = " ".join(warnings_of(caplog))
    assert "failure_reason" in text and "017****5678" in text
    assert NUMBER not in text


# --- Over HTTP: the sandbox's hostile fields ----------------------------------------------------


def request(reference, number):
    return CashInRequest(
        receiver_number=number, amount=Decimal("500.00"), client_reference=reference
    )


def test_hostile_status_answers_fit_the_columns_and_are_logged(cashin, sandbox, new_ref, caplog):
    sandbox.configure(hostile_fields=True)
    reference = new_ref()
    cashin.submit(request(reference, "01712345671"))

    with caplog.at_level(logging.WARNING, logger="gateways"):
        result = wait_until(
            lambda: cashin.status_by_reference(reference), lambda r: r.status.is_final
        )

    assert result.status is Status.FAILED
    assert len(result.operator_transaction_id) == 64
    assert len(result.failure_reason) == 1000
    assert result.job_status == "failed" and result.transaction_status == "failed"
    assert result.message == "bKash Cash In failed."
    assert_fits_columns(result)
    assert len(result.raw["data"]["failure_reason"]) > 10_000  # minus its NULs, as sent
    logged = " ".join(warnings_of(caplog))
    assert f"ref={reference}: operator_transaction_id is 79 characters" in logged
    assert "01712345671" not in logged and "017****5671" in logged


def test_hostile_answers_fit_the_columns_in_the_poll_sweep_too(cashin, sandbox, new_ref):
    references = [new_ref() for _ in range(3)]
    for reference, number in zip(references, ("01712345670", "01712345671", "01712345672")):
        cashin.submit(request(reference, number))
    sandbox.configure(hostile_fields=True)

    results = asyncio.run(cashin.status_many(references, concurrency=3))

    for result in results.values():
        assert_fits_columns(result)
        assert len(result.operator_transaction_id) == 64


# --- Over HTTP: a submit answer that lies ------------------------------------------------------


def test_a_submit_claiming_successfull_is_reported_as_claimed_but_the_status_api_says_failed(
    cashin, sandbox, new_ref
):
    sandbox.configure(nictbd_submit_claims="successfull")
    reference = new_ref()

    submitted = cashin.submit(request(reference, "01712345671"))
    final = wait_until(lambda: cashin.status_by_reference(reference), lambda r: r.status.is_final)

    assert (submitted.status, submitted.provider_status) == (Status.SUCCESS, "successfull")
    assert submitted.operator_transaction_id  # a lie down to the last field
    assert final.status is Status.FAILED


def test_a_submit_claiming_failed_is_reported_as_claimed_but_the_status_api_says_successfull(
    cashin, sandbox, new_ref
):
    sandbox.configure(nictbd_submit_claims="failed")
    reference = new_ref()

    submitted = cashin.submit(request(reference, "01712345670"))
    final = wait_until(lambda: cashin.status_by_reference(reference), lambda r: r.status.is_final)

    assert submitted.status is Status.FAILED and submitted.failure_reason
    assert final.status is Status.SUCCESS
