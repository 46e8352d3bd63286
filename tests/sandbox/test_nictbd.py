"""The sandbox's NICTBD bKash Cash In, spoken to over HTTP."""

import re
import time

import httpx
import pytest

from .helpers import FINAL_CASHIN, status, status_of, submit, watch

ORDER_NUMBER = re.compile(r"NICT-(\d+)-\d{6}-[0-9A-F]{4}")
DHAKA_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+06:00")
SUBMIT_FIELDS = [
    "job_id",
    "order_number",
    "client_reference",
    "type",
    "service_name",
    "service_type",
    "service_code",
    "receiver_number",
    "amount",
    "debit_amount",
    "status",
    "job_status",
    "transaction_status",
    "operator_transaction_id",
    "failure_reason",
    "refund_order_number",
    "created_at",
    "completed_at",
]


def wait_final(client, reference):
    return watch(lambda: status_of(client, reference), lambda s: s in FINAL_CASHIN)


def test_submit_answers_the_documented_body_and_is_never_final(client):
    response = submit(client, "01712345670", "MY-ORDER-10001", amount=500)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["success"] is True
    assert body["message"] == "bKash Cash In request submitted successfully."
    data = body["data"]
    assert list(data) == SUBMIT_FIELDS
    assert ORDER_NUMBER.fullmatch(data["order_number"]).group(1) == str(data["job_id"])
    assert data["client_reference"] == "MY-ORDER-10001"
    assert (data["type"], data["service_code"]) == ("cash-in", "BKASH_CASH_IN")
    assert (data["amount"], data["debit_amount"]) == ("500.00", "500.00")
    assert (data["status"], data["job_status"], data["transaction_status"]) == (
        "processing",
        "processing",
        "pending",
    )
    assert DHAKA_TIME.fullmatch(data["created_at"])
    assert data["completed_at"] is None


def test_status_by_order_number_and_by_client_reference_agree(client):
    order_number = submit(client, "01712345670", "R-1").json()["data"]["order_number"]

    by_number = client.post("/api/bkash-cash-in/status", json={"order_number": order_number})
    by_reference = status(client, "R-1")

    assert by_number.status_code == by_reference.status_code == 200
    assert by_number.json()["data"]["order_number"] == order_number
    assert by_reference.json()["data"]["order_number"] == order_number


def test_time_line_goes_pending_processing_awaiting_sms_then_final(client, sb):
    sb.configure(final_after=1.2)  # stages of 0.4 s: each is seen even on a busy machine
    submit(client, "01712345670", "R-TL")

    seen = watch(
        lambda: status(client, "R-TL").json()["data"], lambda d: d["status"] == "successfull"
    )

    assert [d["status"] for d in seen] == ["pending", "processing", "awaiting_sms", "successfull"]
    assert [d["completed_at"] is None for d in seen] == [True, True, True, False]
    assert [d["transaction_status"] for d in seen][:3] == ["pending"] * 3


def test_time_line_follows_final_after_of_the_moment_the_order_was_made(client, sb):
    sb.configure(final_after=60)
    submit(client, "01712345670", "R-SLOW")
    sb.configure(final_after=0)
    submit(client, "01712345680", "R-FAST")

    assert status_of(client, "R-SLOW") == "pending"
    assert status_of(client, "R-FAST") == "successfull"


@pytest.mark.parametrize("digit", ["0", "9"])
def test_digits_0_and_9_succeed_with_an_operator_transaction_id(client, sb, digit):
    sb.configure(final_after=0.1)
    submit(client, f"0171234567{digit}", "R")
    wait_final(client, "R")

    body = status(client, "R").json()
    data = body["data"]
    assert body["message"] == "bKash Cash In completed successfully."
    assert (data["status"], data["job_status"], data["transaction_status"]) == (
        "successfull",
        "success",
        "successfull",
    )
    assert re.fullmatch(r"[0-9A-F]{10}", data["operator_transaction_id"])
    assert data["failure_reason"] is None
    assert DHAKA_TIME.fullmatch(data["completed_at"])


def test_digit_1_fails(client, sb):
    sb.configure(final_after=0.1)
    submit(client, "01712345671", "R")

    assert wait_final(client, "R")[-1] == "failed"
    data = status(client, "R").json()["data"]
    assert (data["job_status"], data["transaction_status"]) == ("failed", "failed")
    assert data["failure_reason"] == "Cash In request could not be completed."
    assert data["operator_transaction_id"] is None
    assert data["completed_at"] is not None


