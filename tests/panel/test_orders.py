import csv
import io
from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import quote
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orders.cashin.staff import cashin_resolve_by_staff
from orders.models import CashInOrder, OrderStatus, StatusChange
from tests.factories import CashInOrderFactory, StaffUserFactory

DHAKA = ZoneInfo("Asia/Dhaka")


def make_order(reseller, created_at=None, **fields):
    order = CashInOrderFactory(reseller=reseller, **fields)
    if created_at:
        CashInOrder.objects.filter(pk=order.pk).update(created_at=created_at)
        order.refresh_from_db()
    return order


def listed(client, **params) -> list[str]:
    response = client.get(reverse("order_list"), params)
    return [o.client_reference for o in response.context["page"].rows]


def test_orders_filter_by_status(rclient, reseller):
    make_order(reseller, client_reference="OK-1", status=OrderStatus.SUCCESS)
    make_order(reseller, client_reference="WAIT-1", status=OrderStatus.PENDING)
    assert listed(rclient, status="success") == ["OK-1"]


def test_orders_filter_by_dhaka_days(rclient, reseller):
    # 23:30 on 1 March in Dhaka is still 1 March there, though 17:30 UTC.
    make_order(reseller, datetime(2026, 3, 1, 23, 30, tzinfo=DHAKA), client_reference="MAR-1")
    make_order(reseller, datetime(2026, 3, 2, 0, 10, tzinfo=DHAKA), client_reference="MAR-2")
    make_order(reseller, datetime(2026, 2, 28, 23, 59, tzinfo=DHAKA), client_reference="FEB-28")
    assert listed(rclient, date_from="2026-03-01", date_to="2026-03-01") == ["MAR-1"]
    assert listed(rclient, date_from="2026-03-01") == ["MAR-2", "MAR-1"]
    assert listed(rclient, date_to="2026-03-01") == ["MAR-1", "FEB-28"]


def test_search_finds_receiver_in_any_form_reference_and_order_number(rclient, reseller):
    make_order(reseller, client_reference="REF-A", receiver_number="01811111110")
    make_order(reseller, client_reference="REF-B", order_number="NICT-77-260301-abcd")
    make_order(reseller, client_reference="REF-C")
    assert listed(rclient, search="+880 1811-111110") == ["REF-A"]
    assert listed(rclient, search="REF-C") == ["REF-C"]
    assert listed(rclient, search="NICT-77-260301-abcd") == ["REF-B"]
    assert listed(rclient, search="nothing") == []


