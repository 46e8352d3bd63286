"""The sandbox's providers that lie in their first answer, and its hostile fields, over HTTP.

nictbd_submit_claims / trustedpay_create_claims make the submit / create answer claim a final
status while the status API keeps to the last-digit table; hostile_fields makes answers carry
fields no column of the panel holds.
"""

import json

import pytest

from .helpers import FINAL_CASHIN, payin_body, payin_status, status, status_of, submit, watch


def create(client, body):
    return client.post("/api/v1/payins", json=body)


def final_cashin(client, reference):
    return watch(lambda: status_of(client, reference), lambda s: s in FINAL_CASHIN)[-1]


def final_payin(client, external_id):
    return watch(lambda: payin_status(client, external_id)["status"], lambda s: s != "pending")[-1]


# --- NICTBD: a submit answer that claims a final status -----------------------------------------


def test_a_submit_claims_successfull_while_the_status_api_ends_failed(client, sb):
    sb.configure(nictbd_submit_claims="successfull")

    data = submit(client, "01712345671", "R-1").json()["data"]

    assert (data["status"], data["job_status"], data["transaction_status"]) == (
        "successfull",
        "success",
        "successfull",
    )
    assert data["operator_transaction_id"] and data["completed_at"]
    assert status_of(client, "R-1") == "pending"  # the status API was never told
    assert final_cashin(client, "R-1") == "failed"


def test_a_submit_claims_failed_while_the_status_api_ends_successfull(client, sb):
    sb.configure(nictbd_submit_claims="failed")

    body = submit(client, "01712345670", "R-1").json()

    assert body["message"] == "bKash Cash In failed."
    assert body["data"]["status"] == "failed"
    assert body["data"]["failure_reason"] == "Cash In request could not be completed."
    assert final_cashin(client, "R-1") == "successfull"


def test_without_a_claim_the_submit_answer_is_processing_as_documented(client, sb):
    sb.configure(nictbd_submit_claims="successfull")
    sb.configure(nictbd_submit_claims="")

    assert submit(client, "01712345670", "R-1").json()["data"]["status"] == "processing"


# --- TrustedPay: a create answer that claims success -------------------------------------------


def test_a_create_claims_success_while_the_status_api_ends_failed(client, sb):
    sb.configure(trustedpay_create_claims="success")

    created = create(client, payin_body("P-1", mobile_number="01872456781"))
    again = create(client, payin_body("P-1", mobile_number="01872456781"))

    assert created.status_code == 201 and again.status_code == 200
    for answer in (created.json(), again.json()):
        assert answer["status"] == "success" and answer["finalization_date"]
    assert payin_status(client, "P-1")["status"] == "pending"
    assert final_payin(client, "P-1") == "failed"


@pytest.mark.parametrize(
    "changes",
    [
        {"nictbd_submit_claims": "success"},
        {"nictbd_submit_claims": "refunded"},
        {"trustedpay_create_claims": "failed"},
        {"trustedpay_create_claims": True},
        {"hostile_fields": "maybe"},
    ],
)
def test_claims_and_switches_refuse_values_outside_their_choices(client, sb, changes):
    response = client.post("/_sandbox/config", json=changes)

    assert response.status_code == 400
    assert next(iter(changes)) in response.json()["error"]


def test_reset_turns_the_lies_and_hostile_fields_off(client, sb):
    client.post(
        "/_sandbox/config",
        json={
            "nictbd_submit_claims": "failed",
            "trustedpay_create_claims": "success",
            "hostile_fields": True,
        },
    )

    client.post("/_sandbox/reset")

    config = client.get("/_sandbox/config").json()
    assert (config["nictbd_submit_claims"], config["trustedpay_create_claims"]) == ("", "")
    assert config["hostile_fields"] is False


# --- TrustedPay amounts with paisa --------------------------------------------------------------


def test_a_payin_amount_with_paisa_is_answered_as_the_json_number_512_34(client):
    content = json.dumps(payin_body("P-1")).replace("5000.0", "512.34")
    response = client.post(
        "/api/v1/payins", content=content, headers={"content-type": "application/json"}
    )

    assert response.status_code == 201
    assert '"amount":512.34,' in response.text
    assert (
        '"amount":512.34,'
        in client.get("/api/v1/payins/P-1", params={"shop_code": "sandbox_bdt_shop"}).text
    )


# --- Hostile fields ----------------------------------------------------------------------------


def test_hostile_nictbd_status_answers_carry_over_long_fields_and_nul(client, sb):
    submit(client, "01712345671", "R-1")
    sb.configure(hostile_fields=True)

    body = status(client, "R-1").json()

    data = body["data"]
    assert len(data["operator_transaction_id"]) == 80 and "\x00" in data["operator_transaction_id"]
    assert len(data["failure_reason"]) == 10_240 and "01712345671" in data["failure_reason"]
    assert "\x00" in data["failure_reason"]
    assert data["job_status"].endswith("\x00") and data["transaction_status"].endswith("\x00")
    assert body["message"].endswith("\x00")
    assert data["status"] == "pending"  # the status itself stays readable
    assert data["order_number"].isprintable()


def test_hostile_fields_switch_on_and_off_live_even_for_an_unchanged_status(client, sb):
    submit(client, "01712345670", "R-1")
    plain = status(client, "R-1").json()["data"]

    sb.configure(hostile_fields=True)
    hostile = status(client, "R-1").json()["data"]
    sb.configure(hostile_fields=False)
    again = status(client, "R-1").json()["data"]

    assert plain["status"] == hostile["status"] == again["status"] == "pending"
    assert plain["operator_transaction_id"] is None
    assert len(hostile["operator_transaction_id"]) == 80
    assert again == plain


def test_hostile_nictbd_submit_answers_stay_as_documented(client, sb):
    sb.configure(hostile_fields=True)

    data = submit(client, "01712345670", "R-1").json()["data"]

    assert data["operator_transaction_id"] is None and data["failure_reason"] is None


def test_hostile_trustedpay_answers_carry_links_that_are_not_https(client, sb):
    sb.configure(hostile_fields=True)

    created = create(client, payin_body("P-1")).json()
    checked = payin_status(client, "P-1")

    for body in (created, checked):
        assert body["paymentData"]["payment_link"] == "javascript:alert(1)"
        assert body["payment_page_url"] == "http://pay.sandbox.invalid/pay/P-1"


def test_force_answers_a_hostile_body_while_hostile_fields_is_on(client, sb):
    submit(client, "01712345670", "R-1")
    create(client, payin_body("P-1"))
    sb.configure(hostile_fields=True)

    order = sb.force("R-1", "successfull")
    payin = sb.force("P-1", "success")

    assert len(order["data"]["operator_transaction_id"]) == 80
    assert payin["paymentData"]["payment_link"] == "javascript:alert(1)"
