"""The one aiohttp application serving both providers and the control endpoints."""

from __future__ import annotations

from aiohttp import web

from . import control, nictbd, trustedpay
from .config import SandboxConfig
from .responses import SANDBOX
from .state import Sandbox


def build_app(config: SandboxConfig) -> web.Application:
    app = web.Application()
    app[SANDBOX] = Sandbox(config)
    nictbd.add_routes(app.router)
    trustedpay.add_routes(app.router)
    control.add_routes(app.router)
    return app


async def start_site(
    app: web.Application, host: str, port: int, *, shutdown_timeout: float = 1.0
) -> tuple[web.AppRunner, int]:
    """Serve `app` on host:port (0: a free port); answers the runner and the port it got.

    No access log: a line per request would cost more than the answer itself.
    """
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=shutdown_timeout)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner, runner.addresses[0][1]
