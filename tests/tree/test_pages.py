"""The sub-reseller pages: a parent sees and acts on its children; a child sees nothing of its
parent or siblings (404)."""

from decimal import Decimal

import pytest

from orders.models import AuditEntry, Reseller, Transfer
from tests.factories import CashInOrderFactory
from tests.orders.conftest import balance
from tests.panel.conftest import login
from tests.tree.conftest import fund, make_child, make_plan


@pytest.fixture
def sibling(parent):
    return make_child(parent, username="sibling")


def test_a_parent_creates_a_child_from_the_panel(parent):
    client = login(parent)
    response = client.post("/team/new/", {"username": "kid", "password": "x-Long-pass-42",
                                          "name": "Kid Store", "max_amount": "5000"})  # fmt: skip

    kid = Reseller.objects.get(user__username="kid")
    assert response.status_code == 302 and kid.parent_id == parent.pk
    assert kid.max_amount == Decimal("5000.00")


def test_the_panel_refuses_a_limit_above_the_parents(parent):
    response = login(parent).post("/team/new/", {"username": "kid", "password": "x-Long-pass-42",
                                                 "daily_limit": "999999"})  # fmt: skip
    assert response.status_code == 200
    assert 'data-error-for="daily_limit"' in response.content.decode()
    assert not Reseller.objects.filter(user__username="kid").exists()


def test_a_parent_transfers_once_for_a_form_posted_twice(parent, child):
    data = {"amount": "1,000", "direction": "down", "note": "float", "reference": "PANEL-1"}
    client = login(parent)
    for _ in range(2):
        assert client.post(f"/team/{child.pk}/transfer/", data).status_code == 302

    assert Transfer.objects.count() == 1
    assert balance(child) == Decimal("1000.00")
    page = client.get("/wallet/").content.decode()
    assert "Transfer sent" in page and "float" in page


def test_a_parent_sees_a_childs_orders_and_suspends_it(parent, child):
    order = CashInOrderFactory(reseller=child)
    client = login(parent)

    assert order.client_reference in client.get(f"/team/{child.pk}/").content.decode()
    assert client.get(f"/team/{child.pk}/orders/{order.pk}/").status_code == 200
    client.post(f"/team/{child.pk}/state/", {"active": "0"})
    child.refresh_from_db()
    assert not child.is_active


def test_a_child_sees_nothing_of_its_parent_or_siblings(parent, child, sibling):
    fund(parent, sibling, "100")
    sibling_order = CashInOrderFactory(reseller=sibling)
    parent_order = CashInOrderFactory(reseller=parent)
    client = login(child)

    for url in (f"/team/{sibling.pk}/", f"/team/{parent.pk}/",
                f"/team/{sibling.pk}/orders/{sibling_order.pk}/",
                f"/orders/{sibling_order.pk}/", f"/orders/{parent_order.pk}/"):  # fmt: skip
        assert client.get(url).status_code == 404, url
    response = client.post(f"/team/{sibling.pk}/transfer/", {"amount": "50", "direction": "up",
                                                              "reference": "X"})  # fmt: skip
    assert response.status_code == 404
    assert client.post(f"/team/{parent.pk}/state/", {"active": "0"}).status_code == 404
    assert balance(sibling) == Decimal("100.00")


def test_a_parent_gives_a_child_a_dearer_plan_but_not_a_cheaper_one(parent, child, plan):
    dearer = make_plan("dearer", fee_fixed=Decimal("8"))
    cheaper = make_plan("cheaper", fee_fixed=Decimal("1"))
    client = login(parent)

    page = client.get(f"/team/{child.pk}/").content.decode()
    assert "dearer" in page and "cheaper" not in page
    refused = client.post(f"/team/{child.pk}/plan/", {"rate_plan": cheaper.pk})
    assert refused.status_code == 200 and "rate_plan" in refused.context["plan_form"].errors
    client.post(f"/team/{child.pk}/plan/", {"rate_plan": dearer.pk})

    child.refresh_from_db()
    assert child.rate_plan == dearer
    entry = AuditEntry.objects.get(action="plan_change", reseller=child)
    assert entry.details == {"before": "standard", "after": "dearer"}


def test_a_child_cannot_set_a_siblings_plan(parent, child, sibling, plan):
    dearer = make_plan("dearer", fee_fixed=Decimal("8"))

    response = login(child).post(f"/team/{sibling.pk}/plan/", {"rate_plan": dearer.pk})

    assert response.status_code == 404
    sibling.refresh_from_db()
    assert sibling.rate_plan == plan
