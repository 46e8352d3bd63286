"""TrustedPay answers are untrusted: a payment link must be plain https, amounts stay exact and
`raw` stays storable. parse_payin on odd bodies, then the sandbox's modes over real HTTP.
"""

import json
import logging
from decimal import Decimal

import pytest

from gateways.base import PayInRequest, Status, WalletProvider
from gateways.http import Answer
from gateways.trustedpay import parse_payin
from gateways.wire import load_json

from .conftest import wait_until
from .fits import assert_fits_columns, assert_raw_storable

EXTERNAL_ID = "PIN-BDT-001"


def body(payment_link=None, **changes):
    data = {
        "id": 12345,
        "status": "pending",
        "external_id": EXTERNAL_ID,
        "amount": 5000,
        "currency": "BDT",
        "shop_code": "your_bdt_shop",
        "paymentData": {
            "wallet_provider": "BKash",
            "mobile_number": "01872456789",
            "email": "info@test.com",
            "customer_name": "Test Name",
        },
        "transaction_type": "payin",
        "created_at": "2025-12-05T10:00:00.000000Z",
        "updated_at": "2025-12-05T10:00:00.000000Z",
    }
    if payment_link is not None:
        data["paymentData"]["payment_link"] = payment_link
    return {**data, **changes}


def parse(answer_body, status_code=200, **options):
    return parse_payin(
        Answer(status_code, answer_body), external_id=EXTERNAL_ID, expect_created=True, **options
    )


def warnings_of(caplog):
    return [
        r.getMessage() for r in caplog.records if r.name == "gateways" and r.levelname == "WARNING"
    ]


# --- Amounts and raw ---------------------------------------------------------------------------


def test_an_amount_with_paisa_is_an_exact_decimal_and_raw_keeps_it_as_the_text_sent():
    answer_body = load_json(
        json.dumps(body()).replace('"amount": 5000', '"amount": 512.34').encode()
    )

    result = parse(answer_body)

    assert result.amount == Decimal("512.34") and isinstance(result.amount, Decimal)
    assert result.raw["amount"] == "512.34"
    assert json.loads(assert_raw_storable(result.raw))["amount"] == "512.34"


def test_raw_of_an_answer_full_of_odd_values_is_still_json_serialisable():
    odd = body(
        extra={"big": 2**70, "deep": [[[[[["x\x00"]]]]]], "ratio": Decimal("0.125")},
        note="lone \ud800 surrogate",
    )

    raw = parse(odd).raw

    assert raw["extra"] == {"big": str(2**70), "deep": [[[[[["x"]]]]]], "ratio": "0.125"}
    assert raw["note"] == "lone \ufffd surrogate"
    assert_raw_storable(raw)


@pytest.mark.parametrize("amount", ["abc", [5000], True, "1e30", Decimal("0.001")])
def test_an_amount_that_cannot_be_right_is_dropped_with_a_warning(amount, caplog):
    result = parse(body(amount=amount))

    assert result.amount is None and result.status is Status.PENDING
    assert any("amount" in w and "dropped" in w for w in warnings_of(caplog))


# --- Payment links -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "http://x",
        "http://pay.example/p/1",
        "ftp://pay.example/p/1",
        "data:text/html,<script>alert(1)</script>",
        "//pay.example/p/1",
        "/p/1",
        "https://",
        "https:///p/1",
        "https://pay.example/a b",
        "https://pay.example/\x00",
        "https://pay.example/\n",
        "https://pay.example/\u200bp",  # zero-width space
        "https://pay.example\\@evil.example/",
        "https://user:secret@pay.example/",
        "https://pay.example@evil.example/",
        "https://[::1/p",
        "https://pay.example:99999/p",
        "https://pay.example/" + "p" * 490,  # 510 characters
        5,
        ["https://pay.example/p/1"],
    ],
)
def test_a_payment_link_that_is_not_plain_https_is_dropped_with_a_warning(link, caplog):
    result = parse(body(payment_link=link))

    assert result.payment_link is None
    assert result.status is Status.PENDING  # the rest of the answer still counts
    (warning,) = warnings_of(caplog)
    assert warning.startswith(f"trustedpay answer for ref={EXTERNAL_ID}: paymentData.payment_link")
    assert "dropped" in warning


@pytest.mark.parametrize(
    "link",
    [
        "https://pay.example/p/1?token=a%20b#top",
        "HTTPS://Pay.Example/p/1",
        "https://pay.example:8443/p/1",
        "https://পে.example/পে",
        "https://pay.example/" + "p" * 480,  # 500 characters
    ],
)
def test_a_plain_https_payment_link_is_kept_as_sent(link):
    assert parse(body(payment_link=link)).payment_link == link


