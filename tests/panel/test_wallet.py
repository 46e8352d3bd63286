import csv
import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.urls import reverse

from gateways.base import PayInResult, Status
from orders.models import LedgerEntry, PayIn, PayInStatus
from orders.payin.provider import payin_apply_result
from orders.wallet.ledger import staff_adjust_balance
from tests.factories import PayInFactory
from tests.orders.conftest import send_submissions

DHAKA = ZoneInfo("Asia/Dhaka")


def adjust(reseller, amount, reason, at=None):
    entry = staff_adjust_balance(
        reseller_id=reseller.pk, amount=Decimal(amount), staff_user=None, reason=reason
    )
    if at:
        LedgerEntry.objects.filter(pk=entry.pk).update(created_at=at)
    return entry


def test_statement_shows_each_entry_with_the_balance_after_it(rclient, reseller):
    adjust(reseller, "-1234.50", "correction")
    html = rclient.get(reverse("wallet")).content.decode()
    assert "-৳1,234.50" in html and "৳8,765.50" in html  # the entry and the running balance
    assert "৳10,000.00" in html and "correction" in html
    rows = rclient.get(reverse("wallet")).context["page"].rows
    assert [r.balance_after for r in rows] == [Decimal("8765.50"), Decimal("10000.00")]


def test_statement_filters_by_dhaka_dates_and_exports_csv(rclient, reseller):
    adjust(reseller, "10", "march", at=datetime(2026, 3, 1, 23, 59, tzinfo=DHAKA))
    adjust(reseller, "20", "april", at=datetime(2026, 4, 1, 0, 1, tzinfo=DHAKA))
    params = {"date_from": "2026-03-01", "date_to": "2026-03-31"}
    page = rclient.get(reverse("wallet"), params).context["page"]
    assert [e.reason for e in page.rows] == ["march"]
    response = rclient.get(reverse("wallet_export"), params)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["created_at"], r["amount"], r["balance_after"], r["reason"]) for r in rows] == [
        ("2026-03-01 23:59:00", "10.00", "10010.00", "march")
    ]


def test_statement_pages_by_keyset(rclient, reseller):
    for i in range(55):
        adjust(reseller, "1", f"entry {i}")
    first = rclient.get(reverse("wallet")).context["page"]
    second = rclient.get(reverse("wallet"), {"after": first.next_cursor}).context["page"]
    assert len(first.rows) == 50 and len(second.rows) == 6  # 55 + the opening funds
    assert second.next_cursor is None
    assert first.rows[0].balance_after == Decimal("10055.00")


def test_add_funds_creates_a_payin_and_shows_its_payment_link(rclient, reseller, sandbox):
    response = rclient.post(
        reverse("payin_new"),
        {
            "wallet_provider": "BKash",
            "mobile_number": "01872456780",
            "email": "payer@example.com",
            "customer_name": "Rahim Uddin",
            "amount": "1500",
            "external_id": "PIN-FORM-1",
        },
        follow=True,
    )
    payin = PayIn.objects.get(reseller=reseller)
    assert response.redirect_chain[-1][0] == reverse("payin_detail", args=[payin.pk])
    assert "Preparing your payment link…" in response.content.decode()
    send_submissions()
    response = rclient.get(reverse("payin_detail", args=[payin.pk]))
    payin.refresh_from_db()
    assert payin.status == PayInStatus.PENDING and payin.payment_link
    html = response.content.decode()
    assert payin.payment_link in html and "৳1,500.00" in html
    assert f'data-live="{reverse("payin_live", args=[payin.pk])}"' in html


def test_add_funds_shows_service_errors_on_their_fields(rclient, reseller):
    data = {
        "wallet_provider": "Nagad",
        "mobile_number": "01872456780",
        "email": "not-an-email",
        "customer_name": "Rahim",
        "amount": "1500",
        "external_id": "PIN-FORM-2",
    }
    response = rclient.post(reverse("payin_new"), data)
    assert "valid email" in response.context["form"].errors["email"][0]
    too_small = rclient.post(reverse("payin_new"), {**data, "email": "a@b.co", "amount": "5"})
    assert "Add between" in too_small.context["form"].errors["amount"][0]
    bad_number = rclient.post(reverse("payin_new"), {**data, "mobile_number": "0123"})
    assert bad_number.context["form"].errors["mobile_number"]
    assert not PayIn.objects.exists()


def test_posting_the_add_funds_form_twice_creates_one_payin(rclient, reseller, sandbox):
    form = rclient.get(reverse("payin_new")).context["form"]
    data = {
        "wallet_provider": "Nagad",
        "mobile_number": "01872456780",
        "email": "payer@example.com",
        "customer_name": "Rahim",
        "amount": "1500",
        "external_id": form.initial["external_id"],
    }

    first = rclient.post(reverse("payin_new"), data)
    again = rclient.post(reverse("payin_new"), data)

    payin = PayIn.objects.get(reseller=reseller)
    send_submissions()
    payin.refresh_from_db()
    assert first.url == again.url == reverse("payin_detail", args=[payin.pk])
    assert sandbox.stats()["payin_submits"] == {payin.external_id: 1}


def test_payin_list_and_live_fragment(rclient, reseller):
    payin = PayInFactory(reseller=reseller, amount=Decimal("2500"), status=PayInStatus.PENDING)
    listing = rclient.get(reverse("payin_list")).content.decode()
    assert payin.external_id in listing and "৳2,500.00" in listing
    answer = PayInResult(Status.SUCCESS, payin.external_id, "success")
    payin_apply_result(payin_id=payin.pk, result=answer, source="worker")
    fragment = rclient.get(reverse("payin_live", args=[payin.pk])).content.decode()
    assert "Paid" in fragment and "data-live" not in fragment
