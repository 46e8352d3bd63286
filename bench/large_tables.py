"""Page times on large tables: `DATABASE_URL=postgres://... python bench/large_tables.py`.

Creates the database if needed and migrates it, bulk-loads --rows Cash In orders (default
1,000,000) across --resellers resellers (default 1,000; one "big" reseller gets a tenth of all
orders) with one INSERT ... SELECT generate_series, then ANALYZE. A database that already holds
enough bench orders is reused (--reload to start again). Then, logged in through Django's test
Client, it fetches each page --runs times (default 20, after 2 warm-ups) and prints the median,
p95 time per page in ms, the part of it spent in SQL (median, p95) and the number of queries
per page. Target: < 100 ms a page.

Use a database of its own: the loaded rows are for timing only (balances are not backed by
ledger entries).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "panel.settings")
os.environ.setdefault("DEBUG", "1")  # static files through the finders; no collectstatic needed
os.environ.setdefault("LOG_LEVEL", "WARNING")

BIG_RESELLER = "bench-big"
STAFF = "bench-staff"
PASSWORD = "bench-password-not-for-production"  # noqa: S105
LOAD_BATCH = 250_000  # one INSERT ... SELECT per batch, each committed: a load can resume

# A month of orders, one every 2.5 s: mostly successful; only the newest 2,000 still open, plus
# one in 5,000 stuck for days (overdue) and one in 2,000 flagged.
LOAD_ORDERS_SQL = """
INSERT INTO orders_cashinorder (
    reseller_id, client_reference, receiver_number, amount, debit_amount, status, source,
    order_number, job_id, provider_status, job_status, transaction_status,
    operator_transaction_id, failure_reason, refund_order_number, created_at, submitted_at,
    completed_at, next_check_at, check_count, resubmit_count, last_error, needs_attention,
    attention_reason, last_submit_at
)
SELECT
    CASE WHEN g %% 10 = 0 THEN %(big)s ELSE %(first)s + (g %% %(spread)s) END,
    'BENCH-' || g,
    '01' || (3 + g %% 7) || lpad((g::bigint * 7919 %% 100000000)::text, 8, '0'),
    50 + (g %% 2000), 50 + (g %% 2000),
    s.status, 'panel',
    'NICT-' || g || '-261124-' || substr(md5(g::text), 1, 4), g,
    s.provider_status, '', '', '', '', '',
    t.at, t.at, CASE WHEN s.final THEN t.at + interval '40 seconds' END,
    CASE WHEN s.final THEN NULL ELSE now() END,
    3, 0, '', (g %% 2000 = 0), CASE WHEN g %% 2000 = 0 THEN 'bench flag' ELSE '' END, t.at
FROM generate_series(%(start)s, %(stop)s) AS g
CROSS JOIN LATERAL (SELECT now() - ((%(rows)s - g) * interval '2.5 seconds') AS at) AS t
CROSS JOIN LATERAL (
    SELECT * FROM (VALUES
        (0, 'success', 'successfull', true), (1, 'failed', 'failed', true),
        (2, 'refunded', 'refunded', true), (3, 'pending', 'manual_review', false),
        (4, 'submit_unknown', '', false), (5, 'pending', 'processing', false)
    ) AS v(k, status, provider_status, final)
    WHERE v.k = CASE
        WHEN g %% 5000 = 7 THEN 3  -- stuck for days: overdue, in the attention list
        WHEN g > %(rows)s - 2000 AND g %% 10 < 3 THEN 5  -- the newest orders are still open
        WHEN g > %(rows)s - 2000 AND g %% 10 = 3 THEN 4
        WHEN g %% 100 < 88 THEN 0 WHEN g %% 100 < 94 THEN 1 ELSE 2 END
) AS s
ON CONFLICT (client_reference) DO NOTHING
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--resellers", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--reload", action="store_true", help="delete bench orders and load again")
    return parser.parse_args()


def ensure_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql"}:
        raise SystemExit("DATABASE_URL must be a postgres:// URL")
    name = parsed.path.lstrip("/")
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def setup_django() -> None:
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    settings.DEBUG = False  # no query log kept in memory while timing
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)


