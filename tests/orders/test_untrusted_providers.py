"""Providers that lie in their first answer, or send odd fields: only the status API decides,
and no answer can keep an order from its final status."""

from decimal import Decimal

from orders.models import CashInOrder, LedgerEntry, OrderStatus, PayIn, PayInStatus
from tests.orders.conftest import (
    assert_ledger_consistent,
    balance,
    create_payin,
    entries,
    order_status,
    payin_status,
    submit,
    sweep_until,
)

REFUND = LedgerEntry.Kind.ORDER_REFUND


def test_a_submit_claiming_success_then_a_failed_status_ends_failed_and_refunded_once(
    sandbox, reseller, fast_polling
):
    sandbox.configure(nictbd_submit_claims="successfull")
    order = submit(reseller, 1)  # the status API will say failed
    assert order.status == OrderStatus.PENDING  # the claim is not believed

    sweep_until(lambda: order_status(order) == OrderStatus.FAILED)
    sweep_until(lambda: True)

    assert entries(order, REFUND) == 1
    assert balance(reseller) == Decimal("10000.00")
    assert order.history.filter(reason_code="submit_claim").count() == 1
    assert_ledger_consistent(reseller.pk)


def test_a_submit_claiming_failed_is_not_refunded_when_the_status_api_says_success(
    sandbox, reseller, fast_polling
):
    sandbox.configure(nictbd_submit_claims="failed")
    order = submit(reseller, 0)
    assert order.status == OrderStatus.PENDING and entries(order, REFUND) == 0

    sweep_until(lambda: order_status(order) == OrderStatus.SUCCESS)

    assert entries(order, REFUND) == 0
    assert balance(reseller) == Decimal("9500.00")


def test_a_payin_create_claiming_success_then_failed_never_credits(sandbox, reseller, fast_polling):
    sandbox.configure(trustedpay_create_claims="success")
    payin = create_payin(reseller, 1)
    assert payin.status == PayInStatus.PENDING

    sweep_until(lambda: payin_status(payin) == PayInStatus.FAILED)

    assert not LedgerEntry.objects.filter(payin=payin).exists()
    assert balance(reseller) == Decimal("10000.00")


def test_a_payin_with_paisa_is_credited_exactly_once(sandbox, reseller, fast_polling):
    payin = create_payin(reseller, 0, amount="512.34")

    sweep_until(lambda: payin_status(payin) == PayInStatus.SUCCESS)
    sweep_until(lambda: True)

    [credit] = LedgerEntry.objects.filter(payin=payin)
    assert credit.amount == Decimal("512.34")
    assert balance(reseller) == Decimal("10512.34")
    history = PayIn.objects.get(pk=payin.pk).history.exclude(raw=None).last()
    assert history.raw["amount"] == "512.34"  # stored as the text the provider sent


def test_hostile_fields_still_let_the_order_reach_its_final_status(sandbox, reseller, fast_polling):
    sandbox.configure(hostile_fields=True)
    ok, failing = submit(reseller, 0), submit(reseller, 1)

    sweep_until(lambda: order_status(ok) == OrderStatus.SUCCESS)
    sweep_until(lambda: order_status(failing) == OrderStatus.FAILED)

    ok = CashInOrder.objects.get(pk=ok.pk)
    assert len(ok.operator_transaction_id) == 64  # the provider sent 80: cut to the column
    failing = CashInOrder.objects.get(pk=failing.pk)
    assert entries(failing, REFUND) == 1
    assert "\x00" not in failing.failure_reason and len(failing.failure_reason) <= 1000


def test_a_payment_link_that_is_not_https_is_never_shown(sandbox, reseller, fast_polling):
    sandbox.configure(hostile_fields=True)
    payin = create_payin(reseller, 0)

    assert payin.payment_link == ""
    sweep_until(lambda: payin_status(payin) == PayInStatus.SUCCESS)
    assert PayIn.objects.get(pk=payin.pk).payment_link == ""


def test_final_answers_about_another_receiver_or_amount_are_flagged_not_applied(
    sandbox, reseller, fast_polling
):
    sandbox.configure(nictbd_misreports=True)
    succeeding, failing = submit(reseller, 0), submit(reseller, 1)

    sweep_until(lambda: CashInOrder.objects.filter(attention_code="answer_mismatch").count() == 2)

    for order in (succeeding, failing):
        order.refresh_from_db()
        assert order.status == OrderStatus.PENDING and order.needs_attention
        assert entries(order, REFUND) == 0
    assert balance(reseller) == Decimal("9000.00")  # both debits kept, nothing refunded
    assert "where we sent 01712345670, 500.00 BDT" in succeeding.attention_reason

    sandbox.configure(nictbd_misreports=False)  # the provider answers about our order again
    sweep_until(lambda: order_status(failing) == OrderStatus.FAILED)
    assert entries(failing, REFUND) == 1
    assert not CashInOrder.objects.get(pk=failing.pk).needs_attention  # the flag is lifted
    assert_ledger_consistent(reseller.pk)
