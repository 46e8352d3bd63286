"""NICTBD bKash Cash In, as its document shows it (shared/providers/nictbd-bkash-cash-in.txt).

Submit, status by order_number or client_reference, and the balance check. The outcome is set
by the receiver number's last digit (sandbox spec); the status answer of an order is rendered
once per status and reused, since the status endpoint is the poll sweep's hot path.
"""

from __future__ import annotations

import asyncio
import hmac
import re
import time
from datetime import datetime
from decimal import Decimal
from typing import Any

from aiohttp import web

from .responses import Answer, Call, answer, dumps, provider_endpoint
from .state import CashInOrder
from .timeline import CASHIN_FINAL

SERVER_ERROR = dumps({"success": False, "message": "Unable to process the request."})
UNAUTHENTICATED = answer(401, {"success": False, "message": "Unauthenticated."})
NOT_FOUND = answer(404, {"success": False, "message": "bKash Cash In request not found."})
RECEIVER_NUMBER = re.compile(r"01[3-9][0-9]{8}")
AMOUNT_TEXT = re.compile(r"[0-9]+(?:\.[0-9]{1,2})?")
CREDENTIAL_FIELDS = ("store_id", "api_key", "api_secret")

SERVICE = {
    "type": "cash-in",
    "service_name": "bKash Cash In",
    "service_type": "mobile_financial_service",
    "service_code": "BKASH_CASH_IN",
}
# status -> (job_status, transaction_status, message)
STAGES = {
    "pending": ("pending", "pending", "bKash Cash In request is pending."),
    "processing": ("processing", "pending", "bKash Cash In request is being processed."),
    "awaiting_sms": ("awaiting_sms", "pending", "bKash Cash In request is awaiting confirmation."),
    "manual_review": ("manual_review", "pending", "bKash Cash In request is under review."),
    "successfull": ("success", "successfull", "bKash Cash In completed successfully."),
    "failed": ("failed", "failed", "bKash Cash In failed."),
    "refunded": ("refunded", "refunded", "bKash Cash In failed and the amount was refunded."),
}
FAILURE_REASONS = {
    "failed": "Cash In request could not be completed.",
    "refunded": "Cash In request failed.",
}
SUBMITTED = "bKash Cash In request submitted successfully."
# hostile_fields: longer than the panel's columns (64 and 1000 characters), with NULs inside.
HOSTILE_OPERATOR_ID_LENGTH = 80
HOSTILE_FAILURE_REASON_LENGTH = 10_240


def validation_error(errors: dict[str, list[str]]) -> Answer:
    return answer(422, {"success": False, "message": "Validation error", "errors": errors})


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


# --- Checks ------------------------------------------------------------------------------


def check_credentials(call: Call) -> Answer | None:
    """NICTBD's other APIs take store_id, api_key and api_secret in the JSON body (NOTES.md)."""
    expected = call.sandbox.config.nictbd_credentials
    if expected is None:
        return None
    # A value left empty in the config is one the client omits ("send nothing when not").
    given = [call.payload.get(name, "") for name in CREDENTIAL_FIELDS]
    if all(isinstance(g, str) and _same(g, e) for g, e in zip(given, expected, strict=True)):
        return None
    return UNAUTHENTICATED


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(errors="replace"), expected.encode())


def receiver_error(number: Any) -> str | None:
    if number is None or number == "":
        return "The receiver number field is required."
    if not isinstance(number, str) or not RECEIVER_NUMBER.fullmatch(number):
        return "The receiver number field format is invalid."
    if number.endswith("7"):
        return "The receiver number is not a bKash account."
    return None


def parse_amount(value: Any) -> tuple[Decimal | None, str | None]:
    """A number >= 1 with at most 2 decimals; a string of digits is accepted too."""
    if value is None or value == "":
        return None, "The amount field is required."
    numeric = isinstance(value, int | Decimal) and not isinstance(value, bool)
    if not (numeric or isinstance(value, str) and AMOUNT_TEXT.fullmatch(value)):
        return None, "The amount field must be a number."
    amount = Decimal(value)
    if not amount.is_finite():
        return None, "The amount field must be a number."
    if amount < 1:
        return None, "The amount field must be at least 1."
    if amount.as_tuple().exponent < -2:
        return None, "The amount field must have 0-2 decimal places."
    return amount, None


def reference_error(reference: Any, call: Call) -> str | None:
    if reference is None or reference == "":
        return "The client reference field is required."
    if not isinstance(reference, str):
        return "The client reference field must be a string."
    if reference in call.state.orders:
        return "The client reference has already been taken."
    return None


# --- Bodies ------------------------------------------------------------------------------


def order_fields(order: CashInOrder, status: str, since: float) -> dict[str, Any]:
    job_status, transaction_status, _ = STAGES[status]
    completed = order.moment(since) if status in CASHIN_FINAL else None
    refund = f"REFUND-{order.job_id}-{completed:%y%m%d}" if status == "refunded" else None
    amount = f"{order.amount:.2f}"
    return {
        "job_id": order.job_id,
        "order_number": order.order_number,
        "client_reference": order.client_reference,
        "receiver_number": order.receiver_number,
        "amount": amount,
        "debit_amount": amount,
        "status": status,
        "job_status": job_status,
        "transaction_status": transaction_status,
        "operator_transaction_id": (
            order.operator_transaction_id if status == "successfull" else None
        ),
        "failure_reason": FAILURE_REASONS.get(status),
        "refund_order_number": refund,
        "created_at": iso(order.created_at),
        "completed_at": iso(completed),
    }


