"""Run manage.py in another process against the test database (real processes, real sharing),
and watch such processes stop."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable

from django.conf import settings
from django.db import connection


def manage_env(**extra: str) -> dict:
    db = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DEBUG": "1",
        "SECRET_KEY": settings.SECRET_KEY,
        **extra,
    }


def start_manage(*args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        env=manage_env(**env),
        cwd=settings.BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=manage_env(**env),
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_processes(sid: int) -> dict[int, str]:
    """The live processes of session `sid` (a child started with start_new_session=True and
    all it started, whatever their process groups), pid -> "ppid command". Linux /proc; a
    zombie counts as gone: it has exited and only waits for its parent to reap it."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat, open(f"/proc/{entry}/cmdline") as cmd:
                state, ppid, _pgrp, session = stat.read().rsplit(")", 1)[1].split()[:4]
                command = cmd.read().replace("\0", " ").strip()
        except OSError:  # it ended while we looked
            continue
        if int(session) == sid and state != "Z":
            found[int(entry)] = f"{ppid} {command}"
    return found


def stop_times(leader: subprocess.Popen, stop: Callable[[], object], timeout: float) -> dict:
    """Call stop() (send the signal), then wait until every process of `leader`'s session is
    gone (the leader reaped): pid -> seconds it took. AssertionError naming what is still
    alive after `timeout`."""
    alive = session_processes(leader.pid)
    started = time.monotonic()
    stop()
    gone: dict[int, float] = {}
    while alive:
        if time.monotonic() - started > timeout:
            raise AssertionError(f"alive {timeout} s after the stop: {alive}; gone: {gone}")
        time.sleep(0.02)
        leader.poll()
        now = session_processes(leader.pid)
        for pid in alive.keys() - now.keys():
            gone[pid] = round(time.monotonic() - started, 2)
        alive = now
    leader.wait(1)
    return gone


def kill_session(leader: subprocess.Popen) -> None:
    """SIGKILL whatever is left of `leader`'s session (after a failed stop)."""
    for pid in session_processes(leader.pid):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(os.getpgid(pid), signal.SIGKILL)
    leader.wait(5)
