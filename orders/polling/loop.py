"""Sweep again and again, pausing POLL_IDLE_SECONDS when nothing was due, until told to stop.

Shared by `poll_orders --loop` and the django-q2 sweep task. Stopping is checked between
sweeps and during every pause, so a stop takes at most one sweep (a few seconds at the
provider's timeout); rows claimed by an interrupted sweep simply come back when the claim
expires (POLL_CLAIM_SECONDS).
"""

import signal
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections

from orders.polling.sweep import SweepReport, sweep_once


class StopFlag:
    """Set by SIGTERM/SIGINT (or by hand); `wait` sleeps until the timeout or the stop."""

    def __init__(self) -> None:
        self.event = threading.Event()

    def set(self, *_args) -> None:
        self.event.set()

    def is_set(self) -> bool:
        return self.event.is_set()

    def wait(self, seconds: float) -> bool:
        return self.event.wait(seconds)

    def on_signals(self, *signals: int) -> "StopFlag":
        for sig in signals:
            signal.signal(sig, self.set)
        return self


def sweep_loop(
    *,
    stopping: Callable[[], bool],
    deadline: float | None = None,
    pause: Callable[[float], object] = time.sleep,
    on_report: Callable[[SweepReport], None] = lambda report: None,
    **sweep,
) -> tuple[int, int]:
    """Sweep until `stopping()` or time.monotonic() passes `deadline`; (sweeps, checks)."""
    sweeps = checked = 0
    while not stopping() and (deadline is None or time.monotonic() < deadline):
        close_old_connections()
        report = sweep_once(**sweep)
        sweeps += 1
        checked += report.checked
        on_report(report)
        if report.checked == 0:
            pause(settings.POLL_IDLE_SECONDS)
    return sweeps, checked
