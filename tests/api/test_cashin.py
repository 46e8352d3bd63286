from decimal import Decimal

import pytest

from orders.models import CashInOrder, LedgerEntry, Reseller
from tests.api.conftest import Api
from tests.factories import CashInOrderFactory, ResellerFactory
from tests.orders.conftest import send_submissions


def balance_of(reseller) -> Decimal:
    return Reseller.objects.get(pk=reseller.pk).balance


def cash_in(api, ref="SHOP-1", number="01712345670", amount="500.00", **extra):
    return api.post("/cash-in", {"receiver_number": number, "amount": amount,
                                 "client_reference": ref, **extra})  # fmt: skip


def test_new_reference_creates_sends_and_debits(api, reseller, sandbox):
    response = cash_in(api)

    assert response.status_code == 201
    assert response.json()["status"] == "pending"  # `submitting`: queued, debited, not sent
    assert not response.json()["order_number"]
    send_submissions()
    body = api.get("/cash-in/SHOP-1").json()
    assert body["client_reference"] == "SHOP-1"
    assert body["amount"] == "500.00"
    assert body["status"] == "pending"
    assert body["order_number"].startswith("NICT-")
    assert balance_of(reseller) == Decimal("9500.00")
    assert sandbox.stats()["cashin_submits"]["SHOP-1"] == 1
    assert CashInOrder.objects.get().source == "api"


def test_same_reference_and_body_answers_200_with_the_same_order(api, reseller, sandbox):
    first = cash_in(api).json()
    again = cash_in(api)

    send_submissions()
    assert again.status_code == 200
    assert again.json()["order_number"] == first["order_number"]
    assert balance_of(reseller) == Decimal("9500.00")
    assert sandbox.stats()["cashin_submits"]["SHOP-1"] == 1


def test_same_reference_with_another_body_is_409_and_moves_nothing(api, reseller, sandbox):
    cash_in(api)
    response = cash_in(api, amount="600.00")

    assert response.status_code == 409
    assert response.json()["code"] == "reference_conflict"
    assert "different" in response.json()["message"]
    assert balance_of(reseller) == Decimal("9500.00")
    assert CashInOrder.objects.count() == 1


def test_another_resellers_reference_is_409_not_theirs(api, sandbox):
    CashInOrderFactory(client_reference="TAKEN-1")
    response = cash_in(api, ref="TAKEN-1")
    assert response.status_code == 409


def test_phone_is_accepted_for_receiver_number(api, sandbox):
    response = api.post("/cash-in", {"phone": "+8801712345670", "amount": 500,
                                     "client_reference": "P-1"})  # fmt: skip
    assert response.status_code == 201
    assert response.json()["receiver_number"] == "01712345670"


def test_provider_rejection_fails_the_order_and_refunds(api, reseller, sandbox):
    response = cash_in(api, number="01712345677")  # 7: the sandbox rejects the receiver

    assert response.status_code == 201
    send_submissions()
    body = api.get(f"/cash-in/{response.json()['client_reference']}").json()
    assert body["status"] == "failed"
    assert "not a bKash account" in body["failure_reason"]
    assert balance_of(reseller) == Decimal("10000.00")


def test_order_detail_shows_what_a_reseller_needs_once_final(api, sandbox):
    from orders.cashin.provider import cashin_check_now

    cash_in(api, ref="DONE-1")
    send_submissions()
    sandbox.force("DONE-1", "successfull")
    cashin_check_now(order_id=CashInOrder.objects.get().pk)

    body = api.get("/cash-in/DONE-1").json()
    assert body["status"] == "success"
    assert body["final"] is True
    assert body["operator_transaction_id"]
    assert body["completed_at"].endswith("+06:00")
    assert body["receiver_number"] == "01712345670"


def test_reference_with_slash_can_be_read_back(api, sandbox):
    assert cash_in(api, ref="INV/2025/7").status_code == 201
    assert api.get("/cash-in/INV/2025/7").json()["client_reference"] == "INV/2025/7"


