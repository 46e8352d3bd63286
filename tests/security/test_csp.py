"""An enforced Content-Security-Policy, and no inline script or style on any page it covers."""

import re
from decimal import Decimal

import pytest

from tests.factories import CashInOrderFactory, PayInFactory, ResellerFactory

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)

RESELLER_PAGES = ["/", "/cashin/new/", "/orders/", "/wallet/", "/funds/", "/funds/add/",
                  "/developer/keys/", "/developer/webhooks/", "/settings/", "/settings/two-factor/",
                  "/api/v1/docs"]  # fmt: skip
ADMIN_PAGES = ["/admin/", "/admin/orders/cashinorder/",
               "/admin/orders/cashinorder/?attention=any",
               "/admin/orders/reseller/", "/admin/orders/payin/", "/admin/orders/ledgerentry/",
               "/admin/orders/apikey/", "/admin/orders/apikey/add/",
               "/admin/auth/user/"]  # fmt: skip


def assert_strict(response):
    assert response.status_code == 200, response
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    html = response.content.decode()
    assert not INLINE_SCRIPT.findall(html)
    assert not INLINE_STYLE.findall(html)
    assert not EVENT_HANDLER.findall(html)


@pytest.mark.parametrize("url", ["/login/", "/admin/login/"])
def test_login_pages_are_strict(client, db, url):
    assert_strict(client.get(url))


@pytest.mark.parametrize("url", RESELLER_PAGES)
def test_reseller_pages_are_strict(client, db, url):
    reseller = ResellerFactory(balance=Decimal("100"))
    client.force_login(reseller.user)
    assert_strict(client.get(url))


def test_order_and_payin_detail_pages_are_strict(client, db):
    reseller = ResellerFactory(balance=Decimal("100"))
    order = CashInOrderFactory(reseller=reseller)
    payin = PayInFactory(reseller=reseller)
    client.force_login(reseller.user)
    assert_strict(client.get(f"/orders/{order.pk}/"))
    assert_strict(client.get(f"/funds/{payin.pk}/"))


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_are_strict(client, staff_login, url):
    staff_login(client)
    assert_strict(client.get(url))


def test_admin_change_pages_are_strict(client, staff_login, db):
    order = CashInOrderFactory()
    staff_login(client)
    assert_strict(client.get(f"/admin/orders/cashinorder/{order.pk}/change/"))
    assert_strict(client.get(f"/admin/orders/reseller/{order.reseller.pk}/change/"))
