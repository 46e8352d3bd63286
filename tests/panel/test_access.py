import pytest
from django.urls import reverse

from tests.factories import CashInOrderFactory, PayInFactory, StaffUserFactory
from tests.panel.conftest import login

PAGES = [
    ("dashboard", {}),
    ("cashin_new", {}),
    ("order_list", {}),
    ("order_export", {}),
    ("order_statuses", {}),
    ("order_detail", {"pk": 1}),
    ("order_live", {"pk": 1}),
    ("wallet", {}),
    ("wallet_export", {}),
    ("payin_list", {}),
    ("payin_new", {}),
    ("payin_detail", {"pk": 1}),
    ("payin_live", {"pk": 1}),
]


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_every_page_sends_anonymous_visitors_to_login(client, db, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_confirm_needs_login_too(client, db):
    response = client.post(reverse("cashin_confirm"), {})
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_login_page_logs_a_reseller_in(client, reseller):
    from tests.factories import PASSWORD

    page = client.get(reverse("login"))
    assert page.status_code == 200 and b'name="password"' in page.content
    response = client.post(
        reverse("login"), {"username": reseller.user.username, "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200


def test_logout_is_a_post_form(rclient):
    page = rclient.get(reverse("dashboard")).content.decode()
    assert f'action="{reverse("logout")}" method="post"' in page
    rclient.post(reverse("logout"))
    assert rclient.get(reverse("dashboard")).status_code == 302


def test_staff_without_wallet_gets_a_link_to_the_admin(db):
    staff = StaffUserFactory()
    response = login(staff).get(reverse("dashboard"))
    assert response.status_code == 403
    assert reverse("admin:index") in response.content.decode()


def test_another_resellers_order_is_not_found(rclient, other_reseller):
    theirs = CashInOrderFactory(reseller=other_reseller)
    assert rclient.get(reverse("order_detail", args=[theirs.pk])).status_code == 404
    assert rclient.get(reverse("order_live", args=[theirs.pk])).status_code == 404
    statuses = rclient.get(reverse("order_statuses"), {"ids": str(theirs.pk)}).json()
    assert statuses["orders"] == []


def test_another_resellers_orders_are_not_listed_or_exported(rclient, reseller, other_reseller):
    CashInOrderFactory(reseller=other_reseller, client_reference="THEIRS-1")
    CashInOrderFactory(reseller=reseller, client_reference="MINE-1")
    listing = rclient.get(reverse("order_list")).content.decode()
    export = b"".join(rclient.get(reverse("order_export")).streaming_content).decode()
    assert "MINE-1" in listing and "THEIRS-1" not in listing
    assert "MINE-1" in export and "THEIRS-1" not in export


def test_another_resellers_payin_is_not_found(rclient, other_reseller):
    theirs = PayInFactory(reseller=other_reseller, external_id="PIN-THEIRS")
    assert rclient.get(reverse("payin_detail", args=[theirs.pk])).status_code == 404
    assert rclient.get(reverse("payin_live", args=[theirs.pk])).status_code == 404
    assert "PIN-THEIRS" not in rclient.get(reverse("payin_list")).content.decode()
