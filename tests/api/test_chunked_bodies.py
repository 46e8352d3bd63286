"""A JSON body sent with Transfer-Encoding: chunked (a client streaming its request) reaches
the API under gunicorn, as the production server runs it."""

import json
import subprocess
import sys
import time

import httpx
import pytest
from django.conf import settings

from orders.api.keys import api_key_create
from orders.models import CashInOrder
from tests.factories import ResellerFactory
from tests.orders.conftest import needs_postgres
from tests.processes import free_port, kill_session, manage_env

pytestmark = [needs_postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def gunicorn():
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "panel.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", "1"],
        env=manage_env(DEBUG="0", ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="0"),
        cwd=settings.BASE_DIR,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/api/v1/balance", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    yield url
    kill_session(process)


def test_a_chunked_json_body_makes_the_order(gunicorn):
    reseller = ResellerFactory(balance="1000")
    key, _ = api_key_create(reseller=reseller, name="shop")
    body = json.dumps({"receiver_number": "01712345670", "amount": "500",
                       "client_reference": "CHUNKED-1"}).encode()  # fmt: skip

    def chunks():
        yield body[:10]
        yield body[10:]

    answer = httpx.post(f"{gunicorn}/api/v1/cash-in", content=chunks(), timeout=10,
                        headers={"Authorization": f"Bearer {key}",
                                 "Content-Type": "application/json"})  # fmt: skip

    assert answer.status_code == 201, answer.text
    assert CashInOrder.objects.get(client_reference="CHUNKED-1").amount == 500
