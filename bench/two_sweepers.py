"""Two (or more) sweeper processes on the same due rows, for bench/poll_sweep.py --sweepers.

poll_sweep.py calls `two_sweepers` with its sandbox and due rows; each sweeper is this file run
as a script (`child_sweep`): it sets Django up, says "ready", waits for "go" on stdin (so that
all start together), sweeps until nothing is due and prints its counts as JSON. The sandbox
counts the status requests each reference received (GET /_sandbox/status-checks).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "panel.settings")


def child_sweep() -> None:
    """One sweeper process: sweep until nothing is due, after the parent says go."""
    import django

    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, required=True)
    parser.add_argument("--concurrency", type=int, required=True)
    parser.add_argument("--show-log", action="store_true")
    args = parser.parse_args()

    django.setup()
    from poll_sweep import quiet_logs

    from orders.polling.sweep import sweep_once

    quiet_logs(args.show_log)
    print("ready", flush=True)
    sys.stdin.readline()
    sweeps = checked = 0
    started = time.perf_counter()
    while found := sweep_once(batch_size=args.orders, concurrency=args.concurrency).checked:
        sweeps, checked = sweeps + 1, checked + found
    seconds = time.perf_counter() - started
    print(json.dumps({"sweeps": sweeps, "checked": checked, "seconds": seconds}), flush=True)


def two_sweepers(args: argparse.Namespace, url: str) -> tuple[list[dict], dict[int, int], int]:
    """Start --sweepers processes on the same due rows; their reports, the sandbox's count of
    rows by checks received in this run, and the rows the database counts as checked once."""
    from collections import Counter

    from poll_sweep import REFERENCE_PREFIX, make_due_again, sandbox_control

    from orders.models import CashInOrder

    make_due_again()
    before = asyncio.run(sandbox_control(url, "GET", "/_sandbox/status-checks"))["cashin"]
    # One check each: the next one (POLL_BASE_DELAY) is an hour away, past these sweeps.
    env = dict(os.environ, NICTBD_BASE_URL=url, POLL_BASE_DELAY="3600", POLL_MAX_DELAY="3600")
    command = [sys.executable, __file__, "--orders", str(args.orders),
               "--concurrency", str(args.concurrency)]  # fmt: skip
    children = [
        subprocess.Popen(
            command, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )  # fmt: skip
        for _ in range(args.sweepers)
    ]
    for child in children:  # all set up (Django, imports) before any starts
        if child.stdout.readline().strip() != "ready":
            raise SystemExit("a sweeper process failed to start")
    for child in children:
        child.stdin.write("go\n")
        child.stdin.flush()
    reports = [json.loads(child.communicate()[0].strip().splitlines()[-1]) for child in children]
    after = asyncio.run(sandbox_control(url, "GET", "/_sandbox/status-checks"))["cashin"]
    received = Counter(
        after.get(ref, 0) - before.get(ref, 0) for ref in after if ref.startswith(REFERENCE_PREFIX)
    )
    received[0] += args.orders - sum(received.values())
    once = CashInOrder.objects.filter(
        client_reference__startswith=REFERENCE_PREFIX, check_count=1
    ).count()
    return reports, dict(received), once


def print_sweepers(reports: list[dict], received: dict[int, int], once_in_db: int) -> None:
    print()
    load = " ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"{len(reports)} sweepers at once (load average {load}):")
    for number, report in enumerate(reports, 1):
        print(f"  sweeper {number}: {report['checked']:,} checks in {report['sweeps']} sweeps, "
              f"{report['seconds']:.2f} s")  # fmt: skip
    twice = sum(count for checks, count in received.items() if checks >= 2)
    print(f"  at the sandbox: rows checked once {received.get(1, 0):,}, never "
          f"{received.get(0, 0):,}; in the database, check_count 1: {once_in_db:,}")  # fmt: skip
    print(f"rows checked twice: {twice}")


if __name__ == "__main__":
    child_sweep()
