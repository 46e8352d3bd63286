"""`scripts/run.sh` stops the web server, the worker (qcluster and its children) and the
sandbox within 5 s of Ctrl-C."""

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

from django.conf import settings

from tests.processes import free_port, kill_session, stop_times


def test_ctrl_c_stops_everything_run_sh_started_within_five_seconds(tmp_path):
    port = free_port()
    log = tmp_path / "run.log"
    env = {
        **os.environ,
        "PORT": str(port),
        "SANDBOX_PORT": str(free_port()),
        "PYTHON_BIN": sys.executable,
        "RUN_SKIP_INSTALL": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
    }
    with log.open("w") as output:
        run = subprocess.Popen(
            ["bash", "scripts/run.sh"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal gives it
        )
    try:
        # the panel answers and qcluster has logged "Q Cluster … running."
        wait_for(lambda: answers(port) and "running." in log.read_text(), timeout=90)
        stop_times(run, lambda: os.killpg(run.pid, signal.SIGINT), timeout=5.0)
    finally:
        kill_session(run)


def answers(port: int) -> bool:
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no proxy from env
    try:
        with direct.open(f"http://127.0.0.1:{port}/login/", timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def wait_for(predicate, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("condition not reached")
