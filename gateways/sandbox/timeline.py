"""Where an order stands, from the seconds since it was created: no timers, no background work.

Each function answers `(status, since)`: the provider status `elapsed` seconds after creation and
the second (after creation) at which that status began, so a final status can carry the moment it
was reached. The outcome is chosen by the last digit of the customer's number (sandbox spec).
"""

from __future__ import annotations

CASHIN_FINAL = frozenset({"successfull", "failed", "refunded"})
CASHIN_STATUSES = (
    frozenset({"pending", "processing", "awaiting_sms", "manual_review"}) | CASHIN_FINAL
)
CASHIN_OUTCOMES = {"1": "failed", "2": "refunded"}  # every other accepted digit ends successfull

PAYIN_FINAL = frozenset({"success", "failed", "canceled", "refunded", "expired"})
PAYIN_STATUSES = frozenset({"pending"}) | PAYIN_FINAL
PAYIN_OUTCOMES = {"1": "failed", "2": "expired", "4": "canceled"}  # others end in success


def cashin_status(digit: str, elapsed: float, final_after: float) -> tuple[str, float]:
    third = final_after / 3
    if elapsed < third:
        return "pending", 0.0
    if digit == "3":  # stuck: in review from F/3 on, never final
        return "manual_review", third
    if elapsed < 2 * third:
        return "processing", third
    if elapsed < final_after:
        return "awaiting_sms", 2 * third
    if digit == "8" and elapsed >= 2 * final_after:  # the provider contradicts its final status
        return "failed", 2 * final_after
    return CASHIN_OUTCOMES.get(digit, "successfull"), final_after


def payin_status(digit: str, elapsed: float, final_after: float) -> tuple[str, float]:
    if digit == "5" or elapsed < final_after:  # 5: the customer never pays
        return "pending", 0.0
    if digit == "3" and elapsed >= 2 * final_after:  # paid, then refunded
        return "refunded", 2 * final_after
    return PAYIN_OUTCOMES.get(digit, "success"), final_after