def test_a_bad_payment_link_gives_way_to_a_good_payment_page_url():
    result = parse(body(payment_link="http://x", payment_page_url="https://pay.example/p/1"))

    assert result.payment_link == "https://pay.example/p/1"


def test_an_http_link_is_kept_only_on_the_origin_the_gateway_talks_to():
    own = "http://127.0.0.1:8100"

    def link(url):
        return parse(body(payment_link=url), base_url=own).payment_link

    assert link("http://127.0.0.1:8100/_sandbox/pay/P") == "http://127.0.0.1:8100/_sandbox/pay/P"
    assert link("http://127.0.0.1:8101/_sandbox/pay/P") is None
    assert link("http://localhost:8100/_sandbox/pay/P") is None
    assert link("javascript:alert(1)") is None
    assert parse(body(payment_link="http://127.0.0.1:8100/p")).payment_link is None  # no base


# --- Other fields ------------------------------------------------------------------------------


@pytest.mark.parametrize("provider_id", [2**70, 2**63, -5, "abc", [1], True])
def test_a_provider_id_no_signed_64_bit_column_holds_is_dropped(provider_id, caplog):
    result = parse(body(id=provider_id))

    assert result.provider_id is None
    assert any("id is" in w and "dropped" in w for w in warnings_of(caplog))


@pytest.mark.parametrize(
    ("change", "attribute", "expected"),
    [
        ({"currency": ["BDT"]}, "currency", "BDT"),
        ({"currency": "BDT" * 10}, "currency", "BDTBDTBD"),
        ({"created_at": 5}, "created_at", None),
        ({"updated_at": "later"}, "updated_at", None),
        ({"finalization_date": {"at": 1}}, "finalization_date", None),
        ({"payment_page_expires_at": "soon"}, "payment_link_expires_at", None),
        ({"paymentData": "BKash"}, "payment_link", None),
        ({"status": "pend\x00ing"}, "provider_status", "pending"),
        ({"status": "s" * 40}, "provider_status", "s" * 32),
    ],
)
def test_other_fields_of_the_wrong_kind_or_length_are_fixed_with_a_warning(
    change, attribute, expected, caplog
):
    result = parse(body(**change))

    assert getattr(result, attribute) == expected
    assert warnings_of(caplog)
    assert_fits_columns(result)


@pytest.mark.parametrize("change", [{"status": 5}, {"status": None}, {"external_id": "PIN-2"}])
def test_a_status_or_external_id_of_the_wrong_kind_still_makes_the_answer_unusable(change):
    with pytest.raises((ValueError, TypeError, KeyError)):
        parse(body(**change))


# --- Over HTTP: the sandbox -------------------------------------------------------------------


def request(external_id, number="01872456789", amount="512.34"):
    return PayInRequest(
        external_id=external_id,
        amount=Decimal(amount),
        wallet_provider=WalletProvider.BKASH,
        mobile_number=number,
        email="info@test.com",
        customer_name="Test Name",
    )


def test_a_512_34_payin_has_an_exact_amount_and_a_raw_json_dumps_can_write(payin, new_ref):
    external_id = new_ref("PIN")

    created = payin.submit(request(external_id))
    checked = payin.status_by_reference(external_id)

    for result in (created, checked):
        assert result.amount == Decimal("512.34")
        assert result.raw["amount"] == "512.34"
        assert json.loads(json.dumps(result.raw))["amount"] == "512.34"
        assert_fits_columns(result)


def test_the_sandbox_payment_link_is_kept_as_it_is_on_the_gateways_own_origin(
    payin, sandbox, new_ref
):
    external_id = new_ref("PIN")

    assert payin.submit(request(external_id)).payment_link.startswith(sandbox.url)


def test_hostile_payin_answers_carry_no_payment_link(payin, sandbox, new_ref, caplog):
    sandbox.configure(hostile_fields=True)
    external_id = new_ref("PIN")

    with caplog.at_level(logging.WARNING, logger="gateways"):
        created = payin.submit(request(external_id))
        checked = payin.status_by_reference(external_id)

    assert created.payment_link is None and checked.payment_link is None
    assert created.raw["paymentData"]["payment_link"] == "javascript:alert(1)"
    logged = " ".join(warnings_of(caplog))
    assert "paymentData.payment_link is not an https URL: dropped" in logged
    assert "payment_page_url is not an https URL: dropped" in logged


def test_a_create_claiming_success_is_reported_as_claimed_but_the_status_api_says_failed(
    payin, sandbox, new_ref
):
    sandbox.configure(trustedpay_create_claims="success")
    external_id = new_ref("PIN")

    created = payin.submit(request(external_id, number="01872456781"))
    final = wait_until(lambda: payin.status_by_reference(external_id), lambda r: r.status.is_final)

    assert (created.status, created.provider_status) == (Status.SUCCESS, "success")
    assert created.finalization_date is not None
    assert final.status is Status.FAILED
