"""Every status of a Cash In order and of a PayIn, declared once.

A status's whole meaning lives in its `State`: label, public (API) name, badge, finality, the
statuses it may move to, the money its arrival moves and the event it emits. The model choices,
the sweep's watched sets, the API's enums and filters, the badges and the gateway → status map
are all read from here; `orders.lifecycle.transition` is the only code that changes a status.

Who may make a move:
- the provider's status API (`Authority.STATUS_API`): any edge in `to`;
- staff (`Authority.STAFF`): the edges in `to` and in `staff_to` (corrections);
- our submit step (`Authority.SUBMIT`): only the edges in `Lifecycle.submit_edges`, i.e. to a
  status that is not final, or to the "nothing was created" status when the provider refused
  the request or it provably never left. A submit or create answer never makes anything final.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gateways.base import Status


class Money(enum.StrEnum):
    """What arriving in a status does to the reseller's wallet (see orders.wallet.effects)."""

    NONE = "none"
    DEBIT = "debit"  # take the order's debit_amount (and its fee)
    REFUND = "refund"  # give the debit (and fee) back, once; take a paid commission back
    CREDIT = "credit"  # credit the PayIn's amount, once
    REVERSAL = "reversal"  # take a credited PayIn's amount back, once
    COMMISSION = "commission"  # credit the parent's commission on a sub-reseller's order, once


class Authority(enum.StrEnum):
    SUBMIT = "submit"  # our submit step, reading a submit/create answer or its failure
    STATUS_API = "status_api"  # an answer of the provider's status API
    STAFF = "staff"  # a staff member, through the admin


@dataclass(frozen=True)
class State:
    name: str  # the Python name, e.g. SUBMIT_UNKNOWN
    value: str  # stored in the database
    label: Promise  # shown to resellers and staff, translated
    public: str  # the API's and webhooks' name
    badge: str  # CSS modifier of the badge: ok, bad, wait, warn, muted
    final: bool
    to: tuple[str, ...] = ()
    staff_to: tuple[str, ...] = ()
    money: Money = Money.NONE
    event: str | None = None  # outbox event written on arrival
    watched: bool | None = None  # polled by the sweep; default: not final


@dataclass(frozen=True)
class Lifecycle:
    kind: str  # "cashin" | "payin"
    states: tuple[State, ...]
    from_gateway: dict[Status, str]
    submit_edges: frozenset[tuple[str, str]]
    unknown: str | None  # where an unknown submit outcome waits (None: stays initial)
    refused: str  # where a request the provider refused (it created nothing) ends
    never_sent: str  # where a request that provably never left ends
    by_value: dict[str, State] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_value", {s.value: s for s in self.states})
        for state in self.states:
            for target in (*state.to, *state.staff_to):
                assert target in self.by_value, f"{state.value} → unknown {target}"
        for source, target in self.submit_edges:
            assert target in self.by_value[source].to, f"submit edge {source} → {target}"

    def __getitem__(self, value: str) -> State:
        return self.by_value[value]

    @property
    def initial(self) -> State:
        return self.states[0]

    @property
    def values(self) -> list[str]:
        return [s.value for s in self.states]

    @property
    def choices(self) -> list[tuple[str, Promise]]:
        return [(s.value, s.label) for s in self.states]

    @property
    def open_values(self) -> list[str]:
        return [s.value for s in self.states if not s.final]

    @property
    def watched_values(self) -> list[str]:
        return [s.value for s in self.states if (not s.final if s.watched is None else s.watched)]

    @property
    def public_names(self) -> list[str]:
        return list(dict.fromkeys(s.public for s in self.states))

    def values_for_public(self, public: str) -> list[str]:
        return [s.value for s in self.states if s.public == public]

    def allows(self, source: str, target: str, by: Authority) -> bool:
        state = self.by_value[source]
        if by is Authority.STAFF:
            return target in state.to or target in state.staff_to
        if by is Authority.SUBMIT:
            return (source, target) in self.submit_edges
        return target in state.to


