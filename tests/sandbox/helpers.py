"""Requests the sandbox tests make again and again."""

import time

import httpx

FINAL_CASHIN = {"successfull", "failed", "refunded"}


def submit(client: httpx.Client, number: str, reference: str, amount=500, **extra):
    body = {"receiver_number": number, "amount": amount, "client_reference": reference, **extra}
    return client.post("/api/bkash-cash-in", json=body)


def status(client: httpx.Client, reference: str, **extra):
    return client.post("/api/bkash-cash-in/status", json={"client_reference": reference, **extra})


def status_of(client: httpx.Client, reference: str) -> str:
    response = status(client, reference)
    assert response.status_code == 200, response.text
    return response.json()["data"]["status"]


def watch(read, until, timeout: float = 5.0, every: float = 0.01) -> list:
    """Call `read()` until `until(value)`; answers the distinct values seen, in order."""
    seen = []
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if not seen or seen[-1] != value:
            seen.append(value)
        if until(value):
            return seen
        assert time.monotonic() < deadline, f"gave up waiting, saw {seen}"
        time.sleep(every)


def payin_body(external_id: str, mobile_number: str = "01872456789", **changes) -> dict:
    body = {
        "external_id": external_id,
        "amount": 5000.00,
        "currency": "BDT",
        "shop_code": "sandbox_bdt_shop",
        "merchant_user_id": "merchant-user-001",
        "merchant_user_ip": "203.0.113.10",
        "paymentData": {
            "wallet_provider": "BKash",
            "mobile_number": mobile_number,
            "email": "info@test.com",
            "customer_name": "Test Name",
        },
    }
    body.update(changes)
    return body


def payin_status(client: httpx.Client, external_id: str, shop_code="sandbox_bdt_shop") -> dict:
    response = client.get(f"/api/v1/payins/{external_id}", params={"shop_code": shop_code})
    assert response.status_code == 200, response.text
    return response.json()
