"""No log line shows a full receiver or mobile number: the full life of orders through the
sandbox (accepted, rejected, failed, refunded, provider faults, an unreachable provider, a
PayIn), logged at DEBUG, holds none; the settings' filter masks whatever reaches a handler."""

import logging
import re
from logging.config import dictConfig

import pytest
from django.conf import settings as django_settings

from gateways.registry import reset_gateways
from orders.cashin.submit import cashin_submit
from orders.lifecycle.declaration import CASHIN
from orders.masking import MaskNumbersFilter, masked
from orders.models import CashInOrder, PayIn
from orders.payin.create import payin_create
from orders.polling.sweep import sweep_once
from tests.orders.conftest import send_submissions, sweep_until

FULL_NUMBER = re.compile(r"(?<!\d)(?:\+?88)?01\d{9}(?!\d)")
OPEN = CASHIN.open_values


def full_numbers(caplog) -> list[str]:
    found = []
    for record in caplog.records:
        text = record.getMessage()
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        found += [f"{record.name}: {number}" for number in FULL_NUMBER.findall(text)]
    return found


def test_a_full_order_life_logs_no_full_number(sandbox, reseller, fast_polling, caplog):
    caplog.set_level(logging.DEBUG)
    orders = [
        cashin_submit(reseller=reseller, receiver_number=f"0171234567{digit}", amount="100").order
        for digit in (7, 0, 1, 2, 5, 6)  # rejected, success, failed, refunded, 500s, refused once
    ]
    send_submissions()
    assert CashInOrder.objects.get(pk=orders[0].pk).status == "failed"  # the rejected one
    sandbox.configure(error_rate=0.3)  # provider faults from now on: errors get logged
    orders.append(
        cashin_submit(reseller=reseller, receiver_number="01812345690", amount="100").order
    )
    payin = payin_create(
        reseller=reseller,
        amount="1000",
        wallet_provider="BKash",
        mobile_number="01872456780",
        email="payer@example.com",
        customer_name="Test Payer",
    )

    def settled() -> bool:
        """Everything final or flagged for a person (a fault can leave one unknown: a create
        answered 500, then its resubmit too, is flagged, never guessed)."""
        mine = CashInOrder.objects.filter(pk__in=[o.pk for o in orders])
        still_open = mine.filter(status__in=OPEN, needs_attention=False)
        payin_now = PayIn.objects.get(pk=payin.pk)
        return not still_open.exists() and (payin_now.is_final or payin_now.needs_attention)

    for _ in range(3):
        sweep_once()  # some checks meet the faults
    sandbox.configure(error_rate=0.0)
    sweep_until(settled, timeout=20)

    assert caplog.records, "the life was logged"
    assert full_numbers(caplog) == []


def test_an_unreachable_provider_logs_no_full_number(db, reseller, settings, caplog):
    caplog.set_level(logging.DEBUG)
    settings.NICTBD_BASE_URL = "http://127.0.0.1:9"  # nothing listens
    reset_gateways()
    try:
        order = cashin_submit(reseller=reseller, receiver_number="01712345670", amount="100").order
    finally:
        reset_gateways()

    send_submissions()
    order.refresh_from_db()
    assert order.status == "failed"
    assert full_numbers(caplog) == []


def test_provider_error_text_with_a_number_is_masked_where_it_is_logged(
    sandbox, reseller, fast_polling, caplog, monkeypatch
):
    from gateways.base import GatewayError
    from orders.cashin import provider

    order = cashin_submit(reseller=reseller, receiver_number="01712345670", amount="100").order

    def failing_status(*args, **kwargs):
        raise GatewayError("nictbd", "no such receiver 01712345670 (+8801812345678)")

    gateway = provider.CASHIN_FOLLOWED.gateway()
    monkeypatch.setattr(type(gateway), "status_by_reference", failing_status)
    caplog.set_level(logging.DEBUG)
    provider.cashin_check_now(order_id=order.pk)

    assert any("017****5670" in r.getMessage() for r in caplog.records)
    assert full_numbers(caplog) == []


def test_masked_hides_every_number_in_a_value():
    assert masked(("01712345678", {"to": "+8801812345678"})) == (
        "('017****5678', {'to': '+88*******5678'})"
    )


def test_the_settings_filter_masks_the_final_message_and_traceback(capsys):
    handlers = django_settings.LOGGING["handlers"]
    assert all("mask_numbers" in handler.get("filters", []) for handler in handlers.values())
    dictConfig(django_settings.LOGGING)
    log = logging.getLogger("tests.masking")
    try:
        raise ValueError("receiver 01712345678 refused")
    except ValueError:
        log.error("answer %s for %r", "01912345678", {"n": "8801512345678"}, exc_info=True)

    output = capsys.readouterr().err
    assert "019****5678" in output and "017****5678" in output
    assert FULL_NUMBER.findall(output) == []


@pytest.mark.parametrize("text", ["01712345678", "+8801712345678", "8801712345678"])
def test_the_filter_leaves_no_full_number_in_a_record(text):
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "to %s", (text,), None)

    MaskNumbersFilter().filter(record)

    assert FULL_NUMBER.findall(record.getMessage()) == []
