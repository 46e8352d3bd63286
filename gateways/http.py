"""The HTTP layer under both provider gateways: one request in, one classified outcome out.

Single calls (submit, one status check, balance) go through one reused `httpx.Client` per
gateway: keep-alive, explicit connect/read timeouts, no retries, no redirects. The poll
sweep's `status_many` goes through aiohttp, one `ClientSession` per sweep, because under
concurrency httpx's AsyncClient reached 5% of the ideal rate and aiohttp 86%
(shared/PERFORMANCE.md). Both paths hand the status code and the raw bytes to the same
`classify` and the same provider parser, so an answer means the same thing whichever path
fetched it.

Outcomes (callers never see httpx or aiohttp):
- NotSentError: nothing was sent (refused, DNS, connect timeout, no free pooled connection);
- OutcomeUnknownError: sent, result unknown (read/write timeout, reset or closed after
  sending, 5xx, 3xx, 429, a 2xx body that is not the documented JSON);
- NotFoundError: 404; RejectedError: any other 4xx, with per-field messages;
- ConfigurationError: missing or unusable base URL or credentials, nothing sent.

Every single call logs one line on the "gateways" logger: provider, method, path, our
reference, HTTP status, outcome, milliseconds. A batch (`send_many`, the poll sweep) logs each
failure the same way, each success at DEBUG, and one INFO line with the count of each outcome:
the per-check INFO line was a fifth of the sweep's CPU per check (bench/poll_sweep.py), and a
still-pending answer is recorded on the row anyway. Bodies and headers are never logged (they
carry the credentials); a mobile number is logged masked in the middle (017****5678).

aiohttp itself re-sends an idempotent request (GET: TrustedPay's status check) once when a
pooled keep-alive connection turns out closed (RFC 9112 9.3.1); a repeated read is harmless.
POSTs are never repeated by either library.

Neither client reads proxies or .netrc from the environment (trust_env=False): a provider call
goes where the settings say, and aiohttp's per-request environment lookup (run in a thread)
tripled the sweep's CPU cost per check.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import aiohttp
import httpx
from yarl import URL

from gateways.base import (
    MESSAGE_MAX_LENGTH,
    ConfigurationError,
    GatewayError,
    NotFoundError,
    NotSentError,
    OutcomeUnknownError,
    RejectedError,
)
from gateways.feed import KeyFeed
from gateways.wire import clean_text, json_safe, load_json, mask_number, mask_numbers_in

logger = logging.getLogger("gateways")

T = TypeVar("T")

JSON_HEADERS = {"Accept": "application/json", "Content-Type": "application/json"}

# Exceptions a provider parser raises when a field is missing or of the wrong type: the body is
# not the documented JSON, so the outcome is unknown.
_PARSE_ERRORS = (KeyError, TypeError, ValueError, ArithmeticError)


# --- What is sent and what came back --------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One request, built right before it is sent (TrustedPay's signature holds a timestamp)."""

    method: str
    path: str  # path and already-encoded query string, appended to the base URL
    reference: str  # our reference, for the log line
    body: bytes | None = None  # the exact bytes sent (and signed)
    headers: Mapping[str, str] = field(default_factory=dict)
    number: str = ""  # a mobile number, logged masked
    # Turns a generic rejection into a sharper one (NICTBD's "reference already taken").
    on_rejected: Callable[[RejectedError], GatewayError] | None = None


@dataclass(frozen=True)
class Answer:
    """A 2xx answer whose body is a JSON object."""

    status_code: int
    data: dict[str, Any]


