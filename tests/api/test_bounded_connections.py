"""runserver starts a thread per request; the connection pool keeps PostgreSQL's count bounded."""

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.conf import settings as django_settings
from django.db import connection

from orders.api.keys import api_key_create
from tests.factories import ResellerFactory

pytestmark = pytest.mark.postgres
POOL_SIZE = 4


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def connections_to(name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        return cursor.fetchone()[0]


def start_runserver(port: int) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DB_POOL": "1",
        "DB_POOL_MAX_SIZE": str(POOL_SIZE),
        "API_RATE_LIMIT": "100000",
        "DEBUG": "1",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env, cwd=django_settings.BASE_DIR,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_three_hundred_requests_through_runserver_keep_connections_bounded():
    key, _ = api_key_create(reseller=ResellerFactory(), name="load")
    port = free_port()
    server = start_runserver(port)
    url = f"http://127.0.0.1:{port}/api/v1/balance"
    headers = {"Authorization": f"Bearer {key}"}
    try:
        wait_until_serving(url)
        peak = 0

        def get(_n):
            return httpx.get(url, headers=headers, timeout=30).status_code

        with ThreadPoolExecutor(12) as pool:
            futures = [pool.submit(get, n) for n in range(300)]
            while not all(f.done() for f in futures):
                peak = max(peak, connections_to(connection.settings_dict["NAME"]))
                time.sleep(0.05)
        statuses = {f.result() for f in futures}
        after = connections_to(connection.settings_dict["NAME"])
    finally:
        server.terminate()
        server.wait(10)
    assert statuses == {200}
    assert peak <= POOL_SIZE and after <= POOL_SIZE


def wait_until_serving(url: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError("runserver did not start")
