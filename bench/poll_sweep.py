"""The poll sweep against a slow provider: `DATABASE_URL=postgres://... python bench/poll_sweep.py`.

Starts `manage.py run_sandbox --port 0 --final-after 3600` as a subprocess (its own process, so
it does not share the sweep's GIL), registers --orders cash-in orders there at zero latency, then
turns the sandbox's latency up to --latency-ms. It bulk-creates the same orders as PENDING rows
due now, with the provider status the sandbox will answer, so every check takes the sweep's
bulk-reschedule path like a real still-pending order. Then, on the same rows (made due again
between runs):

1. one `sweep_once(batch_size=orders, concurrency=N)`, the pipelined sweep (claiming and
   writing a chunk while the next chunks are at the provider), and the same sweep done the old
   way, in sequence, phase by phase (claim all, ask the provider, write results: the "before",
   and where its time goes); the two alternate --repeat times and each is judged on its
   fastest run: time, checks/s, ratio to the ideal time (orders x latency / concurrency);
2. the pipelined sweep under tracemalloc, for the peak of Python allocations (tracemalloc
   slows allocation down, so this run is not timed);
3. a one-at-a-time sweep (concurrency 1) over --serial-orders rows, extrapolated to --orders;
4. --sweepers processes (2 by default, bench/two_sweepers.py) sweeping the same due rows at
   once, started together, each until it finds nothing due; the sandbox counts status
   requests per reference, and the bench prints how many rows were checked twice (the goal:
   0) and by whom.

Goal (issue 8): the pipelined sweep at >= 0.8 of the ideal (issue 3 asked for 0.5), and no
row checked twice by two sweepers. PostgreSQL only, unless --allow-sqlite. It works in a
database of its own, DATABASE_URL's name + "_poll_sweep", created fresh and dropped at the end
(so a bench loading the named database at the same time is left alone). Machine load moves the
seconds; the CPU seconds of the sweep's process and of the sandbox are printed too, and move
less.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "panel.settings")

URL_LINE = re.compile(r"Sandbox providers on (http://\S+)")
BENCH_USER = "bench-poll-sweep"
REFERENCE_PREFIX = "SWEEPBENCH-"
DATABASE_SUFFIX = "_poll_sweep"
STARTED = time.perf_counter()


def progress(text: str) -> None:
    print(f"[{time.perf_counter() - STARTED:6.1f} s] {text}", flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--serial-orders", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=1, help="headline sweeps (a busy machine)")
    parser.add_argument("--sweepers", type=int, default=2, help="processes at once (0: skip)")
    parser.add_argument("--allow-sqlite", action="store_true")
    parser.add_argument("--show-log", action="store_true", help="print the gateway log lines")
    return parser.parse_args()


# --- Database ------------------------------------------------------------------------------------


def own_database(url: str, allow_sqlite: bool) -> str | None:
    """Point DATABASE_URL at a fresh database of the bench's own; its admin URL, to drop it.

    Never the named database itself: another bench (large_tables.py) may be loading it, and the
    sweep would check (and flag, and resubmit) its open orders too.
    """
    import psycopg

    parsed = urlparse(url)
    if parsed.scheme == "sqlite" and allow_sqlite:
        return None
    if parsed.scheme not in {"postgres", "postgresql"}:
        raise SystemExit("DATABASE_URL must be a postgres:// URL (or pass --allow-sqlite)")
    name = parsed.path.lstrip("/") + DATABASE_SUFFIX
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # a killed run's
        connection.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = parsed._replace(path=f"/{name}").geturl()
    print(f"created database {name}")
    return admin_url


def drop_database(admin_url: str, name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(f"dropped database {name}")


def setup_django(show_log: bool) -> None:

    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    settings.DEBUG = False  # no query log kept in memory while timing
    call_command("migrate", verbosity=0)
    quiet_logs(show_log)


def quiet_logs(show_log: bool) -> None:
    import logging

    if not show_log:
        # Log records are still made at LOG_LEVEL, as in production; only the output is dropped.
        sink = open(os.devnull, "w")  # noqa: SIM115 - open for the life of the process
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler):
                handler.setStream(sink)


def refuse_foreign_due_rows() -> None:
    from django.utils import timezone

    from orders.lifecycle.declaration import CASHIN, PAYIN
    from orders.models import CashInOrder, PayIn

    now = timezone.now()
    foreign = (
        CashInOrder.objects.filter(status__in=CASHIN.watched_values, next_check_at__lte=now)
        .exclude(client_reference__startswith=REFERENCE_PREFIX)
        .count()
        + PayIn.objects.filter(status__in=PAYIN.watched_values, next_check_at__lte=now).count()
    )
    if foreign:
        raise SystemExit(f"the database holds {foreign} other due orders/PayIns; use another one")


def delete_bench_rows() -> None:
    from django.contrib.auth import get_user_model

    from orders.models import CashInOrder, Reseller

    CashInOrder.objects.filter(client_reference__startswith=REFERENCE_PREFIX).delete()
    Reseller.objects.filter(user__username=BENCH_USER).delete()
    get_user_model().objects.filter(username=BENCH_USER).delete()


def create_orders(references: dict[str, dict], stage: tuple[str, str, str]) -> None:
    """PENDING rows due now, as the sandbox knows them; `stage` is what its status will say."""
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from orders.models import CashInOrder, OrderStatus, Reseller

    user = get_user_model().objects.create(username=BENCH_USER)
    reseller = Reseller.objects.create(user=user)
    now = timezone.now()
    provider_status, job_status, transaction_status = stage
    rows = [
        CashInOrder(
            reseller=reseller,
            client_reference=reference,
            receiver_number=data["receiver_number"],
            amount=Decimal(data["amount"]),
            debit_amount=Decimal(data["amount"]),
            status=OrderStatus.PENDING,
            order_number=data["order_number"],
            job_id=data["job_id"],
            provider_status=provider_status,
            job_status=job_status,
            transaction_status=transaction_status,
            submitted_at=now,
            last_submit_at=now,
            next_check_at=now,
        )
        for reference, data in references.items()
    ]
    CashInOrder.objects.bulk_create(rows, batch_size=2000)


def make_due_again() -> None:
    from django.utils import timezone

    from orders.models import CashInOrder

    CashInOrder.objects.filter(client_reference__startswith=REFERENCE_PREFIX).update(
        next_check_at=timezone.now(), check_count=0, last_checked_at=None
    )


def rescheduled_count() -> int:
    """Bench rows checked once and given a next check after it: what the bulk path writes."""
    from django.db.models import F

    from orders.models import CashInOrder, OrderStatus

    return CashInOrder.objects.filter(
        client_reference__startswith=REFERENCE_PREFIX,
        status=OrderStatus.PENDING,
        check_count=1,
        next_check_at__gt=F("last_checked_at"),
    ).count()


# --- The sandbox ----------------------------------------------------------------------------------


def start_sandbox(errors) -> tuple[subprocess.Popen, str]:
    command = [sys.executable, "manage.py", "run_sandbox", "--port", "0", "--final-after", "3600",
               "--latency-ms", "0", "--error-rate", "0", "--malformed-rate", "0"]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=ROOT, env=dict(os.environ), stdout=subprocess.PIPE, stderr=errors, text=True
    )
    for line in process.stdout:
        if match := URL_LINE.search(line):
            return process, match.group(1)
    process.wait()
    errors.seek(0)
    sys.stderr.write(errors.read()[-3000:])
    raise SystemExit(f"run_sandbox exited ({process.returncode}) before printing its URL")


def stop_sandbox(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    process.stdout.close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def credentials() -> dict[str, str]:
    from django.conf import settings

    given = {
        "store_id": settings.NICTBD_STORE_ID,
        "api_key": settings.NICTBD_API_KEY,
        "api_secret": settings.NICTBD_API_SECRET,
    }
    return given if all(given.values()) else {}


async def register_orders(url: str, count: int, limit: int) -> tuple[dict, tuple[str, str, str]]:
    """Submit `count` orders (numbers ending 0: they end successful, long after this bench)."""
    secrets = credentials()
    gate = asyncio.Semaphore(limit)
    connector = aiohttp.TCPConnector(limit=limit)
    async with aiohttp.ClientSession(url, connector=connector) as session:

        async def submit(i: int) -> tuple[str, dict]:
            reference = f"{REFERENCE_PREFIX}{i:06d}"
            body = {"receiver_number": f"0171{i:06d}0", "amount": "100.00",
                    "client_reference": reference, **secrets}  # fmt: skip
            async with gate, session.post("/api/bkash-cash-in", json=body) as response:
                payload = await response.json()
                if response.status != 200:
                    raise SystemExit(f"sandbox refused {reference}: {response.status} {payload}")
            return reference, payload["data"]

        submitted = dict(await asyncio.gather(*(submit(i) for i in range(count))))
        first = next(iter(submitted))
        body = {"client_reference": first, **secrets}
        async with session.post("/api/bkash-cash-in/status", json=body) as response:
            data = (await response.json())["data"]
    return submitted, (data["status"], data["job_status"], data["transaction_status"])


async def sandbox_control(url: str, method: str, path: str, body: dict | None = None) -> dict:
    async with (
        aiohttp.ClientSession(url) as session,
        session.request(method, path, json=body) as response,
    ):
        response.raise_for_status()
        return await response.json()


def status_checks(url: str) -> int:
    return asyncio.run(sandbox_control(url, "GET", "/_sandbox/stats"))["cashin_status_checks"]


# --- The runs -------------------------------------------------------------------------------------


@dataclass
class Run:
    name: str
    orders: int
    concurrency: int
    seconds: float
    checked: int
    errors: int
    rescheduled: int
    provider_checks: int
    sandbox_cpu: float
    sweep_cpu: float
    phases: dict[str, float] | None = None
    python_peak_mb: float | None = None


def measured(name: str, url: str, pid: int, orders: int, concurrency: int,
             sweep: Callable[[], tuple[object, dict | None]]) -> Run:  # fmt: skip
    make_due_again()
    checks_before, cpu_before = status_checks(url), cpu_seconds(pid)
    started, own_cpu = time.perf_counter(), time.process_time()
    report, phases = sweep()
    seconds, own_cpu = time.perf_counter() - started, time.process_time() - own_cpu
    cpu_used = cpu_seconds(pid) - cpu_before
    return Run(name, orders, concurrency, seconds, report.orders_checked, report.errors,
               rescheduled_count(), status_checks(url) - checks_before, cpu_used, own_cpu,
               phases)  # fmt: skip


def sweep_in_phases(orders: int, concurrency: int):
    """sweep_once's steps, in its order, timed one by one."""
    from django.utils import timezone

    from orders.polling import sweep
    from orders.polling.overdue import flag_overdue_orders

    report = sweep.SweepReport()
    clock = time.perf_counter()
    now = timezone.now()
    report.flagged_overdue = flag_overdue_orders(now)
    rows = [sweep.claim(followed, now, orders) for followed in sweep.FOLLOWED]
    claimed = time.perf_counter()
    answers = asyncio.run(sweep.ask_providers(rows, concurrency))
    asked = time.perf_counter()
    for followed, claimed_rows, found in zip(sweep.FOLLOWED, rows, answers, strict=True):
        sweep.apply_answers(followed, claimed_rows, found, report)
    written = time.perf_counter()
    phases = {"claim (DB)": claimed - clock, "ask provider (HTTP)": asked - claimed,
              "write results (DB)": written - asked}  # fmt: skip
    return report, phases


