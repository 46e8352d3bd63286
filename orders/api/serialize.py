"""The JSON shapes of orders and PayIns, shared by the API and the webhooks.

Amounts are strings with two decimals ("500.00"), never floats; times are ISO 8601 in
Asia/Dhaka (+06:00). Internal in-flight states are shown to resellers as "pending".
"""

from decimal import Decimal

from orders.lifecycle.declaration import CASHIN, PAYIN
from orders.localtime import local_iso
from orders.models import CashInOrder, PayIn

# What ?status= accepts, and the internal statuses each stands for (from the declaration).
ORDER_STATUS_FILTER = {public: CASHIN.values_for_public(public) for public in CASHIN.public_names}


def money(amount: Decimal | None) -> str | None:
    return None if amount is None else f"{amount:.2f}"


when = local_iso


def order_json(order: CashInOrder) -> dict:
    return {
        "order_number": order.order_number or None,
        "client_reference": order.client_reference,
        "receiver_number": order.receiver_number,
        "amount": money(order.amount),
        "debit_amount": money(order.debit_amount),
        "fee": money(order.fee),
        "total": money(order.total),
        "currency": "BDT",
        "status": CASHIN[order.status].public,
        "final": order.is_final,
        "failure_reason": order.failure_reason or None,
        "operator_transaction_id": order.operator_transaction_id or None,
        "refund_order_number": order.refund_order_number or None,
        "created_at": when(order.created_at),
        "submitted_at": when(order.submitted_at),
        "completed_at": when(order.completed_at),
    }


def payin_json(payin: PayIn) -> dict:
    return {
        "external_id": payin.external_id,
        "amount": money(payin.amount),
        "currency": "BDT",
        "wallet_provider": payin.wallet_provider,
        "mobile_number": payin.mobile_number,
        "status": PAYIN[payin.status].public,
        "payment_link": payin.payment_link or None,
        "payment_link_expires_at": when(payin.payment_link_expires_at),
        "failure_reason": payin.failure_reason or None,
        "created_at": when(payin.created_at),
        "completed_at": when(payin.completed_at),
    }
