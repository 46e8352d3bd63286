"""What "fits its row" means for a gateway result: the checks the untrusted-field tests share."""

import json
from decimal import Decimal

from gateways import base

CENT = Decimal("0.01")
CASHIN_TEXT_LIMITS = {
    "client_reference": base.CLIENT_REFERENCE_MAX_LENGTH,
    "provider_status": base.PROVIDER_STATUS_MAX_LENGTH,
    "order_number": base.ORDER_NUMBER_MAX_LENGTH,
    "job_status": base.JOB_STATUS_MAX_LENGTH,
    "transaction_status": base.TRANSACTION_STATUS_MAX_LENGTH,
    "receiver_number": base.RECEIVER_NUMBER_MAX_LENGTH,
    "operator_transaction_id": base.OPERATOR_TRANSACTION_ID_MAX_LENGTH,
    "failure_reason": base.FAILURE_REASON_MAX_LENGTH,
    "refund_order_number": base.REFUND_ORDER_NUMBER_MAX_LENGTH,
    "message": base.MESSAGE_MAX_LENGTH,
}
PAYIN_TEXT_LIMITS = {
    "external_id": base.EXTERNAL_ID_MAX_LENGTH,
    "provider_status": base.PROVIDER_STATUS_MAX_LENGTH,
    "currency": base.CURRENCY_MAX_LENGTH,
    "payment_link": base.PAYMENT_LINK_MAX_LENGTH,
}


def assert_raw_storable(raw):
    """What a JSONField (plain json.dumps) and PostgreSQL's jsonb take: no Decimal, no NUL."""
    text = json.dumps(raw)  # TypeError on a Decimal; ValueError past the int digit limit
    assert "\\u0000" not in text
    text.encode("utf-8")  # no unpaired surrogate left
    return text


def assert_fits_columns(result):
    limits = CASHIN_TEXT_LIMITS if hasattr(result, "job_id") else PAYIN_TEXT_LIMITS
    for name, limit in limits.items():
        value = getattr(result, name)
        if value is None:
            continue
        assert isinstance(value, str), (name, value)
        assert len(value) <= limit, (name, len(value))
        assert "\x00" not in value, name
        value.encode("utf-8")
    number = getattr(result, "job_id", None) or getattr(result, "provider_id", None)
    assert number is None or 0 <= number <= base.BIGINT_MAX
    for name in ("amount", "debit_amount"):
        amount = getattr(result, name, None)
        assert amount is None or abs(amount) < 10**12 and amount == amount.quantize(CENT)
    if getattr(result, "payment_link", None):
        assert result.payment_link.startswith(("https://", "http://127.0.0.1"))
    assert_raw_storable(result.raw)
