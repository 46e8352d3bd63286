"""The one interface both providers are reached through.

Contract: gateway calls take and return frozen dataclasses with Decimal amounts and a
normalised `Status`; the provider's raw fields and body are kept for the record (`raw`: plain
JSON data, gateways.wire.json_safe, storable as it is). Every field is untrusted and checked
against the limits declared below (gateways.wire.AnswerFields). Errors are classified where
they happen and raised as `GatewayError` subclasses: callers never see httpx or aiohttp.
Provider quirks (the `successfull` spelling, two error-body shapes) are translated in the
provider modules and nowhere else. This package imports nothing from `orders`.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol


class Status(enum.StrEnum):
    """A provider's answer, normalised. Only SUCCESS of a PayIn may later become REFUNDED."""

    PENDING = "pending"
    SUCCESS = "success"
    FAILED = "failed"
    REFUNDED = "refunded"
    CANCELED = "canceled"
    EXPIRED = "expired"

    @property
    def is_final(self) -> bool:
        return self is not Status.PENDING


class WalletProvider(enum.StrEnum):
    BKASH = "BKash"
    NAGAD = "Nagad"


# --- How much of a provider's answer a result may carry -------------------------------------
#
# A provider's fields are untrusted data: the parsers (gateways.wire.AnswerFields) cut text to
# these lengths, drop integers outside these bounds, and log each. They are the widths of the
# columns the results are stored in (orders/models/cashin.py, payin.py), which import them from
# here, so a result always fits its row. Lengths are in characters, as CharField counts them.

ORDER_NUMBER_MAX_LENGTH = 64  # CashInOrder.order_number
CLIENT_REFERENCE_MAX_LENGTH = 64  # ours; an answer naming a longer one is about another order
EXTERNAL_ID_MAX_LENGTH = 64  # PayIn.external_id, ours likewise
OPERATOR_TRANSACTION_ID_MAX_LENGTH = 64  # CashInOrder.operator_transaction_id
REFUND_ORDER_NUMBER_MAX_LENGTH = 64  # CashInOrder.refund_order_number
PROVIDER_STATUS_MAX_LENGTH = 32  # CashInOrder / PayIn / StatusChange.provider_status
JOB_STATUS_MAX_LENGTH = 32  # CashInOrder.job_status
TRANSACTION_STATUS_MAX_LENGTH = 32  # CashInOrder.transaction_status
FAILURE_REASON_MAX_LENGTH = 1000  # provider_failure_reason (a TextField, kept readable)
MESSAGE_MAX_LENGTH = 500  # the answer's `message`, and a GatewayError's message
PAYMENT_LINK_MAX_LENGTH = 500  # PayIn.payment_link
RECEIVER_NUMBER_MAX_LENGTH = 32  # the provider's echo of our number (we store our own)
CURRENCY_MAX_LENGTH = 8
MERCHANT_NAME_MAX_LENGTH = 200  # the balance answer's merchant_name
# BigIntegerField (job_id, provider_id): a signed 64-bit integer, and an ID is never negative.
BIGINT_MAX = 2**63 - 1
JOB_ID_MAX = BIGINT_MAX  # CashInOrder.job_id
PROVIDER_ID_MAX = BIGINT_MAX  # PayIn.provider_id
# An amount a DecimalField(max_digits=14, decimal_places=2) holds exactly (orders' MONEY).
AMOUNT_MAX_DIGITS = 14
AMOUNT_DECIMAL_PLACES = 2


# --- Errors ------------------------------------------------------------------------------


class GatewayError(Exception):
    """Base of every error a gateway raises."""

    kind = "error"

    def __init__(self, provider: str, message: str, *, status_code: int | None = None, body=None):
        super().__init__(message)
        self.provider = provider
        self.message = message
        self.status_code = status_code
        self.body = body

    def __str__(self) -> str:
        code = f" (HTTP {self.status_code})" if self.status_code else ""
        return f"{self.provider}: {self.message}{code}"


