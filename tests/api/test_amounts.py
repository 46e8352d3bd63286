"""Amounts and numbers through the real API: POST /api/v1/cash-in and POST /api/v1/payins read
them with orders.numbers, the parser the panel's forms use."""

from decimal import Decimal

import pytest

from orders.models import CashInOrder, PayIn, Reseller
from tests.orders.conftest import send_submissions

TWO_DECIMALS = "at most two decimals (poisha)"
EXPONENT = "without an exponent"
NOT_FINITE = "NaN and Infinity are not amounts"
COMMA = "Use a comma only between thousands"
DIGITS = "Use digits 0–9 or ০–৯."
MORE_THAN_ZERO = "more than zero"
TOO_LARGE = "too large"
EMPTY = "Enter the amount"
A_NUMBER_OR_A_STRING = "Send the amount as a number or a string"
REQUIRED = "This field is required."


def cash_in_body(amount: str, number: str = '"01712345670"', ref: str = "AMT-1") -> str:
    """The body as JSON text, so an amount can be written as json.dumps never would."""
    return f'{{"receiver_number": {number}, "amount": {amount}, "client_reference": "{ref}"}}'


def payin_body(amount: str, number: str = '"01812345670"') -> str:
    return (
        f'{{"amount": {amount}, "wallet_provider": "BKash", "mobile_number": {number}, '
        '"email": "p@example.com", "customer_name": "Rahim"}'
    )


def balance_of(reseller) -> Decimal:
    return Reseller.objects.get(pk=reseller.pk).balance


ACCEPTED = [
    pytest.param("500.50", "500.50", id="json-number-with-two-decimals"),
    pytest.param("500.5", "500.50", id="json-number-with-one-decimal"),
    pytest.param("500.0", "500.00", id="json-number-with-zero-decimal"),
    pytest.param("500", "500.00", id="json-whole-number"),
    pytest.param('"500.50"', "500.50", id="string-with-two-decimals"),
    pytest.param('"1,000.50"', "1000.50", id="string-with-thousands-comma"),
    pytest.param('"৫০০"', "500.00", id="string-in-bengali-digits"),
    pytest.param('"১,০০০.৫০"', "1000.50", id="string-in-bengali-digits-with-comma"),
    pytest.param('" 500 "', "500.00", id="string-with-spaces-around"),
]

REFUSED = [
    pytest.param("500.500", TWO_DECIMALS, id="json-number-with-three-decimals"),
    pytest.param('"500.500"', TWO_DECIMALS, id="string-with-three-decimals"),
    pytest.param("5e2", EXPONENT, id="json-number-with-exponent"),
    pytest.param("5E+2", EXPONENT, id="json-number-with-capital-exponent"),
    pytest.param("1e999999999", EXPONENT, id="json-number-with-huge-exponent"),
    pytest.param('"5e2"', EXPONENT, id="string-with-exponent"),
    pytest.param("NaN", NOT_FINITE, id="json-nan"),
    pytest.param("Infinity", NOT_FINITE, id="json-infinity"),
    pytest.param("-Infinity", NOT_FINITE, id="json-minus-infinity"),
    pytest.param('"NaN"', NOT_FINITE, id="string-nan"),
    pytest.param('"Infinity"', NOT_FINITE, id="string-infinity"),
    pytest.param('"12,50"', COMMA, id="string-with-decimal-comma"),
    pytest.param('"1,00"', COMMA, id="string-with-comma-before-two-digits"),
    pytest.param('",100"', COMMA, id="string-with-comma-first"),
    pytest.param('"1,0000"', COMMA, id="string-with-comma-before-four-digits"),
    pytest.param('"٥٠٠"', DIGITS, id="string-in-arabic-indic-digits"),
    pytest.param('"५००"', DIGITS, id="string-in-devanagari-digits"),
    pytest.param('"５００"', DIGITS, id="string-in-fullwidth-digits"),
    pytest.param('"5²"', DIGITS, id="string-with-superscript-digit"),
    pytest.param("-500", MORE_THAN_ZERO, id="negative-json-number"),
    pytest.param('"-500"', MORE_THAN_ZERO, id="negative-string"),
    pytest.param("0", MORE_THAN_ZERO, id="zero-json-number"),
    pytest.param('"0.00"', MORE_THAN_ZERO, id="zero-string"),
    pytest.param("1" + "0" * 30, TOO_LARGE, id="ten-to-the-thirty-json-int"),
    pytest.param("9" * 5000, TOO_LARGE, id="json-int-past-pythons-digit-limit"),
    pytest.param('"1000000000000"', TOO_LARGE, id="ten-to-the-twelve-string"),
    pytest.param('""', EMPTY, id="empty-string"),
    pytest.param('"   "', EMPTY, id="whitespace-only-string"),
    pytest.param("true", A_NUMBER_OR_A_STRING, id="true"),
    pytest.param("false", A_NUMBER_OR_A_STRING, id="false"),
    pytest.param("[500]", A_NUMBER_OR_A_STRING, id="list"),
    pytest.param('{"value": 500}', A_NUMBER_OR_A_STRING, id="object"),
    pytest.param("null", REQUIRED, id="null"),
]


