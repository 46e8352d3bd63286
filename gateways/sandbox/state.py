"""Everything the sandbox remembers, in memory: cash-in orders, payins and counters.

A record keeps the moment it was created and the `final_after` in force then; its status is
worked out from the elapsed time on each question (timeline.py), unless a test forced one.
Only the event loop's thread touches this state.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from .config import SandboxConfig
from .timeline import (
    CASHIN_STATUSES,
    PAYIN_STATUSES,
    cashin_status,
    payin_status,
)

DHAKA = timezone(timedelta(hours=6))  # NICTBD answers in Bangladesh time (no DST)
START_BALANCE = Decimal("2835.60")
BALANCE_RETURNED = frozenset({"failed", "refunded"})
CASHIN_ALIASES = {"success": "successfull", "successful": "successfull"}


@dataclass(eq=False)
class Record:
    final_after: float
    started: float  # time.monotonic() at creation
    created_at: datetime
    forced: tuple[str, float] | None = field(default=None, kw_only=True)

    @property
    def digit(self) -> str:
        raise NotImplementedError

    def moment(self, since: float) -> datetime:
        """The wall-clock time `since` seconds after creation."""
        return self.created_at + timedelta(seconds=since)


@dataclass(eq=False)
class CashInOrder(Record):
    job_id: int
    order_number: str
    client_reference: str
    receiver_number: str
    amount: Decimal
    operator_transaction_id: str
    status_checks: int = 0
    # The last status answer, by (status, hostile_fields), reused while both hold.
    rendered: tuple[tuple[str, bool], bytes] | None = None

    @property
    def digit(self) -> str:
        return self.receiver_number[-1]

    def status_at(self, now: float) -> tuple[str, float]:
        if self.forced:
            return self.forced
        return cashin_status(self.digit, now - self.started, self.final_after)


@dataclass(eq=False)
class PayIn(Record):
    id: int
    external_id: str
    amount: Decimal
    currency: str
    shop_code: str
    merchant_user_id: str | None
    merchant_user_ip: str | None
    payment_data: dict[str, str]
    callback_url: str | None

    @property
    def digit(self) -> str:
        return self.payment_data["mobile_number"][-1]

    def status_at(self, now: float) -> tuple[str, float]:
        if self.forced:
            return self.forced
        return payin_status(self.digit, now - self.started, self.final_after)


class SandboxState:
    def __init__(self) -> None:
        self.rng = random.Random()
        self.clear()

    def clear(self) -> None:
        self.orders: dict[str, CashInOrder] = {}  # by client_reference
        self.orders_by_number: dict[str, CashInOrder] = {}
        self.payins: dict[str, PayIn] = {}  # by external_id
        self.refused_once: set[str] = set()  # references whose first submit answered 500
        self.cashin_submits: Counter[str] = Counter()
        self.cashin_status_checks = 0
        self.payin_submits: Counter[str] = Counter()
        self.payin_status_checks = 0
        self.next_job_id = 451
        self.next_payin_id = 12345

    def add_order(
        self, *, receiver_number: str, amount: Decimal, client_reference: str, final_after: float
    ) -> CashInOrder:
        job_id, self.next_job_id = self.next_job_id, self.next_job_id + 1
        created_at = datetime.now(DHAKA).replace(microsecond=0)
        suffix = f"{self.rng.getrandbits(16):04X}"
        order = CashInOrder(
            final_after,
            time.monotonic(),
            created_at,
            job_id=job_id,
            order_number=f"NICT-{job_id}-{created_at:%y%m%d}-{suffix}",
            client_reference=client_reference,
            receiver_number=receiver_number,
            amount=amount,
            operator_transaction_id=f"{self.rng.getrandbits(40):010X}",
        )
        self.orders[client_reference] = order
        self.orders_by_number[order.order_number] = order
        return order

    def find_order(self, *, order_number: str | None, client_reference: str | None):
        if order_number:
            return self.orders_by_number.get(order_number)
        return self.orders.get(client_reference or "")

    def add_payin(self, *, final_after: float, **fields) -> PayIn:
        payin_id, self.next_payin_id = self.next_payin_id, self.next_payin_id + 1
        payin = PayIn(final_after, time.monotonic(), datetime.now(UTC), id=payin_id, **fields)
        self.payins[payin.external_id] = payin
        return payin

    def balance(self) -> Decimal:
        """What a real merchant balance would say: accepted orders debited, failures returned."""
        now = time.monotonic()
        spent = sum(
            (o.amount for o in self.orders.values() if o.status_at(now)[0] not in BALANCE_RETURNED),
            Decimal(0),
        )
        return START_BALANCE - spent

    def force_order(self, client_reference: str, status: str) -> CashInOrder:
        status = CASHIN_ALIASES.get(status, status)
        if status not in CASHIN_STATUSES:
            raise ValueError(f"{status!r} is not a cash-in status ({', '.join(CASHIN_STATUSES)})")
        order = self.orders[client_reference]
        order.forced = (status, time.monotonic() - order.started)
        order.rendered = None
        return order

    def force_payin(self, external_id: str, status: str) -> PayIn:
        if status not in PAYIN_STATUSES:
            raise ValueError(f"{status!r} is not a payin status ({', '.join(PAYIN_STATUSES)})")
        payin = self.payins[external_id]
        payin.forced = (status, time.monotonic() - payin.started)
        return payin

    def status_checks_by_reference(self) -> dict:
        """Status requests per cash-in order that had any (bench/poll_sweep.py's two sweepers)."""
        return {ref: o.status_checks for ref, o in self.orders.items() if o.status_checks}

    def stats(self) -> dict:
        return {
            "cashin_submits": dict(self.cashin_submits),
            "cashin_status_checks": self.cashin_status_checks,
            "payin_submits": dict(self.payin_submits),
            "payin_status_checks": self.payin_status_checks,
            "orders": len(self.orders),
            "payins": len(self.payins),
        }


class Sandbox:
    """The state and the config in force; `reset` brings back the config it started with."""

    def __init__(self, config: SandboxConfig) -> None:
        self.startup = config.copy()
        self.config = config
        self.state = SandboxState()

    def reset(self) -> None:
        self.state.clear()
        self.config = self.startup.copy()
