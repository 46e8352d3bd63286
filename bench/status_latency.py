"""Provider final -> panel final -> webhook: `DATABASE_URL=postgres://.../panel_h4_bench python
bench/status_latency.py [--schedule new|old]`.

Submits --orders Cash Ins to the sandbox (in a thread of this process) whose final times are
lognormal (median 15 s, sigma 0.84: p95 about 60 s), then runs the real worker loops as
subprocesses (`poll_orders --loop` and `deliver_webhooks --loop`) until every order is final and
its webhook has arrived at a local receiver. Prints, per order, the delay from the provider's
final moment to the panel's (the final history row's timestamp) and to the webhook's arrival,
p50/p95/max, and the status checks per order, with the load average.

--schedule old runs the schedule main had (5, 10, 20 ... 120 s): base 5 s, no fast window,
gap = the order's age. The database is DATABASE_URL's, dropped and created fresh.
Goal (issue 8): p50 <= 1.5 s, p95 <= 4 s, median <= 12 checks per order.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "panel.settings")
os.environ.setdefault("DEBUG", "1")  # webhooks to 127.0.0.1 allowed
SCHEDULES = {
    "new": {},  # the settings' defaults
    "old": {"POLL_BASE_DELAY": "5", "POLL_FAST_SECONDS": "0", "POLL_BACKOFF_RATIO": "1"},
}
ARRIVALS: dict[str, float] = {}


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        order = json.loads(body)["order"]
        if order["final"]:
            ARRIVALS.setdefault(order["client_reference"], time.time())
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def fresh_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def line(name: str, values: list[float], unit: str = "s") -> str:
    return (
        f"{name:<28} p50 {statistics.median(values):6.2f} {unit}  p95 "
        f"{percentile(values, 0.95):6.2f} {unit}  max {max(values):6.2f} {unit}  (n={len(values)})"
    )


def note_provider_finals(state, references: list[str], provider_final: dict) -> None:
    """The wall-clock moment each order the worker's submitter has sent ends at the sandbox:
    its creation there plus its drawn final_after (the submit itself is queued, the outbox)."""
    for reference in references:
        record = state.orders.get(reference)
        if record is not None and reference not in provider_final:
            provider_final[reference] = (
                time.time() - (time.monotonic() - record.started) + record.final_after
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--schedule", choices=SCHEDULES, default="new")
    parser.add_argument("--timeout", type=float, default=420.0)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")
    fresh_database(os.environ["DATABASE_URL"])
    os.environ.update(SCHEDULES[args.schedule])

    import django

    from gateways.sandbox.testing import start_sandbox_thread

    sandbox = start_sandbox_thread(final_after=15.0, final_after_sigma=0.84)
    os.environ["NICTBD_BASE_URL"] = os.environ["TRUSTEDPAY_BASE_URL"] = sandbox.url
    django.setup()
    from decimal import Decimal

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from orders.api.webhooks import webhook_set_callback_url
    from orders.cashin.submit import cashin_submit
    from orders.models import CashInOrder, OrderStatus, StatusChange
    from tests.factories import ResellerFactory

    receiver = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    reseller = ResellerFactory(balance=Decimal("10000000"))
    webhook_set_callback_url(reseller=reseller, url=f"http://127.0.0.1:{receiver.server_port}/hook")
    env = {**os.environ, "LOG_LEVEL": "WARNING"}
    workers = [
        subprocess.Popen([sys.executable, "manage.py", *command], cwd=ROOT, env=env)
        for command in (["poll_orders", "--loop"], ["deliver_webhooks", "--loop", "--idle", "0.2"])
    ]
    state = sandbox._sandbox.state  # the sandbox's records: when each order ends
    provider_final: dict[str, float] = {}
    try:
        references = []
        for n in range(args.orders):
            digit = "0" if n % 2 else "9"  # both end successfull (sandbox digit table)
            order = cashin_submit(
                reseller=reseller, receiver_number=f"0171{n:06d}{digit}", amount="100",
                source="api",
            ).order  # fmt: skip
            references.append(order.client_reference)
        print(f"queued {args.orders} orders ({args.schedule} schedule); waiting for finals")
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:
            note_provider_finals(state, references, provider_final)
            open_left = CashInOrder.objects.exclude(status=OrderStatus.SUCCESS).count()
            if not open_left and len(ARRIVALS) >= args.orders:
                break
            time.sleep(0.2)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(10)
    finals = {
        h.order.client_reference: h.created_at.timestamp()
        for h in StatusChange.objects.filter(
            kind="status", to_status=OrderStatus.SUCCESS
        ).select_related("order")
    }
    to_panel = [finals[ref] - provider_final[ref] for ref in finals if ref in provider_final]
    to_hook = [ARRIVALS[ref] - provider_final[ref] for ref in ARRIVALS if ref in provider_final]
    checks = [state.orders[ref].status_checks for ref in provider_final]
    drawn = [record.final_after for record in state.orders.values()]
    print(f"provider final times: median {statistics.median(drawn):.1f} s, "
          f"p95 {percentile(drawn, 0.95):.1f} s")  # fmt: skip
    print(line("provider final -> panel", to_panel))
    if to_hook:
        print(line("provider final -> webhook", to_hook))
    print(f"{'status checks per order':<28} median {statistics.median(checks):.0f}  "
          f"p95 {percentile(checks, 0.95)}  max {max(checks)}")  # fmt: skip
    print(f"orders final {len(finals)}/{args.orders}, webhooks {len(to_hook)}/{args.orders}")
    print(f"load average after: {os.getloadavg()}")
    sandbox.stop()


if __name__ == "__main__":
    main()
