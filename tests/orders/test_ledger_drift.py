"""The daily report's own check (orders.wallet.consistency): a balance or a daily-limit figure
that no longer agrees with the ledger is reported and logged, never corrected; money moving
during the check is not mistaken for a difference."""

import threading
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from orders.cashin.submit import cashin_submit
from orders.models import CashInDay, ReconciliationReport, Reseller
from orders.wallet.consistency import ledger_drift
from tests.factories import ResellerFactory
from tests.orders.conftest import closing_connections, needs_postgres
from tests.orders.test_daily_figure import _fail_by_staff

NOTHING = {"balances": [], "daily_figures": []}


@pytest.fixture
def busy_day(reseller):
    """Two orders sent today, one of them failed and refunded."""
    cashin_submit(reseller=reseller, receiver_number="01712345670", amount="300")
    failed = cashin_submit(reseller=reseller, receiver_number="01712345671", amount="200").order
    _fail_by_staff(failed)
    return reseller


def test_a_day_whose_money_moved_through_the_ledger_has_no_drift(busy_day):
    ResellerFactory()  # a wallet with no order at all

    assert ledger_drift(timezone.localdate()) == NOTHING


def test_a_balance_changed_outside_the_ledger_is_reported_and_kept(busy_day, caplog):
    Reseller.objects.filter(pk=busy_day.pk).update(balance=F("balance") + 1)

    found = ledger_drift(timezone.localdate())

    assert found["balances"] == [{"reseller": busy_day.pk, "held": "9701.00", "ledger": "9700.00"}]
    assert Reseller.objects.get(pk=busy_day.pk).balance == Decimal("9701.00")  # not corrected
    assert "ledger drift" in caplog.text


def test_a_daily_figure_off_its_orders_is_reported(busy_day):
    CashInDay.objects.filter(reseller=busy_day).update(sent=Decimal("500.00"))

    found = ledger_drift(timezone.localdate())

    assert found == {"balances": [], "daily_figures": [
        {"reseller": busy_day.pk, "held": "500.00", "ledger": "300.00"}]}  # fmt: skip


def test_a_missing_daily_figure_is_reported(busy_day):
    CashInDay.objects.all().delete()

    found = ledger_drift(timezone.localdate())

    assert found["daily_figures"] == [{"reseller": busy_day.pk, "held": "0.00", "ledger": "300.00"}]


def test_reconcile_stores_the_drift_in_the_days_report_and_says_so(busy_day, sandbox):
    day = timezone.localdate()
    CashInDay.objects.filter(reseller=busy_day).update(sent=Decimal("0"))
    out = StringIO()

    call_command("reconcile", "--date", day.isoformat(), stdout=out)

    assert "OFF THE LEDGER: 0 balances, 1 daily figures" in out.getvalue()
    report = ReconciliationReport.objects.get(day=day)
    assert report.ledger_drift["daily_figures"][0]["ledger"] == "300.00"


def test_a_failed_ledger_check_keeps_the_rest_of_the_days_report(busy_day, sandbox, caplog):
    day = timezone.localdate()
    table = connection.ops.quote_name(CashInDay._meta.db_table)
    with connection.cursor() as cursor:  # undone with the test's transaction
        cursor.execute(f"ALTER TABLE {table} RENAME TO cashin_day_gone")  # noqa: S608
    out = StringIO()

    call_command("reconcile", "--date", day.isoformat(), stdout=out)

    assert "ledger check failed: ProgrammingError" in out.getvalue()
    report = ReconciliationReport.objects.get(day=day)
    assert report.finished_at is not None and report.orders_checked == 1
    assert "the ledger drift check" in caplog.text


@needs_postgres
def test_a_check_inside_a_read_committed_transaction_warns_it_has_no_snapshot(busy_day, caplog):
    with transaction.atomic():
        assert ledger_drift(timezone.localdate()) == NOTHING

    assert "inside a READ COMMITTED transaction" in caplog.text


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_orders_sent_during_the_check_are_not_mistaken_for_drift():
    reseller = ResellerFactory(balance=Decimal("100000"), daily_limit=Decimal("1000000"))
    stop = threading.Event()

    @closing_connections
    def keep_sending(n):
        while not stop.is_set():
            cashin_submit(reseller=reseller, receiver_number=f"0171234567{n}", amount="50")

    senders = [threading.Thread(target=keep_sending, args=(n,)) for n in range(4)]
    for sender in senders:
        sender.start()
    try:
        checks = [ledger_drift(timezone.localdate()) for _ in range(40)]
    finally:
        stop.set()
        for sender in senders:
            sender.join()

    assert Reseller.objects.get(pk=reseller.pk).balance < Decimal("100000")  # money did move
    assert all(check == NOTHING for check in checks)
