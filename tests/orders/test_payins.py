"""PayIn: credited exactly once on success; a later refund reversed once or flagged."""

from decimal import Decimal

import pytest

from orders.errors import PayInRejected, ReferenceConflict, ResellerSuspended
from orders.models import LedgerEntry, PayIn, PayInStatus, Reseller
from orders.payin.create import payin_create
from orders.payin.provider import payin_check_now
from orders.polling.sweep import sweep_once
from orders.tasks import check_payin_task
from tests.orders.conftest import (
    assert_ledger_consistent,
    balance,
    create_payin,
    payin_status,
    send_submissions,
    sweep_until,
)

CREDIT = LedgerEntry.Kind.PAYIN_CREDIT
REVERSAL = LedgerEntry.Kind.PAYIN_REVERSAL


def credits(payin, kind=CREDIT) -> int:
    return LedgerEntry.objects.filter(payin=payin, kind=kind).count()


def test_new_payin_waits_for_payment_and_shows_the_link(sandbox, reseller):
    payin = create_payin(reseller, 0)

    assert payin.status == PayInStatus.PENDING
    assert payin.provider_id
    assert payin.payment_link.endswith(f"/_sandbox/pay/{payin.external_id}")
    assert balance(reseller) == Decimal("10000.00")  # nothing credited before success


def test_successful_payin_credits_exactly_once(sandbox, reseller, fast_polling):
    payin = create_payin(reseller, 0)

    sweep_until(lambda: payin_status(payin) == PayInStatus.SUCCESS)
    for _ in range(3):
        sweep_once()
        check_payin_task(payin.pk)

    assert credits(payin) == 1
    assert balance(reseller) == Decimal("11000.00")
    assert_ledger_consistent(reseller.pk)


@pytest.mark.parametrize(
    ("digit", "final"),
    [(1, PayInStatus.FAILED), (2, PayInStatus.EXPIRED), (4, PayInStatus.CANCELED)],
)
def test_unpaid_payins_end_without_credit(sandbox, reseller, fast_polling, digit, final):
    payin = create_payin(reseller, digit)

    sweep_until(lambda: payin_status(payin) == final)

    assert credits(payin) == 0
    assert balance(reseller) == Decimal("10000.00")


def test_success_then_refund_reverses_the_credit_once(sandbox, reseller, fast_polling):
    payin = create_payin(reseller, 3)

    sweep_until(lambda: payin_status(payin) == PayInStatus.REFUNDED, timeout=10)
    payin_check_now(payin_id=payin.pk)

    assert credits(payin) == 1 and credits(payin, REVERSAL) == 1
    assert balance(reseller) == Decimal("10000.00")
    assert_ledger_consistent(reseller.pk)


def test_refund_the_balance_cannot_cover_is_flagged_not_overdrawn(sandbox, reseller, fast_polling):
    from orders.wallet.ledger import staff_adjust_balance

    payin = create_payin(reseller, 3)
    sweep_until(lambda: payin_status(payin) == PayInStatus.SUCCESS)
    staff_adjust_balance(
        reseller_id=reseller.pk, amount=Decimal("-10500"), staff_user=None, reason="spent"
    )

    sweep_until(lambda: PayIn.objects.get(pk=payin.pk).needs_attention, timeout=10)

    payin.refresh_from_db()
    assert payin.status == PayInStatus.SUCCESS and payin.provider_status == "refunded"
    assert "cannot cover" in payin.attention_reason
    assert credits(payin, REVERSAL) == 0
    assert balance(reseller) == Decimal("500.00")


def test_payin_fields_are_checked_before_anything_is_sent(sandbox, reseller):
    with pytest.raises(PayInRejected) as refused:
        payin_create(
            reseller=reseller,
            amount="1000",
            wallet_provider="Rocket",
            mobile_number="0187245678",
            email="not-an-email",
            customer_name="",
        )

    assert set(refused.value.field_errors) == {
        "wallet_provider",
        "mobile_number",
        "email",
        "customer_name",
    }
    assert sandbox.stats()["payin_submits"] == {}


def test_suspended_reseller_cannot_add_funds(sandbox, reseller):
    Reseller.objects.filter(pk=reseller.pk).update(state=Reseller.State.SUSPENDED)
    reseller.refresh_from_db()
    with pytest.raises(ResellerSuspended):
        create_payin(reseller, 0)


def test_unknown_create_outcome_is_resolved_by_external_id(sandbox, reseller, fast_polling):
    sandbox.configure(malformed_rate=1.0)
    payin = create_payin(reseller, 0)
    assert payin.status == PayInStatus.CREATING
    sandbox.configure(malformed_rate=0.0)

    sweep_until(lambda: payin_status(payin) == PayInStatus.SUCCESS)

    assert sandbox.stats()["payin_submits"] == {payin.external_id: 1}
    assert credits(payin) == 1


def test_same_external_id_again_is_the_same_payin_and_another_amount_is_refused(sandbox, reseller):
    fields = {
        "reseller": reseller,
        "wallet_provider": "BKash",
        "mobile_number": "01872456780",
        "email": "payer@example.com",
        "customer_name": "Payer",
        "external_id": "PIN-SHOP-7",
    }
    first = payin_create(amount="1000", **fields)
    again = payin_create(amount="1000.00", **fields)

    send_submissions()
    assert again.pk == first.pk
    assert sandbox.stats()["payin_submits"] == {"PIN-SHOP-7": 1}
    with pytest.raises(ReferenceConflict):
        payin_create(amount="2000", **fields)
