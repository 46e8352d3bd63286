"""The worker stops within seconds of SIGTERM or Ctrl-C; what it had claimed is checked later."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from orders.models import CashInOrder
from orders.polling.sweep import sweep_once
from tests.orders.conftest import needs_postgres, submit

# The loop runs in another process, which cannot see SQLite's in-memory test database.
pytestmark = [pytest.mark.postgres, needs_postgres]


def start_loop(provider_url: str) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "NICTBD_BASE_URL": provider_url,
        "TRUSTEDPAY_BASE_URL": provider_url,
        "POLL_CLAIM_SECONDS": "1",
        "POLL_MAX_DELAY": "0.5",
        "DEBUG": "1",
        "SECRET_KEY": django_settings.SECRET_KEY,
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "poll_orders", "--loop"],
        env=env,
        cwd=django_settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_poll_loop_stops_within_five_seconds_and_its_claims_come_back(sandbox, reseller, sig):
    order = submit(reseller, 0)
    sandbox.configure(latency_ms=1500)  # the signal lands while the sweep waits on the provider
    CashInOrder.objects.filter(pk=order.pk).update(next_check_at=timezone.now())
    loop = start_loop(sandbox.url)
    try:
        assert loop.stdout.readline().startswith("polling")
        wait_for(lambda: CashInOrder.objects.get(pk=order.pk).next_check_at > timezone.now())
        loop.send_signal(sig)
        loop.wait(5)  # raises TimeoutExpired if it did not stop in time
    finally:
        loop.kill()
        loop.wait()
    assert "stopped" in loop.stdout.read()

    # Whatever the stopped sweep did not finish comes back when its claim expires.
    sandbox.configure(latency_ms=0)
    sandbox.force(order.client_reference, "successfull")
    wait_for(lambda: checked_or_due(CashInOrder.objects.get(pk=order.pk)))
    sweep_once()
    assert CashInOrder.objects.get(pk=order.pk).status == "success"


def checked_or_due(order) -> bool:
    return order.next_check_at is None or order.next_check_at <= timezone.now()


def wait_for(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not reached")


def test_claims_expire(db):  # the claim the stop leaves behind is only a time in the future
    assert timedelta(seconds=django_settings.POLL_CLAIM_SECONDS) > timedelta(
        seconds=django_settings.POLL_MAX_DELAY
    )


@pytest.mark.django_db(transaction=True)
def test_a_stop_check_reading_the_database_cuts_a_submit_batch_in_flight(sandbox, reseller):
    """qcluster's stop check reads django-q2's status through the ORM while a batch waits on
    the provider; it must work there (not raise SynchronousOnlyOperation) and cut the batch."""
    from orders.cashin.submit import cashin_submit
    from orders.submission.submitter import submit_once

    order = cashin_submit(reseller=reseller, receiver_number="01712345670", amount="500").order
    sandbox.configure(latency_ms=1500)

    def claimed() -> bool:  # true once the batch holds the order, i.e. during the send
        return CashInOrder.objects.filter(pk=order.pk, last_submit_at__isnull=False).exists()

    report = submit_once(should_stop=claimed)
    assert report.interrupted
    assert CashInOrder.objects.get(pk=order.pk).status == "submitting"