def test_digit_2_is_refunded_with_a_refund_order_number(client, sb):
    sb.configure(final_after=0.1)
    job_id = submit(client, "01712345672", "R").json()["data"]["job_id"]

    assert wait_final(client, "R")[-1] == "refunded"
    body = status(client, "R").json()
    assert body["message"] == "bKash Cash In failed and the amount was refunded."
    assert body["data"]["failure_reason"] == "Cash In request failed."
    assert re.fullmatch(rf"REFUND-{job_id}-\d{{6}}", body["data"]["refund_order_number"])


def test_digit_3_is_stuck_in_manual_review(client, sb):
    sb.configure(final_after=0.2)
    submit(client, "01712345673", "R")

    seen = watch(lambda: status_of(client, "R"), lambda s: s == "manual_review")
    time.sleep(0.4)  # twice final_after: still not final

    assert set(seen) <= {"pending", "manual_review"}
    assert status_of(client, "R") == "manual_review"


def test_digit_4_creates_the_order_but_answers_too_late(client, sb):
    sb.configure(final_after=0.2, submit_hang_seconds=1.0)

    body = {"receiver_number": "01712345674", "amount": 500, "client_reference": "R-HANG"}

    with pytest.raises(httpx.ReadTimeout):
        client.post("/api/bkash-cash-in", json=body, timeout=httpx.Timeout(5.0, read=0.2))

    assert status(client, "R-HANG").status_code == 200
    assert wait_final(client, "R-HANG")[-1] == "successfull"


def test_digit_4_answers_after_the_hang(client, sb):
    sb.configure(submit_hang_seconds=0.2)
    started = time.monotonic()

    response = submit(client, "01712345674", "R-HANG")

    assert response.status_code == 200
    assert time.monotonic() - started >= 0.2


def test_digit_5_answers_500_to_its_first_two_status_checks(client, sb):
    sb.configure(final_after=0.1)
    submit(client, "01712345675", "R")

    codes = [status(client, "R").status_code for _ in range(3)]

    assert codes == [500, 500, 200]
    assert status(client, "R-OTHER").status_code == 404  # other requests are unaffected
    assert wait_final(client, "R")[-1] == "successfull"


def test_digit_6_fails_the_first_submit_and_creates_nothing(client, sb):
    sb.configure(final_after=0.1)

    first = submit(client, "01712345676", "R-6")
    missing = status(client, "R-6")
    second = submit(client, "01712345676", "R-6")

    assert first.status_code == 500
    assert first.json() == {"success": False, "message": "Unable to process the request."}
    assert missing.status_code == 404
    assert second.status_code == 200
    assert wait_final(client, "R-6")[-1] == "successfull"
    assert sb.stats()["cashin_submits"] == {"R-6": 2}


def test_digit_7_is_not_a_bkash_account(client):
    response = submit(client, "01712345677", "R-7")

    assert response.status_code == 422
    assert response.json() == {
        "success": False,
        "message": "Validation error",
        "errors": {"receiver_number": ["The receiver number is not a bKash account."]},
    }
    assert status(client, "R-7").status_code == 404


def test_digit_8_succeeds_then_contradicts_itself_with_failed(client, sb):
    sb.configure(final_after=0.5)
    submit(client, "01712345678", "R")

    seen = watch(lambda: status_of(client, "R"), lambda s: s == "failed")

    assert seen[-2:] == ["successfull", "failed"]
    assert status(client, "R").json()["data"]["failure_reason"] is not None


def test_a_taken_client_reference_is_refused(client):
    submit(client, "01712345670", "R-DUP")

    response = submit(client, "01712345679", "R-DUP")

    assert response.status_code == 422
    assert response.json() == {
        "success": False,
        "message": "Validation error",
        "errors": {"client_reference": ["The client reference has already been taken."]},
    }


