"""The audit log: append-only, written with its cause, for keys, callback URLs and logins."""

from decimal import Decimal
from io import StringIO

import pytest
from django.db import transaction
from django.urls import reverse

from orders.api.keys import api_key_create, api_key_revoke, api_key_set_allow_list
from orders.api.webhooks import webhook_set_callback_url
from orders.models import AuditEntry, LedgerEntry
from orders.staff.audit import record
from orders.wallet.ledger import post_entry
from panel.security.twofactor.devices import confirm_device, pending_device
from tests.factories import PASSWORD, ResellerFactory, StaffUserFactory
from tests.twofactor import current_code

Action = AuditEntry.Action


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reseller(db):
    return ResellerFactory(balance=Decimal("100"))


def test_an_entry_can_be_neither_changed_nor_deleted(reseller):
    entry = record(None, Action.PLAN_CHANGE, reseller=reseller, reason="gold")

    entry.reason = "silver"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).reason == "gold"


def test_a_ledger_entry_can_be_neither_changed_nor_deleted(reseller):
    with transaction.atomic():
        entry = post_entry(reseller_id=reseller.pk, kind="adjustment", amount=Decimal("5"))

    entry.amount = Decimal("500")
    with pytest.raises(ValueError, match="Ledger entries are append-only"):
        entry.save()
    with pytest.raises(ValueError, match="Ledger entries are append-only"):
        entry.delete()
    assert LedgerEntry.objects.get(pk=entry.pk).amount == Decimal("5.00")


def test_record_keeps_the_target_details_and_address(rf, reseller):
    staff = StaffUserFactory()
    request = rf.get("/", REMOTE_ADDR="203.0.113.7")

    entry = record(staff, "2fa_reset", reseller=reseller, target=staff, reason="lost phone",
                   details={"amount": Decimal("1.50")}, request=request)  # fmt: skip

    entry.refresh_from_db()
    assert (entry.actor, entry.action, entry.ip) == (staff, "2fa_reset", "203.0.113.7")
    assert (entry.target_type, entry.target_id) == ("auth.user", str(staff.pk))
    assert entry.details == {"amount": "1.50"}


def test_an_unknown_action_code_is_refused(reseller):
    with pytest.raises(ValueError):
        record(None, "made_up", reseller=reseller)


def test_api_key_create_and_revoke_are_recorded_once(reseller):
    plaintext, key = api_key_create(reseller=reseller, name="shop", actor=reseller.user)

    api_key_revoke(key_id=key.pk, reseller=reseller, actor=reseller.user)
    api_key_revoke(key_id=key.pk, reseller=reseller, actor=reseller.user)  # already revoked

    entries = AuditEntry.objects.filter(reseller=reseller, target_id=str(key.pk))
    assert sorted(entries.values_list("action", flat=True)) == [
        "api_key_created",
        "api_key_revoked",
    ]
    assert all(entry.actor == reseller.user for entry in entries)
    assert plaintext not in str(list(entries.values_list("details", flat=True)))


def test_a_callback_url_change_records_old_and_new(reseller):
    webhook_set_callback_url(reseller=reseller, url="https://shop.example.com/hook",
                             actor=reseller.user)  # fmt: skip
    webhook_set_callback_url(
        reseller=reseller, url="https://shop.example.com/hook", actor=reseller.user
    )  # fmt: skip  (unchanged: no entry)

    entry = AuditEntry.objects.get(action=Action.CALLBACK_URL_CHANGED)
    assert entry.details == {"old": "", "new": "https://shop.example.com/hook"}


def test_staff_logins_and_failed_attempts_are_recorded_but_not_resellers(client, reseller):
    staff = StaffUserFactory()
    login = reverse("admin:login")

    client.post(login, {"username": staff.username, "password": "wrong"})
    client.post(login, {"username": staff.username, "password": PASSWORD})
    client.post(reverse("login"), {"username": reseller.user.username, "password": PASSWORD})

    actions = list(AuditEntry.objects.order_by("id").values_list("action", "actor"))
    assert actions == [(Action.STAFF_LOGIN_FAILED, None), (Action.STAFF_LOGIN, staff.pk)]


def test_a_2fa_setup_and_a_staff_reset_of_it_are_recorded(reseller):
    from django.core.management import call_command

    device = pending_device(reseller.user)
    assert confirm_device(reseller.user, device, current_code(device)) is not None
    call_command("reset_2fa", reseller.user.username, stdout=StringIO())

    setup, reset = AuditEntry.objects.filter(reseller=reseller).order_by("pk")
    assert (setup.action, setup.actor) == ("2fa_setup", reseller.user)
    # the authenticator and the recovery codes
    assert (reset.action, reset.actor, reset.details["devices"]) == ("2fa_reset", None, 2)


def test_an_allow_list_change_records_old_and_new_addresses(reseller):
    _plaintext, key = api_key_create(reseller=reseller, name="shop")

    api_key_set_allow_list(
        key_id=key.pk, allowed_ips="203.0.113.7", reseller=reseller, actor=reseller.user
    )
    api_key_set_allow_list(key_id=key.pk, allowed_ips="203.0.113.7", reseller=reseller)

    entry = AuditEntry.objects.get(action="key_allowlist_change")
    assert entry.reseller == reseller and entry.actor == reseller.user
    assert entry.details == {"before": "", "after": "203.0.113.7/32"}
