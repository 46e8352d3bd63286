"""Two-person approval: nothing moves until a different staff member approves, and once."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from orders.errors import InsufficientBalance
from orders.models import AuditEntry, CashInOrder, LedgerEntry, OrderStatus, Reseller, StaffProposal
from orders.staff.approvals import (
    ApprovalError,
    approve,
    expire_stale,
    propose_balance_adjustment,
    propose_cashin_resolution,
    reject,
)
from orders.wallet.ledger import staff_adjust_balance
from tests.factories import CashInOrderFactory, ResellerFactory, StaffUserFactory

Status = StaffProposal.Status
Action = AuditEntry.Action


def balance(reseller) -> Decimal:
    return Reseller.objects.get(pk=reseller.pk).balance


def adjustments(reseller):
    return LedgerEntry.objects.filter(reseller=reseller, kind=LedgerEntry.Kind.ADJUSTMENT)


@pytest.fixture
def alice(db):
    return StaffUserFactory(username="alice")


@pytest.fixture
def bob(db):
    return StaffUserFactory(username="bob")


@pytest.fixture
def reseller(db):
    return ResellerFactory(balance=Decimal("1000.00"))


def propose_credit(reseller, staff, amount="250.00"):
    return propose_balance_adjustment(
        reseller_id=reseller.pk, amount=Decimal(amount), staff_user=staff, reason="bank transfer"
    ).proposal


def test_a_proposed_adjustment_moves_nothing_until_approved(reseller, alice):
    proposal = propose_credit(reseller, alice)

    assert proposal.status == Status.PENDING
    assert balance(reseller) == Decimal("1000.00")
    assert adjustments(reseller).count() == 1  # only the factory's funding
    made = AuditEntry.objects.get(action=Action.PROPOSAL_MADE)
    assert (made.actor, made.reseller, made.reason) == (alice, reseller, "bank transfer")


def test_the_proposer_cannot_approve_their_own_proposal(reseller, alice):
    proposal = propose_credit(reseller, alice)

    with pytest.raises(ApprovalError, match="different staff member"):
        approve(proposal_id=proposal.pk, staff_user=alice)

    assert balance(reseller) == Decimal("1000.00")
    assert StaffProposal.objects.get(pk=proposal.pk).status == Status.PENDING


def test_another_staff_member_approves_and_the_money_moves_once(reseller, alice, bob):
    proposal = propose_credit(reseller, alice)

    approve(proposal_id=proposal.pk, staff_user=bob)
    with pytest.raises(ApprovalError, match="already decided"):
        approve(proposal_id=proposal.pk, staff_user=bob)

    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by, proposal.proposed_by) == (
        Status.APPLIED,
        bob,
        alice,
    )
    assert proposal.decided_at is not None
    assert balance(reseller) == Decimal("1250.00")
    entry = adjustments(reseller).latest("id")
    assert entry.staff_user == alice and "approved by bob" in entry.reason
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {Action.PROPOSAL_MADE, Action.PROPOSAL_APPROVED, Action.BALANCE_ADJUSTED} <= actions


def test_a_rejected_proposal_needs_a_reason_and_moves_nothing(reseller, alice, bob):
    proposal = propose_credit(reseller, alice)

    with pytest.raises(ApprovalError):
        reject(proposal_id=proposal.pk, staff_user=bob, reason="  ")
    reject(proposal_id=proposal.pk, staff_user=bob, reason="no transfer arrived")
    with pytest.raises(ApprovalError, match="already decided"):
        approve(proposal_id=proposal.pk, staff_user=bob)

    proposal.refresh_from_db()
    assert (proposal.status, proposal.decision_reason) == (Status.REJECTED, "no transfer arrived")
    assert balance(reseller) == Decimal("1000.00")
    rejected = AuditEntry.objects.get(action=Action.PROPOSAL_REJECTED)
    assert (rejected.actor, rejected.reason) == (bob, "no transfer arrived")


def test_an_expired_proposal_cannot_be_approved(reseller, alice, bob):
    proposal = propose_credit(reseller, alice)
    StaffProposal.objects.filter(pk=proposal.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    with pytest.raises(ApprovalError, match="expired"):
        approve(proposal_id=proposal.pk, staff_user=bob)

    assert StaffProposal.objects.get(pk=proposal.pk).status == Status.EXPIRED
    assert balance(reseller) == Decimal("1000.00")
    assert AuditEntry.objects.get(action=Action.PROPOSAL_EXPIRED).actor is None


def test_stale_proposals_expire_after_the_setting(settings, reseller, alice):
    settings.STAFF_APPROVAL_EXPIRY_HOURS = 2
    proposal = propose_credit(reseller, alice)
    assert (
        timedelta(hours=1, minutes=59) < proposal.expires_at - timezone.now() <= timedelta(hours=2)
    )
    StaffProposal.objects.filter(pk=proposal.pk).update(expires_at=timezone.now())

    assert expire_stale() == 1
    assert expire_stale() == 0
    assert StaffProposal.objects.get(pk=proposal.pk).status == Status.EXPIRED


def test_a_move_below_the_threshold_applies_at_once(settings, reseller, alice):
    settings.STAFF_APPROVAL_THRESHOLD = Decimal("500")

    small = propose_balance_adjustment(
        reseller_id=reseller.pk, amount=Decimal("-499.99"), staff_user=alice, reason="fee"
    )
    large = propose_credit(reseller, alice, amount="-500.00")

    assert small.proposal is None and small.applied.amount == Decimal("-499.99")
    assert large.status == Status.PENDING
    assert balance(reseller) == Decimal("500.01")
    assert AuditEntry.objects.filter(action=Action.BALANCE_ADJUSTED, actor=alice).count() == 1


def test_a_debit_beyond_the_balance_is_refused_when_proposed(reseller, alice):
    with pytest.raises(InsufficientBalance):
        propose_credit(reseller, alice, amount="-1000.01")

    assert not StaffProposal.objects.exists()


def test_a_debit_refused_at_apply_time_marks_the_proposal_failed(reseller, alice, bob):
    proposal = propose_credit(reseller, alice, amount="-800.00")
    staff_adjust_balance(reseller_id=reseller.pk, amount=Decimal("-500"), staff_user=bob,
                         reason="spent meanwhile")  # fmt: skip

    approve(proposal_id=proposal.pk, staff_user=bob)

    proposal.refresh_from_db()
    assert proposal.status == Status.FAILED
    assert "Insufficient balance" in proposal.decision_reason
    assert balance(reseller) == Decimal("500.00")
    assert AuditEntry.objects.filter(action=Action.PROPOSAL_FAILED).count() == 1


def test_a_resolution_waits_for_approval_then_refunds_once(reseller, alice, bob):
    order = CashInOrderFactory(reseller=reseller, debited=True)
    assert balance(reseller) == Decimal("500.00")

    proposal = propose_cashin_resolution(
        order_id=order.pk, to_status="failed", staff_user=alice, reason="never delivered"
    ).proposal
    with pytest.raises(ApprovalError, match="already waiting"):
        propose_cashin_resolution(
            order_id=order.pk, to_status="failed", staff_user=bob, reason="again"
        )
    assert CashInOrder.objects.get(pk=order.pk).status == OrderStatus.PENDING

    approve(proposal_id=proposal.pk, staff_user=bob)

    assert CashInOrder.objects.get(pk=order.pk).status == OrderStatus.FAILED
    assert balance(reseller) == Decimal("1000.00")
    assert AuditEntry.objects.filter(action=Action.ORDER_RESOLVED, reseller=reseller).count() == 1


def test_a_resolution_of_an_order_already_final_fails_and_moves_nothing(reseller, alice, bob):
    order = CashInOrderFactory(reseller=reseller, debited=True)
    first = propose_cashin_resolution(
        order_id=order.pk, to_status="success", staff_user=alice, reason="delivered"
    ).proposal
    approve(proposal_id=first.pk, staff_user=bob)
    second = propose_cashin_resolution(
        order_id=order.pk, to_status="success", staff_user=alice, reason="twice"
    ).proposal

    approve(proposal_id=second.pk, staff_user=bob)

    second.refresh_from_db()
    assert second.status == Status.FAILED and second.decision_reason
    assert CashInOrder.objects.get(pk=order.pk).status == OrderStatus.SUCCESS
    assert balance(reseller) == Decimal("500.00")


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_approvals_move_the_money_once():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    reseller = ResellerFactory(balance=Decimal("1000.00"))
    alice, bob, carol = (StaffUserFactory() for _ in range(3))
    proposal = propose_credit(reseller, alice)
    start = threading.Barrier(2)
    outcomes = []

    def approve_as(staff):
        start.wait()
        try:
            approve(proposal_id=proposal.pk, staff_user=staff)
            outcomes.append("applied")
        except ApprovalError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve_as, args=(s,)) for s in (bob, carol)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["applied", "refused"]
    assert balance(reseller) == Decimal("1250.00")
    assert adjustments(reseller).count() == 2


def test_a_staff_correction_of_a_success_to_failed_waits_for_approval(reseller, alice, bob):
    order = CashInOrderFactory(reseller=reseller, debited=True)
    first = propose_cashin_resolution(
        order_id=order.pk, to_status="success", staff_user=alice, reason="delivered"
    ).proposal
    approve(proposal_id=first.pk, staff_user=bob)

    correction = propose_cashin_resolution(
        order_id=order.pk, to_status="failed", staff_user=bob, reason="receiver never got it"
    ).proposal
    assert CashInOrder.objects.get(pk=order.pk).status == OrderStatus.SUCCESS
    approve(proposal_id=correction.pk, staff_user=alice)

    assert CashInOrder.objects.get(pk=order.pk).status == OrderStatus.FAILED
    assert balance(reseller) == Decimal("1000.00")
    refunds = LedgerEntry.objects.filter(order=order, kind=LedgerEntry.Kind.ORDER_REFUND)
    assert refunds.count() == 1
