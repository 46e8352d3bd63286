"""Fault switches: on the provider paths, never on /_sandbox/*."""

import json
import time

import httpx
import pytest

from .helpers import payin_body, status, submit


def test_latency_delays_provider_answers_but_not_control_endpoints(client, sb):
    sb.configure(latency_ms=400)

    started = time.monotonic()
    assert status(client, "R").status_code == 404
    provider_took = time.monotonic() - started
    started = time.monotonic()
    assert client.get("/_sandbox/stats").status_code == 200
    control_took = time.monotonic() - started

    assert provider_took >= 0.4
    assert control_took < 0.4


def test_latency_delays_the_answer_not_the_work(client, sb):
    sb.configure(latency_ms=1500)

    with pytest.raises(httpx.ReadTimeout):
        client.post(
            "/api/bkash-cash-in",
            json={"receiver_number": "01712345670", "amount": 500, "client_reference": "LATE"},
            timeout=0.3,
        )
    sb.configure(latency_ms=0)

    assert status(client, "LATE").status_code == 200  # created although the answer was lost


def test_error_rate_answers_500_and_creates_nothing(client, sb):
    sb.configure(error_rate=1.0)

    cashin = submit(client, "01712345670", "R")
    payin = client.post("/api/v1/payins", json=payin_body("P"))

    assert cashin.status_code == 500
    assert cashin.json() == {"success": False, "message": "Unable to process the request."}
    assert payin.status_code == 500
    assert payin.json()["code"] == "internal_error"
    assert payin.json()["error"]["code"] == "internal_error"
    assert client.get("/_sandbox/stats").json() == {
        "cashin_submits": {"R": 1},  # counted: it reached the sandbox
        "cashin_status_checks": 0,
        "payin_submits": {"P": 1},
        "payin_status_checks": 0,
        "orders": 0,
        "payins": 0,
    }


def test_error_rate_is_a_share_of_requests(client, sb):
    sb.configure(error_rate=0.5)

    codes = [status(client, "R").status_code for _ in range(100)]

    assert 15 < codes.count(500) < 85
    assert set(codes) == {404, 500}


def test_html_errors_turn_every_500_into_an_html_page(client, sb):
    sb.configure(html_errors=True, final_after=0.1)
    submit(client, "01712345675", "R-5")  # its first two status checks answer 500

    response = status(client, "R-5")
    sb.configure(error_rate=1.0)
    random_500 = client.get("/api/v1/payins/P", params={"shop_code": "s"})

    for answer in (response, random_500):
        assert answer.status_code == 500
        assert answer.headers["content-type"].startswith("text/html")
        assert "<html>" in answer.text


def test_html_errors_leave_other_answers_json(client, sb):
    sb.configure(html_errors=True)

    response = status(client, "R")

    assert response.status_code == 404
    assert response.json()["success"] is False


def test_malformed_rate_cuts_200_and_201_bodies_short(client, sb):
    sb.configure(malformed_rate=1.0)

    cashin = submit(client, "01712345670", "R")
    payin = client.post("/api/v1/payins", json=payin_body("P"))
    not_found = status(client, "NOPE")

    for answer, code in ((cashin, 200), (payin, 201)):
        assert answer.status_code == code
        assert answer.headers["content-type"] == "application/json"
        with pytest.raises(json.JSONDecodeError):
            json.loads(answer.content)
    assert not_found.json()["success"] is False  # only 200/201 answers are cut
    sb.configure(malformed_rate=0.0)
    assert status(client, "R").status_code == 200  # the order was made all the same


def test_control_endpoints_ignore_every_fault(client, sb):
    sb.configure(error_rate=1.0, malformed_rate=1.0, html_errors=True)

    assert client.get("/_sandbox/stats").json()["orders"] == 0
    assert client.post("/_sandbox/config", json={}).json()["error_rate"] == 1.0
    assert client.post("/_sandbox/reset").json() == {"ok": True}


def test_throttle_rate_answers_429_and_creates_nothing(client, sb):
    sb.configure(throttle_rate=1.0)

    cashin = submit(client, "01712345670", "R")
    sb.configure(throttle_rate=0.0)

    assert cashin.status_code == 429
    assert status(client, "R").status_code == 404
