"""Why an order or PayIn failed, was flagged or moved: stored as a code and its parameters,
rendered in the reader's language when shown. No code decides anything by reading the text.

The provider's own words are parameters (`text`), kept verbatim beside our code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    # Failures
    "provider_failed": _("The provider reported a failure."),
    "provider_refunded": _("The provider refunded the order."),
    "rejected": _("Rejected by the provider: %(text)s"),
    "not_sent": _("Provider unreachable; nothing was sent (%(text)s)."),
    # Flags for staff
    "contradiction": _("Provider now says '%(new)s' but this is final as '%(old)s'."),
    "lost": _("The provider no longer finds this."),
    "not_found_after_resubmits": _(
        "No record at the provider under %(reference)s after %(count)s resubmits; decide by hand."
    ),
    "resubmit_rejected": _("Resubmit rejected: %(text)s"),
    "overdue": _("Not final after %(minutes)s minutes."),
    "reversal_uncovered": _(
        "The provider refunded this PayIn but the balance cannot cover the %(amount)s reversal."
    ),
    "cannot_apply": _("A provider answer could not be applied: %(text)s"),
    "amount_mismatch": _(
        "The provider reports %(paid)s paid where %(asked)s was asked: nothing was credited."
    ),
    "answer_mismatch": _(
        "The provider's final answer names %(theirs)s where we sent %(ours)s: not applied."
    ),
    "submit_claim": _("The submit answer claimed '%(claimed)s'; waiting for the status API."),
    "reconciliation": _("Reconciliation of %(day)s: %(problem)s (see the day's report)."),
    # Staff's own words, and text from before reasons had codes
    "staff": _("%(text)s"),
    "note": _("%(text)s"),
}

# A code whose text is the provider's own words when it gave any.
PROVIDER_TEXT_FIRST = {"provider_failed", "provider_refunded"}


@dataclass(frozen=True)
class Reason:
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in MESSAGES:
            raise ValueError(f"unknown reason code {self.code!r}")

    def __str__(self) -> str:
        return render(self.code, self.params)


def render(code: str, params: dict[str, Any] | None) -> str:
    """The reason in the active language; "" for no code."""
    if not code:
        return ""
    params = {k: "" if v is None else v for k, v in (params or {}).items()}
    if code in PROVIDER_TEXT_FIRST and params.get("text"):
        return str(params["text"])
    template = MESSAGES.get(code)
    if template is None:
        return str(params.get("text") or code)
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(params.get("text") or code)
