"""The declared lifecycle: one transition() moves every status, for Cash In and PayIn alike."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from gateways.base import CashInResult, PayInResult, Status
from orders.cashin.provider import CASHIN_FOLLOWED, cashin_apply_result
from orders.cashin.staff import cashin_resolve_by_staff, cashin_set_attention
from orders.errors import InvalidTransition
from orders.lifecycle.declaration import CASHIN, LIFECYCLES, PAYIN, Authority
from orders.lifecycle.guard import StatusWriteError
from orders.lifecycle.reasons import Reason, render
from orders.models import CashInOrder, LedgerEntry, OrderStatus, PayIn, PayInStatus
from orders.payin.provider import PAYIN_FOLLOWED, payin_apply_result
from tests.factories import CashInOrderFactory, PayInFactory, ResellerFactory, StaffUserFactory
from tests.orders.conftest import assert_ledger_consistent, entries, order_status

REFUND = LedgerEntry.Kind.ORDER_REFUND
CREDIT = LedgerEntry.Kind.PAYIN_CREDIT


def cashin_answer(order, status: Status, word: str, **fields) -> CashInResult:
    return CashInResult(status, order.client_reference, word, **fields)


def payin_answer(payin, status: Status, word: str) -> PayInResult:
    return PayInResult(status, payin.external_id, word)


@pytest.fixture
def order(db):
    return CashInOrderFactory(
        reseller=ResellerFactory(balance=Decimal("1000")), debited=True, status="submitting"
    )


# --- The guard -------------------------------------------------------------------------------


def test_assigning_a_saved_orders_status_raises(order):
    with pytest.raises(StatusWriteError):
        order.status = OrderStatus.SUCCESS
    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMITTING


def test_updating_statuses_through_a_queryset_raises(order):
    with pytest.raises(StatusWriteError):
        CashInOrder.objects.filter(pk=order.pk).update(status=OrderStatus.SUCCESS)
    with pytest.raises(StatusWriteError):
        PayIn.objects.update(status=PayInStatus.SUCCESS)
    assert CashInOrder.objects.get(pk=order.pk).status == OrderStatus.SUBMITTING


# --- The declaration -------------------------------------------------------------------------


@pytest.mark.parametrize("lifecycle", LIFECYCLES.values(), ids=list(LIFECYCLES))
def test_a_submit_answer_can_make_nothing_final_but_a_refused_or_unsent_request(lifecycle):
    for source, target in lifecycle.submit_edges:
        if lifecycle[target].final:
            assert target in (lifecycle.refused, lifecycle.never_sent)
            assert source == lifecycle.initial.value


@pytest.mark.parametrize("lifecycle", LIFECYCLES.values(), ids=list(LIFECYCLES))
def test_no_final_status_moves_on_except_where_declared(lifecycle):
    moving_finals = {s.value: s.to for s in lifecycle.states if s.final and s.to}
    assert moving_finals == ({"success": ("refunded",)} if lifecycle is PAYIN else {})


def test_model_choices_and_api_names_come_from_the_declaration():
    assert CashInOrder._meta.get_field("status").choices == CASHIN.choices
    assert PayIn._meta.get_field("status").choices == PAYIN.choices
    assert CASHIN.public_names == ["pending", "success", "failed", "refunded"]


# --- Only the status API finalises -----------------------------------------------------------


def test_a_submit_answer_claiming_success_leaves_the_order_pending(order):
    claim = cashin_answer(order, Status.SUCCESS, "successfull", order_number="NICT-1", job_id=7)

    CASHIN_FOLLOWED.apply_submit_answer(order.pk, claim)

    order.refresh_from_db()
    assert (order.status, order.order_number, order.job_id) == ("pending", "NICT-1", 7)
    assert order.completed_at is None
    change = order.history.get(to_status="pending")
    assert change.reason_code == "submit_claim" and "successfull" in change.explanation


def test_then_a_failed_status_answer_fails_and_refunds_once(order):
    CASHIN_FOLLOWED.apply_submit_answer(order.pk, cashin_answer(order, Status.SUCCESS, "success"))
    failed = cashin_answer(order, Status.FAILED, "failed", failure_reason="Wallet limit")

    for _ in range(3):
        cashin_apply_result(order_id=order.pk, result=failed, source="worker")

    order.refresh_from_db()
    assert order.status == OrderStatus.FAILED
    assert order.failure_reason == "Wallet limit"  # the provider's words, verbatim
    assert entries(order, REFUND) == 1
    assert_ledger_consistent(order.reseller_id)


def test_a_payin_create_answer_claiming_success_credits_nothing(db):
    payin = PayInFactory(status="creating", reseller=ResellerFactory())
    PAYIN_FOLLOWED.apply_submit_answer(payin.pk, payin_answer(payin, Status.SUCCESS, "success"))
    payin_apply_result(
        payin_id=payin.pk, result=payin_answer(payin, Status.FAILED, "failed"), source="worker"
    )

    payin.refresh_from_db()
    assert payin.status == PayInStatus.FAILED
    assert not LedgerEntry.objects.filter(payin=payin).exists()


# --- Answers that cannot be applied -----------------------------------------------------------


def test_an_answer_that_cannot_be_stored_flags_the_order_and_polling_goes_on(order, settings):
    settings.POLL_BASE_DELAY = 5
    huge = cashin_answer(order, Status.SUCCESS, "successfull", job_id=2**70)

    cashin_apply_result(order_id=order.pk, result=huge, source="worker")

    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMITTING and order.job_id is None
    assert order.needs_attention and order.attention_code == "cannot_apply"
    assert order.next_check_at is not None  # asked again on schedule
    cashin_apply_result(
        order_id=order.pk, result=cashin_answer(order, Status.SUCCESS, "x"), source="worker"
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.SUCCESS
    assert not order.needs_attention  # the flag goes with the first answer that fits


def test_a_contradicted_final_status_is_flagged_once_and_never_obeyed(order):
    cashin_apply_result(
        order_id=order.pk, result=cashin_answer(order, Status.SUCCESS, "x"), source="worker"
    )
    for _ in range(2):
        cashin_apply_result(
            order_id=order.pk, result=cashin_answer(order, Status.FAILED, "failed"), source="worker"
        )

    order.refresh_from_db()
    assert order.status == OrderStatus.SUCCESS and entries(order, REFUND) == 0
    assert order.attention_code == "contradiction"
    assert order.history.filter(reason_code="contradiction").count() == 1


# --- Staff, flags and reasons ----------------------------------------------------------------


def test_staff_correct_a_success_to_failed_and_the_refund_happens_once(order):
    staff = StaffUserFactory()
    cashin_apply_result(
        order_id=order.pk, result=cashin_answer(order, Status.SUCCESS, "x"), source="worker"
    )
    cashin_resolve_by_staff(order_id=order.pk, to_status="failed", staff_user=staff, reason="SMS")
    with pytest.raises(InvalidTransition):
        cashin_resolve_by_staff(order_id=order.pk, to_status="failed", staff_user=staff, reason="x")

    assert entries(order, REFUND) == 1
    assert CashInOrder.objects.get(pk=order.pk).failure_reason == "SMS"


def test_staff_cannot_decide_an_order_the_submitter_is_sending(order):
    assert order.status == "submitting" and order.last_submit_at is not None  # claimed, sent

    with pytest.raises(InvalidTransition, match="being sent to the provider"):
        cashin_resolve_by_staff(
            order_id=order.pk, to_status="failed", staff_user=StaffUserFactory(), reason="x"
        )
    assert entries(order, REFUND) == 0


def test_staff_may_decide_a_sent_order_once_the_grace_period_is_over(order, settings):
    sent = timezone.now() - timedelta(seconds=settings.SUBMIT_UNKNOWN_GRACE_SECONDS + 1)
    CashInOrder.objects.filter(pk=order.pk).update(last_submit_at=sent)

    cashin_resolve_by_staff(
        order_id=order.pk, to_status="failed", staff_user=StaffUserFactory(), reason="NICTBD: none"
    )

    assert order_status(order) == "failed" and entries(order, REFUND) == 1


def test_staff_cannot_decide_an_unknown_order_while_its_resubmit_is_out(db):
    reseller = ResellerFactory(balance=Decimal("1000"))
    order = CashInOrderFactory(
        reseller=reseller, status="submit_unknown", debited=True
    )  # resent now

    with pytest.raises(InvalidTransition, match="being sent to the provider"):
        cashin_resolve_by_staff(
            order_id=order.pk, to_status="failed", staff_user=StaffUserFactory(), reason="x"
        )


def test_staff_may_fail_a_queued_order_never_sent_and_it_is_refunded_once(order):
    CashInOrder.objects.filter(pk=order.pk).update(last_submit_at=None)  # still queued

    cashin_resolve_by_staff(
        order_id=order.pk, to_status="failed", staff_user=StaffUserFactory(), reason="cancel"
    )

    assert order_status(order) == "failed" and entries(order, REFUND) == 1


def test_staff_cannot_move_a_failed_order(order):
    cashin_apply_result(
        order_id=order.pk, result=cashin_answer(order, Status.FAILED, "failed"), source="worker"
    )
    with pytest.raises(InvalidTransition):
        cashin_resolve_by_staff(
            order_id=order.pk, to_status="success", staff_user=StaffUserFactory(), reason="x"
        )


def test_flag_and_unflag_each_leave_a_history_row_with_who_and_why(order):
    staff = StaffUserFactory()
    cashin_set_attention(order_id=order.pk, flagged=True, staff_user=staff, reason="Odd SMS")
    cashin_set_attention(order_id=order.pk, flagged=False, staff_user=staff, reason="Checked")

    rows = list(order.history.filter(staff_user=staff))
    assert [row.explanation for row in rows] == ["Odd SMS", "Checked"]
    assert not CashInOrder.objects.get(pk=order.pk).needs_attention


def test_a_reason_is_rendered_in_the_readers_language():
    reason = Reason("overdue", {"minutes": "30"})
    with translation.override("en"):
        english = str(reason)
    with translation.override("bn"):
        bangla = render(reason.code, reason.params)
    assert english == "Not final after 30 minutes."
    assert bangla != english and "30" in bangla


def test_unknown_reason_codes_are_refused():
    with pytest.raises(ValueError):
        Reason("because")


def test_only_staff_may_take_a_staff_edge():
    assert CASHIN.allows("success", "failed", Authority.STAFF)
    assert not CASHIN.allows("success", "failed", Authority.STATUS_API)
    assert not CASHIN.allows("pending", "success", Authority.SUBMIT)


def test_the_readme_shows_the_declared_lifecycle_tables():
    from pathlib import Path

    from orders.lifecycle.table import all_tables

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    start = readme.index("<!-- lifecycle tables: generated -->")
    end = readme.index("<!-- end of lifecycle tables -->")
    assert readme[start:end].split("-->", 1)[1].strip() == all_tables()


# --- Review findings -------------------------------------------------------------------------


def test_a_payin_success_for_another_amount_credits_nothing_and_is_flagged(db):
    payin = PayInFactory(reseller=ResellerFactory(), amount=Decimal("1000.00"))
    paid_less = PayInResult(Status.SUCCESS, payin.external_id, "success", amount=Decimal("10"))

    payin_apply_result(payin_id=payin.pk, result=paid_less, source="worker")

    payin.refresh_from_db()
    assert payin.status == PayInStatus.PENDING and payin.attention_code == "amount_mismatch"
    assert not LedgerEntry.objects.filter(payin=payin, kind=CREDIT).exists()


def test_a_late_refusal_of_the_first_request_after_a_resubmit_refunds_nothing(sandbox, db):
    order = CashInOrderFactory(
        reseller=ResellerFactory(balance=Decimal("1000")),
        debited=True,
        status="submitting",
        receiver_number="01712345677",  # the sandbox refuses this number
        resubmit_count=1,  # a resubmit is out: the provider may be creating the order
    )

    CASHIN_FOLLOWED.send(order, first_attempt=True)

    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMITTING and order.needs_attention
    assert entries(order, REFUND) == 0


def test_a_submit_answer_for_a_final_order_only_adds_references(order):
    cashin_apply_result(
        order_id=order.pk, result=cashin_answer(order, Status.SUCCESS, "successfull"), source="w"
    )
    late = cashin_answer(order, Status.FAILED, "failed", order_number="NICT-9")

    CASHIN_FOLLOWED.apply_submit_answer(order.pk, late)

    order.refresh_from_db()
    assert (order.status, order.provider_status, order.order_number) == (
        "success",
        "successfull",
        "NICT-9",
    )
    assert order.attention_code == "contradiction" and entries(order, REFUND) == 0


def test_a_reversal_the_balance_cannot_cover_is_still_checked_after_a_day(db):
    from datetime import timedelta

    from django.utils import timezone

    payin = PayInFactory(reseller=ResellerFactory(), amount=Decimal("100.00"))
    success = PayInResult(Status.SUCCESS, payin.external_id, "success")
    payin_apply_result(payin_id=payin.pk, result=success, source="worker")
    from orders.wallet.ledger import staff_adjust_balance

    staff_adjust_balance(
        reseller_id=payin.reseller_id, amount=Decimal("-100"), staff_user=None, reason="spent"
    )
    PayIn.objects.filter(pk=payin.pk).update(completed_at=timezone.now() - timedelta(days=2))
    refunded = PayInResult(Status.REFUNDED, payin.external_id, "refunded")

    payin_apply_result(payin_id=payin.pk, result=refunded, source="worker")

    payin.refresh_from_db()
    assert payin.status == PayInStatus.SUCCESS and payin.attention_code == "reversal_uncovered"
    assert payin.next_check_at is not None  # asked again until the reversal can be made


@pytest.mark.parametrize("receiver", [None, "", "0171****670", "+880 1712-345670"])
def test_a_final_answer_naming_no_readable_other_receiver_is_applied(order, receiver):
    answer = cashin_answer(order, Status.FAILED, "failed", receiver_number=receiver,
                           amount=order.amount)  # fmt: skip

    cashin_apply_result(order_id=order.pk, result=answer, source="worker")

    assert order_status(order) == "failed" and entries(order, REFUND) == 1


def test_a_final_answer_for_another_amount_is_flagged_and_a_pending_one_does_not_lift_it(order):
    other = cashin_answer(order, Status.SUCCESS, "successfull", amount=order.amount + 1)
    cashin_apply_result(order_id=order.pk, result=other, source="worker")
    cashin_apply_result(order_id=order.pk, result=cashin_answer(order, Status.PENDING, "pending"),
                        source="worker")  # fmt: skip

    flagged = CashInOrder.objects.get(pk=order.pk)
    assert flagged.status == "pending" and flagged.attention_code == "answer_mismatch"
    assert "501.00 BDT" in flagged.attention_reason

    ours = cashin_answer(order, Status.SUCCESS, "successfull", amount=order.amount)
    cashin_apply_result(order_id=order.pk, result=ours, source="worker")
    assert order_status(order) == "success"
    assert not CashInOrder.objects.get(pk=order.pk).needs_attention
