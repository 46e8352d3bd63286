"""The poll sweep's status_many over aiohttp: one session, bounded concurrency, mixed outcomes."""

import asyncio
import time
from decimal import Decimal

import aiohttp
import pytest

from gateways.base import (
    CashInRequest,
    CashInResult,
    NotFoundError,
    OutcomeUnknownError,
    PayInRequest,
    PayInResult,
    Status,
    WalletProvider,
)

CASHIN_OUTCOMES = {
    "0": Status.SUCCESS,
    "1": Status.FAILED,
    "2": Status.REFUNDED,
    "3": Status.PENDING,  # manual_review, never final
    "9": Status.SUCCESS,
}


def test_cashin_status_many_mixed_outcomes(cashin, sandbox, new_ref):
    expected = {}
    for i in range(250):
        digit = "01239"[i % 5]
        ref = new_ref(f"C{i}")
        cashin.submit(CashInRequest(f"0171234567{digit}", Decimal("100.00"), ref))
        expected[ref] = CASHIN_OUTCOMES[digit]
    flaky = new_ref("FLAKY")  # its first two status checks answer 500
    cashin.submit(CashInRequest("01712345675", Decimal("100.00"), flaky))
    missing = [new_ref("MISSING") for _ in range(50)]
    time.sleep(0.7)  # past final_after (0.6 s)

    references = [*expected, flaky, *missing]
    results = asyncio.run(cashin.status_many(references, 25))

    assert set(results) == set(references)
    for ref, status in expected.items():
        result = results[ref]
        assert isinstance(result, CashInResult), (ref, result)
        assert result.client_reference == ref
        assert result.status is status
        assert result.amount == Decimal("100.00")
    assert isinstance(results[flaky], OutcomeUnknownError)
    assert results[flaky].status_code == 500
    assert all(type(results[ref]) is NotFoundError for ref in missing)
    assert sandbox.stats()["cashin_status_checks"] == len(references)


def test_payin_status_many_mixed_outcomes(payin, sandbox, new_ref):
    outcomes = {"0": Status.SUCCESS, "1": Status.FAILED, "2": Status.EXPIRED, "4": Status.CANCELED}
    outcomes["5"] = Status.PENDING
    expected = {}
    for i in range(200):
        digit = "01245"[i % 5]
        external_id = new_ref(f"P{i}")
        payin.submit(
            PayInRequest(
                external_id=external_id,
                amount=Decimal("250.00"),
                wallet_provider=WalletProvider.NAGAD,
                mobile_number=f"0181234567{digit}",
                email="a@b.c",
                customer_name="Customer",
            )
        )
        expected[external_id] = outcomes[digit]
    missing = [new_ref("MISSING") for _ in range(20)]
    time.sleep(0.7)

    results = asyncio.run(payin.status_many([*expected, *missing], 30))

    for external_id, status in expected.items():
        result = results[external_id]
        assert isinstance(result, PayInResult), (external_id, result)
        assert result.status is status
        assert result.amount == Decimal("250")
    assert all(type(results[ref]) is NotFoundError for ref in missing)


def test_status_many_under_faults_gives_every_reference_an_error(cashin, sandbox, new_ref):
    refs = [new_ref() for _ in range(40)]
    for ref in refs[:20]:
        cashin.submit(CashInRequest("01712345670", Decimal("50.00"), ref))
    sandbox.configure(malformed_rate=1.0)
    results = asyncio.run(cashin.status_many(refs, 10))
    assert all(type(results[ref]) is OutcomeUnknownError for ref in refs[:20])
    assert all(type(results[ref]) is NotFoundError for ref in refs[20:])
    sandbox.configure(malformed_rate=0.0, error_rate=1.0, html_errors=True)
    results = asyncio.run(cashin.status_many(refs, 10))
    assert all(isinstance(results[ref], OutcomeUnknownError) for ref in refs)
    assert {results[ref].status_code for ref in refs} == {500}


def test_status_many_read_timeout_is_unknown(payin, sandbox, new_ref):
    sandbox.configure(latency_ms=1500)  # the test read timeout is 1 s
    refs = [new_ref("PIN") for _ in range(3)]
    started = time.monotonic()
    results = asyncio.run(payin.status_many(refs, 3))
    assert all(type(results[ref]) is OutcomeUnknownError for ref in refs)
    assert time.monotonic() - started < 2.5  # side by side, not one after another (3 s)


def test_one_session_and_bounded_connections_for_thousands_of_references(
    cashin, sandbox, new_ref, monkeypatch
):
    sessions, limits = [], []
    real_session, real_connector = aiohttp.ClientSession, aiohttp.TCPConnector

    def session(*args, **kwargs):
        sessions.append(1)
        return real_session(*args, **kwargs)

    def connector(*args, **kwargs):
        limits.append(kwargs.get("limit"))
        return real_connector(*args, **kwargs)

    monkeypatch.setattr(aiohttp, "ClientSession", session)
    monkeypatch.setattr(aiohttp, "TCPConnector", connector)
    known = new_ref()
    cashin.submit(CashInRequest("01712345670", Decimal("50.00"), known))
    refs = [known, *(new_ref() for _ in range(3000)), known]  # a duplicate is asked once

    started = time.monotonic()
    results = asyncio.run(cashin.status_many(refs, 100))
    elapsed = time.monotonic() - started

    assert len(results) == 3001
    assert isinstance(results[known], CashInResult)
    assert sum(type(r) is NotFoundError for r in results.values()) == 3000
    assert sessions == [1] and limits == [100]
    assert sandbox.stats()["cashin_status_checks"] == 3001
    assert elapsed < 30, f"{elapsed:.1f}s for 3,001 checks"


def test_empty_input_sends_nothing(cashin, sandbox):
    assert asyncio.run(cashin.status_many([], 10)) == {}
    assert sandbox.stats()["cashin_status_checks"] == 0


@pytest.mark.parametrize("concurrency", [0, 1])
def test_concurrency_below_one_still_asks(cashin, new_ref, concurrency):
    refs = [new_ref(), new_ref()]
    results = asyncio.run(cashin.status_many(refs, concurrency))
    assert all(type(results[ref]) is NotFoundError for ref in refs)
