"""django-q2 tasks: thin, take ids, call services."""

import time

from django.conf import settings
from django.db import close_old_connections

from orders.cashin.provider import cashin_check_now
from orders.payin.provider import payin_check_now
from orders.polling.sweep import sweep_once

IDLE_PAUSE_SECONDS = 1.0


def poll_sweep_task() -> str:
    """Scheduled every minute; sweeps again and again for POLL_TASK_SECONDS, so due orders
    are checked within about a second, not a minute."""
    deadline = time.monotonic() + settings.POLL_TASK_SECONDS
    checked = sweeps = 0
    while True:
        close_old_connections()
        report = sweep_once()
        sweeps += 1
        checked += report.checked
        if time.monotonic() >= deadline:
            return f"{sweeps} sweeps, {checked} checks"
        if report.checked == 0:
            time.sleep(IDLE_PAUSE_SECONDS)


def submit_task() -> str:
    """Scheduled every minute; runs the submitter for POLL_TASK_SECONDS, so a new submission
    goes out within about a second."""
    from orders.submission.submitter import run_submitter

    return f"{run_submitter(seconds=settings.POLL_TASK_SECONDS)} submitted"


def check_order_task(order_id: int) -> str:
    return cashin_check_now(order_id=order_id, source="worker").status


def check_payin_task(payin_id: int) -> str:
    return payin_check_now(payin_id=payin_id, source="worker").status
