"""django-axes: 5 failed logins lock a username+IP pair for 15 minutes, on both login pages."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from tests.factories import PASSWORD, StaffUserFactory, UserFactory

LOGIN_PAGES = ["/login/", "/admin/login/"]


@pytest.fixture
def user(db):
    return StaffUserFactory()  # staff, so the admin login accepts the right password


def attempt(client, url, user, password, ip="10.0.0.1"):
    return client.post(url, {"username": user.username, "password": password}, REMOTE_ADDR=ip)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("url", LOGIN_PAGES)
def test_right_password_works_before_the_limit(client, url, user):
    for _ in range(4):
        assert attempt(client, url, user, "wrong").status_code == 200

    response = attempt(client, url, user, PASSWORD)

    assert response.status_code == 302
    assert logged_in(client)


@pytest.mark.parametrize("url", LOGIN_PAGES)
def test_five_failures_lock_out_even_the_right_password(client, url, user):
    for _ in range(5):
        attempt(client, url, user, "wrong")

    response = attempt(client, url, user, PASSWORD)

    assert response.status_code == 429
    assert not logged_in(client)


@pytest.mark.parametrize("url", LOGIN_PAGES)
def test_lockout_is_per_username_and_ip(client, url, user):
    other = StaffUserFactory()
    for _ in range(5):
        attempt(client, url, user, "wrong")

    assert attempt(client, url, other, PASSWORD).status_code == 302  # same IP, other user
    client.logout()
    assert attempt(client, url, user, PASSWORD, ip="10.0.0.2").status_code == 302  # other IP


@pytest.mark.parametrize("url", LOGIN_PAGES)
def test_lockout_lifts_after_fifteen_minutes(client, url, user):
    for _ in range(5):
        attempt(client, url, user, "wrong")
    assert attempt(client, url, user, PASSWORD).status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert attempt(client, url, user, PASSWORD).status_code == 302
    assert logged_in(client)


def test_reseller_login_is_locked_too(client, db):
    reseller_user = UserFactory()
    for _ in range(5):
        attempt(client, "/login/", reseller_user, "wrong")

    assert attempt(client, "/login/", reseller_user, PASSWORD).status_code == 429