def text_choices(name: str, lifecycle: Lifecycle) -> type[models.TextChoices]:
    """Django choices made from the declaration, so `OrderStatus.PENDING` reads as before."""
    return models.TextChoices(name, [(s.name, (s.value, s.label)) for s in lifecycle.states])


# fmt: off
CASHIN = Lifecycle(
    kind="cashin",
    states=(
        State("SUBMITTING", "submitting", _("Submitting"), "pending", "wait", final=False,
              to=("submit_unknown", "pending", "success", "failed", "refunded"),
              money=Money.DEBIT),
        State("SUBMIT_UNKNOWN", "submit_unknown", _("Checking with provider"), "pending", "warn",
              final=False, to=("pending", "success", "failed", "refunded")),
        State("PENDING", "pending", _("Pending"), "pending", "wait", final=False,
              to=("success", "failed", "refunded")),
        # Staff may correct a success the provider later contradicted; the refund happens once.
        State("SUCCESS", "success", _("Successful"), "success", "ok", final=True,
              staff_to=("failed",), money=Money.COMMISSION, event="cashin.success"),
        State("FAILED", "failed", _("Failed"), "failed", "bad", final=True,
              money=Money.REFUND, event="cashin.failed"),
        State("REFUNDED", "refunded", _("Refunded"), "refunded", "bad", final=True,
              money=Money.REFUND, event="cashin.refunded"),
    ),
    from_gateway={
        Status.PENDING: "pending",
        Status.SUCCESS: "success",
        Status.FAILED: "failed",
        Status.REFUNDED: "refunded",
        Status.CANCELED: "failed",
        Status.EXPIRED: "failed",
    },
    submit_edges=frozenset(
        {
            ("submitting", "submit_unknown"),
            ("submitting", "pending"),
            ("submit_unknown", "pending"),
            ("submitting", "failed"),  # refused by the provider, or never sent
        }
    ),
    unknown="submit_unknown",
    refused="failed",
    never_sent="failed",
)
# fmt: on

# fmt: off
PAYIN = Lifecycle(
    kind="payin",
    states=(
        State("CREATING", "creating", _("Creating"), "creating", "wait", final=False,
              to=("pending", "success", "failed", "canceled", "expired", "refunded", "rejected")),
        State("PENDING", "pending", _("Waiting for payment"), "pending", "wait", final=False,
              to=("success", "failed", "canceled", "expired", "refunded")),
        # Final for the money, but TrustedPay may still refund it: it stays watched a while.
        State("SUCCESS", "success", _("Paid"), "success", "ok", final=True, to=("refunded",),
              money=Money.CREDIT, event="payin.success", watched=True),
        State("FAILED", "failed", _("Failed"), "failed", "bad", final=True,
              event="payin.failed"),
        State("CANCELED", "canceled", _("Canceled"), "canceled", "muted", final=True,
              event="payin.canceled"),
        State("EXPIRED", "expired", _("Expired"), "expired", "muted", final=True,
              event="payin.expired"),
        State("REFUNDED", "refunded", _("Refunded"), "refunded", "bad", final=True,
              money=Money.REVERSAL, event="payin.refunded"),
        State("REJECTED", "rejected", _("Rejected"), "rejected", "bad", final=True,
              event="payin.rejected"),
    ),
    from_gateway={
        Status.PENDING: "pending",
        Status.SUCCESS: "success",
        Status.FAILED: "failed",
        Status.CANCELED: "canceled",
        Status.EXPIRED: "expired",
        Status.REFUNDED: "refunded",
    },
    submit_edges=frozenset(
        {
            ("creating", "pending"),
            ("creating", "rejected"),  # refused by TrustedPay: nothing was created
            ("creating", "failed"),  # never sent
        }
    ),
    unknown=None,
    refused="rejected",
    never_sent="failed",
)
# fmt: on

LIFECYCLES = {CASHIN.kind: CASHIN, PAYIN.kind: PAYIN}
