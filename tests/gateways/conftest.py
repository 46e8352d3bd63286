"""Helpers for the gateway tests: they speak real HTTP to the sandbox (tests/conftest.py)."""

import socket
import time
import uuid

import pytest


@pytest.fixture
def cashin(sandbox):
    from gateways.registry import get_cashin_gateway

    return get_cashin_gateway()


@pytest.fixture
def payin(sandbox):
    from gateways.registry import get_payin_gateway

    return get_payin_gateway()


@pytest.fixture
def new_ref():
    """A fresh reference per call, so no test depends on another's orders."""

    def make(prefix="T"):
        return f"{prefix}-{uuid.uuid4().hex[:12]}"

    return make


def wait_until(read, done, timeout=5.0, step=0.05):
    """Call read() until done(result) holds; return that result (or fail after timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        result = read()
        if done(result):
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting; last answer: {result!r}")
        time.sleep(step)


@pytest.fixture
def closed_port_url():
    """A loopback URL nobody listens on: connecting is refused, nothing is sent."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
