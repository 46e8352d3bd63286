"""Money view on a large table: `DATABASE_URL=postgres://.../bench_db python bench/money_view.py`.

Bulk-loads --rows Cash In orders (default 300,000) over the last 30 days across 1,000 resellers
(one INSERT ... SELECT generate_series; reused when already loaded, --reload to start again),
then times orders.money.figures.money_figures for each period (median and max of --runs, after
one warm-up) and the whole staff page through Django's test Client, with its query count, and
prints the load average. Use a database of its own: the rows are for timing only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.large_tables import ensure_database, ensure_users, setup_django  # noqa: E402

LOAD_SQL = """
INSERT INTO orders_cashinorder (
    reseller_id, client_reference, receiver_number, amount, debit_amount, provider_debit_amount,
    status, source, provider_status, job_status, transaction_status, operator_transaction_id,
    provider_failure_reason, refund_order_number, created_at, completed_at, check_count,
    resubmit_count, last_error, needs_attention, attention_code, attention_params, failure_code,
    failure_params
)
SELECT
    %(first)s + (g %% 1000), 'MONEY-' || g, '017' || lpad(g::text, 8, '0'),
    50 + (g %% 2000), 50 + (g %% 2000), 50 + (g %% 2000) - 1,
    CASE WHEN g %% 10 = 0 THEN 'failed' WHEN g %% 97 = 0 THEN 'pending' ELSE 'success' END,
    'panel', '', '', '', '', '', '',
    now() - (g * interval '30 days' / %(rows)s), now() - (g * interval '30 days' / %(rows)s),
    1, 0, '', false, '', '{}', '', '{}'
FROM generate_series(1, %(rows)s) AS g
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reload", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    ensure_database(url)
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from orders.models import CashInOrder
    from orders.money.figures import PERIODS, money_figures

    staff, _, first = ensure_users(1000)
    loaded = CashInOrder.objects.filter(client_reference__startswith="MONEY-")
    if args.reload or loaded.count() != args.rows:
        loaded.delete()
        with connection.cursor() as cursor:
            cursor.execute(LOAD_SQL, {"first": first, "rows": args.rows})
            cursor.execute("ANALYZE orders_cashinorder")
    print(f"{args.rows:,} orders; figures per period (ms, median / max of {args.runs}):")
    for period in PERIODS:
        money_figures(period)
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            money_figures(period)
            times.append((time.perf_counter() - started) * 1000)
        print(f"  {period:>5}: {statistics.median(times):7.1f} / {max(times):7.1f}")
    client = Client()
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    for period in PERIODS:
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(reverse("admin:orders_money"), {"period": period})
            took = (time.perf_counter() - started) * 1000
        print(
            f"  page {period:>5}: {took:7.1f} ms, {len(queries)} queries, "
            f"HTTP {response.status_code}"
        )
    print("load average:", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
