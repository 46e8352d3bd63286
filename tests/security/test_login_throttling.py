"""Login throttling (panel/security/throttle.py): per username and per client IP, soft holds."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from orders.models import LoginThrottle
from panel.env import envnetworks
from tests.factories import PASSWORD, StaffUserFactory, UserFactory
from tests.twofactor import current_code, give_device

LOGIN_PAGES = ["/login/", "/admin/login/"]


@pytest.fixture
def user(db):
    return StaffUserFactory()  # staff, so the admin login accepts the right password


def attempt(client, url, user, password, ip="10.0.0.1", code="", **extra):
    data = {"username": user.username, "password": password, "otp_token": code}
    return client.post(url, data, REMOTE_ADDR=ip, **extra)


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
def test_five_failures_hold_back_a_new_browser_even_with_the_right_password(client, url, user):
    for _ in range(5):
        attempt(client, url, user, "wrong")

    response = attempt(client, url, user, PASSWORD, ip="10.9.9.9")

    assert response.status_code == 429
    assert not logged_in(client)


def test_the_hold_doubles_with_each_further_failure(client, user):
    for _ in range(5):
        attempt(client, "/login/", user, "wrong")
    first = LoginThrottle.objects.get(scope="username")
    first_hold = first.locked_until - first.last_failure_at
    attempt(client, "/login/", user, "wrong")
    second = LoginThrottle.objects.get(scope="username")

    assert second.locked_until - second.last_failure_at == 2 * first_hold


def test_hold_lifts_after_it_runs_out(client, user):
    for _ in range(5):
        attempt(client, "/login/", user, "wrong")
    LoginThrottle.objects.update(locked_until=timezone.now() - timedelta(seconds=1))

    assert attempt(client, "/login/", user, PASSWORD).status_code == 302


def test_lockout_as_a_weapon_fails_against_a_reseller_on_a_known_browser(client, db):
    """Someone behind the same shared proxy address fails on purpose, many times: the reseller,
    on the browser they logged in with before, still logs in with the right password."""
    reseller_user = UserFactory()
    assert attempt(client, "/login/", reseller_user, PASSWORD, ip="203.0.113.7").status_code == 302
    client.post("/logout/")
    attacker = client.__class__()
    for _ in range(40):
        attempt(attacker, "/login/", reseller_user, "guess", ip="203.0.113.7")
    assert (
        attempt(attacker, "/login/", reseller_user, PASSWORD, ip="203.0.113.7").status_code == 429
    )

    response = attempt(client, "/login/", reseller_user, PASSWORD, ip="203.0.113.7")

    assert response.status_code == 302
    assert logged_in(client)


@pytest.mark.parametrize("url", LOGIN_PAGES)
def test_staff_right_password_and_code_pass_the_hold(client, url, user):
    device = give_device(user)
    for _ in range(8):
        attempt(client, url, user, "wrong")

    assert attempt(client, url, user, PASSWORD).status_code == 429  # no code: held back
    response = attempt(client, url, user, PASSWORD, code=current_code(device))

    assert response.status_code == 302
    assert logged_in(client)


def test_many_usernames_from_one_ip_are_held_back_by_ip(client, db, settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 10
    for _ in range(10):
        attempt(client, "/login/", UserFactory.build(username=f"u{_}"), "x", ip="198.51.100.4")
    fresh = UserFactory()

    assert attempt(client, "/login/", fresh, PASSWORD, ip="198.51.100.4").status_code == 429
    assert attempt(client, "/login/", fresh, PASSWORD, ip="198.51.100.5").status_code == 302


def test_forwarded_for_from_an_untrusted_peer_is_ignored(client, db, settings):
    settings.TRUSTED_PROXIES = ()
    for n in range(5):
        attempt(client, "/login/", UserFactory.build(username=f"s{n}"), "x", ip="192.0.2.1",
                HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")  # fmt: skip

    assert LoginThrottle.objects.filter(scope="ip").get().key == "192.0.2.1"


def test_trusted_proxy_gives_the_real_client_address(client, db, settings):
    settings.TRUSTED_PROXIES = envnetworks("UNSET_IN_TESTS", "10.0.0.0/8")
    settings.LOGIN_IP_FAILURE_LIMIT = 3
    for n in range(3):
        attempt(client, "/login/", UserFactory.build(username=f"t{n}"), "x", ip="10.1.1.1",
                HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.9")  # fmt: skip
    other_client_behind_proxy = UserFactory()

    assert list(LoginThrottle.objects.filter(scope="ip").values_list("key", flat=True)) == [
        "198.51.100.9"
    ]
    response = attempt(client, "/login/", other_client_behind_proxy, PASSWORD, ip="10.1.1.1",
                       HTTP_X_FORWARDED_FOR="198.51.100.10")  # fmt: skip
    assert response.status_code == 302


def test_a_bad_trusted_proxies_value_is_refused_clearly(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.1, proxy.local")
    with pytest.raises(ImproperlyConfigured, match="'proxy.local' is not an IP address or CIDR"):
        envnetworks("TRUSTED_PROXIES", "")
