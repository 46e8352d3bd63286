"""orders.numbers: the one parser of amounts and mobile numbers, for the forms and the API."""

import json
from decimal import Decimal

import pytest
from django.utils import translation

from orders.errors import InvalidAmount, InvalidReceiver
from orders.numbers import (
    WrittenWithExponent,
    decimal_from_json,
    normalize_amount,
    normalize_mobile_number,
    without_country_code,
)

TWO_DECIMALS = "at most two decimals (poisha)"
EXPONENT = "without an exponent"
NOT_FINITE = "NaN and Infinity are not amounts"
COMMA = "Use a comma only between thousands, e.g. 1,000.50."
DIGITS = "Use digits 0–9 or ০–৯."
MORE_THAN_ZERO = "more than zero"
TOO_LARGE = "too large"
EMPTY = "Enter the amount, e.g. 500 or 500.50."
NOT_A_NUMBER = "Enter the amount as a number, e.g. 500 or 500.50."
NOT_A_FLOAT = "Enter the amount as a decimal number."


@pytest.fixture(autouse=True)
def in_english():
    """The messages are checked in English, whatever an earlier test left active."""
    with translation.override("en"):
        yield


def json_amount(text: str):
    """The amount of {"amount": <text>} as the API reads the body."""
    body = json.loads(
        f'{{"amount": {text}}}',
        parse_float=decimal_from_json,
        parse_int=decimal_from_json,
        parse_constant=Decimal,
    )
    return body["amount"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("500", "500.00", id="whole-number-text-gets-two-decimals"),
        pytest.param("500.5", "500.50", id="one-decimal-text"),
        pytest.param("500.50", "500.50", id="two-decimals-text"),
        pytest.param("  500.50 ", "500.50", id="spaces-around-are-ignored"),
        pytest.param("0500", "500.00", id="leading-zero-is-harmless"),
        pytest.param("1,000.50", "1000.50", id="comma-between-thousands"),
        pytest.param("1,234,567", "1234567.00", id="commas-between-millions"),
        pytest.param("৫০০", "500.00", id="bengali-digits"),
        pytest.param("৫০০.৫০", "500.50", id="bengali-digits-with-decimals"),
        pytest.param("১,০০০.৫০", "1000.50", id="bengali-digits-with-thousands-comma"),
        pytest.param("5০০", "500.00", id="bengali-and-ascii-digits-mixed"),
        pytest.param("999999999999.99", "999999999999.99", id="largest-amount"),
        pytest.param("0.01", "0.01", id="one-poisha"),
        pytest.param(500, "500.00", id="int"),
        pytest.param(Decimal("500.5"), "500.50", id="decimal"),
        pytest.param(Decimal("5E+2"), "500.00", id="decimal-made-in-code-with-exponent"),
        pytest.param(json_amount("500.50"), "500.50", id="json-number-with-two-decimals"),
        pytest.param(json_amount("500.5"), "500.50", id="json-number-with-one-decimal"),
        pytest.param(json_amount("500.0"), "500.00", id="json-number-with-zero-decimal"),
        pytest.param(json_amount("500"), "500.00", id="json-whole-number"),
        pytest.param(json_amount('"1,000.50"'), "1000.50", id="json-string-with-comma"),
    ],
)
def test_accepted_amount_becomes_a_decimal_with_two_decimals(raw, expected):
    amount = normalize_amount(raw)
    assert amount == Decimal(expected)
    assert str(amount) == expected  # exactly two decimals, no exponent
    assert type(amount) is Decimal


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param("500.500", TWO_DECIMALS, id="three-decimals-text-even-trailing-zero"),
        pytest.param("500.555", TWO_DECIMALS, id="three-decimals-text"),
        pytest.param("0.001", TWO_DECIMALS, id="a-tenth-of-a-poisha"),
        pytest.param("1,000.505", TWO_DECIMALS, id="three-decimals-after-a-thousands-comma"),
        pytest.param(json_amount("500.500"), TWO_DECIMALS, id="three-decimals-json-number"),
        pytest.param(Decimal("500.505"), TWO_DECIMALS, id="three-decimals-decimal"),
        pytest.param("5e2", EXPONENT, id="exponent-text"),
        pytest.param("5E+2", EXPONENT, id="exponent-text-capital"),
        pytest.param("50000e-2", EXPONENT, id="exponent-text-negative"),
        pytest.param("1e30", EXPONENT, id="exponent-text-huge"),
        pytest.param(json_amount("5e2"), EXPONENT, id="exponent-json-number"),
        pytest.param(json_amount("5.0E2"), EXPONENT, id="exponent-json-number-with-point"),
        pytest.param(json_amount("1e999999999"), EXPONENT, id="exponent-json-no-decimal-holds"),
        pytest.param("NaN", NOT_FINITE, id="nan-text"),
        pytest.param("nan", NOT_FINITE, id="nan-text-lower-case"),
        pytest.param("Infinity", NOT_FINITE, id="infinity-text"),
        pytest.param("-inf", NOT_FINITE, id="minus-inf-text"),
        pytest.param("sNaN", NOT_FINITE, id="signalling-nan-text"),
        pytest.param(json_amount("NaN"), NOT_FINITE, id="nan-json-constant"),
        pytest.param(json_amount("Infinity"), NOT_FINITE, id="infinity-json-constant"),
        pytest.param(json_amount("-Infinity"), NOT_FINITE, id="minus-infinity-json-constant"),
        pytest.param("12,50", COMMA, id="comma-as-decimal-point"),
        pytest.param("1,00", COMMA, id="comma-before-two-digits"),
        pytest.param(",100", COMMA, id="comma-first"),
        pytest.param("100,", COMMA, id="comma-last"),
        pytest.param("1,0000", COMMA, id="comma-before-four-digits"),
        pytest.param("1000,000", COMMA, id="four-digits-before-a-comma"),
        pytest.param("1,,000", COMMA, id="two-commas-together"),
        pytest.param("1.000,50", COMMA, id="european-style"),
        pytest.param("1,00,000", COMMA, id="lakh-grouping"),
        pytest.param("٥٠٠", DIGITS, id="arabic-indic-digits"),
        pytest.param("۵۰۰", DIGITS, id="persian-digits"),
        pytest.param("५००", DIGITS, id="devanagari-digits"),
        pytest.param("５００", DIGITS, id="fullwidth-digits"),
        pytest.param("5²", DIGITS, id="superscript-digit"),
        pytest.param("½", DIGITS, id="vulgar-fraction"),
        pytest.param("-5", MORE_THAN_ZERO, id="negative-text"),
        pytest.param("-0", MORE_THAN_ZERO, id="minus-zero-text"),
        pytest.param("0", MORE_THAN_ZERO, id="zero-text"),
        pytest.param("0.00", MORE_THAN_ZERO, id="zero-with-decimals"),
        pytest.param(0, MORE_THAN_ZERO, id="zero-int"),
        pytest.param(json_amount("-500.50"), MORE_THAN_ZERO, id="negative-json-number"),
        pytest.param(json_amount("-0.0"), MORE_THAN_ZERO, id="minus-zero-json-number"),
        pytest.param("1000000000000", TOO_LARGE, id="ten-to-the-twelve-text"),
        pytest.param("9" * 5000, TOO_LARGE, id="five-thousand-digits-text"),
        pytest.param(10**30, TOO_LARGE, id="ten-to-the-thirty-int"),
        pytest.param(json_amount("1" + "0" * 30), TOO_LARGE, id="ten-to-the-thirty-json"),
        pytest.param(json_amount("9" * 5000), TOO_LARGE, id="past-pythons-int-digit-limit"),
        pytest.param("", EMPTY, id="empty"),
        pytest.param("   ", EMPTY, id="whitespace-only"),
        pytest.param("\t\n", EMPTY, id="tab-and-newline-only"),
        pytest.param(None, EMPTY, id="none"),
        pytest.param("abc", NOT_A_NUMBER, id="letters"),
        pytest.param("500.", NOT_A_NUMBER, id="point-without-decimals"),
        pytest.param(".50", NOT_A_NUMBER, id="point-without-whole-number"),
        pytest.param("500.50.1", NOT_A_NUMBER, id="two-points"),
        pytest.param("+500", NOT_A_NUMBER, id="plus-sign"),
        pytest.param("5 000", NOT_A_NUMBER, id="space-inside"),
        pytest.param("৳500", NOT_A_NUMBER, id="taka-sign"),
        pytest.param("500\x00", NOT_A_NUMBER, id="control-character"),
        pytest.param(True, NOT_A_NUMBER, id="true"),
        pytest.param(False, NOT_A_NUMBER, id="false"),
        pytest.param([500], NOT_A_NUMBER, id="list"),
        pytest.param({"amount": 500}, NOT_A_NUMBER, id="dict"),
        pytest.param(500.5, NOT_A_FLOAT, id="python-float"),
    ],
)
def test_refused_amount_says_why(raw, message):
    with pytest.raises(InvalidAmount) as refused:
        normalize_amount(raw)
    assert message in refused.value.message
    assert refused.value.field == "amount"


