"""Sandbox providers: NICTBD bKash Cash In and TrustedPay PayIn, imitated on one aiohttp server.

Run it with `manage.py run_sandbox` (default http://127.0.0.1:8100, the providers' default base
URL), or in tests with `testing.start_sandbox_thread(**config)`. The contract is the sandbox
spec: outcomes chosen by the last digit of the customer's number, statuses worked out from the
time since creation, fault switches and /_sandbox/* control endpoints.

    config.py      SandboxConfig, the knobs changed live
    timeline.py    status from elapsed time and last digit (pure functions)
    state.py       the in-memory records and counters
    responses.py   JSON in and out, the fault switches around every provider endpoint
    nictbd.py      /api/bkash-cash-in, /api/bkash-cash-in/status, /api/balance-check
    trustedpay.py  /api/v1/payins, /api/v1/payins/{external_id}, request signatures
    control.py     /_sandbox/stats, status-checks, config, reset, force, pay/{external_id}
    app.py         the application and its listening site
    testing.py     the sandbox in a background thread, for tests
"""
