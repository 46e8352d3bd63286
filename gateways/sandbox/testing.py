"""The sandbox in a background thread, for tests: `start_sandbox_thread(**config)`.

The server runs on its own event loop in a daemon thread, on a free 127.0.0.1 port. Every
method of RunningSandbox runs its work on that loop, so the state is only ever touched there.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from . import control
from .app import build_app, start_site
from .config import SandboxConfig
from .responses import SANDBOX
from .state import Sandbox

T = TypeVar("T")
START_TIMEOUT = 10.0
CALL_TIMEOUT = 10.0


class RunningSandbox:
    def __init__(self, thread: threading.Thread, ready: dict[str, Any]) -> None:
        self._thread = thread
        self._loop: asyncio.AbstractEventLoop = ready["loop"]
        self._stop_event: asyncio.Event = ready["stop"]
        self._sandbox: Sandbox = ready["sandbox"]
        self.port: int = ready["port"]
        self.url = f"http://127.0.0.1:{self.port}"

    def __repr__(self) -> str:
        return f"<RunningSandbox {self.url}>"

    def _run(self, work: Callable[[], T]) -> T:
        async def call() -> T:
            return work()

        return asyncio.run_coroutine_threadsafe(call(), self._loop).result(CALL_TIMEOUT)

    def stop(self) -> None:
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop_event.set)
            self._thread.join(START_TIMEOUT)

    def reset(self) -> None:
        """Forget every order and payin, and restore the config the sandbox started with."""
        self._run(self._sandbox.reset)

    def configure(self, **changes: Any) -> dict[str, Any]:
        """Change config fields live (ValueError on an unknown field or bad value)."""

        def change() -> dict[str, Any]:
            self._sandbox.config.update(changes)
            return self._sandbox.config.as_dict()

        return self._run(change)

    def stats(self) -> dict[str, Any]:
        return self._run(self._sandbox.state.stats)

    def status_checks_by_reference(self) -> dict[str, int]:
        return self._run(self._sandbox.state.status_checks_by_reference)

    def force(self, reference: str, status: str) -> dict[str, Any]:
        """Set the status of the cash-in order (by client_reference) or else the payin
        (by external_id) under `reference`; answers its status body as the provider sends it."""

        def force() -> bytes:
            kind = "client_reference" if reference in self._sandbox.state.orders else "external_id"
            return control.force_record(self._sandbox, self.url, kind, reference, status)

        return json.loads(self._run(force), parse_float=Decimal)


def start_sandbox_thread(**config: Any) -> RunningSandbox:
    """Start the sandbox with these config fields (see SandboxConfig) and wait until it serves."""
    settings = SandboxConfig(**config)
    ready: dict[str, Any] = {}
    started = threading.Event()
    thread = threading.Thread(
        target=lambda: asyncio.run(_serve(settings, ready, started)),
        name="sandbox-providers",
        daemon=True,
    )
    thread.start()
    if not started.wait(START_TIMEOUT):
        raise RuntimeError("the sandbox did not start in time")
    if "error" in ready:
        thread.join(START_TIMEOUT)
        raise ready["error"]
    return RunningSandbox(thread, ready)


async def _serve(config: SandboxConfig, ready: dict[str, Any], started: threading.Event) -> None:
    try:
        app = build_app(config)
        runner, port = await start_site(app, "127.0.0.1", 0, shutdown_timeout=0.1)
    except Exception as exc:
        ready["error"] = exc
        started.set()
        return
    stop = asyncio.Event()
    ready.update(loop=asyncio.get_running_loop(), stop=stop, sandbox=app[SANDBOX], port=port)
    started.set()
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