def hostile(order: CashInOrder, data: dict[str, Any]) -> dict[str, Any]:
    """A status answer's data with fields no column of the panel holds (hostile_fields)."""
    operator_id = f"{order.operator_transaction_id}\x00-"
    operator_id += "X" * (HOSTILE_OPERATOR_ID_LENGTH - len(operator_id))
    sentence = f"Cash In to {order.receiver_number} could not be completed.\x00 "
    repeats = HOSTILE_FAILURE_REASON_LENGTH // len(sentence) + 1
    return {
        **data,
        "job_status": f"{data['job_status']}\x00",
        "transaction_status": f"{data['transaction_status']}\x00",
        "operator_transaction_id": operator_id,
        "failure_reason": (sentence * repeats)[:HOSTILE_FAILURE_REASON_LENGTH],
    }


def misreported(data: dict[str, Any]) -> dict[str, Any]:
    """A status answer's data as if about another Cash In (nictbd_misreports)."""
    amount = f"{Decimal(data['amount']) + 1:.2f}"
    receiver = data["receiver_number"][:-1] + str((int(data["receiver_number"][-1]) + 5) % 10)
    return {**data, "amount": amount, "debit_amount": amount, "receiver_number": receiver}


def submit_body(order: CashInOrder, claims: str = "") -> dict[str, Any]:
    """Not final, as the document's submit answer (processing / pending), unless the sandbox
    is told to make it claim a final status (nictbd_submit_claims) the status API may deny."""
    status = claims or "processing"
    fields = order_fields(order, status, 0.0)
    head = {key: fields.pop(key) for key in ("job_id", "order_number", "client_reference")}
    data = {**head, **SERVICE, **fields}
    message = STAGES[status][2] if claims else SUBMITTED
    return {"success": True, "message": message, "data": data}


def render_status(
    order: CashInOrder, now: float, hostile_fields: bool = False, misreports: bool = False
) -> bytes:
    status, since = order.status_at(now)
    key = (status, hostile_fields, misreports)
    if order.rendered is not None and order.rendered[0] == key:
        return order.rendered[1]
    message = STAGES[status][2]
    data = order_fields(order, status, since)
    if hostile_fields:
        message, data = f"{message}\x00", hostile(order, data)
    if misreports:
        data = misreported(data)
    body = dumps({"success": True, "message": message, "data": data})
    order.rendered = (key, body)
    return body


# --- Endpoints ---------------------------------------------------------------------------


def count_submit(call: Call) -> None:
    reference = call.payload.get("client_reference")
    if isinstance(reference, str) and reference:
        call.state.cashin_submits[reference] += 1


def count_status_check(call: Call) -> None:
    call.state.cashin_status_checks += 1


@provider_endpoint(server_error=SERVER_ERROR, count=count_submit, auth=check_credentials)
async def submit(call: Call) -> Answer:
    payload = call.payload
    receiver = payload.get("receiver_number") or payload.get("phone")
    amount, amount_error = parse_amount(payload.get("amount"))
    reference = payload.get("client_reference")
    errors = {
        "receiver_number": receiver_error(receiver),
        "amount": amount_error,
        "client_reference": reference_error(reference, call),
    }
    if any(errors.values()):
        return validation_error({key: [msg] for key, msg in errors.items() if msg})
    if receiver.endswith("6") and reference not in call.state.refused_once:
        call.state.refused_once.add(reference)  # the first try fails and creates nothing
        return Answer(500, SERVER_ERROR)
    config = call.sandbox.config
    order = call.state.add_order(
        receiver_number=receiver,
        amount=amount,
        client_reference=reference,
        final_after=config.cashin_final_after(call.state.rng),
    )
    result = answer(200, submit_body(order, config.nictbd_submit_claims))
    if order.digit == "4":  # created, but the answer comes too late for the client
        await asyncio.sleep(config.submit_hang_seconds)
    return result


@provider_endpoint(server_error=SERVER_ERROR, count=count_status_check, auth=check_credentials)
async def status(call: Call) -> Answer:
    number = call.payload.get("order_number")
    reference = call.payload.get("client_reference")
    number = number if isinstance(number, str) else None
    reference = reference if isinstance(reference, str) else None
    if not number and not reference:
        message = "The order number field is required when client reference is not present."
        return validation_error({"order_number": [message]})
    order = call.state.find_order(order_number=number, client_reference=reference)
    if order is None:
        return NOT_FOUND
    order.status_checks += 1
    if order.digit == "5" and order.status_checks <= 2:
        return Answer(500, SERVER_ERROR)
    config = call.sandbox.config
    body = render_status(order, time.monotonic(), config.hostile_fields, config.nictbd_misreports)
    return Answer(200, body)


@provider_endpoint(server_error=SERVER_ERROR, auth=check_credentials)
async def balance_check(call: Call) -> Answer:
    body = {
        "success": True,
        "merchant_name": "Sandbox Merchant",
        "balance": f"{call.state.balance():.2f}",
        "currency": "BDT",
    }
    return answer(200, body)


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_post("/api/bkash-cash-in", submit)
    router.add_post("/api/bkash-cash-in/status", status)
    router.add_post("/api/balance-check", balance_check)