def test_another_resellers_order_is_404(api):
    CashInOrderFactory(client_reference="THEIRS-1")
    response = api.get("/cash-in/THEIRS-1")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_unknown_order_is_404(api):
    assert api.get("/cash-in/NOPE").status_code == 404
    assert api.get("/cash-in/bad%00ref").status_code == 404


def test_insufficient_balance_is_422_on_amount(db, sandbox):
    from orders.api.keys import api_key_create

    poor = ResellerFactory(balance=Decimal("100.00"))
    api = Api(api_key_create(reseller=poor, name="k")[0])
    response = cash_in(api, amount="500.00")

    assert response.status_code == 422
    assert "Insufficient balance" in response.json()["errors"]["amount"][0]
    assert not CashInOrder.objects.exists()
    assert sandbox.stats()["cashin_submits"] == {}


def raw(number='"01712345670"', amount='"500"', ref='"F"') -> str:
    """A JSON body as text, so the test can send what json.dumps never would."""
    return f'{{"receiver_number": {number}, "amount": {amount}, "client_reference": {ref}}}'


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (raw(amount="500.505"), "amount"),  # JSON numbers are read exactly: 3 decimals
        (raw(amount="true"), "amount"),
        (raw(amount='"1e30"'), "amount"),
        (raw(amount="9" * 5000), "amount"),  # past Python's int-parsing limit
        (raw(amount="1" + "0" * 40), "amount"),
        (raw(amount='"500.555"'), "amount"),
        (raw(amount='"NaN"'), "amount"),
        (raw(amount='"-5"'), "amount"),
        (raw(amount="[1]"), "amount"),
        (raw(amount='"5"'), "amount"),  # under the minimum
        (raw(number="1712345670"), "receiver_number"),
        (raw()[:-1] + ', "phone": null}', "phone"),  # null is not a string (found by schemathesis)
        (raw(number='"٠١٧١٢٣٤٥٦٧٠"'), "receiver_number"),  # Arabic-Indic digits
        (raw(ref='"ref\\u0000"'), "client_reference"),
        (raw(ref='"রেফ"'), "client_reference"),
        (raw(ref='{"a": 1}'), "client_reference"),
        (raw(ref="null"), "client_reference"),
        (raw(ref='"' + "x" * 65 + '"'), "client_reference"),
        ('{"amount": "500", "client_reference": "F"}', "receiver_number"),
        ("not json", None),
        ("[1, 2]", None),
        ('"text"', None),
        ("", None),
        ("\xff\xfe", None),
        ("[" * 100000, None),
    ],
)
def test_bad_input_is_422_with_a_message_and_sends_nothing(api, reseller, raw, field):
    response = api.post("/cash-in", raw=raw)

    assert response.status_code == 422, response.content
    body = response.json()
    assert body["message"]
    if field:
        assert body["errors"][field][0]
    assert not CashInOrder.objects.exists()
    assert balance_of(reseller) == Decimal("10000.00")


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_identical_posts_make_one_order_one_debit_one_submit(sandbox):
    """Run on SQLite and on PostgreSQL (DATABASE_URL=postgres://...)."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connections

    from orders.api.keys import api_key_create

    if connections["default"].vendor == "sqlite" and connections["default"].is_in_memory_db():
        pytest.skip("in-memory SQLite locks instead of waiting; see tests/api/conftest.py")
    reseller = ResellerFactory(balance=Decimal("10000.00"))
    key = api_key_create(reseller=reseller, name="k")[0]
    barrier = Barrier(20)

    def post(_):
        try:
            barrier.wait()
            return cash_in(Api(key), ref="RACE-1").status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = sorted(pool.map(post, range(20)))

    send_submissions()
    assert codes == [200] * 19 + [201]
    assert CashInOrder.objects.count() == 1
    assert LedgerEntry.objects.filter(kind="order_debit").count() == 1
    assert balance_of(reseller) == Decimal("9500.00")
    assert sandbox.stats()["cashin_submits"]["RACE-1"] == 1
