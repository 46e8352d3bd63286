"""The real `manage.py qcluster` stops within 5 s of `docker stop` (SIGTERM to its main
process) or Ctrl-C (SIGINT to its whole process group) while its long sweep and submit tasks
wait on the provider."""

import os
import signal
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.models import Schedule
from django_q.scheduler import scheduler

from orders.cashin.submit import cashin_submit
from orders.models import CashInOrder
from tests.orders.conftest import needs_postgres, submit
from tests.processes import kill_session, start_manage, stop_times

pytestmark = [pytest.mark.postgres, needs_postgres, pytest.mark.django_db(transaction=True)]
LONG_TASKS = {"poll-sweep": "orders.tasks.poll_sweep_task", "submitter": "orders.tasks.submit_task"}


def sigterm_to_main(cluster) -> None:  # docker stop
    cluster.send_signal(signal.SIGTERM)


def sigint_to_group(cluster) -> None:  # Ctrl-C in a terminal
    os.killpg(cluster.pid, signal.SIGINT)


@pytest.mark.parametrize("stop", [sigterm_to_main, sigint_to_group], ids=lambda f: f.__name__)
def test_qcluster_stops_within_five_seconds_while_its_long_tasks_wait_on_the_provider(
    sandbox, reseller, stop
):
    sandbox.configure(final_after=60)  # open for the whole test: every sweep checks it again
    checked = submit(reseller, 0)
    sandbox.configure(latency_ms=1500)  # the stop lands while the sweep waits on the provider
    CashInOrder.objects.filter(pk=checked.pk).update(next_check_at=timezone.now())
    unsent = cashin_submit(reseller=reseller, receiver_number="01712345670", amount="500").order
    enqueue_long_tasks()
    cluster = start_manage("qcluster", NICTBD_BASE_URL=sandbox.url, TRUSTEDPAY_BASE_URL=sandbox.url)
    try:
        wait_for(lambda: both_running(checked, unsent), timeout=30)
        stop_times(cluster, lambda: stop(cluster), timeout=5.0)
    finally:
        kill_session(cluster)


def enqueue_long_tasks() -> None:
    """Queue the sweep and submit tasks (and whatever else is due) as the cluster's scheduler
    does for the schedules the migrations create; the cluster's own first round comes about
    30 s after its start, too late for a test."""
    due = timezone.now() - timedelta(seconds=1)
    for name, func in LONG_TASKS.items():
        every_minute = {"schedule_type": Schedule.MINUTES, "minutes": 1, "repeats": -1}
        Schedule.objects.update_or_create(
            name=name, defaults={"func": func, "next_run": due, **every_minute}
        )
    scheduler()


def both_running(checked, unsent) -> bool:
    """The sweep holds `checked` (claimed, its answer not back) and the submitter, which goes
    on for POLL_TASK_SECONDS, has taken `unsent`."""
    claim = timezone.now() + timedelta(seconds=60)  # a claim, not a rescheduled check
    return (
        CashInOrder.objects.filter(pk=checked.pk, next_check_at__gt=claim).exists()
        and CashInOrder.objects.filter(pk=unsent.pk, last_submit_at__isnull=False).exists()
    )


def wait_for(predicate, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not reached")