def python_peak(orders: int, concurrency: int) -> tuple[float, int]:
    """Peak of Python allocations during one sweep (MB), and the checks it made."""
    from orders.polling.sweep import sweep_once

    make_due_again()
    tracemalloc.start()
    try:
        report = sweep_once(batch_size=orders, concurrency=concurrency)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20, report.orders_checked


def run_all(args: argparse.Namespace, url: str, pid: int) -> list[Run]:
    from django.conf import settings

    from gateways.registry import reset_gateways
    from orders.polling.sweep import sweep_once

    progress(f"registering {args.orders:,} orders at the sandbox (no latency) ...")
    references, stage = asyncio.run(register_orders(url, args.orders, 100))
    create_orders(references, stage)
    progress(f"created {len(references):,} PENDING rows due now; the sandbox answers {stage}")
    asyncio.run(sandbox_control(url, "POST", "/_sandbox/config", {"latency_ms": args.latency_ms}))
    settings.NICTBD_BASE_URL = url
    reset_gateways()

    n, c = args.orders, args.concurrency
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    progress(f"sweeping {n:,} orders, concurrency {c}, latency {args.latency_ms:g} ms ...")

    def one_sweep():
        return sweep_once(batch_size=n, concurrency=c), None

    runs = []
    for _ in range(max(1, args.repeat)):  # alternating, so that both see the same load
        runs.append(measured("sweep_once", url, pid, n, c, one_sweep))
        runs.append(measured("sequential", url, pid, n, c, lambda: sweep_in_phases(n, c)))
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    progress("the pipelined sweep under tracemalloc (not timed) ...")
    peak_mb, peak_checked = python_peak(n, c)
    runs[0].python_peak_mb = peak_mb
    s = min(args.serial_orders, n)
    progress(f"one at a time over {s:,} orders ...")
    runs.append(measured("one at a time", url, pid, s, 1,
                         lambda: (sweep_once(batch_size=s, concurrency=1), None)))  # fmt: skip
    print_results(args, runs, rss_before, rss_after, peak_checked)
    if args.sweepers > 0:
        progress(f"{args.sweepers} sweeper processes over the same {n:,} due rows ...")
        from two_sweepers import print_sweepers, two_sweepers

        print_sweepers(*two_sweepers(args, url))
    return runs