def test_keyset_pages_walk_all_orders_without_counting(rclient, reseller):
    start = timezone.now() - timedelta(days=1)
    for i in range(120):
        # Pairs share a timestamp so the id breaks ties.
        make_order(reseller, start + timedelta(minutes=i // 2), client_reference=f"K-{i:03d}")
    expected_by_time = sorted(
        CashInOrder.objects.filter(reseller=reseller), key=lambda o: (o.created_at, o.pk)
    )
    expected = [o.client_reference for o in reversed(expected_by_time)]

    seen, params, pages = [], {}, []
    with CaptureQueriesContext(connection) as queries:
        while True:
            page = rclient.get(reverse("order_list"), params).context["page"]
            pages.append(page)
            seen += [o.client_reference for o in page.rows]
            if not page.next_cursor:
                break
            params = {"after": page.next_cursor}
    assert seen == expected
    assert [len(p.rows) for p in pages] == [50, 50, 20]
    # (the database cache counts its own small table when it stores an entry)
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert all('"panel_cache"' in sql for sql in counts)

    back = rclient.get(reverse("order_list"), {"before": pages[2].prev_cursor}).context["page"]
    assert [o.client_reference for o in back.rows] == expected[50:100]
    first = rclient.get(reverse("order_list"), {"before": back.prev_cursor}).context["page"]
    assert [o.client_reference for o in first.rows] == expected[:50]
    assert first.prev_cursor is None


def test_pager_links_keep_the_filters(rclient, reseller):
    for i in range(51):
        make_order(reseller, client_reference=f"S-{i}", status=OrderStatus.SUCCESS)
    html = rclient.get(reverse("order_list"), {"status": "success"}).content.decode()
    assert "?status=success&amp;after=" in html


def test_a_bad_cursor_shows_the_first_page(rclient, reseller):
    make_order(reseller, client_reference="ONLY")
    assert listed(rclient, after="garbage") == ["ONLY"]


def test_csv_export_has_the_filtered_orders_in_dhaka_time(rclient, reseller):
    make_order(
        reseller,
        datetime(2026, 3, 1, 23, 30, tzinfo=DHAKA),
        client_reference="CSV-1",
        amount=Decimal("1234.50"),
        status=OrderStatus.SUCCESS,
        operator_transaction_id="ABC123",
    )
    make_order(reseller, client_reference="CSV-2", status=OrderStatus.PENDING)
    response = rclient.get(reverse("order_export"), {"status": "success"})
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["client_reference"] for r in rows] == ["CSV-1"]
    assert rows[0]["created_at"] == "2026-03-01 23:30:00"
    assert rows[0]["amount"] == "1234.50" and rows[0]["operator_transaction_id"] == "ABC123"


def test_live_status_endpoint_reports_changes_and_the_balance(rclient, reseller):
    order = make_order(reseller, status=OrderStatus.PENDING)
    resolve_as_success(order)
    response = rclient.get(reverse("order_statuses"), {"ids": f"{order.pk},abc"})
    assert response.json()["orders"] == [
        {"id": order.pk, "status": "success", "label": "Successful", "badge": "ok", "final": True}
    ]
    assert response["X-Balance"] == quote("৳10,000.00")


def test_list_rows_of_open_orders_are_marked_for_live_updates(rclient, reseller):
    open_order = make_order(reseller, status=OrderStatus.PENDING)
    done = make_order(reseller, status=OrderStatus.SUCCESS)
    html = rclient.get(reverse("order_list")).content.decode()
    assert f'data-order="{open_order.pk}" data-open' in html
    assert f'data-order="{done.pk}">' in html


def test_order_detail_shows_every_field_in_dhaka_time(rclient, reseller):
    order = make_order(
        reseller,
        datetime(2026, 3, 1, 9, 5, 7, tzinfo=DHAKA),
        client_reference="CI-DETAIL",
        order_number="NICT-1-260301-aaaa",
        amount=Decimal("1234.50"),
        status=OrderStatus.REFUNDED,
        provider_status="refunded",
        provider_failure_reason="Cash In request failed.",
        refund_order_number="REFUND-1-260301",
        operator_transaction_id="",
    )
    StatusChange.objects.create(
        order=order, from_status="pending", to_status="refunded", source="worker"
    )
    html = rclient.get(reverse("order_detail", args=[order.pk])).content.decode()
    expected = ["CI-DETAIL", "NICT-1-260301-aaaa", "৳1,234.50", "Refunded",
                "Cash In request failed.", "REFUND-1-260301", "01 Mar 2026, 09:05:07"]  # fmt: skip
    for text in expected:
        assert text in html
    assert "data-live" not in html  # final: no polling


def test_open_order_detail_polls_a_fragment_with_the_fresh_status(rclient, reseller):
    order = make_order(reseller, status=OrderStatus.PENDING)
    page = rclient.get(reverse("order_detail", args=[order.pk])).content.decode()
    assert f'data-live="{reverse("order_live", args=[order.pk])}"' in page
    resolve_as_success(order)
    fragment = rclient.get(reverse("order_live", args=[order.pk]))
    html = fragment.content.decode()
    assert html.strip().startswith("<section") and "Successful" in html
    assert "data-live" not in html and fragment["X-Balance"] == quote("৳10,000.00")


def test_dashboard_counts_todays_orders_by_status(rclient, reseller):
    now = timezone.localtime()
    make_order(reseller, status=OrderStatus.SUCCESS, amount=Decimal("100"))
    make_order(reseller, status=OrderStatus.SUCCESS, amount=Decimal("250.5"))
    make_order(reseller, status=OrderStatus.PENDING, amount=Decimal("50"))
    yesterday = now.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(minutes=1)
    make_order(reseller, yesterday, status=OrderStatus.SUCCESS, amount=Decimal("999"))
    response = rclient.get(reverse("dashboard"))
    totals = {t.status: (t.count, t.total) for t in response.context["today_totals"]}
    assert totals == {"success": (2, Decimal("350.50")), "pending": (1, Decimal("50.00"))}
    html = response.content.decode()
    assert "৳400.50" in html and "3 Cash In orders" in html
    assert "৳10,000.00" in html


def test_dashboard_lists_open_and_flagged_orders_as_needing_attention(rclient, reseller):
    make_order(reseller, client_reference="OPEN", status=OrderStatus.SUBMIT_UNKNOWN)
    make_order(reseller, client_reference="FLAGGED", status=OrderStatus.SUCCESS,
               needs_attention=True)  # fmt: skip
    make_order(reseller, client_reference="DONE", status=OrderStatus.FAILED)
    response = rclient.get(reverse("dashboard"))
    shown = [o.client_reference for o in response.context["attention"]]
    assert shown == ["FLAGGED", "OPEN"]


def resolve_as_success(order):
    cashin_resolve_by_staff(
        order_id=order.pk, to_status="success", staff_user=StaffUserFactory(), reason="checked"
    )
