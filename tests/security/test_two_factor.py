"""Staff 2FA (required) and reseller 2FA (optional), with django-otp."""

import re

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, StaffUserFactory, UserFactory
from tests.twofactor import current_code, fresh_code, give_device


def log_in(client, url, user, code=""):
    data = {"username": user.username, "password": PASSWORD, "otp_token": code}
    return client.post(url, data)


@pytest.fixture
def staff(db):
    return StaffUserFactory()


def test_staff_without_a_device_is_sent_to_set_one_up_before_any_admin_page(client, staff):
    assert log_in(client, "/admin/login/", staff).status_code == 302

    for url in ["/admin/", "/admin/orders/cashinorder/", "/admin/auth/user/"]:
        response = client.get(url)
        assert response.status_code == 302 and response.url == "/admin/two-factor/"


def test_staff_sets_up_by_qr_code_and_gets_recovery_codes_once(client, staff):
    log_in(client, "/admin/login/", staff)
    page = client.get("/admin/two-factor/")
    assert b"<svg" in page.content and b"<path" in page.content
    device = TOTPDevice.objects.get(user=staff, confirmed=False)

    done = client.post("/admin/two-factor/", {"code": current_code(device)})

    codes = re.findall(r"<li>([a-z0-9]{8})</li>", done.content.decode())
    assert len(codes) == 10
    assert "no-store" in done["Cache-Control"]
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/two-factor/").content.count(codes[0].encode()) == 0


def test_a_wrong_setup_code_confirms_nothing(client, staff):
    log_in(client, "/admin/login/", staff)
    client.get("/admin/two-factor/")

    client.post("/admin/two-factor/", {"code": "000000"})

    assert not TOTPDevice.objects.filter(user=staff, confirmed=True).exists()
    assert client.get("/admin/").status_code == 302


def test_admin_login_asks_for_the_code(client, staff):
    device = give_device(staff)

    without = log_in(client, "/admin/login/", staff)
    assert without.status_code == 200 and b"authenticator" in without.content
    assert log_in(client, "/admin/login/", staff, code="123456").status_code == 200

    assert log_in(client, "/admin/login/", staff, code=fresh_code(device)).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_recovery_code_logs_in_once(client, staff):
    from panel.security.twofactor.devices import new_recovery_codes

    give_device(staff)
    code = new_recovery_codes(staff)[0]

    assert log_in(client, "/admin/login/", staff, code=code).status_code == 302
    client.post("/admin/logout/")
    assert log_in(client, "/admin/login/", staff, code=code).status_code == 200


def test_staff_logged_in_by_password_alone_elsewhere_is_not_let_into_the_admin(client, staff):
    give_device(staff)
    client.force_login(staff)

    response = client.get("/admin/")

    assert response.status_code == 302 and response.url.startswith("/admin/login/")


def test_reset_2fa_forgets_the_device_and_the_staff_member_sets_up_again(client, staff, capsys):
    give_device(staff)

    call_command("reset_2fa", staff.username)

    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert "1 device(s) removed" in capsys.readouterr().out
    log_in(client, "/admin/login/", staff)
    assert client.get("/admin/").url == "/admin/two-factor/"


def test_reseller_turns_two_step_login_on_and_then_login_asks_for_the_code(client, db):
    user = UserFactory()
    log_in(client, "/login/", user)
    assert b'data-two-factor="off"' in client.get("/settings/").content
    client.get("/settings/two-factor/")
    device = TOTPDevice.objects.get(user=user)
    client.post("/settings/two-factor/", {"code": current_code(device)})
    assert b'data-two-factor="on"' in client.get("/settings/").content
    client.post("/logout/")

    assert log_in(client, "/login/", user).status_code == 200
    assert "_auth_user_id" not in client.session
    assert log_in(client, "/login/", user, code=fresh_code(device)).status_code == 302


def test_reseller_turns_two_step_login_off_with_a_code(client, db):
    user = UserFactory()
    device = give_device(user)
    log_in(client, "/login/", user, code=current_code(device))

    client.post("/settings/", {"code": "000000"})
    assert TOTPDevice.objects.filter(user=user).exists()
    client.post("/settings/", {"code": fresh_code(device)})
    assert not TOTPDevice.objects.filter(user=user).exists()
