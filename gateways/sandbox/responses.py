"""What every provider endpoint shares: JSON in and out, and the fault switches.

A provider handler takes a `Call` and returns an `Answer` (status code and JSON bytes); the
`provider_endpoint` wrapper adds latency, random 500s and 429s, HTML error pages and cut-short
bodies around it, so handlers only model the provider. /_sandbox/* endpoints are not wrapped.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from aiohttp import web

from .state import Sandbox, SandboxState

SANDBOX = web.AppKey("sandbox", Sandbox)
JSON = "application/json"
HTML_500 = (
    "<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>\n"
    "<body><h1>500 Internal Server Error</h1><p>nginx</p></body></html>\n"
)


class Answer(NamedTuple):
    status: int
    body: bytes


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def answer(status: int, obj: Any) -> Answer:
    return Answer(status, dumps(obj))


THROTTLED = answer(429, {"message": "Too many requests. Slow down."})

# One decoder for every request: json.loads with options would build a new one each time.
DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=Decimal)


def parse_json(raw: bytes) -> dict[str, Any]:
    """The request body as a dict; anything else reads as no fields (and fails validation).

    Numbers with a fraction come back as Decimal, so money never passes through a float.
    """
    if not raw:
        return {}
    try:
        value = DECODER.decode(raw.decode())
    except (ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}


@dataclass(slots=True)
class Call:
    request: web.Request
    sandbox: Sandbox
    raw: bytes
    payload: dict[str, Any]

    @property
    def state(self) -> SandboxState:
        return self.sandbox.state


Handler = Callable[[Call], Awaitable[Answer]]
Hook = Callable[[Call], Answer | None]


def provider_endpoint(
    *, server_error: bytes, count: Callable[[Call], None] | None = None, auth: Hook | None = None
) -> Callable[[Handler], Callable[[web.Request], Awaitable[web.Response]]]:
    """Wrap a provider handler with the fault switches, request counting and authentication.

    Counting comes before the random 500 so the stats show every request that arrived.
    """

    def decorate(handler: Handler):
        async def endpoint(request: web.Request) -> web.Response:
            sandbox = request.app[SANDBOX]
            config = sandbox.config
            raw = await request.read()
            call = Call(request, sandbox, raw, parse_json(raw))
            if count is not None:
                count(call)
            if config.error_rate and sandbox.state.rng.random() < config.error_rate:
                result = Answer(500, server_error)
            elif config.throttle_rate and sandbox.state.rng.random() < config.throttle_rate:
                result = THROTTLED
            else:
                result = (auth and auth(call)) or await handler(call)
            if config.latency_ms:
                # The work is done, only the answer is late: a client that gives up meanwhile
                # faces a real unknown outcome (created, answer lost).
                await asyncio.sleep(config.latency_ms / 1000)
            return respond(sandbox, result)

        endpoint.__name__ = handler.__name__
        return endpoint

    return decorate


def respond(sandbox: Sandbox, result: Answer) -> web.Response:
    config = sandbox.config
    if result.status >= 500 and config.html_errors:
        return web.Response(status=result.status, text=HTML_500, content_type="text/html")
    body = result.body
    if (
        result.status in (200, 201)
        and config.malformed_rate
        and sandbox.state.rng.random() < config.malformed_rate
    ):
        body = body[: len(body) // 2]  # a body cut short, as by a dropped connection or proxy
    return web.Response(status=result.status, body=body, content_type=JSON)