# --- Output ---------------------------------------------------------------------------------------


def print_results(args, runs: list[Run], rss_before: int, rss_after: int, peak_checked: int):
    latency = args.latency_ms / 1000
    ideal = args.orders * latency / args.concurrency
    print()
    load = " ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"load average {load} on {os.cpu_count()} cores")
    print(f"{args.orders:,} due orders, {args.latency_ms:g} ms added latency, "
          f"ideal at concurrency {args.concurrency}: {ideal:.2f} s")  # fmt: skip
    header = (f"{'run':<15}{'orders':>8}{'conc':>6}{'seconds':>9}{'checks/s':>10}"
              f"{'ideal/actual':>14}{'per 10k s':>11}{'ok':>5}{'CPU s':>7}{'sandbox CPU s':>15}")  # noqa: E501  # fmt: skip
    print(header)
    print("-" * len(header))
    for run in runs:
        run_ideal = run.orders * latency / run.concurrency
        per_10k = run.seconds * 10_000 / run.orders
        ok = run.checked == run.orders == run.rescheduled == run.provider_checks and not run.errors
        print(f"{run.name:<15}{run.orders:>8,}{run.concurrency:>6}{run.seconds:>9.2f}"
              f"{run.checked / run.seconds:>10,.0f}{run_ideal / run.seconds:>14.2f}"
              f"{per_10k:>11.1f}{'yes' if ok else 'NO':>5}"
              f"{run.sweep_cpu:>7.2f}{run.sandbox_cpu:>15.2f}")  # fmt: skip
        if not ok:
            print(f"   checked {run.checked}, errors {run.errors}, rescheduled {run.rescheduled}, "
                  f"sandbox saw {run.provider_checks} status checks")  # fmt: skip
    serial = runs[-1]
    print(f"one at a time, extrapolated to {args.orders:,}: "
          f"{serial.seconds * args.orders / serial.orders:.1f} s "
          f"(ideal {args.orders * latency:.0f} s)")  # fmt: skip
    head = min((r for r in runs if r.name == "sweep_once"), key=lambda run: run.seconds)
    before = min((r for r in runs if r.name == "sequential"), key=lambda run: run.seconds)
    print("where the time goes (the fastest 'sequential' run, the old sweep):")
    for phase, seconds in before.phases.items():
        print(f"  {phase:<22}{seconds:>7.2f} s")
    print(f"memory: Python allocations peak {runs[0].python_peak_mb:.1f} MB during one sweep "
          f"(tracemalloc, {peak_checked:,} checks); process max RSS {rss_before / 1024:.0f} MB "
          f"before the sweep, {rss_after / 1024:.0f} MB after it")  # fmt: skip
    verdict = "met" if ideal / head.seconds >= 0.8 else "NOT met"
    print(f"goal (>= 0.8 of the ideal): {verdict}: pipelined {ideal / head.seconds:.2f} "
          f"({head.seconds:.2f} s), sequential {ideal / before.seconds:.2f} "
          f"({before.seconds:.2f} s), fastest of {len(runs[:-1]) // 2} each")  # fmt: skip


def main() -> None:
    args = parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        raise SystemExit("set DATABASE_URL (postgres://...)")
    created_admin_url = own_database(url, args.allow_sqlite)
    setup_django(args.show_log)
    from django.conf import settings

    refuse_foreign_due_rows()
    delete_bench_rows()  # a previous run that was killed
    with tempfile.TemporaryFile("w+") as errors:  # the sandbox's stderr, shown if it fails
        process, sandbox_url = start_sandbox(errors)
        try:
            progress(f"sandbox at {sandbox_url} (pid {process.pid})")
            run_all(args, sandbox_url, process.pid)
        finally:
            stop_sandbox(process)
            delete_bench_rows()
            if created_admin_url:
                drop_database(created_admin_url, settings.DATABASES["default"]["NAME"])


if __name__ == "__main__":
    main()
