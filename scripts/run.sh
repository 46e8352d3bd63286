#!/usr/bin/env bash
# Set up and run the panel on this machine: web server, django-q2 worker and the sandbox
# providers, on SQLite, with a demo reseller and staff user. Needs only Python 3.11+.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
PORT=${PORT:-8000}
SANDBOX_PORT=${SANDBOX_PORT:-8100}
# PYTHON_BIN: an interpreter with the panel installed, used instead of .venv (not created then).
# RUN_SKIP_INSTALL=1: no pip install (offline, or a restart with nothing new to install).
PY=${PYTHON_BIN:-.venv/bin/python}

if [ -z "${PYTHON_BIN:-}" ]; then
    [ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
fi
if [ "${RUN_SKIP_INSTALL:-0}" != 1 ]; then
    "$PY" -m pip install --quiet --upgrade pip
    "$PY" -m pip install --quiet -e .
fi

export DEBUG=${DEBUG:-1}
export NICTBD_BASE_URL=${NICTBD_BASE_URL:-http://127.0.0.1:$SANDBOX_PORT}
export TRUSTEDPAY_BASE_URL=${TRUSTEDPAY_BASE_URL:-http://127.0.0.1:$SANDBOX_PORT}
export SANDBOX_FINAL_AFTER=${SANDBOX_FINAL_AFTER:-20}

"$PY" manage.py migrate --noinput
"$PY" manage.py setup_demo

# Each child in a process group of its own (set -m), so one kill reaches it and all it forked
# (qcluster's sentinel and workers). Stopping sends each group SIGINT, as Ctrl-C would: SIGTERM
# to qcluster's whole group kills its sentinel under its main process, which then hangs
# (orders/polling/worker_stop.py). `wait` returns as soon as the children have exited (polling
# `kill -0` also saw exited children until bash reaped them); a watchdog SIGKILLs what is left
# after 5 s, and whatever outlives its group's leader goes at once.
set -m
pids=()
cleanup() {
    trap - EXIT INT TERM
    [ ${#pids[@]} -gt 0 ] || return 0
    for pid in "${pids[@]}"; do kill -INT -- "-$pid" 2>/dev/null || true; done
    (sleep 5; for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null; done) &
    local watchdog=$!
    wait "${pids[@]}" 2>/dev/null || true
    for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
    kill -- "-$watchdog" 2>/dev/null || true
    wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

"$PY" manage.py run_sandbox --port "$SANDBOX_PORT" &
pids+=($!)
"$PY" manage.py qcluster &
pids+=($!)

echo "Panel: http://127.0.0.1:$PORT/   admin: http://127.0.0.1:$PORT/admin/   sandbox: $NICTBD_BASE_URL"
"$PY" manage.py runserver "127.0.0.1:$PORT" &
pids+=($!)
wait "${pids[-1]}"
