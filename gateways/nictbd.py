"""NICTBD.COM bKash Cash In (shared/providers/nictbd-bkash-cash-in.txt, NOTES.md).

Quirks translated here and nowhere else:
- the final success status is spelled `successfull` (also accepted: successful, success);
- store_id/api_key/api_secret travel in the JSON body, and only when configured;
- every answer is {"success": true, "data": {...}}; a 2xx without both is not the documented
  JSON, so the outcome is unknown (a submit may or may not have created the order);
- a second submit under a taken client_reference is a 422 on `client_reference`:
  DuplicateReferenceError, i.e. "an order exists, ask the status API".
There is no callback: polling the status API is the only way to learn a result.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta, timezone
from decimal import Decimal
from typing import Any

from gateways.base import (
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
    dumps_json,
    normalise_status,
    optional_datetime,
    optional_decimal,
    optional_int,
    optional_str,
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
        raise OutcomeUnknownError(
            PROVIDER,
            "answer without success=true and data: " + str(body.get("message") or "")[:200],
            status_code=answer.status_code,
            body=body,
        )
    return body["data"]


def parse_cashin(
    answer: Answer, *, client_reference: str | None = None, order_number: str | None = None
) -> CashInResult:
    """A submit or status answer as a CashInResult; it must be about the order we asked for."""
    data = _data(answer)
    reference = data["client_reference"]
    provider_status = data["status"]
    if not isinstance(reference, str) or not reference or not isinstance(provider_status, str):
        raise ValueError("client_reference and status must be strings")
    answered_number = optional_str(data.get("order_number"))
    # A status for somebody else's order must never settle ours.
    if client_reference is not None and reference != client_reference:
        raise ValueError(f"answer is about client_reference {reference!r}")
    if order_number is not None and answered_number != order_number:
        raise ValueError(f"answer is about order_number {answered_number!r}")
    return CashInResult(
        status=normalise_status(STATUSES, PROVIDER, provider_status, reference),
        client_reference=reference,
        provider_status=provider_status,
        order_number=answered_number,
        job_id=optional_int(data.get("job_id")),
        job_status=optional_str(data.get("job_status")),
        transaction_status=optional_str(data.get("transaction_status")),
        receiver_number=optional_str(data.get("receiver_number")),
        amount=optional_decimal(data.get("amount")),
        debit_amount=optional_decimal(data.get("debit_amount")),
        operator_transaction_id=optional_str(data.get("operator_transaction_id")),
        failure_reason=optional_str(data.get("failure_reason")),
        refund_order_number=optional_str(data.get("refund_order_number")),
        created_at=optional_datetime(data.get("created_at"), DHAKA),
        completed_at=optional_datetime(data.get("completed_at"), DHAKA),
        message=str(answer.data.get("message") or ""),
        raw=answer.data,
    )


def parse_balance(answer: Answer) -> BalanceResult:
    body = answer.data
    if body.get("success") is not True:
        raise ValueError("balance answer without success=true")
    currency = body["currency"]
    if not isinstance(currency, str):
        raise ValueError("currency must be a string")
    return BalanceResult(
        balance=to_decimal(body["balance"]),
        currency=currency,
        merchant_name=str(body.get("merchant_name") or ""),
        raw=body,
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
        if not isinstance(request.amount, Decimal):
            raise TypeError("CashInRequest.amount must be a Decimal")
        call = self._post(
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
        return self._http.send(
            call, lambda answer: parse_cashin(answer, client_reference=request.client_reference)
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

    async def status_many(
        self, client_references: Sequence[str], concurrency: int
    ) -> dict[str, CashInResult | GatewayError]:
        def prepare(reference: str):
            def parse(answer: Answer) -> CashInResult:
                return parse_cashin(answer, client_reference=reference)

            return self._status_call(reference), parse

        return await self._http.send_many(client_references, prepare, concurrency)

    def close(self) -> None:
        self._http.close()
