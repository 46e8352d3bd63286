"""Settings come from the environment and a bad value stops the start with a clear message."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from panel.env import database_from_url, envbool, envdecimal, envfloat, envint

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("read", "raw", "words"),
    [
        (lambda: envbool("X_FLAG", False), "maybe", "not a boolean"),
        (lambda: envint("X_FLAG", 1, minimum=1), "0", "at least 1"),
        (lambda: envint("X_FLAG", 1), "ten", "not a whole number"),
        (lambda: envfloat("X_FLAG", 1.0), "fast", "not a number"),
        (lambda: envdecimal("X_FLAG", "1"), "lots", "not a decimal amount"),
        (lambda: envdecimal("X_FLAG", "1"), "-5", "positive amount"),
    ],
)
def test_bad_values_name_the_variable(monkeypatch, read, raw, words):
    monkeypatch.setenv("X_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match=f"X_FLAG.*{words}"):
        read()


def test_good_values_are_read(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert envbool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "30000.50")
    assert str(envdecimal("X_FLAG", "1")) == "30000.50"


def test_database_urls(tmp_path):
    postgres = database_from_url("postgres://app:s%40cret@db.example:6543/panel", tmp_path)
    assert postgres["ENGINE"] == "django.db.backends.postgresql"
    assert (postgres["USER"], postgres["PASSWORD"]) == ("app", "s@cret")
    assert (postgres["HOST"], postgres["PORT"], postgres["NAME"]) == ("db.example", "6543", "panel")
    assert database_from_url("sqlite:///db.sqlite3", tmp_path)["NAME"] == str(
        tmp_path / "db.sqlite3"
    )
    assert database_from_url("sqlite:////var/panel.db", tmp_path)["NAME"] == "/var/panel.db"
    with pytest.raises(ImproperlyConfigured, match="scheme 'mysql'"):
        database_from_url("mysql://x/y", tmp_path)
    with pytest.raises(ImproperlyConfigured, match="names no database"):
        database_from_url("postgres://localhost", tmp_path)


def test_the_panel_refuses_to_start_on_a_bad_setting():
    env = {**os.environ, "DEBUG": "1", "POLL_CONCURRENCY": "lots"}
    run = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert run.returncode != 0
    assert "POLL_CONCURRENCY='lots' is not a whole number" in run.stderr
