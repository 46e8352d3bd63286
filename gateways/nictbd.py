"""NICTBD.COM bKash Cash In (shared/providers/nictbd-bkash-cash-in.txt, NOTES.md).

Quirks translated here and nowhere else:
- the final success status is spelled `successfull` (also accepted: successful, success);
- store_id/api_key/api_secret travel in the JSON body, and only when configured;
- every answer is {"success": true, "data": {...}}; a 2xx without both is not the documented
  JSON, so the outcome is unknown (a submit may or may not have created the order);
- a second submit under a taken client_reference is a 422 on `client_reference`:
  DuplicateReferenceError, i.e. "an order exists, ask the status API".
There is no callback: polling the status API is the only way to learn a result. Every field of
an answer is untrusted: see parse_cashin and wire.AnswerFields.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta, timezone
from decimal import Decimal
from typing import Any

from gateways.base import (
    CLIENT_REFERENCE_MAX_LENGTH,
    CURRENCY_MAX_LENGTH,
    FAILURE_REASON_MAX_LENGTH,
    JOB_ID_MAX,
    JOB_STATUS_MAX_LENGTH,
    MERCHANT_NAME_MAX_LENGTH,
    MESSAGE_MAX_LENGTH,
    OPERATOR_TRANSACTION_ID_MAX_LENGTH,
    ORDER_NUMBER_MAX_LENGTH,
    PROVIDER_STATUS_MAX_LENGTH,
    RECEIVER_NUMBER_MAX_LENGTH,
    REFUND_ORDER_NUMBER_MAX_LENGTH,
    TRANSACTION_STATUS_MAX_LENGTH,
    BalanceResult,
    CashInRequest,
    CashInResult,
    DuplicateReferenceError,
    GatewayError,
    OutcomeUnknownError,
    RejectedError,
    Status,
)
from gateways.http import JSON_HEADERS, Answer, Call, ProviderHttp
from gateways.wire import (
    AnswerFields,
    clean_text,
    dumps_json,
    json_safe,
    normalise_status,
    preview,
    to_decimal,
)

logger = logging.getLogger("gateways")

PROVIDER = "nictbd"
SUBMIT_PATH = "/api/bkash-cash-in"
STATUS_PATH = "/api/bkash-cash-in/status"
BALANCE_PATH = "/api/balance-check"

# NICTBD's timestamps carry +06:00; one without an offset is read as Dhaka time (no DST).
DHAKA = timezone(timedelta(hours=6), "Asia/Dhaka")

STATUSES = {
    "successfull": Status.SUCCESS,  # the provider's spelling
    "successful": Status.SUCCESS,
    "success": Status.SUCCESS,
    "failed": Status.FAILED,
    "refunded": Status.REFUNDED,
    "pending": Status.PENDING,
    "processing": Status.PENDING,
    "awaiting_sms": Status.PENDING,
    "manual_review": Status.PENDING,
}

_DUPLICATE_WORDS = ("taken", "already", "duplicate", "exists")


def _data(answer: Answer) -> dict[str, Any]:
    body = answer.data
    if body.get("success") is not True or not isinstance(body.get("data"), dict):
        message = body.get("message")
        message = clean_text(message)[:200] if isinstance(message, str) else ""
        raise OutcomeUnknownError(
            PROVIDER,
            "answer without success=true and data: " + message,
            status_code=answer.status_code,
            body=json_safe(body),
        )
    return body["data"]


def parse_cashin(
    answer: Answer, *, client_reference: str | None = None, order_number: str | None = None
) -> CashInResult:
    """A submit or status answer as a CashInResult; it must be about the order we asked for.

    client_reference and status decide whose answer it is and what it says: of the wrong kind,
    the answer is unusable (ValueError, an unknown outcome). Every other field is checked by
    wire.AnswerFields: cut, dropped or cleaned to fit the order's columns, with a warning.
    """
    data = _data(answer)
    reference = data["client_reference"]
    provider_status = data["status"]
    if not isinstance(reference, str) or not reference or not isinstance(provider_status, str):
        raise ValueError("client_reference and status must be strings")
    if len(reference) > CLIENT_REFERENCE_MAX_LENGTH or clean_text(reference) != reference:
        raise ValueError("client_reference is not one this panel makes")
    answered_number = data.get("order_number")
    # A status for somebody else's order must never settle ours.
    if client_reference is not None and reference != client_reference:
        raise ValueError(f"answer is about client_reference {preview(reference)!r}")
    if order_number is not None and answered_number != order_number:
        raise ValueError(f"answer is about order_number {preview(answered_number)!r}")
    fields = AnswerFields(PROVIDER, reference)
    text = fields.text
    return CashInResult(
        status=normalise_status(STATUSES, PROVIDER, provider_status, reference),
        client_reference=reference,
        provider_status=text(provider_status, "status", PROVIDER_STATUS_MAX_LENGTH) or "",
        order_number=text(answered_number, "order_number", ORDER_NUMBER_MAX_LENGTH),
        job_id=fields.integer(data.get("job_id"), "job_id", JOB_ID_MAX),
        job_status=text(data.get("job_status"), "job_status", JOB_STATUS_MAX_LENGTH),
        transaction_status=text(
            data.get("transaction_status"), "transaction_status", TRANSACTION_STATUS_MAX_LENGTH
        ),
        receiver_number=text(
            data.get("receiver_number"), "receiver_number", RECEIVER_NUMBER_MAX_LENGTH
        ),
        amount=fields.amount(data.get("amount"), "amount"),
        debit_amount=fields.amount(data.get("debit_amount"), "debit_amount"),
        operator_transaction_id=text(
            data.get("operator_transaction_id"),
            "operator_transaction_id",
            OPERATOR_TRANSACTION_ID_MAX_LENGTH,
        ),
        failure_reason=text(
            data.get("failure_reason"), "failure_reason", FAILURE_REASON_MAX_LENGTH
        ),
        refund_order_number=text(
            data.get("refund_order_number"), "refund_order_number", REFUND_ORDER_NUMBER_MAX_LENGTH
        ),
        created_at=fields.moment(data.get("created_at"), "created_at", DHAKA),
        completed_at=fields.moment(data.get("completed_at"), "completed_at", DHAKA),
        message=text(answer.data.get("message"), "message", MESSAGE_MAX_LENGTH) or "",
        raw=json_safe(answer.data),
    )


def parse_balance(answer: Answer) -> BalanceResult:
    body = answer.data
    if body.get("success") is not True:
        raise ValueError("balance answer without success=true")
    currency = body["currency"]
    if not isinstance(currency, str):
        raise ValueError("currency must be a string")
    fields = AnswerFields(PROVIDER, "balance")
    return BalanceResult(
        balance=to_decimal(body["balance"]),
        currency=fields.text(currency, "currency", CURRENCY_MAX_LENGTH) or "",
        merchant_name=fields.text(
            body.get("merchant_name"), "merchant_name", MERCHANT_NAME_MAX_LENGTH
        )
        or "",
        raw=json_safe(body),
    )


def duplicate_or_rejected(error: RejectedError) -> RejectedError:
    """422 on client_reference saying it is taken: an order already exists under it."""
    messages = " ".join(error.field_errors.get("client_reference", [])).lower()
    if error.status_code == 422 and any(word in messages for word in _DUPLICATE_WORDS):
        return DuplicateReferenceError(
            error.provider,
            error.message,
            field_errors=error.field_errors,
            status_code=error.status_code,
            body=error.body,
        )
    return error


class NictbdGateway:
    """bKash Cash In through NICTBD. Build it from settings with gateways.registry."""

    name = PROVIDER

    def __init__(
        self,
        *,
        base_url: str,
        store_id: str = "",
        api_key: str = "",
        api_secret: str = "",
        connect_timeout: float = 5.0,
        read_timeout: float = 20.0,
    ):
        given = {"store_id": store_id, "api_key": api_key, "api_secret": api_secret}
        missing = [name for name, value in given.items() if not value]
        problem = None
        if missing and len(missing) < len(given):
            # Half a set of credentials is a typo in the configuration, not "no credentials".
            problem = "credentials incomplete: set all of store_id, api_key, api_secret or none"
        self._credentials = {} if missing else given
        self._http = ProviderHttp(
            provider=PROVIDER,
            base_url=base_url,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            config_error=problem,
        )

    def __repr__(self) -> str:  # never the credentials
        return f"<NictbdGateway {self._http.base_url or '(no URL)'}>"

    def _post(self, path: str, fields: dict[str, Any], reference: str, **extra: Any) -> Call:
        body = dumps_json({**fields, **self._credentials})
        return Call("POST", path, reference, body=body, headers=JSON_HEADERS, **extra)

    def submit(self, request: CashInRequest) -> CashInResult:
        return self._http.send(
            self._submit_call(request),
            lambda answer: parse_cashin(answer, client_reference=request.client_reference),
        )

    def _status_call(self, client_reference: str) -> Call:
        return self._post(STATUS_PATH, {"client_reference": client_reference}, client_reference)

    def status_by_reference(self, client_reference: str) -> CashInResult:
        return self._http.send(
            self._status_call(client_reference),
            lambda answer: parse_cashin(answer, client_reference=client_reference),
        )

    def status_by_order_number(self, order_number: str) -> CashInResult:
        call = self._post(STATUS_PATH, {"order_number": order_number}, order_number)
        return self._http.send(call, lambda answer: parse_cashin(answer, order_number=order_number))

    def balance(self) -> BalanceResult:
        return self._http.send(self._post(BALANCE_PATH, {}, "-"), parse_balance)

    def _submit_call(self, request: CashInRequest) -> Call:
        if not isinstance(request.amount, Decimal):
            raise TypeError("CashInRequest.amount must be a Decimal")
        return self._post(
            SUBMIT_PATH,
            {
                "receiver_number": request.receiver_number,
                "amount": request.amount,
                "client_reference": request.client_reference,
            },
            request.client_reference,
            number=request.receiver_number,
            on_rejected=duplicate_or_rejected,
        )

    async def submit_many(
        self, requests: Sequence[CashInRequest], concurrency: int, timings=None
    ) -> dict[str, CashInResult | GatewayError]:
        """submit() for many orders over the async client: {client_reference: result or error}."""
        by_reference = {request.client_reference: request for request in requests}

        def prepare(reference: str):
            def parse(answer: Answer) -> CashInResult:
                return parse_cashin(answer, client_reference=reference)

            return self._submit_call(by_reference[reference]), parse

        return await self._http.send_many(by_reference, prepare, concurrency, timings)

    async def status_many(
        self, client_references: Sequence[str], concurrency: int, timings=None
    ) -> dict[str, CashInResult | GatewayError]:
        def prepare(reference: str):
            def parse(answer: Answer) -> CashInResult:
                return parse_cashin(answer, client_reference=reference)

            return self._status_call(reference), parse

        return await self._http.send_many(client_references, prepare, concurrency, timings)

    def close(self) -> None:
        self._http.close()