def test_normalized_amount_is_accepted_again_unchanged():
    """The services normalize what the forms and the API already normalized."""
    once = normalize_amount("১,০০০.৫")
    assert normalize_amount(once) == once == Decimal("1000.50")


@pytest.mark.parametrize(
    ("literal", "expected"),
    [
        pytest.param("500.50", Decimal("500.50"), id="float-literal-kept-exactly"),
        pytest.param("0.1", Decimal("0.1"), id="no-binary-rounding"),
        pytest.param("500", Decimal("500"), id="int-literal"),
        pytest.param("9" * 5000, Decimal("9" * 5000), id="int-literal-past-pythons-limit"),
        pytest.param("5e2", WrittenWithExponent("5e2"), id="exponent-kept-as-text"),
        pytest.param("1E-2", WrittenWithExponent("1E-2"), id="capital-exponent-kept-as-text"),
    ],
)
def test_json_number_is_read_as_written(literal, expected):
    assert decimal_from_json(literal) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("01712345678", "01712345678", id="local-number"),
        pytest.param("+8801712345678", "01712345678", id="plus-880"),
        pytest.param("8801712345678", "01712345678", id="880"),
        pytest.param("+880 1712-345678", "01712345678", id="spaces-and-dashes"),
        pytest.param("(017) 1234.5678", "01712345678", id="brackets-and-dots"),
        pytest.param(" 01312345678 ", "01312345678", id="013-with-spaces-around"),
        pytest.param("01912345678", "01912345678", id="019"),
        pytest.param("০১৭১২৩৪৫৬৭৮", "01712345678", id="bengali-digits"),
        pytest.param("017১২৩৪৫৬১৬", "01712345616", id="bengali-and-ascii-digits-mixed"),
        pytest.param("+৮৮০১৭১২৩৪৫৬৭৮", "01712345678", id="plus-880-in-bengali-digits"),
        pytest.param("৮৮০ ১৭১২-৩৪৫৬৭৮", "01712345678", id="880-in-bengali-with-separators"),
    ],
)
def test_accepted_mobile_number_becomes_eleven_ascii_digits(raw, expected):
    number = normalize_mobile_number(raw)
    assert number == expected
    assert number.isascii() and number.isdigit() and len(number) == 11


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param("٠١٧١٢٣٤٥٦٧٨", DIGITS, id="arabic-indic-digits"),
        pytest.param("017١٢٣٤٥٦٧٨", DIGITS, id="arabic-indic-and-ascii-mixed"),
        pytest.param("०१७१२३४५६७८", DIGITS, id="devanagari-digits"),
        pytest.param("０１７１２３４５６７８", DIGITS, id="fullwidth-digits"),
        pytest.param("0171234567²", DIGITS, id="superscript-digit"),
        pytest.param("1712345678", "Bangladeshi mobile number", id="without-leading-zero"),
        pytest.param("01212345678", "Bangladeshi mobile number", id="012-is-no-mobile-prefix"),
        pytest.param("0171234567", "Bangladeshi mobile number", id="ten-digits"),
        pytest.param("017123456789", "Bangladeshi mobile number", id="twelve-digits"),
        pytest.param("+88001712345678", "Bangladeshi mobile number", id="880-then-local-zero"),
        pytest.param("0171234567a", "Bangladeshi mobile number", id="a-letter"),
        pytest.param("", "Bangladeshi mobile number", id="empty"),
        pytest.param(None, "Bangladeshi mobile number", id="none"),
    ],
)
def test_refused_mobile_number_says_why(raw, message):
    with pytest.raises(InvalidReceiver) as refused:
        normalize_mobile_number(raw)
    assert message in refused.value.message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("+880 171", "0171", id="plus-880-dropped-from-a-partial-number"),
        pytest.param("880171", "0171", id="880-dropped"),
        pytest.param("০১৭১", "0171", id="bengali-digits-as-ascii"),
        pytest.param("017-12", "01712", id="dash-dropped"),
    ],
)
def test_country_code_is_stripped_in_one_place(raw, expected):
    assert without_country_code(raw) == expected
