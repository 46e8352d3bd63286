"""Two worker processes (`poll_orders --loop`, as on two hosts) against one PostgreSQL database:
every order is submitted exactly once and no status check is made twice for one round."""

import os
import signal
import subprocess
import sys
import time
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.db.models import Sum

from orders.cashin.submit import cashin_submit
from orders.models import CashInOrder
from tests.factories import ResellerFactory
from tests.orders.conftest import assert_ledger_consistent, needs_postgres

pytestmark = [needs_postgres, pytest.mark.django_db(transaction=True)]
ORDERS = 40


def start_worker(provider_url: str) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "NICTBD_BASE_URL": provider_url,
        "TRUSTEDPAY_BASE_URL": provider_url,
        "DEBUG": "1",
        "SECRET_KEY": django_settings.SECRET_KEY,
        "SUBMIT_BATCH_SIZE": "5",  # many small rounds, so the two workers interleave
        "POLL_BATCH_SIZE": "5",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "poll_orders", "--loop"],
        env=env,
        cwd=django_settings.BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_two_worker_processes_submit_each_order_once_and_never_check_one_twice(sandbox):
    reseller = ResellerFactory(balance=Decimal("100000"))
    orders = [
        cashin_submit(reseller=reseller, receiver_number="01712345670", amount="100").order
        for _ in range(ORDERS)
    ]
    workers = [start_worker(sandbox.url) for _ in range(2)]
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if not CashInOrder.objects.exclude(status="success").exists():
                break
            time.sleep(0.2)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(10)

    stats = sandbox.stats()
    assert stats["cashin_submits"] == {o.client_reference: 1 for o in orders}
    assert set(CashInOrder.objects.values_list("status", flat=True)) == {"success"}
    # A row checked by both workers at once would count one provider check but one write.
    recorded = CashInOrder.objects.aggregate(n=Sum("check_count"))["n"]
    assert stats["cashin_status_checks"] == recorded
    assert_ledger_consistent(reseller.pk)
