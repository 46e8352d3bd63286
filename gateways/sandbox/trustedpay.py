"""TrustedPay PayIn (BDT), as its document shows it (shared/providers/trustedpay-payin-bdt.txt).

Create (201 new, 200 for a known external_id), status by external_id, HMAC-signed requests when
a secret is configured. The outcome is set by paymentData.mobile_number's last digit.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from aiohttp import web

from .responses import Answer, Call, answer, dumps, provider_endpoint
from .state import PayIn

SERVER_ERROR = dumps(
    {
        "message": "Server Error",
        "code": "internal_error",
        "error": {"code": "internal_error", "message": "Unable to process the request."},
    }
)
NOT_FOUND = answer(
    404,
    {
        "message": "PayIn not found",
        "code": "not_found",
        "error": {"code": "not_found", "message": "PayIn not found"},
    },
)
MOBILE_NUMBER = re.compile(r"01[3-9][0-9]{8}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
UNIX_SECONDS = re.compile(r"[0-9]+(?:\.[0-9]+)?")
WALLET_PROVIDERS = ("Nagad", "BKash")
CLOCK_SKEW = 60  # seconds either side of the server's clock (NOTES.md)
PAGE_LIFETIME = timedelta(minutes=30)
# Inside a JSON string every quote is escaped, so only our own field can match this.
AMOUNT_FIELD = b'"amount":"\\u0000amount"'
# hostile_fields: links the panel must never show a customer (not https, not the sandbox's).
HOSTILE_PAYMENT_LINK = "javascript:alert(1)"
HOSTILE_PAGE_URL = "http://pay.sandbox.invalid/pay/{external_id}"


def invalid(message: str, errors: list[dict[str, str]]) -> Answer:
    return answer(422, {"message": message, "errors": errors})


def unauthorized(message: str) -> Answer:
    error = {"code": "invalid_signature", "message": message}
    return answer(401, {"message": "Unauthenticated.", "code": "unauthorized", "error": error})


def stamp(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if moment else None


# --- Signature ---------------------------------------------------------------------------


def check_signature(call: Call) -> Answer | None:
    """X-API-Key, X-Timestamp and X-Signature = hex HMAC-SHA256(secret, timestamp + raw body)."""
    config = call.sandbox.config
    if not config.trustedpay_api_secret:
        return None
    headers = call.request.headers
    if not _same(headers.get("X-API-Key", ""), config.trustedpay_api_key):
        return unauthorized("The API key is not valid.")
    timestamp = headers.get("X-Timestamp", "")
    moment = parse_timestamp(timestamp)
    if moment is None:
        return unauthorized("X-Timestamp must be UNIX seconds or an ISO 8601 date.")
    if abs(time.time() - moment) > CLOCK_SKEW:
        return unauthorized("X-Timestamp is more than 60 seconds from the server's clock.")
    secret = config.trustedpay_api_secret.encode()
    message = timestamp.encode(errors="replace") + call.raw
    expected = hmac.new(secret, message, hashlib.sha256).hexdigest()
    if not _same(headers.get("X-Signature", "").strip().lower(), expected):
        return unauthorized("The signature does not match.")
    return None


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(errors="replace"), expected.encode())


def parse_timestamp(text: str) -> int | None:
    """UNIX seconds, or an ISO 8601 date (UTC when it names no offset)."""
    text = text.strip()
    if UNIX_SECONDS.fullmatch(text):
        return int(Decimal(text))
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


# --- Validation --------------------------------------------------------------------------


def field_errors(payload: dict[str, Any]) -> list[dict[str, str]]:
    errors = []
    for name in ("external_id", "shop_code"):
        value = payload.get(name)
        if not isinstance(value, str) or not value.strip():
            errors.append(error(name, f"The {name.replace('_', ' ')} field is required."))
    if parse_amount(payload.get("amount")) is None:
        errors.append(error("amount", "The amount must be a number greater than 0."))
    if payload.get("currency") != "BDT":
        errors.append(error("currency", "The currency must be BDT for this shop."))
    return errors


def payment_data_errors(data: Any) -> list[dict[str, str]]:
    if not isinstance(data, dict):
        return [error("paymentData", "The paymentData field is required.")]
    checks = {
        "wallet_provider": (
            data.get("wallet_provider") in WALLET_PROVIDERS,
            "The wallet provider must be one of: Nagad, BKash.",
        ),
        "mobile_number": (
            _matches(MOBILE_NUMBER, data.get("mobile_number")),
            "The mobile number must be a Bangladeshi number 01XXXXXXXXX.",
        ),
        "email": (_matches(EMAIL, data.get("email")), "The email must be a valid email address."),
        "customer_name": (
            isinstance(data.get("customer_name"), str) and data["customer_name"].strip() != "",
            "The customer name field is required.",
        ),
    }
    return [error(f"paymentData.{name}", msg) for name, (ok, msg) in checks.items() if not ok]


def _matches(pattern: re.Pattern, value: Any) -> bool:
    return isinstance(value, str) and pattern.fullmatch(value) is not None


def error(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message}


def parse_amount(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        amount = Decimal(value) if isinstance(value, int | str | Decimal) else None
    except ArithmeticError:
        return None
    return amount if amount is not None and amount.is_finite() and amount > 0 else None


def optional_text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


# --- Bodies ------------------------------------------------------------------------------


def render_payin(
    payin: PayIn, now: float, base_url: str, *, claims: str = "", hostile_fields: bool = False
) -> bytes:
    """The payin as TrustedPay shows it. `claims` (trustedpay_create_claims) replaces the
    status a create answer reports, as a lying provider would; the status API never claims."""
    status, since = payin.status_at(now)
    if claims:
        status, since = claims, 0.0
    link = page_url = f"{base_url}/_sandbox/pay/{quote(payin.external_id, safe='')}"
    if hostile_fields:
        link = HOSTILE_PAYMENT_LINK
        page_url = HOSTILE_PAGE_URL.format(external_id=quote(payin.external_id, safe=""))
    body = {
        "id": payin.id,
        "status": status,
        "external_id": payin.external_id,
        "amount": "\0amount",
        "currency": payin.currency,
        "shop_code": payin.shop_code,
        "merchant_user_id": payin.merchant_user_id,
        "merchant_user_ip": payin.merchant_user_ip,
        "paymentData": {**payin.payment_data, "payment_link": link},
        "transaction_type": "payin",
        "created_at": stamp(payin.created_at),
        "updated_at": stamp(payin.moment(since)),
    }
    if status != "pending":
        # A refund comes after the payin was final: it keeps the date it was finalised.
        final_since = payin.final_after if status == "refunded" and not payin.forced else since
        body["finalization_date"] = stamp(payin.moment(final_since))
    body["payment_page_url"] = page_url
    body["payment_page_expires_at"] = stamp(payin.created_at + PAGE_LIFETIME)
    # The document shows amount as a JSON number: write the Decimal's digits, not a float.
    number = format(payin.amount.normalize(), "f")
    return dumps(body).replace(AMOUNT_FIELD, b'"amount":' + number.encode(), 1)


# --- Endpoints ---------------------------------------------------------------------------


def count_create(call: Call) -> None:
    external_id = call.payload.get("external_id")
    if isinstance(external_id, str) and external_id:
        call.state.payin_submits[external_id] += 1


def count_status_check(call: Call) -> None:
    call.state.payin_status_checks += 1


def base_url(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}"


@provider_endpoint(server_error=SERVER_ERROR, count=count_create, auth=check_signature)
async def create(call: Call) -> Answer:
    payload = call.payload
    errors = field_errors(payload)
    data_errors = payment_data_errors(payload.get("paymentData"))
    if errors:
        return invalid("The given data was invalid.", errors + data_errors)
    if data_errors:
        return invalid("Invalid paymentData", data_errors)
    url = base_url(call.request)
    config = call.sandbox.config
    options = {
        "claims": config.trustedpay_create_claims,
        "hostile_fields": config.hostile_fields,
    }
    existing = call.state.payins.get(payload["external_id"])
    if existing is not None:  # external_id is the idempotency key
        return Answer(200, render_payin(existing, time.monotonic(), url, **options))
    data = payload["paymentData"]
    payin = call.state.add_payin(
        final_after=config.final_after,
        external_id=payload["external_id"],
        amount=parse_amount(payload["amount"]),
        currency="BDT",
        shop_code=payload["shop_code"],
        merchant_user_id=optional_text(payload.get("merchant_user_id")),
        merchant_user_ip=optional_text(payload.get("merchant_user_ip")),
        payment_data={key: data[key] for key in PAYMENT_DATA_KEYS},
        callback_url=optional_text(payload.get("callback_url")),
    )
    return Answer(201, render_payin(payin, time.monotonic(), url, **options))


PAYMENT_DATA_KEYS = ("wallet_provider", "mobile_number", "email", "customer_name")


@provider_endpoint(server_error=SERVER_ERROR, count=count_status_check, auth=check_signature)
async def show(call: Call) -> Answer:
    shop_code = call.request.query.get("shop_code")
    if not shop_code:
        return invalid(
            "The given data was invalid.", [error("shop_code", "The shop code field is required.")]
        )
    payin = call.state.payins.get(call.request.match_info["external_id"])
    if payin is None or payin.shop_code != shop_code:  # another shop's payin is not found
        return NOT_FOUND
    hostile_fields = call.sandbox.config.hostile_fields
    body = render_payin(
        payin, time.monotonic(), base_url(call.request), hostile_fields=hostile_fields
    )
    return Answer(200, body)


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_post("/api/v1/payins", create)
    router.add_get("/api/v1/payins/{external_id}", show)