def classify(provider: str, status: int, content: bytes) -> Answer:
    """The one place an HTTP status and body become an Answer or a GatewayError."""
    data = load_json(content)
    if 200 <= status < 300:
        if not isinstance(data, dict):
            raise OutcomeUnknownError(
                provider,
                "answer is not the documented JSON",
                status_code=status,
                body=json_safe(_preview(content)),
            )
        return Answer(status, data)
    body = json_safe(data if isinstance(data, dict) else _preview(content))
    message = error_message(data) or f"HTTP {status}"
    if status == 404:
        raise NotFoundError(provider, message, status_code=status, body=body)
    if status == 429:
        # Neither provider documents a 429. A throttle normally answers before the work, but
        # nothing says this one did: unknown, resolved by asking by our reference.
        raise OutcomeUnknownError(provider, message, status_code=status, body=body)
    if 400 <= status < 500:
        raise RejectedError(
            provider, message, field_errors=field_errors(data), status_code=status, body=body
        )
    # 5xx, and 1xx/3xx which these APIs never document: sent, result unknown.
    raise OutcomeUnknownError(provider, message, status_code=status, body=body)


def error_message(data: Any) -> str:
    """`message`, plus the inner error of TrustedPay's {"message","code","error":{..}} shape.

    Provider text, stored as the order's last error: NUL-free, at most MESSAGE_MAX_LENGTH.
    """
    if not isinstance(data, dict):
        return ""
    message = str(data.get("message") or "")
    inner = data.get("error")
    if isinstance(inner, dict):
        detail = ": ".join(str(inner[key]) for key in ("code", "message") if inner.get(key))
        if detail:
            message = f"{message} ({detail})" if message else detail
    return _provider_text(message)


def _provider_text(text: str) -> str:
    return clean_text(text[: 2 * MESSAGE_MAX_LENGTH])[:MESSAGE_MAX_LENGTH]


def field_errors(data: Any) -> dict[str, list[str]]:
    """Per-field messages of both providers' error bodies.

    NICTBD (Laravel): {"errors": {"field": ["message", ...]}}
    TrustedPay:       {"errors": [{"field": "paymentData.email", "message": "..."}]}
    """
    errors = data.get("errors") if isinstance(data, dict) else None
    found: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for name, messages in errors.items():
            if isinstance(messages, str):
                messages = [messages]
            if isinstance(messages, list):
                found[_provider_text(str(name))] = [
                    _provider_text(str(message)) for message in messages
                ]
    elif isinstance(errors, list):
        for item in errors:
            if isinstance(item, dict) and item.get("field"):
                found.setdefault(_provider_text(str(item["field"])), []).append(
                    _provider_text(str(item.get("message") or ""))
                )
    return found


# --- The log line -------------------------------------------------------------------------------


def _log(
    provider: str,
    call: Call,
    status: int | None,
    error: GatewayError | None,
    started: float,
    ok_level: int = logging.INFO,
) -> None:
    if error is None:
        level = ok_level
    elif isinstance(error, RejectedError | NotFoundError):
        level = logging.INFO
    else:
        level = logging.WARNING
    if not logger.isEnabledFor(level):
        return
    number = f" number={mask_number(call.number)}" if call.number else ""
    outcome = "ok" if error is None else type(error).__name__
    detail = "" if error is None else f" error={mask_numbers_in(error.message)[:200]!r}"
    logger.log(
        level,
        "%s %s %s ref=%s%s http=%s outcome=%s ms=%d%s",
        provider,
        call.method,
        call.path.split("?", 1)[0],
        call.reference,
        number,
        status if status is not None else "-",
        outcome,
        round((time.perf_counter() - started) * 1000),
        detail,
    )


def _log_batch(provider: str, method: str, results: dict[str, Any], started: float) -> None:
    """One line for a batch: how many requests, and how many ended in each outcome."""
    if not logger.isEnabledFor(logging.INFO):
        return
    outcomes = Counter(
        type(result).__name__ if isinstance(result, GatewayError) else "ok"
        for result in results.values()
    )
    logger.info(
        "%s %s batch of %d: %s ms=%d",
        provider,
        method,
        len(results),
        " ".join(f"{outcome}={count}" for outcome, count in sorted(outcomes.items())),
        round((time.perf_counter() - started) * 1000),
    )


