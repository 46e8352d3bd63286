"""gateways.http and gateways.wire: classification on raw sockets, JSON money, the log line."""

import asyncio
import logging
import socket
import threading
from decimal import Decimal

import pytest

from gateways.base import (
    CashInRequest,
    NotFoundError,
    OutcomeUnknownError,
    PayInRequest,
    RejectedError,
    WalletProvider,
)
from gateways.http import classify, error_message, field_errors
from gateways.nictbd import NictbdGateway
from gateways.registry import get_cashin_gateway, get_payin_gateway, reset_gateways
from gateways.wire import dumps_json, mask_number, mask_numbers_in

# --- Error bodies and classification ------------------------------------------------------------


def test_field_errors_of_all_three_error_shapes():
    nictbd = {"success": False, "message": "Validation error", "errors": {"amount": ["a", "b"]}}
    assert field_errors(nictbd) == {"amount": ["a", "b"]}
    trustedpay = {
        "message": "Invalid paymentData",
        "errors": [
            {"field": "paymentData.email", "message": "bad email"},
            {"field": "paymentData.email", "message": "too long"},
            {"field": "paymentData.mobile_number", "message": "bad number"},
        ],
    }
    assert field_errors(trustedpay) == {
        "paymentData.email": ["bad email", "too long"],
        "paymentData.mobile_number": ["bad number"],
    }
    coded = {
        "message": "Unauthenticated.",
        "code": "unauthorized",
        "error": {"code": "x", "message": "y"},
    }
    assert field_errors(coded) == {}
    assert error_message(coded) == "Unauthenticated. (x: y)"


@pytest.mark.parametrize(
    ("status", "content", "error"),
    [
        (404, b'{"message": "gone"}', NotFoundError),
        (422, b'{"message": "no", "errors": {"f": ["m"]}}', RejectedError),
        (401, b"<html>nope</html>", RejectedError),
        (500, b'{"message": "x"}', OutcomeUnknownError),
        (502, b"<html>bad gateway</html>", OutcomeUnknownError),
        (302, b"", OutcomeUnknownError),
        (200, b'{"truncated": ', OutcomeUnknownError),
        (200, b"[1, 2]", OutcomeUnknownError),
        (200, b"<html>", OutcomeUnknownError),
        (200, b'{"amount": NaN}', OutcomeUnknownError),
    ],
)
def test_classify(status, content, error):
    with pytest.raises(error) as caught:
        classify("p", status, content)
    assert type(caught.value) is error
    assert caught.value.status_code == status


def test_classify_a_json_object_keeps_decimals():
    answer = classify("p", 201, b'{"amount": 5000.10}')
    assert answer.status_code == 201 and answer.data == {"amount": Decimal("5000.10")}


# --- JSON money and masks ------------------------------------------------------------------------


def test_decimals_are_written_digit_for_digit():
    body = {"amount": Decimal("500.00"), "n": [1, None, True], "s": "ক"}
    assert dumps_json(body) == b'{"amount":500.00,"n":[1,null,true],"s":"\\u0995"}'
    assert dumps_json({"a": Decimal("0.10")}) == b'{"a":0.10}'
    with pytest.raises(TypeError):
        dumps_json({"amount": 500.0})
    with pytest.raises(ValueError):
        dumps_json({"amount": Decimal("NaN")})


def test_masks():
    assert mask_number("01712345678") == "017****5678"
    assert "12345" not in mask_number("+8801712345678")
    assert mask_numbers_in("to 01712345678, 8801812345678.") == "to 017****5678, 880******5678."
    assert mask_number("123") == "***"


# --- Raw sockets: what happens after the request left --------------------------------------------


class RawServer:
    """Accepts connections and does `behaviour(conn)`; counts the requests it received."""

    def __init__(self, behaviour):
        self.behaviour = behaviour
        self.requests = 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(50)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.handle, args=(conn,), daemon=True).start()

    def handle(self, conn):
        with conn:
            conn.settimeout(3)
            try:
                data = conn.recv(65536)
                if data:
                    self.requests += 1
                    self.behaviour(conn)
            except OSError:
                pass

    def close(self):
        self.sock.close()


def close_at_once(conn):
    pass


def reset(conn):
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")


def half_an_answer(conn):
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
    )


@pytest.fixture(params=[close_at_once, reset, half_an_answer])
def raw_server(request):
    server = RawServer(request.param)
    yield server
    server.close()


def test_closed_after_sending_is_unknown_and_never_resent(raw_server):
    gateway = NictbdGateway(base_url=raw_server.url, connect_timeout=1, read_timeout=2)
    try:
        with pytest.raises(OutcomeUnknownError) as caught:
            gateway.submit(CashInRequest("01712345670", Decimal("50.00"), "R-1"))
        assert caught.value.status_code in (None, 200)
        assert raw_server.requests == 1  # no retry: a resent submit could pay twice
        results = asyncio.run(gateway.status_many(["A", "B"], 2))
        assert all(type(r) is OutcomeUnknownError for r in results.values())
    finally:
        gateway.close()


