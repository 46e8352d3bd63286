from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from orders.api.keys import api_key_create
from orders.models import CashInOrder, OrderStatus
from tests.api.conftest import Api
from tests.factories import CashInOrderFactory, PayInFactory, ResellerFactory
from tests.orders.conftest import send_submissions


def make_orders(reseller, count, **fields):
    orders = [CashInOrderFactory(reseller=reseller, **fields) for _ in range(count)]
    # Several orders share one created_at: the cursor must still neither skip nor repeat.
    moment = timezone.now() - timedelta(hours=1)
    for index, order in enumerate(orders):
        CashInOrder.objects.filter(pk=order.pk).update(
            created_at=moment + timedelta(minutes=index // 3)
        )
    return orders


def test_cursor_pages_cover_every_order_once_newest_first(api, reseller):
    orders = make_orders(reseller, 12)
    make_orders(ResellerFactory(), 3)  # another reseller's: never listed

    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 5, **({"cursor": cursor} if cursor else {})}
        body = api.get("/orders", params).json()
        seen += [o["client_reference"] for o in body["results"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break

    assert pages == 3
    expected = CashInOrder.objects.filter(reseller=reseller).order_by("-created_at", "-id")
    assert seen == [o.client_reference for o in expected]
    assert sorted(seen) == sorted(o.client_reference for o in orders)


def test_status_and_since_filters(api, reseller):
    make_orders(reseller, 2, status=OrderStatus.SUCCESS)
    make_orders(reseller, 3, status=OrderStatus.SUBMIT_UNKNOWN)
    recent = CashInOrderFactory(reseller=reseller, status=OrderStatus.FAILED)

    assert len(api.get("/orders", {"status": "success"}).json()["results"]) == 2
    pending = api.get("/orders", {"status": "pending"}).json()["results"]
    assert [o["status"] for o in pending] == ["pending"] * 3
    since = (timezone.now() - timedelta(minutes=5)).isoformat()
    found = api.get("/orders", {"since": since}).json()["results"]
    assert [o["client_reference"] for o in found] == [recent.client_reference]


def test_bad_query_parameters_are_422(api):
    for params in (
        {"status": "done"},
        {"since": "yesterday"},
        {"since": "0001-01-01T00:00:00+14:00"},
        {"cursor": "not-a-cursor"},
        {"cursor": "WzEsMl0"},  # valid base64 of [1,2]
        {"cursor": "99999999999999999999.1"},
        {"cursor": "1764000000000000.99999999999999999999999"},
        {"limit": "0"},
        {"limit": "1e3"},
    ):
        response = api.get("/orders", params)
        assert response.status_code == 422, params
        assert response.json()["errors"]


def test_a_nul_in_the_query_string_is_a_json_400(api):
    response = api.get("/orders", {"status": "pending\x00"})
    assert response.status_code == 400
    assert response.json()["code"] == "bad_query_string"


def test_an_api_cursor_has_the_pages_format(api, reseller):
    orders = [CashInOrderFactory(reseller=reseller) for _ in range(3)]
    first = api.get("/orders", {"limit": "2"}).json()
    micros, pk = first["next_cursor"].split(".")
    assert int(pk) == orders[1].pk and micros.isdigit()


def test_balance(api):
    assert api.get("/balance").json() == {"balance": "10000.00", "currency": "BDT"}


def test_payin_create_and_read(api, reseller, sandbox):
    response = api.post("/payins", {"amount": "1500.00", "wallet_provider": "BKash",
                                    "mobile_number": "01812345670", "email": "p@example.com",
                                    "customer_name": "Rahim"})  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "creating"  # queued for the submitter
    send_submissions()

    read = api.get(f"/payins/{response.json()['external_id']}")
    assert read.status_code == 200
    payin = read.json()
    assert payin["status"] == "pending"
    assert payin["payment_link"].endswith(payin["external_id"])
    assert read.json()["amount"] == "1500.00"


def test_payin_with_the_same_external_id_again_is_200_and_another_payment_409(api, sandbox):
    body = {
        "amount": "1500.00",
        "wallet_provider": "Nagad",
        "mobile_number": "01812345670",
        "email": "p@example.com",
        "customer_name": "Rahim",
        "external_id": "SHOP-PIN-1",
    }

    first = api.post("/payins", body)
    again = api.post("/payins", body)
    other = api.post("/payins", {**body, "amount": "2500.00"})

    send_submissions()
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 409)
    assert again.json()["external_id"] == first.json()["external_id"] == "SHOP-PIN-1"
    assert sandbox.stats()["payin_submits"] == {"SHOP-PIN-1": 1}


def test_payin_bad_fields_are_422_per_field(api, sandbox):
    response = api.post("/payins", {"amount": "1500.00", "wallet_provider": "Rocket",
                                    "mobile_number": "123", "email": "nope",
                                    "customer_name": "Rahim"})  # fmt: skip
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert "mobile_number" in errors or "wallet_provider" in errors
    assert sandbox.stats()["payin_submits"] == {}


def test_payin_amount_with_three_decimals_is_422(api, sandbox):
    response = api.post("/payins", {"amount": 1500.505, "wallet_provider": "BKash",
                                    "mobile_number": "01812345670", "email": "p@example.com",
                                    "customer_name": "Rahim"})  # fmt: skip
    assert response.status_code == 422
    assert response.json()["errors"]["amount"]


def test_another_resellers_payin_is_404(api):
    theirs = PayInFactory()
    assert api.get(f"/payins/{theirs.external_id}").status_code == 404


def test_suspended_reseller_cannot_start_payin(db):
    other = ResellerFactory(balance=Decimal("1"))
    api = Api(api_key_create(reseller=other, name="k")[0])
    from orders.wallet.resellers import reseller_set_state

    reseller_set_state(reseller_id=other.pk, active=False)
    assert api.post("/payins", {}).status_code == 403
