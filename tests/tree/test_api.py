from decimal import Decimal

import pytest

from orders.api.keys import api_key_create
from tests.api.conftest import Api
from tests.orders.conftest import balance
from tests.tree.conftest import make_child


@pytest.fixture
def parent_api(parent):
    return Api(api_key_create(reseller=parent, name="shop")[0])


def test_the_api_creates_lists_and_funds_a_sub_reseller(parent_api, parent):
    created = parent_api.post("/sub-resellers", {"username": "kid", "password": "x-Long-pass-42"})
    assert created.status_code == 201, created.json()
    body = {"to": "kid", "amount": "250.50", "direction": "down", "reference": "T-9"}

    first, again = parent_api.post("/transfers", body), parent_api.post("/transfers", body)
    conflict = parent_api.post("/transfers", {**body, "amount": "251"})

    assert (first.status_code, again.status_code, conflict.status_code) == (201, 200, 409)
    assert first.json()["id"] == again.json()["id"]
    listed = parent_api.get("/sub-resellers").json()["results"]
    assert [(c["username"], c["balance"]) for c in listed] == [("kid", "250.50")]
    assert balance(parent) == Decimal("9749.50")


def test_the_api_refuses_limits_above_the_parents(parent_api):
    response = parent_api.post("/sub-resellers", {"username": "kid", "password": "x-Long-pass-42",
                                                  "max_amount": "999999"})  # fmt: skip
    assert response.status_code == 422
    assert "max_amount" in response.json()["errors"]


def test_a_child_cannot_transfer_from_its_parent_or_a_sibling(parent, child):
    sibling = make_child(parent, username="sibling")
    child_api = Api(api_key_create(reseller=child, name="kid")[0])
    for target in (parent.user.username, sibling.user.username):
        response = child_api.post("/transfers", {"to": target, "amount": "1", "direction": "up"})
        assert response.status_code == 404
    assert child_api.get("/sub-resellers").json() == {"results": []}


def test_the_api_order_shows_fee_and_total(parent, sandbox):
    api = Api(api_key_create(reseller=parent, name="shop")[0])
    response = api.post("/cash-in", {"receiver_number": "01712345670", "amount": "500",
                                     "client_reference": "FEE-1"})  # fmt: skip
    assert (response.json()["fee"], response.json()["total"]) == ("10.00", "510.00")