@pytest.mark.parametrize(("amount", "stored"), ACCEPTED)
def test_cash_in_accepts_the_amount_and_stores_it_exactly(api, reseller, sandbox, amount, stored):
    response = api.post("/cash-in", raw=cash_in_body(amount))

    assert response.status_code == 201, response.content
    assert response.json()["amount"] == stored
    order = CashInOrder.objects.get()
    assert order.amount == Decimal(stored)
    assert str(order.amount) == stored
    assert balance_of(reseller) == Decimal("10000.00") - Decimal(stored)


@pytest.mark.parametrize(("amount", "message"), REFUSED)
def test_cash_in_refuses_the_amount_with_422_saying_why(api, reseller, amount, message):
    response = api.post("/cash-in", raw=cash_in_body(amount))

    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "validation_error"
    assert message in body["errors"]["amount"][0]
    assert not CashInOrder.objects.exists()
    assert balance_of(reseller) == Decimal("10000.00")


@pytest.mark.parametrize(
    ("amount", "stored"),
    [
        pytest.param("1500.50", "1500.50", id="json-number-with-two-decimals"),
        pytest.param('"1,500.50"', "1500.50", id="string-with-thousands-comma"),
        pytest.param('"১৫০০"', "1500.00", id="string-in-bengali-digits"),
    ],
)
def test_payin_accepts_the_amount_and_stores_it_exactly(api, sandbox, amount, stored):
    response = api.post("/payins", raw=payin_body(amount))

    assert response.status_code == 201, response.content
    assert response.json()["amount"] == stored
    assert PayIn.objects.get().amount == Decimal(stored)


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        pytest.param("1500.505", TWO_DECIMALS, id="json-number-with-three-decimals"),
        pytest.param("1.5e3", EXPONENT, id="json-number-with-exponent"),
        pytest.param("NaN", NOT_FINITE, id="json-nan"),
        pytest.param('"15,00"', COMMA, id="string-with-decimal-comma"),
        pytest.param('"١٥٠٠"', DIGITS, id="string-in-arabic-indic-digits"),
        pytest.param("true", A_NUMBER_OR_A_STRING, id="true"),
        pytest.param("1" + "0" * 30, TOO_LARGE, id="ten-to-the-thirty-json-int"),
    ],
)
def test_payin_refuses_the_amount_with_422_saying_why(api, sandbox, amount, message):
    response = api.post("/payins", raw=payin_body(amount))

    assert response.status_code == 422, response.content
    assert message in response.json()["errors"]["amount"][0]
    assert not PayIn.objects.exists()
    assert sandbox.stats()["payin_submits"] == {}


@pytest.mark.parametrize(
    "number",
    [
        pytest.param('"০১৭১২৩৪৫৬৭০"', id="bengali-digits"),
        pytest.param('"017১২৩৪৫৬৭০"', id="bengali-and-ascii-digits-mixed"),
        pytest.param('"+৮৮০ ১৭১২-৩৪৫৬৭০"', id="plus-880-in-bengali-digits"),
    ],
)
def test_bengali_receiver_number_is_stored_and_sent_as_ascii(api, sandbox, number):
    response = api.post("/cash-in", raw=cash_in_body('"500"', number=number, ref="BN-1"))

    send_submissions()
    assert response.status_code == 201, response.content
    assert response.json()["receiver_number"] == "01712345670"
    assert CashInOrder.objects.get().receiver_number == "01712345670"
    at_provider = sandbox.force("BN-1", "pending")["data"]
    assert at_provider["receiver_number"] == "01712345670"


def test_bengali_payer_number_is_stored_and_sent_as_ascii(api, sandbox):
    response = api.post("/payins", raw=payin_body('"1500"', number='"০১৮১২৩৪৫৬৭০"'))

    send_submissions()
    assert response.status_code == 201, response.content
    assert response.json()["mobile_number"] == "01812345670"
    payin = PayIn.objects.get()
    assert payin.mobile_number == "01812345670"
    at_provider = sandbox.force(payin.external_id, "pending")
    assert at_provider["paymentData"]["mobile_number"] == "01812345670"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        pytest.param(
            "/cash-in",
            cash_in_body('"500"', number='"٠١٧١٢٣٤٥٦٧٠"'),
            "receiver_number",
            id="cash-in-receiver-in-arabic-indic-digits",
        ),
        pytest.param(
            "/cash-in",
            cash_in_body('"500"', number='"０１７１２３４５６７０"'),
            "receiver_number",
            id="cash-in-receiver-in-fullwidth-digits",
        ),
        pytest.param(
            "/payins",
            payin_body('"1500"', number='"०१८१२३४५६७०"'),
            "mobile_number",
            id="payin-number-in-devanagari-digits",
        ),
    ],
)
def test_number_in_other_digits_is_422_saying_which_digits(api, sandbox, path, body, field):
    response = api.post(path, raw=body)

    assert response.status_code == 422, response.content
    assert response.json()["errors"][field] == [DIGITS]
    assert sandbox.stats()["cashin_submits"] == {}
    assert sandbox.stats()["payin_submits"] == {}
