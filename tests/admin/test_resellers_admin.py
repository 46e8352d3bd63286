"""Resellers for staff: create, adjust balance (ledger with staff and reason), suspend, limits."""

from decimal import Decimal

from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders.models import AuditEntry, LedgerEntry, RatePlan, Reseller
from tests.admin.conftest import (
    approve_pending,
    change_url,
    changelist_url,
    messages_of,
    run_action,
)
from tests.factories import PASSWORD, ResellerFactory
from tests.twofactor import log_in_verified


def adjust_url(reseller) -> str:
    return reverse("admin:orders_reseller_adjust_balance", args=[reseller.pk])


def balance(reseller) -> Decimal:
    return Reseller.objects.get(pk=reseller.pk).balance


def test_reseller_list_shows_balance_in_taka(staff_client, db):
    reseller = ResellerFactory(balance=Decimal("1234.5"))

    page = staff_client.get(changelist_url("reseller")).content.decode()

    assert reseller.user.username in page
    assert "৳1,234.50" in page


def test_adjust_balance_writes_a_ledger_entry_with_staff_and_reason(
    staff_client, staff, second_staff_client, reseller
):
    response = staff_client.post(
        adjust_url(reseller), {"amount": "-2500.50", "reason": "Chargeback #88"}, follow=True
    )
    assert balance(reseller) == Decimal("10000.00")  # proposed, not applied
    approve_pending(second_staff_client)

    assert balance(reseller) == Decimal("7499.50")
    entry = LedgerEntry.objects.filter(reseller=reseller).latest("id")
    assert entry.kind == LedgerEntry.Kind.ADJUSTMENT
    assert (entry.amount, entry.balance_after) == (Decimal("-2500.50"), Decimal("7499.50"))
    assert entry.staff_user == staff and entry.reason.startswith("Chargeback #88")
    assert any("-৳2,500.50" in m and "proposed" in m for m in messages_of(response))


def test_adjust_balance_below_the_threshold_applies_at_once(settings, staff_client, reseller):
    settings.STAFF_APPROVAL_THRESHOLD = Decimal("1000")

    response = staff_client.post(
        adjust_url(reseller), {"amount": "-999.99", "reason": "fee"}, follow=True
    )

    assert balance(reseller) == Decimal("9000.01")
    assert any("৳9,000.01" in m for m in messages_of(response))


def test_adjust_balance_below_zero_is_refused_with_a_clear_error(staff_client, reseller):
    entries_before = LedgerEntry.objects.count()

    response = staff_client.post(adjust_url(reseller), {"amount": "-10000.01", "reason": "x"})

    assert response.status_code == 200
    assert "Insufficient balance" in response.content.decode()
    assert balance(reseller) == Decimal("10000.00")
    assert LedgerEntry.objects.count() == entries_before


def test_adjust_balance_needs_a_reason_and_a_nonzero_amount(staff_client, reseller):
    response = staff_client.post(adjust_url(reseller), {"amount": "0", "reason": ""})

    page = response.content.decode()
    assert "An adjustment cannot be zero." in page
    assert "This field is required." in page
    assert balance(reseller) == Decimal("10000.00")


def test_adjust_balance_needs_the_ledger_permission(client, reseller):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    clerk = UserFactory(is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="change_reseller"))
    log_in_verified(client, clerk)

    response = client.post(adjust_url(reseller), {"amount": "100", "reason": "gift"})

    assert response.status_code == 403
    assert balance(reseller) == Decimal("10000.00")


def test_editing_limits_never_writes_the_balance(staff_client, reseller):
    data = {"min_amount": "100", "max_amount": "5000", "daily_limit": "", "callback_url": ""}

    with CaptureQueriesContext(connection) as queries:
        response = staff_client.post(change_url("reseller", reseller.pk), data)

    assert response.status_code == 302
    reseller.refresh_from_db()
    assert (reseller.min_amount, reseller.max_amount) == (Decimal("100"), Decimal("5000"))
    assert reseller.balance == Decimal("10000.00")
    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "orders_reseller"')]
    assert updates and all('"balance"' not in sql and '"state"' not in sql for sql in updates)


