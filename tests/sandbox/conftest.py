"""The sandbox over real HTTP: the session's sandbox server, reset around each test."""

import httpx
import pytest


@pytest.fixture
def sb(sandbox_server):
    sandbox_server.reset()
    yield sandbox_server
    sandbox_server.reset()


@pytest.fixture(scope="session")
def session_client(sandbox_server):
    # One client for the session: building one (its TLS context) costs more than a test.
    with httpx.Client(base_url=sandbox_server.url, timeout=5.0) as http:
        yield http


@pytest.fixture
def client(sb, session_client):
    return session_client
