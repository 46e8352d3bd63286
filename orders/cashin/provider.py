"""What following a Cash In at NICTBD needs beyond the generic rules: its fields and gateway."""

from django.utils import timezone

from gateways.base import CashInRequest, CashInResult
from gateways.registry import get_cashin_gateway
from orders.errors import InvalidReceiver
from orders.lifecycle.declaration import CASHIN
from orders.lifecycle.following import Followed
from orders.lifecycle.reasons import Reason
from orders.models import CashInOrder, StatusChange
from orders.numbers import normalize_mobile_number


class CashInFollowed(Followed):
    model = CashInOrder
    lifecycle = CASHIN
    reference_field = "client_reference"
    sweep_compared = ("provider_status", "job_status", "transaction_status", "order_number")
    refusal_codes = ("answer_mismatch",)

    def gateway(self):
        return get_cashin_gateway()

    def request(self, order: CashInOrder, **extra) -> CashInRequest:
        return CashInRequest(
            receiver_number=order.receiver_number,
            amount=order.amount,
            client_reference=order.client_reference,
        )

    def copy_references(self, order: CashInOrder, result: CashInResult) -> None:
        order.order_number = result.order_number or order.order_number
        order.job_id = result.job_id or order.job_id
        if order.submitted_at is None and result.order_number:
            order.submitted_at = timezone.now()

    def copy_status_fields(self, order: CashInOrder, result: CashInResult) -> None:
        self.copy_references(order, result)
        order.provider_status = result.provider_status or order.provider_status
        order.job_status = result.job_status or order.job_status
        order.transaction_status = result.transaction_status or order.transaction_status
        order.operator_transaction_id = result.operator_transaction_id or ""
        order.provider_failure_reason = result.failure_reason or order.provider_failure_reason
        order.refund_order_number = result.refund_order_number or ""
        if result.debit_amount is not None:
            order.provider_debit_amount = result.debit_amount
        if result.status.is_final:
            order.completed_at = result.completed_at or timezone.now()

    def failure(self, result: CashInResult, target: str) -> Reason | None:
        code = {"failed": "provider_failed", "refunded": "provider_refunded"}.get(target)
        return Reason(code, {"text": result.failure_reason or ""}) if code else None

    def refuse(self, order: CashInOrder, result: CashInResult, target: str) -> Reason | None:
        """A final answer naming another receiver or amount than we sent moves nothing: it
        may be about another Cash In, and a success or a refund on it could be wrong."""
        if not CASHIN[target].final:
            return None
        receiver = _number_or_none(result.receiver_number)  # blank or masked: not named
        if receiver is not None and receiver != order.receiver_number:
            theirs = receiver
        elif result.amount is not None and result.amount != order.amount:
            theirs = f"{result.amount:.2f} BDT"
        else:
            return None
        ours = f"{order.receiver_number}, {order.amount:.2f} BDT"
        return Reason("answer_mismatch", {"theirs": theirs, "ours": ours})


def _number_or_none(raw: str | None) -> str | None:
    """The provider's receiver as we write numbers (it may add the country code); None when
    it names none we can read (absent, blank, masked as 0171****670)."""
    try:
        return normalize_mobile_number(raw) if raw else None
    except InvalidReceiver:
        return None


CASHIN_FOLLOWED = CashInFollowed()
Source = StatusChange.Source


def cashin_apply_result(*, order_id: int, result: CashInResult, source: str, staff_user=None):
    """A status-API answer about one order (the sweep, a check now)."""
    return CASHIN_FOLLOWED.apply_status_answer(
        order_id, result, source=source, staff_user=staff_user
    )


def cashin_note_check_error(*, order_id: int, error) -> CashInOrder:
    return CASHIN_FOLLOWED.note_check_error(order_id, error)


def cashin_check_now(*, order_id: int, source: str = Source.STAFF, staff_user=None):
    return CASHIN_FOLLOWED.check_now(order_id, source=source, staff_user=staff_user)
