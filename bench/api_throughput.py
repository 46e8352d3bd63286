"""API submits per second against a bare Django JSON view on the same server:
`DATABASE_URL=postgres://.../panel_h20_bench python bench/api_throughput.py [--seconds 15]`.

gunicorn with docker-compose.yml's flags (DEBUG=0, DB_POOL=1) on PostgreSQL (DATABASE_URL's
database, dropped and created fresh), settings `bench.bare.settings` (the panel's, plus a
bench-only `POST /bench-bare` JSON view; production URLs untouched). --clients asyncio
clients (aiohttp, keep-alive) first POST the bare view, then `POST /api/v1/cash-in` (a new
client_reference each, the keys of --resellers resellers in turn, API_RATE_LIMIT out of the
way), then `POST /bench-floor` (bench/bare/floor.py: a submit's writes as one hand-written SQL
statement, the least a durable submit can cost here), for --seconds each after a short
warm-up, --rounds times in turn. No worker runs (the orders stay queued in `submitting`): this
measures the web side of a submit. Prints the rates, the ratios and the goal (issue 8: API
submits >= 0.3 of the bare view, over all rounds), with the load average.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.production import (  # noqa: E402
    compose_gunicorn_flags,
    fresh_database,
    manage,
    percentile,
    production_env,
    setup_reseller,
    start_gunicorn,
    stop,
)

GOAL = 0.3
REFERENCES = itertools.count(1)


def cashin_body() -> dict:
    n = next(REFERENCES)
    return {"receiver_number": f"017{n % 10**7:07d}9", "amount": "100",
            "client_reference": f"TPUT-{n}"}  # fmt: skip


async def hammer(url: str, path: str, keys: list[str], clients: int, seconds: float, body):
    done, bad, took = 0, {}, []
    recording = False

    async def client(session: aiohttp.ClientSession, end: float, n: int) -> None:
        nonlocal done
        headers = {"Authorization": f"Bearer {keys[n % len(keys)]}"}
        while time.monotonic() < end:
            started = time.perf_counter()
            async with session.post(f"{url}{path}", json=body(), headers=headers) as answer:
                await answer.read()
                status = answer.status
            if recording:
                done += 1
                took.append(time.perf_counter() - started)
                if status not in (200, 201):
                    bad[status] = bad.get(status, 0) + 1

    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector) as session:
        warm_end = time.monotonic() + 2
        await asyncio.gather(*(client(session, warm_end, n) for n in range(clients)))
        recording = True
        started = time.monotonic()
        await asyncio.gather(*(client(session, started + seconds, n) for n in range(clients)))
        elapsed = time.monotonic() - started
    return done / elapsed, bad, took


YARDSTICKS = (("bare view", "/bench-bare", dict), ("API submit", "/api/v1/cash-in", cashin_body),
              ("floor", "/bench-floor", cashin_body))  # fmt: skip


def measure(url, path, keys, args, name, body) -> float:
    rate, bad, took = asyncio.run(hammer(url, path, keys, args.clients, args.seconds, body))
    print(f"{name:<11} {rate:7.1f} /s  p50 {percentile(took, 0.5) * 1000:6.1f} ms  "
          f"p95 {percentile(took, 0.95) * 1000:6.1f} ms  not 2xx: {bad or 0}  "
          f"(load average {os.getloadavg()[0]:.2f})", flush=True)  # fmt: skip
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--clients", type=int, default=24)
    parser.add_argument(
        "--resellers", type=int, default=1, help="API keys of this many resellers, round robin"
    )
    parser.add_argument("--rounds", type=int, default=1, help="bare, API, floor this many times")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")
    print(f"gunicorn flags (docker-compose.yml): {' '.join(compose_gunicorn_flags())}")
    fresh_database(os.environ["DATABASE_URL"])
    env = production_env(DJANGO_SETTINGS_MODULE="bench.bare.settings")
    log = tempfile.NamedTemporaryFile("w+", prefix="api-throughput-", suffix=".log", delete=False)  # noqa: SIM115 (kept for reading after)
    print(f"server log: {log.name}")
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    keys = [setup_reseller(env, f"bench{n}") for n in range(args.resellers)]
    web, url = start_gunicorn(env, log)
    try:
        print(f"{args.clients} clients, {args.resellers} reseller(s)")
        rates = {name: [] for name, _path, _body in YARDSTICKS}
        for _round in range(args.rounds):
            for name, path, body in YARDSTICKS:
                rates[name].append(measure(url, path, keys, args, name, body))
    finally:
        stop(web)
    total = {name: sum(runs) for name, runs in rates.items()}
    ratio = total["API submit"] / total["bare view"]
    print(f"floor/bare = {total['floor'] / total['bare view']:.3f}; "
          f"submits/floor = {total['API submit'] / total['floor']:.3f}")  # fmt: skip
    print(f"submits/bare = {ratio:.3f}; goal >= {GOAL}: {'met' if ratio >= GOAL else 'NOT met'}")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
