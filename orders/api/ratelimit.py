"""The API rate limit's count: API_RATE_LIMIT requests per key per fixed minute, one count for
every process and host.

With REDIS_URL set the count is the shared cache's atomic INCR. Otherwise it is one row per key
and window, moved by a single upsert in autocommit. Not the database cache: its incr reads and
writes in two transactions (concurrent requests lose counts) and counts the whole cache table
on every write, ten statements for one request.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from orders.models import ApiRateCount

WINDOW_SECONDS = 60


def count_request(key_id: int) -> int:
    """Count one request of this key; returns the requests in the current window so far."""
    window = int(time.time()) // WINDOW_SECONDS
    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        return _count_in_cache(key_id, window)
    return _count_in_database(key_id, window)


def seconds_left_in_window() -> int:
    return WINDOW_SECONDS - int(time.time()) % WINDOW_SECONDS


def _count_in_cache(key_id: int, window: int) -> int:
    bucket = f"api-rate:{key_id}:{window}"
    cache.add(bucket, 0, WINDOW_SECONDS + 5)
    try:
        return cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.set(bucket, 1, WINDOW_SECONDS + 5)
        return 1


def _count_in_database(key_id: int, window: int) -> int:
    table = connection.ops.quote_name(ApiRateCount._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key_id, period, count) VALUES (%s, %s, 1)"  # noqa: S608 (our table's name)
            f" ON CONFLICT (key_id, period) DO UPDATE SET count = {table}.count + 1"
            " RETURNING count",
            [key_id, window],
        )
        count = cursor.fetchone()[0]
    if count == 1:  # the key's first request this window: its older windows are done with
        ApiRateCount.objects.filter(key_id=key_id, period__lt=window).delete()
    return count