def test_staff_changes_to_limits_and_plan_are_audited_with_before_and_after(
    staff_client, staff, reseller
):
    plan = RatePlan.objects.create(name="retail", fee_fixed=Decimal("5"))
    data = {"min_amount": "100", "max_amount": "", "daily_limit": "", "callback_url": "",
            "rate_plan": plan.pk}  # fmt: skip

    staff_client.post(change_url("reseller", reseller.pk), data)
    staff_client.post(change_url("reseller", reseller.pk), data)  # the same again: no entry

    audited = AuditEntry.objects.filter(reseller=reseller, actor=staff).order_by("id")
    assert [(e.action, e.details) for e in audited] == [
        ("limits_change", {"min_amount": {"before": "", "after": "100.00"}}),
        ("plan_change", {"before": "", "after": str(plan)}),
    ]


def test_a_sub_resellers_limit_wider_than_its_parents_is_refused_in_the_admin(
    staff_client, reseller
):
    reseller.daily_limit = Decimal("5000")
    reseller.save(update_fields=["daily_limit"])
    child = ResellerFactory(parent=reseller, daily_limit=Decimal("1000"))
    data = {"min_amount": "", "max_amount": "", "daily_limit": "9000", "callback_url": ""}

    page = staff_client.post(change_url("reseller", child.pk), data)

    assert page.status_code == 200
    assert "cannot be higher than the parent&#x27;s (৳5,000.00)" in page.content.decode()
    assert Reseller.objects.get(pk=child.pk).daily_limit == Decimal("1000.00")


def test_a_sub_resellers_emptied_limit_becomes_its_parents(staff_client, reseller):
    reseller.max_amount = Decimal("8000")
    reseller.save(update_fields=["max_amount"])
    child = ResellerFactory(parent=reseller, max_amount=Decimal("2000"))
    data = {"min_amount": "", "max_amount": "", "daily_limit": "", "callback_url": ""}

    assert staff_client.post(change_url("reseller", child.pk), data).status_code == 302

    assert Reseller.objects.get(pk=child.pk).max_amount == Decimal("8000.00")


def test_emptying_a_limit_that_equals_the_parents_writes_no_audit_entry(staff_client, reseller):
    reseller.max_amount = Decimal("8000")
    reseller.save(update_fields=["max_amount"])
    child = ResellerFactory(parent=reseller, max_amount=Decimal("8000"))
    data = {"min_amount": "", "max_amount": "", "daily_limit": "", "callback_url": ""}

    assert staff_client.post(change_url("reseller", child.pk), data).status_code == 302

    assert Reseller.objects.get(pk=child.pk).max_amount == Decimal("8000.00")
    assert not AuditEntry.objects.filter(reseller=child).exists()


def test_a_child_left_wider_than_its_parent_saves_other_fields_and_is_narrowed(
    staff_client, staff, reseller
):
    reseller.daily_limit = Decimal("1000")
    reseller.save(update_fields=["daily_limit"])
    child = ResellerFactory(parent=reseller, daily_limit=Decimal("5000"))  # from before the rule
    data = {"min_amount": "", "max_amount": "", "daily_limit": "5000.00",
            "callback_url": "https://shop.example.com/hook"}  # fmt: skip

    response = staff_client.post(change_url("reseller", child.pk), data)

    assert response.status_code == 302
    child.refresh_from_db()
    assert child.callback_url == "https://shop.example.com/hook"
    assert child.daily_limit == Decimal("1000.00")
    narrowing = AuditEntry.objects.get(reseller=child, action="limits_change")
    assert narrowing.details == {"daily_limit": {"before": "5000.00", "after": "1000.00"}}


def test_a_sub_resellers_page_says_an_empty_limit_is_the_parents(staff_client, reseller):
    child = ResellerFactory(parent=reseller)

    page = staff_client.get(change_url("reseller", child.pk)).content.decode()

    assert "Empty: the parent's limit" in page


def test_balance_and_state_are_not_editable_on_the_page(staff_client, reseller):
    page = staff_client.get(change_url("reseller", reseller.pk)).content.decode()

    assert 'name="balance"' not in page and 'name="state"' not in page
    assert 'name="daily_limit"' in page
    assert adjust_url(reseller) in page


