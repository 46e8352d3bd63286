"""The production layout for bench/brownout.py and bench/api_throughput.py: a fresh database,
gunicorn with docker-compose.yml's flags (DEBUG=0, DB_POOL=1, collected static files), the
sandbox and the worker as subprocesses, and a reseller with an API key made through the ORM."""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

import httpx

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-7731"
URL_LINE = re.compile(r"(http://127\.0\.0\.1:\d+)")


def compose_gunicorn_flags() -> list[str]:
    """The web service's gunicorn flags from docker-compose.yml, without its --bind."""
    text = (ROOT / "docker-compose.yml").read_text()
    command = re.search(r"gunicorn panel\.wsgi:application(.*?)\"", text, re.S).group(1)
    flags = shlex.split(command.replace("\n", " "))
    bind = flags.index("--bind")
    return flags[:bind] + flags[bind + 2 :]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def production_env(**extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "API_RATE_LIMIT": "10000000",
        "LOG_LEVEL": "WARNING",
    }
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def setup_reseller(env: dict[str, str], username: str = "bench") -> str:
    """A reseller (2FA off, limits out of the way) with a large balance; returns its API key."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "panel.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
    from orders.api.keys import api_key_create
    from orders.wallet.resellers import reseller_create

    reseller = reseller_create(
        username=username, password=PASSWORD, opening_balance=Decimal("100000000")
    )
    reseller.max_amount = Decimal("30000")
    reseller.daily_limit = Decimal("1000000000")
    reseller.save(update_fields=["max_amount", "daily_limit"])
    plaintext, _ = api_key_create(reseller=reseller, name="bench")
    from django.db import connections

    connections.close_all()
    return plaintext


def start_sandbox(env: dict[str, str], log) -> tuple[subprocess.Popen, str]:
    command = [sys.executable, "manage.py", "run_sandbox", "--port", "0", "--final-after", "20",
               "--latency-ms", "0", "--error-rate", "0", "--malformed-rate", "0"]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=log, text=True
    )
    for line in process.stdout:
        if match := URL_LINE.search(line):
            return process, match.group(1)
    raise SystemExit(f"run_sandbox exited ({process.wait()}) before printing its URL")


def start_gunicorn(env: dict[str, str], log) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [str(Path(sys.executable).parent / "gunicorn"), "panel.wsgi:application",
               "--bind", f"127.0.0.1:{port}", *compose_gunicorn_flags()]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env={**env, "DB_POOL": "1"}, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/login/", timeout=2)
            return process, url
        except httpx.TransportError:
            if process.poll() is not None:
                raise SystemExit("gunicorn exited before answering") from None
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer within 30 s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]