def _preview(content: bytes) -> str:
    return content[:500].decode("utf-8", errors="replace")


def _parse(provider: str, parse: Callable[[Answer], T], answer: Answer) -> T:
    try:
        return parse(answer)
    except _PARSE_ERRORS as exc:
        raise OutcomeUnknownError(
            provider,
            "answer is not the documented JSON: " + _provider_text(f"{type(exc).__name__}: {exc}"),
            status_code=answer.status_code,
            body=json_safe(answer.data),
        ) from exc


def _classified(
    provider: str, call: Call, status: int, content: bytes, parse: Callable[[Answer], T]
) -> T:
    try:
        answer = classify(provider, status, content)
    except RejectedError as rejected:
        if call.on_rejected is None:
            raise
        raise call.on_rejected(rejected) from rejected
    return _parse(provider, parse, answer)


# --- Library exceptions -> gateway errors ------------------------------------------------------


def _from_httpx(provider: str, exc: httpx.HTTPError) -> GatewayError:
    name = f"{type(exc).__name__}: {exc}"
    # Connect stage (TCP, DNS, proxy CONNECT) or waiting for a pooled connection: not sent.
    if isinstance(
        exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout | httpx.ProxyError
    ):
        return NotSentError(provider, name)
    if isinstance(exc, httpx.UnsupportedProtocol):
        return ConfigurationError(provider, name)
    if isinstance(exc, httpx.LocalProtocolError):  # refused by httpx before sending
        return NotSentError(provider, name)
    # ReadTimeout, WriteTimeout, ReadError, WriteError, RemoteProtocolError, DecodingError...
    return OutcomeUnknownError(provider, name)


def _from_aiohttp(provider: str, exc: Exception) -> GatewayError:
    name = f"{type(exc).__name__}: {exc}"
    # ConnectionTimeoutError: sock_connect expired. ClientConnectorError: refused, DNS, TLS, proxy.
    if isinstance(exc, aiohttp.ConnectionTimeoutError | aiohttp.ClientConnectorError):
        return NotSentError(provider, name)
    if isinstance(exc, aiohttp.InvalidURL):
        return ConfigurationError(provider, name)
    # SocketTimeoutError (sock_read), ServerDisconnectedError, ClientOSError, payload errors...
    return OutcomeUnknownError(provider, name)


def base_url_problem(base_url: str | None) -> str | None:
    if not base_url:
        return "base URL is not configured"
    try:
        url = httpx.URL(base_url)
    except httpx.InvalidURL:
        url = None
    if url is None or url.scheme not in ("http", "https") or not url.host:
        return "base URL must be an absolute http(s) URL"
    return None


# --- The client ---------------------------------------------------------------------------------


