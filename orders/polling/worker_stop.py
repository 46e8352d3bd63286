"""When a django-q2 worker should end its long sweep task early.

qcluster stops by putting STOP pills in its task queue and waiting for each worker to finish
its task, so a task that sweeps for a minute holds the whole stop for a minute. The task
asks `cluster_stopping()` between sweeps instead:

- Ctrl-C reaches every process of the terminal's group, but django-q2's workers ignore
  SIGINT; `watch_sigint` (connected to django-q2's post_spawn) notes it instead.
- SIGTERM to the cluster's main process only (docker stop): the sentinel saves its status as
  "Stopping" in the cache (the shared database cache or Redis), checked here at most once a
  second; a worker whose sentinel is gone stops too.
- SIGTERM to the whole group (`kill -- -PGID`, systemd's default KillMode=control-group): the
  sentinel and the workers die at once (django-q2 leaves SIGTERM at its default there) and
  their claimed rows come back when the claim expires, but the main process then hangs until
  SIGKILL: its handler's stop_event.set() waits for the dead sentinel to wake (django-q2 1.11,
  multiprocessing's Condition.notify). Signal the main process only, or SIGINT the group, as
  scripts/run.sh does.
"""

import logging
import os
import signal
import threading
import time

log = logging.getLogger(__name__)
STAT_EVERY_SECONDS = 1.0
_sigint = threading.Event()
_last_look = {"at": 0.0, "stopping": False}


def watch_sigint(**_kwargs) -> None:
    signal.signal(signal.SIGINT, lambda *_: _sigint.set())


def cluster_stopping(sentinel_pid: int) -> bool:
    """True once this worker should stop: Ctrl-C, its sentinel stopping, or its sentinel gone
    (`sentinel_pid`: os.getppid() when the task began)."""
    if _sigint.is_set() or os.getppid() != sentinel_pid:
        return True
    now = time.monotonic()
    if now - _last_look["at"] >= STAT_EVERY_SECONDS:
        _last_look.update(at=now, stopping=_sentinel_stopping(sentinel_pid))
    return _last_look["stopping"]


def _sentinel_stopping(sentinel_pid: int) -> bool:
    from django_q.conf import Conf
    from django_q.status import Stat

    try:
        stats = Stat.get_all()
    except Exception:  # the cache is down: keep sweeping, as before
        log.exception("worker stop: cannot read the cluster status")
        return False
    return any(s.sentinel == sentinel_pid and s.status == Conf.STOPPING for s in stats)
