"""A provider brownout must not slow the panel: `DATABASE_URL=postgres://.../panel_h20_bench
python bench/brownout.py [--seconds 30] [--submitters 40] [--worker qcluster|poll]`.

The production layout as docker-compose.yml runs it: gunicorn with the compose file's flags
(DEBUG=0, DB_POOL=1), PostgreSQL (DATABASE_URL's database, dropped and created fresh), the
worker (`manage.py qcluster`, or `poll_orders --loop`) and `manage.py run_sandbox`. --submitters
API clients keep Cash In submits going (each one submit per --submit-interval seconds: 3 s is the
rate that keeps 40 submits at a 3 s provider); meanwhile one client reads `GET /api/v1/balance`
and one logged-in reseller reads the dashboard `/`, back to back. Two phases in one run,
alternated in --rounds blocks of --seconds (after --warmup) so both see the same backlog of open
orders: a healthy provider (latency 0) and a brownout (sandbox latency 3 s, set through
/_sandbox/config). Prints p50/p95 of both reads per phase, the ratios and whether the goal
(issue 8: p95 <= 200 ms and <= 1.5x healthy) is met, with the load average.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.production import (  # noqa: E402
    PASSWORD,
    ROOT,
    compose_gunicorn_flags,
    fresh_database,
    manage,
    percentile,
    production_env,
    setup_reseller,
    start_gunicorn,
    start_sandbox,
    stop,
)

GOAL_P95_MS = 200.0
GOAL_RATIO = 1.5
WORKERS = {"qcluster": ["qcluster"], "poll": ["poll_orders", "--loop"]}
REFERENCES = itertools.count(1)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Phase:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reads: dict[str, list[float]] = {"balance": [], "dashboard": []}
        self.bad_reads = 0
        self.submits: list[float] = []
        self.bad_submits: dict[int, int] = {}
        self.recording = False


def submitter(url: str, key: str, interval: float, phase_of, stopped: threading.Event) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
        while not stopped.is_set():
            n = next(REFERENCES)
            body = {"receiver_number": f"017{n % 10**7:07d}9", "amount": "100",
                    "client_reference": f"BROWN-{n}"}  # fmt: skip
            started = time.perf_counter()
            try:
                status = client.post("/api/v1/cash-in", json=body).status_code
            except httpx.HTTPError:
                status = 0
            took = time.perf_counter() - started
            phase = phase_of()
            with phase.lock:
                if phase.recording:
                    phase.submits.append(took)
                    if status not in (200, 201):
                        phase.bad_submits[status] = phase.bad_submits.get(status, 0) + 1
            stopped.wait(max(0.0, interval - took))


def reader(client: httpx.Client, name: str, path: str, phase_of, stopped) -> None:
    while not stopped.is_set():
        started = time.perf_counter()
        try:
            ok = client.get(path).status_code == 200
        except httpx.HTTPError:
            ok = False
        took = (time.perf_counter() - started) * 1000
        phase = phase_of()
        with phase.lock:
            if phase.recording:
                phase.reads[name].append(took)
                phase.bad_reads += not ok
        stopped.wait(0.05)


def logged_in_client(url: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=60)
    token = CSRF.search(client.get("/login/").text).group(1)
    answer = client.post(
        "/login/", data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    if answer.status_code != 302 or "sessionid" not in client.cookies:
        raise SystemExit(f"login failed: {answer.status_code}")
    return client


def report(name: str, phase: Phase) -> None:
    for read, values in phase.reads.items():
        p50, p95 = statistics.median(values), percentile(values, 0.95)
        print(f"  {read:<10} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  max {max(values):7.1f} ms  "
              f"(n={len(values)})")  # fmt: skip
    submits = phase.submits
    print(f"  submits    {len(submits)} answered, p50 {statistics.median(submits) * 1000:.0f} ms "
          f"p95 {percentile(submits, 0.95) * 1000:.0f} ms; not 200/201: {phase.bad_submits or 0}; "
          f"failed reads: {phase.bad_reads}")  # fmt: skip


def order_counts() -> dict[str, int]:
    from django.db import connections
    from django.db.models import Count

    from orders.models import CashInOrder

    counts = dict(CashInOrder.objects.values_list("status").annotate(Count("id")))
    connections.close_all()
    return counts


def wait_for_worker(api: httpx.Client, timeout: float = 120.0) -> None:
    """One probe submit the worker must send before measuring (qcluster's scheduler starts the
    submitter task within about 30 s of starting)."""
    started = time.monotonic()
    body = {"receiver_number": "01700000009", "amount": "100", "client_reference": "PROBE"}
    api.post("/api/v1/cash-in", json=body).raise_for_status()
    from orders.models import CashInOrder, OrderStatus

    while time.monotonic() - started < timeout:
        probe = CashInOrder.objects.get(client_reference="PROBE")
        if probe.status != OrderStatus.SUBMITTING:
            print(f"the worker sent the probe order after {time.monotonic() - started:.1f} s")
            return
        time.sleep(0.5)
    raise SystemExit(f"the worker did not send the probe order within {timeout:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="measured per block")
    parser.add_argument("--rounds", type=int, default=3, help="healthy + brownout blocks")
    parser.add_argument("--warmup", type=float, default=5.0, help="unmeasured, before each phase")
    parser.add_argument("--submitters", type=int, default=40)
    parser.add_argument("--submit-interval", type=float, default=3.0)
    parser.add_argument("--latency-ms", type=float, default=3000.0)
    parser.add_argument("--worker", choices=WORKERS, default="qcluster")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")
    print(f"gunicorn flags (docker-compose.yml): {' '.join(compose_gunicorn_flags())}")
    fresh_database(os.environ["DATABASE_URL"])
    env = production_env()
    log = tempfile.NamedTemporaryFile("w+", prefix="brownout-", suffix=".log", delete=False)  # noqa: SIM115 (kept for reading after)
    print(f"servers' log: {log.name}")
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    key = setup_reseller(env)
    sandbox, sandbox_url = start_sandbox(env, log)
    env.update(NICTBD_BASE_URL=sandbox_url, TRUSTEDPAY_BASE_URL=sandbox_url)
    processes = [sandbox]
    stopped = threading.Event()
    try:
        web, url = start_gunicorn(env, log)
        processes.append(web)
        worker = subprocess.Popen(
            [sys.executable, "manage.py", *WORKERS[args.worker]], cwd=ROOT, env=env, stderr=log
        )
        processes.append(worker)
        phases = {"healthy": Phase(), "brownout": Phase()}
        current = [phases["healthy"]]

        def phase_of():
            return current[0]

        session = logged_in_client(url, "bench")
        api = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=60)
        wait_for_worker(api)
        threads = [
            threading.Thread(target=reader, args=(api, "balance", "/api/v1/balance", phase_of,
                                                  stopped)),
            threading.Thread(target=reader, args=(session, "dashboard", "/", phase_of, stopped)),
        ] + [
            threading.Thread(target=submitter, args=(url, key, args.submit_interval, phase_of,
                                                     stopped))
            for _ in range(args.submitters)
        ]  # fmt: skip
        for thread in threads:
            thread.start()
        blocks = [("healthy", 0.0), ("brownout", args.latency_ms)] * args.rounds
        for n, (name, latency) in enumerate(blocks):
            config = {"latency_ms": latency}
            httpx.post(f"{sandbox_url}/_sandbox/config", json=config).raise_for_status()
            current[0] = phases[name]
            time.sleep(args.warmup)
            phases[name].recording = True
            time.sleep(args.seconds)
            with phases[name].lock:
                phases[name].recording = False
            print(f"block {n + 1}/{len(blocks)} {name} done, load average "
                  f"{os.getloadavg()[0]:.2f}, orders by status: {order_counts()}")  # fmt: skip
        for name, latency in (("healthy", 0.0), ("brownout", args.latency_ms)):
            print(f"{name} (provider latency {latency:.0f} ms, {args.submitters} submitters, "
                  f"{args.rounds} x {args.seconds:.0f} s):")  # fmt: skip
            report(name, phases[name])
        stopped.set()
        for thread in threads:
            thread.join(70)
    finally:
        stopped.set()
        for process in reversed(processes):
            stop(process)
    healthy, brown = phases["healthy"].reads, phases["brownout"].reads
    met = True
    for read in ("balance", "dashboard"):
        p95_h, p95_b = percentile(healthy[read], 0.95), percentile(brown[read], 0.95)
        p50_ratio = statistics.median(brown[read]) / statistics.median(healthy[read])
        ok = p95_b <= GOAL_P95_MS and p95_b <= GOAL_RATIO * p95_h
        met &= ok
        print(f"{read:<10} brownout/healthy: p50 x{p50_ratio:.2f}, p95 x{p95_b / p95_h:.2f} "
              f"({p95_b:.1f} / {p95_h:.1f} ms) -> {'met' if ok else 'NOT met'}")  # fmt: skip
    print(f"goal (p95 <= {GOAL_P95_MS:.0f} ms and <= {GOAL_RATIO}x healthy): "
          f"{'met' if met else 'NOT met'}")  # fmt: skip
    print(f"load average after: {os.getloadavg()}")
    log.seek(0)
    errors = [line for line in log if "Traceback" in line or " ERROR " in line]
    if errors:
        print(f"{len(errors)} error lines in the servers' logs, first: {errors[0].strip()[:200]}")


if __name__ == "__main__":
    main()
