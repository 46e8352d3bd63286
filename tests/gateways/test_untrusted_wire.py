"""gateways.wire's guards for untrusted data: json_safe, clean_text, error bodies and messages,
and a property: no answer whatever its fields makes a result that does not fit its row."""

import json
import string
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateways.base import MESSAGE_MAX_LENGTH, OutcomeUnknownError, RejectedError
from gateways.http import Answer, _parse, classify
from gateways.nictbd import parse_cashin
from gateways.trustedpay import parse_payin
from gateways.wire import TOO_DEEP, clean_text, json_safe, link_problem, load_json

from .fits import assert_fits_columns, assert_raw_storable

# --- json_safe and clean_text ------------------------------------------------------------------


def test_json_safe_writes_a_decimal_as_the_text_it_was_sent_as():
    parsed = load_json(b'{"a": 512.34, "b": 5000.10, "c": 1e3, "d": [0.5]}')

    assert json_safe(parsed) == {"a": "512.34", "b": "5000.10", "c": "1E+3", "d": ["0.5"]}


def test_json_safe_keeps_64_bit_integers_and_writes_bigger_ones_as_text():
    assert json_safe({"n": 2**63 - 1, "m": -(2**63)}) == {"n": 2**63 - 1, "m": -(2**63)}
    assert json_safe({"n": 2**70, "m": -(2**64)}) == {"n": str(2**70), "m": str(-(2**64))}


def test_json_safe_leaves_out_what_is_nested_too_deep():
    deep = "bottom"
    for _ in range(5000):  # far past the interpreter's recursion limit
        deep = [deep]

    safe = json_safe({"deep": deep})

    assert_raw_storable(safe)
    assert TOO_DEEP in json.dumps(safe)


def test_json_safe_cleans_keys_and_values_and_turns_other_objects_into_text():
    safe = json_safe({"k\x00": ("v\x00", "\udc80"), 5: float("nan"), "o": object})

    assert safe == {"k": ["v", "\ufffd"], "5": "nan", "o": "<class 'object'>"}
    assert_raw_storable(safe)


def test_clean_text_removes_nul_and_replaces_unpaired_surrogates_only():
    assert clean_text("a\x00b\x00") == "ab"
    assert clean_text("ক\ud800খ") == "ক\ufffdখ"
    assert clean_text("plain text ৳ 500") == "plain text ৳ 500"


def test_a_link_problem_names_what_is_wrong():
    assert link_problem("https://pay.example/p") is None
    assert link_problem("http://pay.example/p") == "is not an https URL"
    assert link_problem("https://pay.example/p q") == (
        "holds whitespace, control characters or a backslash"
    )
    assert link_problem("https://u@pay.example/p") == "carries user info"


# --- Error bodies and messages ----------------------------------------------------------------


def test_a_rejection_message_from_the_provider_is_nul_free_and_bounded():
    content = json.dumps(
        {"message": "bad\x00" + "m" * 5000, "errors": {"amount\x00": ["too\x00 small" * 200]}}
    ).encode()

    with pytest.raises(RejectedError) as caught:
        classify("p", 422, content)

    error = caught.value
    assert "\x00" not in error.message and len(error.message) <= MESSAGE_MAX_LENGTH
    assert list(error.field_errors) == ["amount"]
    assert len(error.field_errors["amount"][0]) <= MESSAGE_MAX_LENGTH
    assert "\x00" not in str(error)
    assert_raw_storable(error.body)


def test_an_error_body_with_decimals_is_kept_as_storable_json():
    with pytest.raises(OutcomeUnknownError) as caught:
        classify("p", 500, b'{"message": "x", "amount": 512.34}')

    assert caught.value.body == {"message": "x", "amount": "512.34"}


def test_an_unreadable_2xx_body_is_kept_as_storable_text():
    with pytest.raises(OutcomeUnknownError) as caught:
        classify("p", 200, b"<html>\x00" + b"x" * 2000)

    assert caught.value.body.startswith("<html>x") and len(caught.value.body) <= 500


def test_an_unusable_answer_keeps_a_storable_body_and_a_bounded_message():
    answer = Answer(200, {"external_id": "x" * 5000 + "\x00", "status": "success", "n": 1.5})

    def parse(answer):
        return parse_payin(answer, external_id="PIN-1", expect_created=False)

    with pytest.raises(OutcomeUnknownError) as caught:
        _parse("trustedpay", parse, answer)

    assert len(caught.value.message) <= 600 and "\x00" not in caught.value.message
    assert_raw_storable(caught.value.body)


# --- Property: whatever the provider sends, the result fits its row -----------------------------

TEXTS = st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("\x00\ud800"), max_size=90)
VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.decimals(allow_nan=False, allow_infinity=False, places=3)
    | TEXTS
    | st.sampled_from(["https://pay.example/p", "javascript:alert(1)", "2026-06-22T10:30:00Z"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXTS, inner, max_size=3),
    max_leaves=6,
)
CASHIN_FIELDS = [
    "job_id",
    "order_number",
    "receiver_number",
    "amount",
    "debit_amount",
    "job_status",
    "transaction_status",
    "operator_transaction_id",
    "failure_reason",
    "refund_order_number",
    "created_at",
    "completed_at",
]
PAYIN_FIELDS = ["id", "amount", "currency", "paymentData", "created_at", "updated_at"]
PAYIN_FIELDS += ["finalization_date", "payment_page_url", "payment_page_expires_at"]
STATUS_WORDS = st.sampled_from(["successfull", "failed", "pending", "success"]) | TEXTS


@settings(max_examples=150, deadline=None)
@given(
    fields=st.dictionaries(st.sampled_from(CASHIN_FIELDS), VALUES),
    status=STATUS_WORDS,
    message=VALUES,
    extra=VALUES,
)
def test_no_cash_in_answer_makes_a_result_that_does_not_fit_its_row(fields, status, message, extra):
    data = {"client_reference": "R-1", "status": status, **fields, "extra": extra}
    answer = Answer(200, {"success": True, "message": message, "data": data})

    assert_fits_columns(parse_cashin(answer, client_reference="R-1"))


@settings(max_examples=150, deadline=None)
@given(fields=st.dictionaries(st.sampled_from(PAYIN_FIELDS), VALUES), status=STATUS_WORDS)
def test_no_payin_answer_makes_a_result_that_does_not_fit_its_row(fields, status):
    answer = Answer(200, {"external_id": "PIN-1", "status": status, **fields})

    result = parse_payin(answer, external_id="PIN-1", expect_created=False)

    assert_fits_columns(result)
    assert result.payment_link in (None, "https://pay.example/p")


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=string.printable + '\x00{}[]":,.eE-+0123456789', max_size=200))
def test_json_safe_of_any_parsed_body_is_storable(text):
    parsed = load_json(text.encode())

    assert_raw_storable(json_safe(parsed))
    if isinstance(parsed, dict):
        assert all(not isinstance(v, Decimal) for v in json_safe(parsed).values())
