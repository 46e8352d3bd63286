"""Staff actions on orders: through services, with a reason, recorded with the staff member."""

import time
from decimal import Decimal

from orders.cashin.submit import cashin_submit
from orders.models import CashInOrder, LedgerEntry, OrderStatus, Reseller, StatusChange
from tests.admin.conftest import approve_pending, change_url, messages_of, run_action
from tests.factories import CashInOrderFactory
from tests.orders.conftest import send_submissions
from tests.twofactor import log_in_verified

REFUND = LedgerEntry.Kind.ORDER_REFUND


def stuck_order(reseller):
    """A real order the provider keeps in manual_review (receiver ending 3): debited ৳500."""
    return cashin_submit(reseller=reseller, receiver_number="01712345673", amount="500").order


def balance(reseller) -> Decimal:
    return Reseller.objects.get(pk=reseller.pk).balance


def test_resolve_as_failed_asks_for_a_reason_first(sandbox, staff_client, reseller):
    order = stuck_order(reseller)

    send_submissions()
    order.refresh_from_db()
    asked = run_action(staff_client, "cashinorder", "resolve_failed", [order])
    refused = run_action(
        staff_client, "cashinorder", "resolve_failed", [order], confirm="yes", reason="  "
    )

    assert asked.status_code == 200
    assert "Reason" in asked.content.decode() and order.client_reference in asked.content.decode()
    assert "This field is required." in refused.content.decode()
    assert CashInOrder.objects.get(pk=order.pk).status == OrderStatus.PENDING
    assert balance(reseller) == Decimal("9500.00")


def test_staff_failure_refunds_exactly_once_and_names_the_staff_member(
    sandbox, staff_client, staff, second_staff_client, reseller
):
    order = stuck_order(reseller)
    send_submissions()

    first = run_action(
        staff_client,
        "cashinorder",
        "resolve_failed",
        [order],
        confirm="yes",
        reason="NICTBD support: never delivered",
    )
    assert CashInOrder.objects.get(pk=order.pk).status == OrderStatus.PENDING  # proposed only
    approve_pending(second_staff_client)
    second = run_action(
        staff_client, "cashinorder", "resolve_failed", [order], confirm="yes", reason="again"
    )
    refused = approve_pending(second_staff_client)

    order.refresh_from_db()
    assert order.status == OrderStatus.FAILED
    assert balance(reseller) == Decimal("10000.00")
    refund = LedgerEntry.objects.get(order=order, kind=REFUND)
    assert refund.amount == Decimal("500.00")
    assert refund.staff_user == staff
    assert refund.reason.startswith("NICTBD support: never delivered [proposal #")
    change = StatusChange.objects.get(order=order, to_status=OrderStatus.FAILED)
    assert (change.source, change.staff_user) == ("staff", staff)
    assert change.reason.startswith("NICTBD support: never delivered")
    assert any("proposed" in m for m in messages_of(first))
    assert any("proposed" in m for m in messages_of(second))
    assert any("cannot go from failed to failed" in m for m in messages_of(refused))
    assert LedgerEntry.objects.filter(order=order, kind=REFUND).count() == 1


def test_staff_success_is_recorded_and_refunds_nothing(
    sandbox, staff_client, staff, second_staff_client, reseller
):
    order = stuck_order(reseller)

    run_action(
        staff_client,
        "cashinorder",
        "resolve_success",
        [order],
        confirm="yes",
        reason="Receiver confirmed by phone",
    )
    approve_pending(second_staff_client)

    order.refresh_from_db()
    assert order.status == OrderStatus.SUCCESS
    assert balance(reseller) == Decimal("9500.00")
    change = order.history.get(to_status=OrderStatus.SUCCESS)
    assert change.staff_user == staff
    assert change.reason.startswith("Receiver confirmed by phone")


def test_invalid_transition_is_shown_as_an_admin_message(
    staff_client, second_staff_client, reseller
):
    order = CashInOrderFactory(reseller=reseller, status=OrderStatus.REFUNDED)

    run_action(
        staff_client, "cashinorder", "resolve_success", [order], confirm="yes", reason="typo"
    )
    response = approve_pending(second_staff_client)

    assert response.status_code == 200
    assert any("cannot go from refunded to success" in m for m in messages_of(response))
    assert CashInOrder.objects.get(pk=order.pk).status == OrderStatus.REFUNDED


def test_flag_and_unflag_are_recorded_with_the_staff_member(staff_client, staff, reseller):
    order = CashInOrderFactory(reseller=reseller)

    run_action(
        staff_client, "cashinorder", "flag", [order], confirm="yes", reason="Reseller complaint"
    )
    order.refresh_from_db()
    assert (order.needs_attention, order.attention_reason) == (True, "Reseller complaint")

    run_action(staff_client, "cashinorder", "unflag", [order], confirm="yes", reason="")
    order.refresh_from_db()
    assert (order.needs_attention, order.attention_reason) == (False, "")
    changes = order.history.filter(source="staff", staff_user=staff)
    assert [c.explanation for c in changes] == ["Reseller complaint", "Unflagged"]


def test_check_now_asks_the_provider_and_moves_the_order(sandbox, staff_client, reseller):
    order = cashin_submit(reseller=reseller, receiver_number="01712345670", amount="500").order
    send_submissions()
    time.sleep(0.7)  # past the sandbox's final_after: the provider now says successfull

    response = run_action(staff_client, "cashinorder", "check_now", [order])

    order.refresh_from_db()
    assert order.status == OrderStatus.SUCCESS
    assert order.provider_status == "successfull"
    assert any("Successful (provider: successfull)" in m for m in messages_of(response))
    assert sandbox.stats()["cashin_status_checks"] >= 1
    change = order.history.get(to_status=OrderStatus.SUCCESS)
    assert change.source == "staff" and change.staff_user.username.startswith("staff")


def test_actions_run_from_the_order_page_return_to_it(sandbox, staff_client, reseller):
    order = stuck_order(reseller)
    page = staff_client.get(change_url("cashinorder", order.pk)).content.decode()
    assert 'value="resolve_failed"' in page

    response = run_action(staff_client, "cashinorder", "check_now", [order], _return="change")

    assert response.redirect_chain[-1][0] == change_url("cashinorder", order.pk)


def test_actions_refuse_more_than_a_page_of_orders(staff_client, reseller, monkeypatch):
    monkeypatch.setattr("orders.admin.common.MAX_ROWS_PER_ACTION", 2)
    orders = CashInOrderFactory.create_batch(3, reseller=reseller)

    response = run_action(
        staff_client, "cashinorder", "resolve_failed", orders, confirm="yes", reason="bulk"
    )

    assert any("at most 2" in m for m in messages_of(response))
    assert not CashInOrder.objects.filter(status=OrderStatus.FAILED).exists()


def test_staff_without_change_permission_sees_no_actions(client, reseller):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_cashinorder"))
    log_in_verified(client, viewer)
    order = CashInOrderFactory(reseller=reseller)

    response = run_action(
        client, "cashinorder", "resolve_failed", [order], confirm="yes", reason="x"
    )

    assert response.status_code == 200
    assert CashInOrder.objects.get(pk=order.pk).status == OrderStatus.PENDING
    assert "resolve_failed" not in client.get(change_url("cashinorder", order.pk)).content.decode()