class ProviderHttp:
    """HTTP to one provider: `send` (sync, httpx) and `send_many` (async, aiohttp)."""

    def __init__(
        self,
        *,
        provider: str,
        base_url: str,
        connect_timeout: float,
        read_timeout: float,
        config_error: str | None = None,
    ):
        self.provider = provider
        self.base_url = (base_url or "").rstrip("/")
        self.connect_timeout = float(connect_timeout)
        self.read_timeout = float(read_timeout)
        self.config_error = base_url_problem(base_url) or config_error
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()

    def _sync_client(self) -> httpx.Client:
        client = self._client
        if client is None:
            with self._lock:
                if self._client is None:
                    self._client = httpx.Client(
                        timeout=httpx.Timeout(
                            connect=self.connect_timeout,
                            read=self.read_timeout,
                            write=self.read_timeout,
                            pool=self.connect_timeout,
                        ),
                        transport=httpx.HTTPTransport(retries=0),  # not even a connect attempt
                        follow_redirects=False,
                        trust_env=False,  # see the module docstring
                    )
                client = self._client
        return client

    def close(self) -> None:
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()

    def _configuration_error(self) -> ConfigurationError:
        return ConfigurationError(self.provider, self.config_error or "not configured")

    def send(self, call: Call, parse: Callable[[Answer], T]) -> T:
        started = time.perf_counter()
        status: int | None = None
        try:
            if self.config_error:
                raise self._configuration_error()
            try:
                response = self._sync_client().request(
                    call.method, self.base_url + call.path, content=call.body, headers=call.headers
                )
            except httpx.HTTPError as exc:
                raise _from_httpx(self.provider, exc) from exc
            status = response.status_code
            result = _classified(self.provider, call, status, response.content, parse)
        except GatewayError as error:
            _log(self.provider, call, status, error, started)
            raise
        _log(self.provider, call, status, None, started)
        return result

    async def send_many(
        self,
        keys: Iterable[str] | KeyFeed,
        prepare: Callable[[str], tuple[Call, Callable[[Answer], T]]],
        concurrency: int,
        timings: dict[str, float] | None = None,
    ) -> dict[str, T | GatewayError]:
        """One request per distinct key, at most `concurrency` at a time, over one session.

        `prepare(key)` is called right before that key's request is sent. Returns
        {key: parsed result or the GatewayError}; never raises a GatewayError. Logs each
        failure, each success at DEBUG, and one summary line. `timings`, when given, gets
        each key's seconds on the wire (for the caller's health figures). `keys` may be a
        KeyFeed (gateways.feed): keys then arrive while the calls run, until it is closed,
        and each result is also delivered to it as soon as it comes.
        """
        feed = keys if isinstance(keys, KeyFeed) else None
        unique = [] if feed else list(dict.fromkeys(keys))
        results: dict[str, T | GatewayError] = {}
        if not unique and not feed:
            return results
        workers = max(1, min(int(concurrency), len(unique))) if not feed else max(1, concurrency)
        timeout = aiohttp.ClientTimeout(
            total=None, connect=None, sock_connect=self.connect_timeout, sock_read=self.read_timeout
        )
        connector = aiohttp.TCPConnector(limit=workers)
        todo = iter(unique)  # shared by the workers; next() never awaits, so no lock
        started, method = time.perf_counter(), ""

        async def next_key() -> str | None:
            if feed:
                return await feed.get()
            return next(todo, None)

        async with aiohttp.ClientSession(
            connector=connector, timeout=timeout, trust_env=False
        ) as session:

            async def worker() -> None:
                nonlocal method
                while (key := await next_key()) is not None:
                    if key in results:  # a feed may repeat a key; one request per key
                        continue
                    call, parse = prepare(key)
                    method = call.method
                    sent = time.perf_counter()
                    if self.config_error:
                        results[key] = self._configuration_error()
                        _log(self.provider, call, None, results[key], sent)
                    else:
                        results[key] = await self._send_async(session, call, parse)
                    if timings is not None and not self.config_error:
                        timings[key] = time.perf_counter() - sent
                    if feed:
                        feed.deliver(key, results[key])

            await asyncio.gather(*(worker() for _ in range(workers)))
        if results:
            _log_batch(self.provider, method, results, started)
        return results

    async def _send_async(
        self, session: aiohttp.ClientSession, call: Call, parse: Callable[[Answer], T]
    ) -> T | GatewayError:
        started = time.perf_counter()
        status: int | None = None
        try:
            try:
                async with session.request(
                    call.method,
                    URL(self.base_url + call.path, encoded=True),
                    data=call.body,
                    headers=call.headers,
                    allow_redirects=False,
                ) as response:
                    status = response.status
                    content = await response.read()
            except (TimeoutError, aiohttp.ClientError) as exc:
                raise _from_aiohttp(self.provider, exc) from exc
            result = _classified(self.provider, call, status, content, parse)
        except GatewayError as error:
            _log(self.provider, call, status, error, started)
            return error
        _log(self.provider, call, status, None, started, ok_level=logging.DEBUG)
        return result