def test_suspend_and_reactivate_ask_for_a_reason_kept_in_the_audit_log(
    staff_client, staff, reseller
):
    asked = run_action(staff_client, "reseller", "suspend", [reseller])
    assert "Reason" in asked.content.decode()
    assert Reseller.objects.get(pk=reseller.pk).state == Reseller.State.ACTIVE

    run_action(staff_client, "reseller", "suspend", [reseller], confirm="yes", reason="fraud")
    assert Reseller.objects.get(pk=reseller.pk).state == Reseller.State.SUSPENDED

    run_action(staff_client, "reseller", "reactivate", [reseller], confirm="yes", reason="ok")
    assert Reseller.objects.get(pk=reseller.pk).state == Reseller.State.ACTIVE
    audited = AuditEntry.objects.filter(reseller=reseller, actor=staff).order_by("id")
    assert [(e.action, e.reason) for e in audited] == [
        ("reseller_suspended", "fraud"),
        ("reseller_reactivated", "ok"),
    ]
    logged = LogEntry.objects.filter(object_id=str(reseller.pk), user=staff)
    assert sorted(logged.values_list("change_message", flat=True)) == ["Reactivated", "Suspended"]


def test_create_reseller_with_opening_balance(staff_client, staff, second_staff_client, db):
    response = staff_client.post(
        changelist_url("reseller") + "add/",
        {
            "username": "khulna-mobile",
            "password": PASSWORD,
            "email": "k@example.com",
            "opening_balance": "5000",
        },
    )

    reseller = Reseller.objects.get(user__username="khulna-mobile")
    assert response.status_code == 302
    assert response["Location"] == change_url("reseller", reseller.pk)
    assert reseller.balance == Decimal("0.00")  # the opening balance waits for approval
    assert reseller.user.check_password(PASSWORD)
    approve_pending(second_staff_client)
    assert balance(reseller) == Decimal("5000.00")
    entry = LedgerEntry.objects.get(reseller=reseller)
    assert (entry.amount, entry.staff_user) == (Decimal("5000.00"), staff)
    assert entry.reason.startswith("Opening balance")


def test_create_reseller_shows_password_and_username_errors(staff_client, reseller):
    weak = staff_client.post(
        changelist_url("reseller") + "add/", {"username": "new-shop", "password": "123"}
    )
    taken = staff_client.post(
        changelist_url("reseller") + "add/",
        {"username": reseller.user.username.upper(), "password": PASSWORD},
    )

    assert "This password is too short" in weak.content.decode()
    assert "already exists" in taken.content.decode()
    assert not Reseller.objects.filter(user__username="new-shop").exists()


def test_lowering_a_parents_limit_in_the_admin_narrows_its_sub_resellers(
    staff_client, staff, reseller
):
    child = ResellerFactory(parent=reseller, max_amount=Decimal("8000"))
    data = {"min_amount": "", "max_amount": "3000", "daily_limit": "", "callback_url": ""}

    response = staff_client.post(change_url("reseller", reseller.pk), data, follow=True)

    assert Reseller.objects.get(pk=child.pk).max_amount == Decimal("3000.00")
    assert any(str(child) in m and "narrowed" in m for m in messages_of(response))
    entry = AuditEntry.objects.get(reseller=child, actor=staff)
    assert entry.details == {"max_amount": {"before": "8000.00", "after": "3000.00"}}


def test_a_top_level_reseller_cannot_get_a_minimum_above_its_maximum(staff_client, reseller):
    data = {"min_amount": "40000", "max_amount": "", "daily_limit": "", "callback_url": ""}

    page = staff_client.post(change_url("reseller", reseller.pk), data)

    assert page.status_code == 200
    assert "The minimum cannot be above the maximum." in page.content.decode()
    assert Reseller.objects.get(pk=reseller.pk).min_amount is None


def test_narrowing_that_leaves_a_child_unable_to_send_says_so(staff_client, reseller):
    child = ResellerFactory(parent=reseller, min_amount=Decimal("50"), daily_limit=Decimal("600"))
    data = {"min_amount": "1000", "max_amount": "", "daily_limit": "", "callback_url": ""}

    response = staff_client.post(change_url("reseller", reseller.pk), data, follow=True)

    assert Reseller.objects.get(pk=child.pk).min_amount == Decimal("1000.00")
    assert any(str(child) in m and "can send nothing" in m for m in messages_of(response))
