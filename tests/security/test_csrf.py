"""Every form needs its CSRF token: a POST without one is refused and changes nothing."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from orders.models import Reseller, StaffProposal
from tests.factories import PASSWORD, ResellerFactory, StaffUserFactory
from tests.twofactor import log_in_verified

# Machine clients authenticate with an API key, not a session cookie: no CSRF there.
CSRF_EXEMPT_PREFIXES = ("api/",)


@pytest.fixture
def strict_client():
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def reseller(db):
    return ResellerFactory(balance=Decimal("10000"))


def csrf_token(page) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]


@pytest.mark.parametrize("url", ["/login/", "/admin/login/"])
def test_login_forms_refuse_a_post_without_token(strict_client, url, reseller):
    response = strict_client.post(url, {"username": reseller.user.username, "password": PASSWORD})

    assert response.status_code == 403
    assert "_auth_user_id" not in strict_client.session


def test_reseller_forms_refuse_a_post_without_token(strict_client, reseller):
    strict_client.force_login(reseller.user)
    posts = {
        reverse("cashin_new"): {"receiver_number": "01712345670", "amount": "500"},
        reverse("cashin_confirm"): {"receiver_number": "01712345670", "amount": "500"},
        reverse("payin_new"): {"amount": "1000"},
        reverse("logout"): {},
    }

    for url, data in posts.items():
        assert strict_client.post(url, data).status_code == 403, url
    assert not reseller.orders.exists()
    assert Reseller.objects.get(pk=reseller.pk).balance == Decimal("10000.00")


def test_staff_forms_refuse_a_post_without_token_and_accept_one_with_it(strict_client, reseller):
    log_in_verified(strict_client, StaffUserFactory())
    adjust = reverse("admin:orders_reseller_adjust_balance", args=[reseller.pk])
    data = {"amount": "500", "reason": "bonus"}

    assert strict_client.post(adjust, data).status_code == 403
    action = {"action": "suspend", "_selected_action": [reseller.pk], "index": 0}
    assert (
        strict_client.post(reverse("admin:orders_reseller_changelist"), action).status_code == 403
    )
    assert Reseller.objects.get(pk=reseller.pk).balance == Decimal("10000.00")
    assert Reseller.objects.get(pk=reseller.pk).state == Reseller.State.ACTIVE

    token = csrf_token(strict_client.get(adjust))
    accepted = strict_client.post(adjust, {**data, "csrfmiddlewaretoken": token})
    assert accepted.status_code == 302
    assert StaffProposal.objects.filter(reseller=reseller, amount=Decimal("500")).exists()


def url_patterns(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.callback


def test_no_browser_page_is_csrf_exempt():
    exempt = [
        route
        for route, view in url_patterns(get_resolver().url_patterns)
        if getattr(view, "csrf_exempt", False) and not route.startswith(CSRF_EXEMPT_PREFIXES)
    ]

    assert exempt == []