class ConfigurationError(GatewayError):
    """Missing base URL or credentials: nothing was sent."""

    kind = "configuration"


class NotSentError(GatewayError):
    """The request never left (connection refused, DNS): safe to try again."""

    kind = "not_sent"


class RejectedError(GatewayError):
    """A 4xx (other than 404 and 429) answer: the provider created nothing."""

    kind = "rejected"

    def __init__(self, provider: str, message: str, *, field_errors=None, **kwargs):
        super().__init__(provider, message, **kwargs)
        self.field_errors: dict[str, list[str]] = field_errors or {}


class DuplicateReferenceError(RejectedError):
    """The provider refused our reference because it already has an order under it."""

    kind = "duplicate_reference"


class NotFoundError(GatewayError):
    """404: the provider has nothing under that reference."""

    kind = "not_found"


class OutcomeUnknownError(GatewayError):
    """Sent, but we cannot tell what happened: timeout, reset, 5xx, undocumented body.

    Resolve it by asking the status API by our own reference, never by resubmitting under a
    new one.
    """

    kind = "unknown"


# --- Cash In (NICTBD bKash) -----------------------------------------------------------------


@dataclass(frozen=True)
class CashInRequest:
    receiver_number: str
    amount: Decimal
    client_reference: str


@dataclass(frozen=True)
class CashInResult:
    status: Status
    client_reference: str
    provider_status: str
    order_number: str | None = None
    job_id: int | None = None
    job_status: str | None = None
    transaction_status: str | None = None
    receiver_number: str | None = None
    amount: Decimal | None = None
    debit_amount: Decimal | None = None
    operator_transaction_id: str | None = None
    failure_reason: str | None = None
    refund_order_number: str | None = None
    created_at: datetime | None = None
    completed_at: datetime | None = None
    message: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class BalanceResult:
    balance: Decimal
    currency: str
    merchant_name: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


class CashInGateway(Protocol):
    name: str

    def submit(self, request: CashInRequest) -> CashInResult: ...

    def status_by_reference(self, client_reference: str) -> CashInResult: ...

    def status_by_order_number(self, order_number: str) -> CashInResult: ...

    def balance(self) -> BalanceResult: ...

    async def submit_many(
        self, requests: Sequence[CashInRequest], concurrency: int, timings=None
    ) -> dict[str, CashInResult | GatewayError]:
        """submit() for many orders, for the submitter; one entry per client_reference."""
        ...

    async def status_many(
        self, client_references: Sequence[str], concurrency: int, timings=None
    ) -> dict[str, CashInResult | GatewayError]:
        """Status of many orders at once, for the poll sweep; one entry per reference."""
        ...

    def close(self) -> None: ...


# --- PayIn (TrustedPay, BDT) ----------------------------------------------------------------


@dataclass(frozen=True)
class PayInRequest:
    external_id: str
    amount: Decimal
    wallet_provider: WalletProvider
    mobile_number: str
    email: str
    customer_name: str
    merchant_user_id: str = ""
    merchant_user_ip: str = ""
    callback_url: str = ""


@dataclass(frozen=True)
class PayInResult:
    status: Status
    external_id: str
    provider_status: str
    provider_id: int | None = None
    amount: Decimal | None = None
    currency: str = "BDT"
    payment_link: str | None = None
    payment_link_expires_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    finalization_date: datetime | None = None
    created: bool = False  # True when the provider answered 201 (a new payin)
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


class PayInGateway(Protocol):
    name: str

    def submit(self, request: PayInRequest) -> PayInResult: ...

    def status_by_reference(self, external_id: str) -> PayInResult: ...

    async def submit_many(
        self, requests: Sequence[PayInRequest], concurrency: int, timings=None
    ) -> dict[str, PayInResult | GatewayError]: ...

    async def status_many(
        self, external_ids: Sequence[str], concurrency: int, timings=None
    ) -> dict[str, PayInResult | GatewayError]: ...

    def close(self) -> None: ...
