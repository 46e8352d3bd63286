"""CSV exports neutralise text a spreadsheet would run as a formula (OWASP: prefix '), and
keep amounts plain numbers."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from orders.models import LedgerEntry, OrderStatus
from orders.wallet.ledger import staff_adjust_balance
from panel.views_common import csv_cell
from tests.factories import CashInOrderFactory, PayInFactory

PAYLOADS = ['=HYPERLINK("http://evil.example/","click")', "@SUM(1+1)*cmd|' /C calc'!A0"]


def exported(client, name: str) -> list[dict]:
    response = client.get(reverse(name))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_order_csv_neutralises_formulas_in_every_text_column(rclient, reseller, payload):
    CashInOrderFactory(
        reseller=reseller,
        client_reference=payload,
        order_number=payload,
        status=OrderStatus.FAILED,
        provider_status=payload[:32],
        operator_transaction_id=payload,
        refund_order_number=payload,
        provider_failure_reason=payload,
    )

    [row] = exported(rclient, "order_export")

    for column in ("client_reference", "order_number", "operator_transaction_id"):
        assert row[column] == "'" + payload, column
    assert row["refund_order_number"] == "'" + payload
    assert row["failure_reason"] == "'" + payload
    assert row["provider_status"] == "'" + payload[:32]
    assert row["amount"] == "500.00"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_order_csv_neutralises_a_rendered_provider_failure_reason(rclient, reseller, payload):
    CashInOrderFactory(
        reseller=reseller,
        status=OrderStatus.FAILED,
        failure_code="provider_failed",
        failure_params={"text": payload},
    )

    [row] = exported(rclient, "order_export")

    assert row["failure_reason"] == "'" + payload


@pytest.mark.parametrize("payload", PAYLOADS)
def test_wallet_csv_neutralises_formulas_and_keeps_a_negative_amount_a_number(
    rclient, reseller, payload
):
    order = CashInOrderFactory(reseller=reseller, client_reference=payload)
    payin = PayInFactory(reseller=reseller, external_id=payload)
    entry = staff_adjust_balance(
        reseller_id=reseller.pk, amount=Decimal("-500.00"), staff_user=None, reason=payload
    )
    LedgerEntry.objects.filter(pk=entry.pk).update(order=order, payin=payin)

    row = exported(rclient, "wallet_export")[0]

    assert row["reason"] == "'" + payload
    assert row["order"] == "'" + payload and row["payin"] == "'" + payload
    assert row["amount"] == "-500.00"  # a number, not text
    assert row["balance_after"] == "9500.00"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_starting_like_a_formula_is_prefixed(start):
    assert csv_cell(start + "1+1") == "'" + start + "1+1"


@pytest.mark.parametrize("value", [Decimal("-500.00"), -3, None, "ABC-123", "01712345678"])
def test_numbers_and_harmless_text_are_left_as_they_are(value):
    assert csv_cell(value) == value
