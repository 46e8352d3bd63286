"""TrustedPay PayIn, BDT (shared/providers/trustedpay-payin-bdt.txt, NOTES.md).

Quirks translated here and nowhere else:
- requests are signed: X-API-Key, X-Timestamp (UNIX seconds) and X-Signature = hex
  HMAC-SHA256(secret, timestamp + the exact body bytes sent), an empty body for GET;
- `external_id` is the idempotency key: 201 is a new payin, 200 the existing one;
- the payment link is `paymentData.payment_link` or `payment_page_url` (+ `_expires_at`);
- error bodies come in two shapes, both read by gateways.http;
- `amount` is a JSON number (512.34): read as an exact Decimal, kept in `raw` as "512.34".
Every field of an answer is untrusted: see parse_payin and wire.AnswerFields.
A callback from TrustedPay is only a hint to ask the status API; it is never proof of payment.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Callable, Sequence
from datetime import UTC
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urlencode

from gateways.base import (
    CURRENCY_MAX_LENGTH,
    PROVIDER_ID_MAX,
    PROVIDER_STATUS_MAX_LENGTH,
    GatewayError,
    PayInRequest,
    PayInResult,
    Status,
)
from gateways.http import Answer, Call, ProviderHttp
from gateways.wire import AnswerFields, dumps_json, json_safe, normalise_status, preview

logger = logging.getLogger("gateways")

PROVIDER = "trustedpay"
PAYINS_PATH = "/api/v1/payins"

STATUSES = {
    "pending": Status.PENDING,  # internal states are reported as pending too
    "success": Status.SUCCESS,
    "failed": Status.FAILED,
    "canceled": Status.CANCELED,
    "cancelled": Status.CANCELED,
    "refunded": Status.REFUNDED,
    "expired": Status.EXPIRED,
}


def parse_payin(
    answer: Answer, *, external_id: str, expect_created: bool, base_url: str = ""
) -> PayInResult:
    """A create or status answer as a PayInResult; it must be about the payin we asked for.

    external_id and status decide whose answer it is and what it says: of the wrong kind, the
    answer is unusable (ValueError, an unknown outcome). Every other field is checked by
    wire.AnswerFields, with a warning for each change. The payment link is kept only when it is
    an absolute https URL (or on the origin of `base_url`, the one the gateway talks to).
    """
    data = answer.data
    if answer.status_code not in ((200, 201) if expect_created else (200,)):
        raise ValueError(f"undocumented HTTP {answer.status_code}")
    answered_id = data["external_id"]
    provider_status = data["status"]
    if answered_id != external_id:
        raise ValueError(f"answer is about external_id {preview(answered_id)!r}")
    if not isinstance(provider_status, str):
        raise ValueError("status must be a string")
    fields = AnswerFields(PROVIDER, external_id)
    payment_data = fields.mapping(data.get("paymentData"), "paymentData")
    link = fields.link(
        payment_data.get("payment_link"), "paymentData.payment_link", base_url
    ) or fields.link(data.get("payment_page_url"), "payment_page_url", base_url)
    return PayInResult(
        status=normalise_status(STATUSES, PROVIDER, provider_status, external_id),
        external_id=external_id,
        provider_status=fields.text(provider_status, "status", PROVIDER_STATUS_MAX_LENGTH) or "",
        provider_id=fields.integer(data.get("id"), "id", PROVIDER_ID_MAX),
        amount=fields.amount(data.get("amount"), "amount"),
        currency=fields.text(data.get("currency"), "currency", CURRENCY_MAX_LENGTH) or "BDT",
        payment_link=link,
        payment_link_expires_at=fields.moment(
            data.get("payment_page_expires_at"), "payment_page_expires_at", UTC
        ),
        created_at=fields.moment(data.get("created_at"), "created_at", UTC),
        updated_at=fields.moment(data.get("updated_at"), "updated_at", UTC),
        finalization_date=fields.moment(data.get("finalization_date"), "finalization_date", UTC),
        created=answer.status_code == 201,
        raw=json_safe(data),
    )


class TrustedPayGateway:
    """PayIn (BDT) through TrustedPay. Build it from settings with gateways.registry."""

    name = PROVIDER

    def __init__(
        self,
        *,
        base_url: str,
        shop_code: str,
        api_key: str = "",
        api_secret: str = "",
        callback_url: str = "",
        connect_timeout: float = 5.0,
        read_timeout: float = 20.0,
        clock: Callable[[], float] = time.time,
    ):
        problem = None
        if not shop_code:
            problem = "shop_code is not configured"
        elif bool(api_key) != bool(api_secret):
            problem = "credentials incomplete: set both api_key and api_secret, or neither"
        elif not api_key:
            # The real service rejects unsigned requests (401); only the sandbox takes them.
            logger.warning("%s: no API key and secret configured, requests are unsigned", PROVIDER)
        self.shop_code = shop_code
        self.callback_url = callback_url
        self._api_key = api_key
        self._secret = api_secret.encode("utf-8")
        self._clock = clock
        self._http = ProviderHttp(
            provider=PROVIDER,
            base_url=base_url,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            config_error=problem,
        )

    def __repr__(self) -> str:  # never the credentials
        return f"<TrustedPayGateway {self._http.base_url or '(no URL)'} shop={self.shop_code}>"

    def signed_headers(self, body: bytes) -> dict[str, str]:
        """Headers for a request whose body is exactly `body` (b"" for a GET)."""
        headers = {"Accept": "application/json"}
        if body:
            headers["Content-Type"] = "application/json"
        if self._api_key:
            timestamp = str(int(self._clock()))
            signature = hmac.new(
                self._secret, timestamp.encode("ascii") + body, hashlib.sha256
            ).hexdigest()
            headers.update(
                {"X-API-Key": self._api_key, "X-Timestamp": timestamp, "X-Signature": signature}
            )
        return headers

    def _submit_call(self, request: PayInRequest) -> Call:
        if not isinstance(request.amount, Decimal):
            raise TypeError("PayInRequest.amount must be a Decimal")
        fields: dict[str, Any] = {
            "external_id": request.external_id,
            "amount": request.amount,
            "currency": "BDT",
            "shop_code": self.shop_code,
        }
        if request.merchant_user_id:
            fields["merchant_user_id"] = request.merchant_user_id
        if request.merchant_user_ip:
            fields["merchant_user_ip"] = request.merchant_user_ip
        callback_url = request.callback_url or self.callback_url
        if callback_url:
            fields["callback_url"] = callback_url
        fields["paymentData"] = {
            "wallet_provider": str(request.wallet_provider),
            "mobile_number": request.mobile_number,
            "email": request.email,
            "customer_name": request.customer_name,
        }
        body = dumps_json(fields)
        return Call(
            "POST",
            PAYINS_PATH,
            request.external_id,
            body=body,
            headers=self.signed_headers(body),
            number=request.mobile_number,
        )

    def _parse_created(self, external_id: str):
        def parse(answer: Answer) -> PayInResult:
            return parse_payin(
                answer, external_id=external_id, expect_created=True, base_url=self._http.base_url
            )

        return parse

    def submit(self, request: PayInRequest) -> PayInResult:
        call = self._submit_call(request)
        return self._http.send(call, self._parse_created(request.external_id))

    async def submit_many(
        self, requests: Sequence[PayInRequest], concurrency: int, timings=None
    ) -> dict[str, PayInResult | GatewayError]:
        """submit() for many PayIns over the async client: {external_id: result or error}."""
        by_id = {request.external_id: request for request in requests}

        def prepare(external_id: str):
            # Signed here, right before sending (the ±60 s window).
            return self._submit_call(by_id[external_id]), self._parse_created(external_id)

        return await self._http.send_many(by_id, prepare, concurrency, timings)

    def _status_call(self, external_id: str) -> Call:
        query = urlencode({"shop_code": self.shop_code})
        path = f"{PAYINS_PATH}/{quote(external_id, safe='')}?{query}"
        return Call("GET", path, external_id, headers=self.signed_headers(b""))

    def status_by_reference(self, external_id: str) -> PayInResult:
        return self._http.send(
            self._status_call(external_id),
            lambda answer: parse_payin(
                answer, external_id=external_id, expect_created=False, base_url=self._http.base_url
            ),
        )

    async def status_many(
        self, external_ids: Sequence[str], concurrency: int, timings=None
    ) -> dict[str, PayInResult | GatewayError]:
        def prepare(external_id: str):
            def parse(answer: Answer) -> PayInResult:
                return parse_payin(
                    answer,
                    external_id=external_id,
                    expect_created=False,
                    base_url=self._http.base_url,
                )

            # Signed here, right before sending: a sweep can outlast the ±60 s window.
            return self._status_call(external_id), parse

        return await self._http.send_many(external_ids, prepare, concurrency, timings)

    def close(self) -> None:
        self._http.close()
