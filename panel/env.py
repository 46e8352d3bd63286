"""Read settings from the environment, failing loudly on a bad value."""

import ipaddress
import os
from decimal import Decimal, InvalidOperation
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no)")


def envint(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}")
    return value


def envfloat(name: str, default: float, minimum: float = 0.0) -> float:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}")
    return value


def envdecimal(name: str, default: str) -> Decimal:
    raw = os.environ.get(name, default)
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a decimal amount") from None
    if not value.is_finite() or value < 0:
        raise ImproperlyConfigured(f"{name}={raw!r} must be a positive amount")
    return value


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envnetworks(name: str, default: str) -> tuple:
    """Comma-separated IP addresses or CIDR networks (`10.0.0.5, 172.16.0.0/12`)."""
    networks = []
    for item in envlist(name, default):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {item!r} is not an IP address or CIDR network (e.g. 10.0.0.0/8)"
            ) from None
    return tuple(networks)


def database_from_url(url: str, base_dir) -> dict:
    """Translate DATABASE_URL (postgres://user:pass@host:port/name or sqlite:///path) to Django."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        # sqlite:///relative/path and sqlite:////absolute/path
        path = unquote(parsed.path)[1:]
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path if os.path.isabs(path) else str(base_dir / path),
            "OPTIONS": {"timeout": 30, "transaction_mode": "IMMEDIATE"},
        }
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parsed.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured(f"DATABASE_URL {url!r} names no database")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            **postgres_connections(),
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL scheme {parsed.scheme!r} is not supported (use postgres:// or sqlite:///)"
    )


def cache_from_url(redis_url: str) -> dict:
    """The cache shared by every process: Redis when REDIS_URL is set, else the database."""
    if redis_url:
        if urlparse(redis_url).scheme not in {"redis", "rediss", "unix"}:
            raise ImproperlyConfigured(f"REDIS_URL {redis_url!r} is not a redis:// URL")
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    return {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": CACHE_TABLE,
        # Culling at Django's default 300 entries would drop live rate-limit counters.
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }


CACHE_TABLE = "panel_cache"


def postgres_connections() -> dict:
    """A psycopg pool per process (DB_POOL_MAX_SIZE connections, at most) so no server mode, not
    even runserver's thread per request, can run PostgreSQL out of connections; DB_POOL=0 opens
    one connection per request instead (CONN_MAX_AGE=0: nothing left behind by a finished thread),
    the default: the pool does not survive django-q2's forked workers (qcluster)."""
    if not envbool("DB_POOL", False):
        return {"CONN_MAX_AGE": 0}
    pool = {
        "min_size": envint("DB_POOL_MIN_SIZE", 0, minimum=0),
        "max_size": envint("DB_POOL_MAX_SIZE", 4, minimum=1),
        "timeout": envfloat("DB_POOL_TIMEOUT", 10.0, minimum=0.1),  # waiting for a free one
    }
    return {"CONN_MAX_AGE": 0, "OPTIONS": {"pool": pool}}
