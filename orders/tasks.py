"""django-q2 tasks: thin, take ids, call services."""

import os
import time

from django.conf import settings

from orders.cashin.provider import cashin_check_now
from orders.payin.provider import payin_check_now
from orders.polling.loop import sweep_loop
from orders.polling.worker_stop import cluster_stopping


def poll_sweep_task() -> str:
    """Scheduled every minute; sweeps again and again for POLL_TASK_SECONDS, so due orders
    are checked within about POLL_IDLE_SECONDS, not a minute. Ends early when the cluster
    stops (orders.polling.worker_stop)."""
    sentinel = os.getppid()
    stopping = lambda: cluster_stopping(sentinel)  # noqa: E731
    sweeps, checked = sweep_loop(
        stopping=stopping,
        deadline=time.monotonic() + settings.POLL_TASK_SECONDS,
        pause=lambda seconds: _pause(seconds, stopping),
    )
    return f"{sweeps} sweeps, {checked} checks"


def _pause(seconds: float, stopping) -> None:
    end = time.monotonic() + seconds
    while not stopping() and time.monotonic() < end:
        time.sleep(min(0.1, seconds))


def submit_task() -> str:
    """Scheduled every minute; runs the submitter for POLL_TASK_SECONDS, so a new submission
    goes out within about a second. Ends early when the cluster stops, like the sweep."""
    from orders.submission.submitter import run_submitter

    sentinel = os.getppid()
    sent = run_submitter(
        seconds=settings.POLL_TASK_SECONDS, should_stop=lambda: cluster_stopping(sentinel)
    )
    return f"{sent} submitted"


def check_order_task(order_id: int) -> str:
    return cashin_check_now(order_id=order_id, source="worker").status


def check_payin_task(payin_id: int) -> str:
    return payin_check_now(payin_id=payin_id, source="worker").status
