"""The staff order list and page: readable, searchable on indexes, never editable by hand."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders.admin.common import CheapCountPaginator
from orders.models import CashInOrder, OrderStatus
from tests.admin.conftest import change_url, changelist_url
from tests.factories import CashInOrderFactory, ResellerFactory, UserFactory


def listed_references(response) -> list[str]:
    return [order.client_reference for order in response.context["cl"].result_list]


def test_order_list_shows_taka_amounts_and_dhaka_times(staff_client, reseller):
    order = CashInOrderFactory(reseller=reseller, amount=Decimal("1234.50"), order_number="NICT-1")
    CashInOrder.objects.filter(pk=order.pk).update(
        created_at=datetime(2026, 11, 24, 4, 30, tzinfo=UTC)
    )

    response = staff_client.get(changelist_url("cashinorder"))

    page = response.content.decode()
    assert response.status_code == 200
    assert order.client_reference in page and "NICT-1" in page and str(reseller) in page
    assert "৳1,234.50" in page
    assert "2026-11-24 10:30:00" in page  # 04:30 UTC is 10:30 in Dhaka


def test_changelist_never_counts_the_whole_table(staff_client, reseller):
    CashInOrderFactory.create_batch(3, reseller=reseller)

    with CaptureQueriesContext(connection) as queries:
        for query in ["", "?status=pending", "?q=TEST-1", "?attention=any"]:
            assert staff_client.get(changelist_url("cashinorder") + query).status_code == 200

    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert counts, "the paginator should count a filtered list (capped)"
    assert all("LIMIT" in sql.upper() for sql in counts), counts


def test_search_finds_exact_reference_order_number_and_receiver_prefix(staff_client, reseller):
    by_ref = CashInOrderFactory(reseller=reseller, client_reference="CI-261124-AAAA")
    by_number = CashInOrderFactory(reseller=reseller, order_number="NICT-77-261124-ab12")
    by_phone = CashInOrderFactory(reseller=reseller, receiver_number="01899999990")
    url = changelist_url("cashinorder")

    assert listed_references(staff_client.get(url, {"q": "CI-261124-AAAA"})) == [
        by_ref.client_reference
    ]
    assert listed_references(staff_client.get(url, {"q": "NICT-77-261124-ab12"})) == [
        by_number.client_reference
    ]
    assert listed_references(staff_client.get(url, {"q": "+880189999"})) == [
        by_phone.client_reference
    ]
    assert listed_references(staff_client.get(url, {"q": "০১৮৯৯৯"})) == [by_phone.client_reference]
    # No substring search: part of a reference finds nothing (and no '%term%' scan is run).
    with CaptureQueriesContext(connection) as queries:
        assert listed_references(staff_client.get(url, {"q": "261124"})) == []
    assert not any(re.search(r"LIKE\s+'%", q["sql"]) for q in queries)


def test_order_page_is_read_only_and_cannot_be_added_or_deleted(staff_client, reseller):
    order = CashInOrderFactory(reseller=reseller, status=OrderStatus.PENDING)

    page = staff_client.get(change_url("cashinorder", order.pk))
    posted = staff_client.post(change_url("cashinorder", order.pk), {"status": "success"})

    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()
    assert 'name="amount"' not in page.content.decode()
    assert posted.status_code == 403
    assert CashInOrder.objects.get(pk=order.pk).status == OrderStatus.PENDING
    assert staff_client.get(changelist_url("cashinorder") + "add/").status_code == 403
    delete_url = change_url("cashinorder", order.pk) + "delete/"
    assert staff_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert CashInOrder.objects.filter(pk=order.pk).exists()


def test_order_page_shows_its_status_history(staff_client, reseller, staff):
    from orders.cashin.staff import cashin_set_attention

    order = CashInOrderFactory(reseller=reseller)
    cashin_set_attention(order_id=order.pk, flagged=True, staff_user=staff, reason="Odd SMS")

    page = staff_client.get(change_url("cashinorder", order.pk)).content.decode()

    assert "Status history" in page
    assert "Odd SMS" in page
    assert staff.username in page


def test_attention_list_shows_flagged_and_overdue_orders_oldest_first(
    staff_client, reseller, settings
):
    settings.POLL_DEADLINE_MINUTES = 30
    now = timezone.now()
    fresh_open = CashInOrderFactory(reseller=reseller, status=OrderStatus.PENDING)
    overdue = CashInOrderFactory(reseller=reseller, status=OrderStatus.SUBMIT_UNKNOWN)
    old_final = CashInOrderFactory(reseller=reseller, status=OrderStatus.SUCCESS)
    flagged = CashInOrderFactory(
        reseller=reseller, status=OrderStatus.SUCCESS, needs_attention=True
    )
    CashInOrder.objects.filter(pk=overdue.pk).update(created_at=now - timedelta(hours=2))
    CashInOrder.objects.filter(pk=old_final.pk).update(created_at=now - timedelta(hours=3))
    CashInOrder.objects.filter(pk=flagged.pk).update(created_at=now - timedelta(minutes=5))

    response = staff_client.get(changelist_url("cashinorder") + "attention/", follow=True)

    assert listed_references(response) == [overdue.client_reference, flagged.client_reference]
    assert fresh_open.client_reference not in listed_references(response)
    index = staff_client.get("/admin/").content.decode()
    assert "/admin/orders/cashinorder/attention/" in index


def test_filter_by_reseller_username_and_status(staff_client, reseller):
    other = ResellerFactory(user=UserFactory(username="dhaka-shop"))
    mine = CashInOrderFactory(reseller=other, status=OrderStatus.FAILED)
    CashInOrderFactory(reseller=other, status=OrderStatus.SUCCESS)
    CashInOrderFactory(reseller=reseller, status=OrderStatus.FAILED)
    url = changelist_url("cashinorder")

    response = staff_client.get(url, {"reseller": "dhaka-shop", "status__exact": "failed"})
    unknown = staff_client.get(url, {"reseller": "nobody"})

    assert listed_references(response) == [mine.client_reference]
    assert 'value="dhaka-shop"' in response.content.decode()
    assert listed_references(unknown) == []


def test_provider_status_and_date_filters(staff_client, reseller):
    review = CashInOrderFactory(reseller=reseller, provider_status="manual_review")
    CashInOrderFactory(reseller=reseller, provider_status="processing")
    url = changelist_url("cashinorder")
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)

    by_provider = staff_client.get(url, {"provider_status": "manual_review"})
    today = staff_client.get(
        url, {"created_at__gte": str(midnight), "provider_status": "manual_review"}
    )

    assert listed_references(by_provider) == [review.client_reference]
    assert listed_references(today) == [review.client_reference]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_class.reltuples is PostgreSQL's")
def test_unfiltered_list_uses_the_table_estimate_instead_of_counting(
    staff_client, reseller, monkeypatch
):
    monkeypatch.setattr(CheapCountPaginator, "CAP", 2)
    CashInOrderFactory.create_batch(4, reseller=reseller)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orders_cashinorder")

    with CaptureQueriesContext(connection) as queries:
        whole = staff_client.get(changelist_url("cashinorder"))
    filtered = staff_client.get(changelist_url("cashinorder"), {"status__exact": "pending"})

    assert not any("COUNT(" in q["sql"].upper() for q in queries)
    assert "about 4" in whole.content.decode()
    assert "more than 2" in filtered.content.decode()
