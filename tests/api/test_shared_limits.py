"""Limits and connections hold across processes and threads (real processes, PostgreSQL)."""

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.db import connection

from tests.orders.conftest import closing_connections, needs_postgres
from tests.processes import free_port, run_manage, start_manage

pytestmark = [needs_postgres, pytest.mark.django_db(transaction=True)]


def wait_for_window_start(window_seconds: int = 60, margin: float = 15.0) -> None:
    """The limit counts per minute: start far enough from a window's end to stay in it."""
    left = window_seconds - time.time() % window_seconds
    if left < margin:
        time.sleep(left + 0.1)


def test_requests_counted_in_another_process_use_up_the_same_api_limit(api, api_key, settings):
    settings.API_RATE_LIMIT = 3
    wait_for_window_start()
    from orders.models import ApiKey

    key_id = ApiKey.objects.get().pk
    other = run_manage(
        "shell",
        "-c",
        f"from orders.api.auth import _count_request\nfor _ in range(3): _count_request({key_id})",
        API_RATE_LIMIT="3",
    )
    assert other.returncode == 0, other.stderr

    response = api.get("/balance")

    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"


def test_simultaneous_requests_are_each_counted_once(api_key):
    from orders.api.ratelimit import count_request
    from orders.models import ApiKey, ApiRateCount

    wait_for_window_start()
    key_id = ApiKey.objects.get().pk

    @closing_connections
    def count_25(_):
        return [count_request(key_id) for _ in range(25)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        seen = [n for counts in pool.map(count_25, range(8)) for n in counts]

    # An atomic count hands every request its own number: none lost, none repeated.
    assert sorted(seen) == list(range(1, 201))
    assert ApiRateCount.objects.get(key_id=key_id).count == 200


def test_a_keys_old_windows_are_removed_when_a_new_one_starts(api_key):
    from orders.api.ratelimit import WINDOW_SECONDS, count_request
    from orders.models import ApiKey, ApiRateCount

    key = ApiKey.objects.get()
    ApiRateCount.objects.create(key=key, period=int(time.time()) // WINDOW_SECONDS - 5, count=9)
    assert count_request(key.pk) == 1
    assert list(ApiRateCount.objects.values_list("count", flat=True)) == [1]


def server_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def wait_until_serving(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"{url} never answered")


def test_300_requests_through_the_threaded_dev_server_keep_connections_bounded(api_key):
    port = free_port()
    before = server_connections()
    server = start_manage(
        "runserver",
        "--noreload",
        f"127.0.0.1:{port}",
        API_RATE_LIMIT="100000",
        DB_POOL="1",
        DB_POOL_MAX_SIZE="4",
    )
    try:
        base = f"http://127.0.0.1:{port}/api/v1"
        wait_until_serving(f"{base}/openapi.json")
        headers = {"Authorization": f"Bearer {api_key}"}
        with httpx.Client(headers=headers, timeout=30.0) as client:

            def balance(_):
                return client.get(f"{base}/balance").status_code

            with ThreadPoolExecutor(max_workers=16) as pool:
                statuses = list(pool.map(balance, range(300)))
        opened = server_connections() - before
    finally:
        server.terminate()
        server.wait(timeout=10)

    assert statuses == [200] * 300
    assert opened <= 4  # the pool's size, whatever the number of threads that came and went
