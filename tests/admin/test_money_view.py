"""The staff's money view: figures on a small planted dataset, the float alert, the charts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from orders.models import CashInOrder, FloatSnapshot
from orders.money.charts import bar_chart
from orders.money.figures import money_figures
from orders.wallet.ledger import post_entry
from tests.factories import CashInOrderFactory, ResellerFactory

MONEY_URL = "admin:orders_money"


def order(reseller, status, amount, cost=None, days_ago=0):
    row = CashInOrderFactory(
        reseller=reseller, status=status, amount=Decimal(amount), provider_debit_amount=cost
    )
    if days_ago:
        moved = timezone.now() - timedelta(days=days_ago)
        CashInOrder.objects.filter(pk=row.pk).update(created_at=moved)
    return row


@pytest.fixture
def planted(db):
    """Today: two successes (800, costing NICTBD 792), a failure, a pending order; one fee and
    one commission. Older: a success 3 days ago and one 10 days ago."""
    big, small = ResellerFactory(balance="1000"), ResellerFactory(balance="1000")
    fee_paid = order(big, "success", "500", cost=Decimal("495"))
    commission_paid = order(small, "success", "300", cost=Decimal("297"))
    order(big, "failed", "200")
    order(big, "pending", "100")
    order(small, "success", "1000", cost=Decimal("1000"), days_ago=3)
    order(small, "success", "4000", cost=Decimal("4000"), days_ago=10)
    with transaction.atomic():
        post_entry(reseller_id=big.pk, kind="order_fee", amount=Decimal("-10"), order=fee_paid)
        post_entry(
            reseller_id=small.pk, kind="commission", amount=Decimal("2"), order=commission_paid
        )
    return big, small


def test_today_figures_count_volume_success_rate_and_margin(planted):
    figures = money_figures("today")
    assert (figures.orders, figures.volume) == (4, Decimal("1100.00"))
    assert figures.success_rate == Decimal("66.7")  # 2 of 3 final orders
    assert figures.provider_cost == Decimal("792.00")
    assert (figures.fees, figures.commissions) == (Decimal("10.00"), Decimal("2.00"))
    assert figures.margin == Decimal("16.00")  # 800 paid + 10 fees - 2 commission - 792 cost
    statuses = {row.status: (row.count, row.volume) for row in figures.by_status}
    assert statuses["success"] == (2, Decimal("800.00"))
    assert statuses["failed"] == (1, Decimal("200.00"))


def test_today_is_charted_per_hour(planted):
    figures = money_figures("today")
    assert len(figures.series) == 24
    assert sum(point.orders for point in figures.series) == 4
    assert figures.series[timezone.localtime().hour].success_rate == 2 / 3


def test_longer_periods_take_in_older_days(planted):
    week, month = money_figures("7d"), money_figures("30d")
    assert (week.orders, week.success_volume) == (5, Decimal("1800.00"))
    assert (month.orders, month.success_volume) == (6, Decimal("5800.00"))
    assert len(week.series) == 7 and len(month.series) == 30
    assert sum(point.orders for point in month.series) == 6
    top = month.top_resellers[0]
    assert (top["username"], top["count"], top["volume"]) == (
        planted[1].user.username,
        3,
        Decimal("5300.00"),
    )


def test_money_view_shows_the_figures_in_few_queries(
    staff_client, planted, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        response = staff_client.get(reverse(MONEY_URL), {"period": "today"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "৳1,100.00" in page and "66.7%" in page and "৳16.00" in page
    assert planted[0].user.username in page  # the top reseller of today
    charts = page.split('class="money-chart-box">')[1:]
    assert len(charts) == 2
    for chart in charts:
        svg = chart.split("</svg>")[0]
        assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox=')
        assert "style=" not in svg and "<script" not in svg


def test_money_view_is_linked_from_the_admin_index(staff_client):
    response = staff_client.get(reverse("admin:index"))
    assert reverse(MONEY_URL) in response.content.decode()


def test_float_below_the_alert_setting_shows_an_alert(staff_client, planted, settings):
    settings.FLOAT_ALERT_BDT = Decimal("5000")
    FloatSnapshot.objects.create(balance=Decimal("4000"), currency="BDT", taken_at=timezone.now())
    page = staff_client.get(reverse(MONEY_URL)).content.decode()
    assert 'id="float-alert"' in page and "below the alert level" in page


def test_float_below_the_wallets_sum_shows_an_alert(staff_client, planted, settings):
    settings.FLOAT_ALERT_BDT = Decimal("100")
    FloatSnapshot.objects.create(balance=Decimal("1500"), currency="BDT", taken_at=timezone.now())
    page = staff_client.get(reverse(MONEY_URL)).content.decode()
    assert "below the resellers&#x27; wallets" in page  # the wallets hold 2,000


def test_float_covering_the_wallets_shows_no_alert(staff_client, planted, settings):
    settings.FLOAT_ALERT_BDT = Decimal("100")
    FloatSnapshot.objects.create(balance=Decimal("9000"), currency="BDT", taken_at=timezone.now())
    page = staff_client.get(reverse(MONEY_URL)).content.decode()
    assert 'id="float-alert"' not in page


def test_non_staff_user_gets_no_money_view(client, db):
    reseller = ResellerFactory()
    client.force_login(reseller.user)
    response = client.get(reverse(MONEY_URL))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.get(reverse("admin:orders_reconciliationreport_changelist")).status_code == 302


def test_unknown_period_is_not_found(staff_client):
    assert staff_client.get(reverse(MONEY_URL), {"period": "1y"}).status_code == 404


def test_chart_escapes_its_text_and_scales_by_viewbox():
    svg = bar_chart("<b>t</b>", ["<x>"], [Decimal("5")], value_text=['"&'])
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "&lt;x&gt;" in svg and "&quot;&amp;" in svg
    assert 'viewBox="0 0 600 220"' in svg and 'width="100%"' in svg and "style=" not in svg


def test_reconciliation_report_lists_its_mismatches(staff_client, db):
    from orders.models import ReconciliationMismatch, ReconciliationReport

    flagged = CashInOrderFactory(status="success")
    report = ReconciliationReport.objects.create(
        day=timezone.localdate(), started_at=timezone.now(), mismatch_count=1
    )
    ReconciliationMismatch.objects.create(
        report=report, kind="cashin", reference=flagged.client_reference, problem="status",
        order=flagged, ours={"status": "success"}, theirs={"status": "failed"},
    )  # fmt: skip
    listing = staff_client.get(reverse("admin:orders_reconciliationreport_changelist"))
    assert listing.status_code == 200
    detail = staff_client.get(
        reverse("admin:orders_reconciliationreport_change", args=[report.pk])
    ).content.decode()
    assert flagged.client_reference in detail and "failed" in detail
    page = staff_client.get(reverse(MONEY_URL)).content.decode()
    assert "1 mismatches" in page


def test_money_view_warns_when_the_last_report_found_figures_off_the_ledger(staff_client, db):
    from orders.models import ReconciliationReport

    drift = {"reseller": 1, "held": "500.00", "ledger": "300.00"}
    report = ReconciliationReport.objects.create(
        day=timezone.localdate(), started_at=timezone.now(),
        ledger_drift={"balances": [], "daily_figures": [drift]},
    )  # fmt: skip
    assert "off the ledger" in staff_client.get(reverse(MONEY_URL)).content.decode()

    report.ledger_drift = {"balances": [], "daily_figures": []}
    report.save()
    assert "off the ledger" not in staff_client.get(reverse(MONEY_URL)).content.decode()


def test_money_view_says_when_the_last_ledger_check_failed_in_the_staffs_language(staff_client, db):
    from orders.models import ReconciliationReport

    ReconciliationReport.objects.create(
        day=timezone.localdate(), started_at=timezone.now(),
        ledger_drift={"error": "QueryCanceled: canceling statement due to statement timeout"},
    )  # fmt: skip
    assert 'id="ledger-check-failed"' in staff_client.get(reverse(MONEY_URL)).content.decode()

    staff_client.cookies["django_language"] = "bn"
    page = staff_client.get(reverse(MONEY_URL)).content.decode()
    assert "লেজার যাচাই ব্যর্থ হয়েছে" in page and "সফলতার হার" in page
