"""`manage.py run_sandbox` as a real subprocess."""

import os
import re
import selectors
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[2]
URL_LINE = re.compile(r"Sandbox providers on (http://127\.0\.0\.1:\d+)")


def read_line(process: subprocess.Popen, timeout: float) -> str:
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            return ""
    return process.stdout.readline()


@pytest.fixture
def run_sandbox():
    started = []

    def start(*args: str, **env: str) -> tuple[subprocess.Popen, str]:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "run_sandbox", "--port", "0", *args],
            cwd=ROOT,
            env={**os.environ, "DEBUG": "1", **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        started.append(process)
        line = read_line(process, timeout=20)
        match = URL_LINE.match(line)
        assert match, f"unexpected first line {line!r}"
        return process, match.group(1)

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()


def test_run_sandbox_serves_until_sigterm(run_sandbox):
    process, url = run_sandbox("--final-after", "1")

    with httpx.Client(base_url=url) as http:
        response = http.post("/api/balance-check")
    process.send_signal(signal.SIGTERM)
    returncode = process.wait(timeout=10)

    assert response.status_code == 200
    assert response.json()["balance"] == "2835.60"
    assert returncode == 0
    assert "Sandbox stopped." in process.stdout.read()


def test_run_sandbox_reads_its_defaults_and_credentials_from_the_environment(run_sandbox):
    process, url = run_sandbox(
        SANDBOX_FINAL_AFTER="3",
        SANDBOX_LATENCY_MS="5",
        SANDBOX_ERROR_RATE="1",
        SANDBOX_HTML_ERRORS="1",
        SANDBOX_SUBMIT_HANG_SECONDS="4",
        NICTBD_API_KEY="pk_live_env",
    )

    with httpx.Client(base_url=url) as http:
        config = http.get("/_sandbox/config").json()
        broken = http.post("/api/balance-check")
    process.send_signal(signal.SIGINT)
    process.wait(timeout=10)

    assert config["final_after"] == 3.0
    assert config["latency_ms"] == 5.0
    assert config["submit_hang_seconds"] == 4.0
    assert config["nictbd_api_key"] == "pk_live_env"
    assert broken.status_code == 500
    assert broken.headers["content-type"].startswith("text/html")


def test_run_sandbox_refuses_a_bad_rate():
    with pytest.raises(CommandError, match="error_rate"):
        call_command("run_sandbox", "--port", "0", "--error-rate", "2")


def test_run_sandbox_reads_the_lying_and_hostile_modes_from_flags_and_the_environment(
    run_sandbox,
):
    process, url = run_sandbox(
        "--trustedpay-create-claims",
        "success",
        SANDBOX_NICTBD_SUBMIT_CLAIMS="failed",
        SANDBOX_HOSTILE_FIELDS="1",
        SANDBOX_NICTBD_MISREPORTS="1",
    )

    with httpx.Client(base_url=url) as http:
        config = http.get("/_sandbox/config").json()
    process.send_signal(signal.SIGINT)
    process.wait(timeout=10)

    assert config["nictbd_submit_claims"] == "failed"
    assert config["trustedpay_create_claims"] == "success"
    assert config["hostile_fields"] is True
    assert config["nictbd_misreports"] is True


def test_run_sandbox_refuses_a_claim_the_provider_never_makes():
    with pytest.raises(CommandError, match="nictbd_submit_claims"):
        call_command("run_sandbox", "--port", "0", "--nictbd-submit-claims", "success")
