"""Where the outbox meets the sweep and staff: nothing is sent twice, nothing refunded blindly."""

import threading
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from gateways.base import CashInResult, Status
from orders.cashin.provider import CASHIN_FOLLOWED
from orders.cashin.staff import cashin_resolve_by_staff
from orders.cashin.submit import cashin_submit
from orders.errors import InvalidTransition
from orders.models import CashInOrder, LedgerEntry, OrderStatus
from orders.submission.submitter import claim_unsent, submit_once
from tests.factories import StaffUserFactory
from tests.orders.conftest import closing_connections, needs_postgres


def queue(reseller, count: int) -> list[CashInOrder]:
    return [
        cashin_submit(reseller=reseller, receiver_number=f"0171234567{i % 10}", amount="100").order
        for i in range(count)
    ]


def claimed_count() -> int:
    return CashInOrder.objects.filter(last_submit_at__isnull=False).count()


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_long_queue_is_claimed_wave_by_wave_and_each_order_sent_once(reseller, sandbox):
    orders = queue(reseller, 5)
    sandbox.configure(latency_ms=1000)
    sending = threading.Thread(target=closing_connections(lambda: submit_once(concurrency=2)))
    sending.start()
    deadline = time.monotonic() + 10
    while claimed_count() == 0 and time.monotonic() < deadline:
        time.sleep(0.02)

    in_flight = claimed_count()
    sending.join(30)

    assert in_flight == 2  # the rows of later waves stay queued: no lease runs out on them
    submits = sandbox.stats()["cashin_submits"]
    assert [submits.get(o.client_reference) for o in orders] == [1] * 5


def test_a_queued_order_never_sent_is_not_resubmitted_by_a_check(reseller, sandbox, settings):
    order = queue(reseller, 1)[0]
    long_ago = timezone.now() - timedelta(seconds=settings.SUBMIT_UNKNOWN_GRACE_SECONDS + 60)
    CashInOrder.objects.filter(pk=order.pk).update(created_at=long_ago)

    CASHIN_FOLLOWED.check_now(order.pk, source="worker")  # NICTBD: not found (never sent)
    submit_once()

    assert sandbox.stats()["cashin_submits"].get(order.client_reference) == 1


def test_staff_cannot_fail_an_order_whose_submit_is_out_so_the_answer_still_applies(reseller):
    order = queue(reseller, 1)[0]
    claim_unsent(CASHIN_FOLLOWED, 10)  # the submitter's request is out
    with pytest.raises(InvalidTransition):
        cashin_resolve_by_staff(
            order_id=order.pk, to_status="failed", staff_user=StaffUserFactory(), reason="stuck"
        )

    accepted = CashInResult(status=Status.PENDING, client_reference=order.client_reference,
                            provider_status="pending", order_number="NB-1")  # fmt: skip
    CASHIN_FOLLOWED.apply_submit_outcome(order.pk, accepted, first_attempt=True)

    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING and order.order_number == "NB-1"
    assert not LedgerEntry.objects.filter(order=order, kind="order_refund").exists()


def test_an_order_waiting_behind_an_open_breaker_is_not_overdue(reseller, settings):
    from orders.polling.overdue import flag_overdue_orders

    order = queue(reseller, 1)[0]
    hours_ago = timezone.now() - timedelta(minutes=settings.POLL_DEADLINE_MINUTES + 60)
    CashInOrder.objects.filter(pk=order.pk).update(created_at=hours_ago)

    assert flag_overdue_orders(timezone.now()) == 0
    CashInOrder.objects.filter(pk=order.pk).update(last_submit_at=hours_ago)
    assert flag_overdue_orders(timezone.now()) == 1


def test_approving_a_failure_after_the_provider_paid_the_order_refunds_nothing(reseller, settings):
    from orders.staff.approvals import approve, propose_cashin_resolution

    settings.STAFF_APPROVAL_THRESHOLD = Decimal("1")
    order = queue(reseller, 1)[0]
    proposer, approver = StaffUserFactory(), StaffUserFactory()
    proposal = propose_cashin_resolution(
        order_id=order.pk, to_status="failed", staff_user=proposer, reason="stuck"
    ).proposal
    reference = {"client_reference": order.client_reference, "order_number": "NB-2"}
    CASHIN_FOLLOWED.apply_submit_outcome(
        order.pk, CashInResult(status=Status.PENDING, provider_status="pending", **reference)
    )
    CASHIN_FOLLOWED.apply_status_answer(
        order.pk,
        CashInResult(status=Status.SUCCESS, provider_status="successfull", **reference),
        source="worker",
    )

    decided = approve(proposal_id=proposal.pk, staff_user=approver)

    order.refresh_from_db()
    assert (order.status, decided.status) == (OrderStatus.SUCCESS, "failed")
    assert not LedgerEntry.objects.filter(order=order, kind="order_refund").exists()
