"""A reseller sees the audit entries about its own account, never another reseller's."""

from django.urls import reverse

from orders.staff.audit import Action, record
from tests.factories import StaffUserFactory


def test_a_reseller_sees_its_own_activity_and_not_anothers(rclient, reseller, other_reseller):
    staff = StaffUserFactory()
    record(staff, Action.RESELLER_SUSPENDED, reseller=reseller, reason="checking documents")
    record(staff, Action.RESELLER_SUSPENDED, reseller=other_reseller, reason="other-secret")

    response = rclient.get(reverse("account_activity"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "checking documents" in page and "Account suspended" in page
    assert "other-secret" not in page
    assert staff.username not in page  # staff are "Staff", never named


def test_the_activity_page_is_in_the_navigation_and_in_bangla(rclient):
    from django.utils import translation

    with translation.override("bn"):
        page = rclient.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="bn").content.decode()

    assert reverse("account_activity") in page