def test_silence_after_sending_is_unknown():
    server = RawServer(lambda conn: conn.recv(1))  # reads on, never answers
    gateway = NictbdGateway(base_url=server.url, connect_timeout=1, read_timeout=0.3)
    try:
        with pytest.raises(OutcomeUnknownError):
            gateway.submit(CashInRequest("01712345670", Decimal("50.00"), "R-2"))
        results = asyncio.run(gateway.status_many(["A"], 1))
        assert type(results["A"]) is OutcomeUnknownError
        assert server.requests == 2
    finally:
        gateway.close()
        server.close()


# --- The log line --------------------------------------------------------------------------------

NICTBD_SECRETS = {
    "store_id": "store-9931",
    "api_key": "pk_live_KEY777",
    "api_secret": "sk_live_SEC888",
}
TP_KEY, TP_SECRET = "tp_KEY_4242", "tp_SECRET_4343"


def gateway_records(caplog):
    return [r for r in caplog.records if r.name == "gateways"]


@pytest.fixture
def with_credentials(sandbox, settings):
    sandbox.configure(
        nictbd_store_id=NICTBD_SECRETS["store_id"],
        nictbd_api_key=NICTBD_SECRETS["api_key"],
        nictbd_api_secret=NICTBD_SECRETS["api_secret"],
        trustedpay_api_key=TP_KEY,
        trustedpay_api_secret=TP_SECRET,
    )
    settings.NICTBD_STORE_ID = NICTBD_SECRETS["store_id"]
    settings.NICTBD_API_KEY = NICTBD_SECRETS["api_key"]
    settings.NICTBD_API_SECRET = NICTBD_SECRETS["api_secret"]
    settings.TRUSTEDPAY_API_KEY = TP_KEY
    settings.TRUSTEDPAY_API_SECRET = TP_SECRET
    reset_gateways()
    return get_cashin_gateway(), get_payin_gateway()


def test_one_line_per_call_with_masked_numbers_and_no_secrets(with_credentials, caplog, new_ref):
    cashin, payin = with_credentials
    caplog.set_level(logging.INFO, logger="gateways")
    ref, external_id = new_ref(), new_ref("PIN")

    cashin.submit(CashInRequest("01712345670", Decimal("500.00"), ref))
    with pytest.raises(RejectedError):
        cashin.submit(CashInRequest("01712345677", Decimal("500.00"), new_ref()))
    cashin.status_by_reference(ref)
    cashin.balance()
    payin.submit(
        PayInRequest(
            external_id=external_id,
            amount=Decimal("700.00"),
            wallet_provider=WalletProvider.BKASH,
            mobile_number="01812345676",
            email="x@y.z",
            customer_name="C",
        )
    )
    payin.status_by_reference(external_id)
    asyncio.run(cashin.status_many([ref], 1))
    asyncio.run(payin.status_many([external_id], 1))

    records = gateway_records(caplog)
    lines = [r.getMessage() for r in records]
    assert len(records) == 8, lines
    text = "\n".join(lines)
    for secret in [*NICTBD_SECRETS.values(), TP_KEY, TP_SECRET]:
        assert secret not in text
    for number in ("01712345670", "01712345677", "01812345676"):
        assert number not in text
    assert "017****5670" in text and "017****5677" in text and "018****5676" in text

    submit_line = lines[0]
    assert submit_line.startswith("nictbd POST /api/bkash-cash-in ")
    assert f"ref={ref}" in submit_line and "http=200" in submit_line and "outcome=ok" in submit_line
    assert " ms=" in submit_line
    assert "http=422" in lines[1] and "outcome=RejectedError" in lines[1]
    assert lines[4].startswith("trustedpay POST /api/v1/payins ") and "http=201" in lines[4]
    assert lines[5].startswith(f"trustedpay GET /api/v1/payins/{external_id} ")
    assert "shop_code" not in lines[5]


def test_failures_are_logged_as_warnings_with_the_error_class(cashin, sandbox, caplog, new_ref):
    caplog.set_level(logging.INFO, logger="gateways")
    sandbox.configure(error_rate=1.0)
    with pytest.raises(OutcomeUnknownError):
        cashin.submit(CashInRequest("01712345670", Decimal("50.00"), ref := new_ref()))
    (record,) = gateway_records(caplog)
    assert record.levelname == "WARNING"
    assert "outcome=OutcomeUnknownError" in record.getMessage()
    assert "http=500" in record.getMessage() and f"ref={ref}" in record.getMessage()
    assert "01712345670" not in record.getMessage()
