"""/_sandbox/* endpoints and the RunningSandbox handle used by tests."""

import threading
import time

import httpx
import pytest

from gateways.sandbox.testing import start_sandbox_thread

from .helpers import payin_body, payin_status, status, status_of, submit

CONFIG_FIELDS = [
    "final_after",
    "final_after_sigma",
    "latency_ms",
    "error_rate",
    "throttle_rate",
    "html_errors",
    "malformed_rate",
    "submit_hang_seconds",
    "nictbd_submit_claims",
    "trustedpay_create_claims",
    "hostile_fields",
    "nictbd_misreports",
    "nictbd_store_id",
    "nictbd_api_key",
    "nictbd_api_secret",
    "trustedpay_api_key",
    "trustedpay_api_secret",
]


def test_stats_count_submits_and_status_checks(client):
    submit(client, "01712345670", "R-1")
    submit(client, "01712345670", "R-1")
    status(client, "R-1")
    status(client, "NOPE")
    client.post("/api/v1/payins", json=payin_body("P-1"))
    payin_status(client, "P-1")

    assert client.get("/_sandbox/stats").json() == {
        "cashin_submits": {"R-1": 2},
        "cashin_status_checks": 2,
        "payin_submits": {"P-1": 1},
        "payin_status_checks": 1,
        "orders": 1,
        "payins": 1,
    }


def test_config_changes_fields_and_answers_the_whole_config(client, sb):
    response = client.post("/_sandbox/config", json={"final_after": 2, "html_errors": True})

    assert response.status_code == 200
    config = response.json()
    assert (config["final_after"], config["html_errors"]) == (2.0, True)
    assert set(config) == set(CONFIG_FIELDS)
    assert client.get("/_sandbox/config").json() == config


@pytest.mark.parametrize(
    "changes", [{"nonsense": 1}, {"error_rate": 2}, {"final_after": "soon"}, {"latency_ms": -1}]
)
def test_config_refuses_unknown_fields_and_bad_values(client, sb, changes):
    before = client.get("/_sandbox/config").json()

    response = client.post("/_sandbox/config", json={"error_rate": 0.1, **changes})

    assert response.status_code == 400
    assert response.json()["ok"] is False
    assert client.get("/_sandbox/config").json() == before  # all or nothing


def test_configure_refuses_unknown_fields(sb):
    with pytest.raises(ValueError, match="nonsense"):
        sb.configure(nonsense=1)


def test_reset_forgets_everything_and_restores_the_startup_config(client, sb):
    startup = sb.configure()
    submit(client, "01712345670", "R")
    sb.configure(final_after=99, error_rate=0.5)

    assert client.post("/_sandbox/reset").json() == {"ok": True}

    assert sb.configure() == startup
    assert sb.stats()["orders"] == 0
    assert status(client, "R").status_code == 404


def test_force_sets_a_cash_in_order_status_now(client, sb):
    sb.configure(final_after=60)
    submit(client, "01712345670", "R")

    response = client.post("/_sandbox/force", json={"client_reference": "R", "status": "failed"})

    assert response.status_code == 200
    assert response.json()["data"]["status"] == "failed"
    assert response.json()["data"]["failure_reason"] == "Cash In request could not be completed."
    assert status_of(client, "R") == "failed"


def test_force_sets_a_payin_status_now(client, sb):
    sb.configure(final_after=60)
    client.post("/api/v1/payins", json=payin_body("P"))

    response = client.post("/_sandbox/force", json={"external_id": "P", "status": "refunded"})

    assert response.status_code == 200
    assert response.json()["status"] == "refunded"
    assert "finalization_date" in response.json()
    assert payin_status(client, "P")["status"] == "refunded"


def test_force_refuses_unknown_records_and_statuses(client):
    submit(client, "01712345670", "R")

    unknown = client.post("/_sandbox/force", json={"external_id": "NOPE", "status": "failed"})
    bad_status = client.post("/_sandbox/force", json={"client_reference": "R", "status": "lost"})
    no_reference = client.post("/_sandbox/force", json={"status": "failed"})

    assert unknown.status_code == 404
    assert bad_status.status_code == 400
    assert no_reference.status_code == 400


def test_python_force_finds_orders_and_payins(client, sb):
    sb.configure(final_after=60)
    submit(client, "01712345670", "R")
    client.post("/api/v1/payins", json=payin_body("P"))

    assert sb.force("R", "successfull")["data"]["status"] == "successfull"
    assert sb.force("P", "canceled")["status"] == "canceled"
    assert status_of(client, "R") == "successfull"
    assert payin_status(client, "P")["status"] == "canceled"
    with pytest.raises(KeyError):
        sb.force("NOPE", "failed")


def test_payment_page_shows_the_payin_and_lets_the_customer_decide(client):
    client.post("/api/v1/payins", json=payin_body("P<1>"))

    page = client.get("/_sandbox/pay/P%3C1%3E")
    decided = client.post("/_sandbox/pay/P%3C1%3E", data={"status": "success"})

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "5000.00 BDT" in page.text
    assert "P&lt;1&gt;" in page.text
    assert decided.status_code == 303
    assert payin_status(client, "P<1>")["status"] == "success"
    assert client.get("/_sandbox/pay/NOPE").status_code == 404


def test_a_sandbox_thread_starts_fast_and_stops_cleanly():
    started = time.monotonic()
    running = start_sandbox_thread(final_after=1, nictbd_api_key="k")
    took = time.monotonic() - started
    try:
        with httpx.Client(base_url=running.url) as http:
            assert http.post("/api/balance-check").status_code == 401
    finally:
        running.stop()

    assert took < 1.0
    assert running.url.startswith("http://127.0.0.1:")
    with pytest.raises(httpx.ConnectError), httpx.Client() as http:
        http.get(f"{running.url}/_sandbox/stats")


def test_stop_does_not_wait_for_a_hanging_submit():
    running = start_sandbox_thread(submit_hang_seconds=30)
    outcome = []

    def hang():
        body = {"receiver_number": "01712345674", "amount": 5, "client_reference": "R"}
        try:
            with httpx.Client(base_url=running.url, timeout=10) as http:
                outcome.append(http.post("/api/bkash-cash-in", json=body).status_code)
        except httpx.HTTPError as exc:
            outcome.append(type(exc).__name__)

    caller = threading.Thread(target=hang)
    caller.start()
    deadline = time.monotonic() + 5
    while running.stats()["orders"] == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    running.stop()
    took = time.monotonic() - started
    caller.join(5)

    assert took < 2.0
    assert outcome and outcome[0] != 200


def test_start_refuses_unknown_config_fields():
    with pytest.raises(TypeError):
        start_sandbox_thread(nonsense=1)