def ensure_users(reseller_count: int):
    from django.contrib.auth import get_user_model
    from django.db import connection

    from orders.models import Reseller

    users = get_user_model()
    staff, _ = users.objects.get_or_create(
        username=STAFF, defaults={"is_staff": True, "is_superuser": True}
    )
    big_user, _ = users.objects.get_or_create(username=BIG_RESELLER)
    for user in (staff, big_user):
        user.set_password(PASSWORD)
        user.save()
    big, _ = Reseller.objects.get_or_create(user=big_user)
    missing = reseller_count - Reseller.objects.filter(user__username__startswith="bench-r").count()
    if missing > 0:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO auth_user (username, password, is_superuser, is_staff, is_active,
                    first_name, last_name, email, date_joined)
                SELECT 'bench-r' || g, '!', false, false, true, '', '', '', now()
                FROM generate_series(1, %s) AS g
                ON CONFLICT (username) DO NOTHING
                """,
                [reseller_count],
            )
            cursor.execute(
                """
                INSERT INTO orders_reseller (user_id, state, balance, webhook_secret,
                    callback_url, created_at)
                SELECT u.id, 'active', 0, '', '', now() FROM auth_user u
                WHERE u.username LIKE 'bench-r%'
                  AND NOT EXISTS (SELECT 1 FROM orders_reseller r WHERE r.user_id = u.id)
                """
            )
    first = Reseller.objects.filter(user__username__startswith="bench-r").order_by("pk").first()
    return staff, big, first.pk


def load_orders(rows: int, resellers: int, big_id: int, first_id: int, reload: bool) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        bench_rows = "FROM orders_cashinorder WHERE client_reference LIKE 'BENCH-%'"
        if reload:
            cursor.execute(f"DELETE {bench_rows}")
        cursor.execute(f"SELECT count(*) {bench_rows}")
        have = cursor.fetchone()[0]
        if have >= rows:
            print(f"reusing {have:,} bench orders")
            return
        started = time.perf_counter()
        for start in range(1, rows + 1, LOAD_BATCH):
            stop = min(start + LOAD_BATCH - 1, rows)
            if batch_loaded(cursor, start, stop):
                continue  # a resumed load: this batch made it last time
            params = {"big": big_id, "first": first_id, "spread": resellers}
            cursor.execute(LOAD_ORDERS_SQL, {**params, "start": start, "stop": stop, "rows": rows})
        # What autovacuum does in production: statistics, and a visibility map for
        # index-only counts.
        cursor.execute("VACUUM ANALYZE orders_cashinorder")
        print(f"loaded {rows - have:,} orders in {time.perf_counter() - started:.1f} s")


def batch_loaded(cursor, start: int, stop: int) -> bool:
    cursor.execute(
        "SELECT count(*) FROM orders_cashinorder WHERE client_reference IN (%s, %s)",
        [f"BENCH-{start}", f"BENCH-{stop}"],
    )
    return cursor.fetchone()[0] == 2


class QueryTimer:
    """Counts the SQL queries of a request and their total time (an execute wrapper)."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - started


def time_page(client, url: str, runs: int) -> tuple[list[float], list[float], int]:
    """Wall time of each GET and the part of it spent in the database, in ms."""
    from django.db import connection

    for _ in range(2):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
    wall, database = [], []
    for _ in range(runs):
        timer = QueryTimer()
        with connection.execute_wrapper(timer):
            started = time.perf_counter()
            client.get(url)
            wall.append((time.perf_counter() - started) * 1000)
        database.append(timer.seconds * 1000)
    return wall, database, timer.count


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]


def report(title: str, pages: dict[str, str], client, runs: int) -> None:
    print(f"\n{title}")
    print(f"{'page':<50} {'median':>7} {'p95':>7} {'db med':>7} {'db p95':>7} {'queries':>7}")
    for label, url in pages.items():
        wall, database, queries = time_page(client, url, runs)
        median = statistics.median(wall)
        mark = "" if median < 100 else "  <-- over 100 ms"
        print(
            f"{label:<50} {median:7.1f} {p95(wall):7.1f} {statistics.median(database):7.1f}"
            f" {p95(database):7.1f} {queries:7d}{mark}"
        )


def sample(big, rows: int) -> dict:
    """An order of the big reseller 5,000 rows deep, and one 40% into the table."""
    from orders.models import CashInOrder

    newest_first = CashInOrder.objects.order_by("-created_at", "-id")
    order = newest_first.filter(reseller=big)[min(5000, rows // 20)]
    return {"order": order, "middle": newest_first[rows * 2 // 5]}


def main() -> None:
    args = parse_args()
    url = os.environ.get("DATABASE_URL", "")
    ensure_database(url)
    setup_django()
    from django.test import Client

    from orders.selectors import encode_cursor

    staff, big, first_id = ensure_users(args.resellers)
    load_orders(args.rows, args.resellers, big.pk, first_id, args.reload)
    found = sample(big, args.rows)
    reseller_client, staff_client = Client(), Client()
    reseller_client.force_login(big.user, backend="django.contrib.auth.backends.ModelBackend")
    staff_client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")

    deep = encode_cursor(found["order"].created_at, found["order"].pk)
    report(
        f"Reseller pages, reseller with {big.orders.count():,} orders (GET /orders/...)",
        {
            "/orders/ first page": "/orders/",
            "/orders/ deep page (keyset cursor, 5,000 rows in)": f"/orders/?after={deep}",
            "/orders/?status=failed": "/orders/?status=failed",
            "/orders/?status=pending": "/orders/?status=pending",
            "/orders/?search=<order number>": f"/orders/?search={found['order'].order_number}",
            "/orders/?search=<receiver>": f"/orders/?search={found['order'].receiver_number}",
        },
        reseller_client,
        args.runs,
    )
    admin = "/admin/orders/cashinorder/"
    middle = found["middle"]
    report(
        "Admin order changelist (GET /admin/orders/cashinorder/...)",
        {
            "first page": admin,
            "page 50": f"{admin}?p=50",
            "status=pending": f"{admin}?status__exact=pending",
            "status=success (capped count)": f"{admin}?status__exact=success",
            "provider_status=manual_review": f"{admin}?provider_status=manual_review",
            "needs attention (flagged or overdue)": f"{admin}?attention=any",
            "flagged": f"{admin}?attention=flagged",
            "reseller=<username>": f"{admin}?reseller={big.user.username}",
            "search order number (40% into the table)": f"{admin}?q={middle.order_number}",
            "search client reference": f"{admin}?q={middle.client_reference}",
            "search receiver prefix (no index on receiver)": f"{admin}?q={middle.receiver_number}",
            "created today": f"{admin}?created_at__gte={today_param()}",
        },
        staff_client,
        args.runs,
    )


def today_param() -> str:
    from urllib.parse import quote

    from django.utils import timezone

    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return quote(str(midnight))


if __name__ == "__main__":
    main()