def test_phone_is_accepted_instead_of_receiver_number(client):
    body = {"phone": "01912345670", "amount": "250.50", "client_reference": "R-PHONE"}

    response = client.post("/api/bkash-cash-in", json=body)

    assert response.status_code == 200
    assert response.json()["data"]["receiver_number"] == "01912345670"
    assert response.json()["data"]["amount"] == "250.50"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"receiver_number": None}, "receiver_number"),
        ({"receiver_number": "0171234567"}, "receiver_number"),
        ({"receiver_number": "01212345670"}, "receiver_number"),
        ({"receiver_number": "+8801712345670"}, "receiver_number"),
        ({"receiver_number": 1712345670}, "receiver_number"),
        ({"amount": None}, "amount"),
        ({"amount": 0}, "amount"),
        ({"amount": 0.99}, "amount"),
        ({"amount": 10.005}, "amount"),
        ({"amount": "ten"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": True}, "amount"),
        ({"client_reference": None}, "client_reference"),
        ({"client_reference": ""}, "client_reference"),
        ({"client_reference": 42}, "client_reference"),
    ],
)
def test_submit_validation_errors(client, changes, field):
    body = {"receiver_number": "01712345670", "amount": 500, "client_reference": "R-V"}
    body.update(changes)
    body = {key: value for key, value in body.items() if value is not None}

    response = client.post("/api/bkash-cash-in", json=body)

    assert response.status_code == 422
    assert response.json()["success"] is False
    assert response.json()["message"] == "Validation error"
    assert list(response.json()["errors"]) == [field]
    assert isinstance(response.json()["errors"][field][0], str)
    assert status(client, "R-V").status_code == 404


def test_a_body_that_is_not_json_fails_every_field(client):
    response = client.post("/api/bkash-cash-in", content=b"receiver_number=017")

    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"receiver_number", "amount", "client_reference"}


def test_unknown_order_is_404(client):
    for body in ({"client_reference": "NOPE"}, {"order_number": "NICT-1-260101-ABCD"}):
        response = client.post("/api/bkash-cash-in/status", json=body)

        assert response.status_code == 404
        assert response.json() == {"success": False, "message": "bKash Cash In request not found."}


def test_status_without_a_reference_is_422(client):
    response = client.post("/api/bkash-cash-in/status", json={})

    assert response.status_code == 422
    assert response.json()["message"] == "Validation error"
    assert "order_number" in response.json()["errors"]


def test_balance_goes_down_on_submit_and_back_on_failure(client, sb):
    sb.configure(final_after=0.1)

    def balance():
        response = client.post("/api/balance-check")
        assert response.status_code == 200
        return response.json()

    assert balance() == {
        "success": True,
        "merchant_name": "Sandbox Merchant",
        "balance": "2835.60",
        "currency": "BDT",
    }
    submit(client, "01712345670", "R-OK", amount=500)
    submit(client, "01712345671", "R-FAIL", amount="300.25")
    assert balance()["balance"] == "2035.35"
    wait_final(client, "R-FAIL")
    assert balance()["balance"] == "2335.60"


CREDENTIALS = {"store_id": "store-1", "api_key": "pk_live_x", "api_secret": "sk_live_y"}


@pytest.fixture
def with_credentials(sb):
    sb.configure(
        nictbd_store_id="store-1", nictbd_api_key="pk_live_x", nictbd_api_secret="sk_live_y"
    )


@pytest.mark.parametrize(
    "given",
    [
        {},
        {**CREDENTIALS, "api_secret": "sk_live_wrong"},
        {"store_id": "store-1", "api_key": "pk_live_x"},
        {**CREDENTIALS, "store_id": 1},
    ],
)
@pytest.mark.usefixtures("with_credentials")
def test_configured_credentials_are_required_on_every_endpoint(client, given):
    order = {"receiver_number": "01712345670", "amount": 5, "client_reference": "R"}
    requests = [
        ("/api/bkash-cash-in", order),
        ("/api/bkash-cash-in/status", {"client_reference": "R"}),
        ("/api/balance-check", {}),
    ]
    for path, body in requests:
        response = client.post(path, json={**body, **given})

        assert response.status_code == 401, path
        assert response.json() == {"success": False, "message": "Unauthenticated."}
    assert status(client, "R", **CREDENTIALS).status_code == 404  # nothing was created


def test_a_credential_left_empty_in_the_config_may_be_omitted(client, sb):
    sb.configure(nictbd_api_key="pk_live_x", nictbd_api_secret="sk_live_y")
    keys = {"api_key": "pk_live_x", "api_secret": "sk_live_y"}

    assert client.post("/api/balance-check", json=keys).status_code == 200
    assert client.post("/api/balance-check", json={**keys, "store_id": "s"}).status_code == 401


@pytest.mark.usefixtures("with_credentials")
def test_right_credentials_are_accepted(client):
    assert submit(client, "01712345670", "R", **CREDENTIALS).status_code == 200
    assert status(client, "R", **CREDENTIALS).status_code == 200
    assert client.post("/api/balance-check", json=CREDENTIALS).status_code == 200
