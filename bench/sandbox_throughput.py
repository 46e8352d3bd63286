"""Status checks per second the sandbox answers: `python bench/sandbox_throughput.py`.

Starts `manage.py run_sandbox --port 0 --final-after 5` as a subprocess, submits ORDERS cash-in
orders, then sends CHECKS status checks by client_reference (CONCURRENCY at a time, one aiohttp
session) and prints the rate. The client shares the machine's cores with the server, so this is
the rate a poll sweep on the same machine could reach; the server's own CPU time per check is
printed too, as other load on the machine moves the rate. Options: --orders, --checks,
--concurrency, --url (use a sandbox already running, e.g. one started under a profiler).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
URL_LINE = re.compile(r"Sandbox providers on (http://\S+)")
# Receiver numbers ending 0-3, 8, 9: no hanging submit (4), no 500s (5, 6), no refusal (7).
DIGITS = "012389"


def start_sandbox(errors) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "DEBUG": os.environ.get("DEBUG", "1")}
    command = [sys.executable, "manage.py", "run_sandbox", "--port", "0", "--final-after", "5"]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=errors, text=True
    )
    for line in process.stdout:
        if match := URL_LINE.search(line):
            return process, match.group(1)
    process.wait()
    errors.seek(0)
    sys.stderr.write(errors.read()[-3000:])
    raise SystemExit(f"run_sandbox exited ({process.returncode}) before printing its URL")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far (Linux /proc; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stop_sandbox(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    process.stdout.close()


async def submit_orders(session: aiohttp.ClientSession, count: int, limit: int) -> list[str]:
    gate = asyncio.Semaphore(limit)

    async def submit(i: int) -> str:
        reference = f"BENCH-{i}"
        body = {
            "receiver_number": f"0171{i:06d}{DIGITS[i % len(DIGITS)]}",
            "amount": 100 + i % 50,
            "client_reference": reference,
        }
        async with gate, session.post("/api/bkash-cash-in", json=body) as response:
            await response.read()
            response.raise_for_status()
        return reference

    return await asyncio.gather(*(submit(i) for i in range(count)))


async def check_statuses(
    session: aiohttp.ClientSession, references: list[str], count: int, limit: int
) -> tuple[float, Counter]:
    answers: Counter = Counter()
    next_index = iter(range(count))

    async def worker() -> None:
        for i in next_index:
            body = {"client_reference": references[i % len(references)]}
            async with session.post("/api/bkash-cash-in/status", json=body) as response:
                payload = await response.json()
                answers[(response.status, payload["data"]["status"])] += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(limit)))
    return time.perf_counter() - started, answers


async def run(url: str, orders: int, checks: int, concurrency: int, pid: int | None) -> None:
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(url, connector=connector) as session:
        references = await submit_orders(session, orders, concurrency)
        await check_statuses(session, references, concurrency * 5, concurrency)  # warm up
        cpu_before = cpu_seconds(pid) if pid else None
        elapsed, answers = await check_statuses(session, references, checks, concurrency)
        cpu_after = cpu_seconds(pid) if pid else None
    print(f"{checks} status checks over {orders} orders, concurrency {concurrency}")
    print(f"{elapsed:.2f} s, {checks / elapsed:,.0f} status checks/s")
    if cpu_before is not None and cpu_after is not None and cpu_after > cpu_before:
        used = cpu_after - cpu_before
        print(f"server CPU {used:.2f} s: {checks / used:,.0f} checks per server CPU second")
    print("answers:", ", ".join(f"{s} {st}: {n}" for (s, st), n in sorted(answers.items())))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--checks", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--url", help="a running sandbox to use instead of starting one")
    args = parser.parse_args()
    if args.url:
        asyncio.run(run(args.url, args.orders, args.checks, args.concurrency, None))
        return
    with tempfile.TemporaryFile("w+") as errors:  # the server's stderr, shown if it fails
        process, url = start_sandbox(errors)
        try:
            print(f"sandbox at {url} (pid {process.pid})")
            asyncio.run(run(url, args.orders, args.checks, args.concurrency, process.pid))
        finally:
            stop_sandbox(process)


if __name__ == "__main__":
    main()
