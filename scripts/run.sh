#!/usr/bin/env bash
# Set up and run the panel on this machine: web server, django-q2 worker and the sandbox
# providers, on SQLite, with a demo reseller and staff user. Needs only Python 3.11+.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
PORT=${PORT:-8000}
SANDBOX_PORT=${SANDBOX_PORT:-8100}

[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .

export DEBUG=${DEBUG:-1}
export NICTBD_BASE_URL=${NICTBD_BASE_URL:-http://127.0.0.1:$SANDBOX_PORT}
export TRUSTEDPAY_BASE_URL=${TRUSTEDPAY_BASE_URL:-http://127.0.0.1:$SANDBOX_PORT}
export SANDBOX_FINAL_AFTER=${SANDBOX_FINAL_AFTER:-20}

.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py setup_demo

# Each child in a process group of its own (set -m), so one kill reaches it and all it forked
# (qcluster's sentinel and workers); SIGTERM first, SIGKILL for whatever is left after 5 s.
set -m
pids=()
cleanup() {
    trap - EXIT INT TERM
    for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
    for _ in $(seq 50); do
        alive=0
        for pid in "${pids[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
        [ "$alive" = 0 ] && break
        sleep 0.1
    done
    for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

.venv/bin/python manage.py run_sandbox --port "$SANDBOX_PORT" &
pids+=($!)
.venv/bin/python manage.py qcluster &
pids+=($!)

echo "Panel: http://127.0.0.1:$PORT/   admin: http://127.0.0.1:$PORT/admin/   sandbox: $NICTBD_BASE_URL"
.venv/bin/python manage.py runserver "127.0.0.1:$PORT" &
pids+=($!)
wait "${pids[-1]}"
