"""The daily reconciliation against the sandbox providers (real HTTP on loopback)."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from orders.models import (
    CashInOrder,
    FloatSnapshot,
    PayIn,
    ReconciliationMismatch,
    ReconciliationReport,
)
from orders.money.float import take_float_snapshot
from orders.money.reconcile import reconcile_day
from tests.orders.conftest import create_payin, order_status, payin_status, submit, sweep_until

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def final_day(sandbox, fast_polling, reseller):
    """A success, a failure and a paid PayIn, all final at the sandbox and with us."""
    success, failure = submit(reseller, 0), submit(reseller, 1)
    payin = create_payin(reseller, 0)
    sweep_until(
        lambda: (
            order_status(success) == "success"
            and order_status(failure) == "failed"
            and payin_status(payin) == "success"
        )
    )
    success.refresh_from_db()
    return {"success": success, "failure": failure, "payin": payin,
            "day": timezone.localtime(success.completed_at).date()}  # fmt: skip


def test_clean_day_finds_no_mismatch(final_day):
    report = reconcile_day(final_day["day"])
    assert (report.orders_checked, report.payins_checked) == (2, 1)
    assert report.mismatch_count == 0 and report.errors == {}
    assert report.provider_debit_total == Decimal("500.00")
    assert not CashInOrder.objects.filter(needs_attention=True).exists()


def test_order_the_provider_refused_is_not_unknown_to_it(sandbox, fast_polling, reseller):
    refused = submit(reseller, 7)  # 422: the provider created nothing
    sweep_until(lambda: order_status(refused) == "failed")
    refused.refresh_from_db()
    report = reconcile_day(timezone.localtime(refused.completed_at).date())
    assert report.orders_checked == 1 and report.mismatch_count == 0


def test_success_the_provider_now_reports_failed_is_flagged_not_applied(final_day, sandbox):
    success = final_day["success"]
    sandbox.force(success.client_reference, "failed")
    report = reconcile_day(final_day["day"])
    mismatch = ReconciliationMismatch.objects.get(report=report)
    assert (mismatch.reference, mismatch.problem) == (success.client_reference, "status")
    assert mismatch.ours["status"] == "success"
    assert mismatch.theirs["status"] == "failed"
    assert mismatch.theirs["answer"]["data"]["status"] == "failed"
    success.refresh_from_db()
    assert success.status == "success"  # never applied
    assert success.needs_attention and success.attention_code == "reconciliation"


def test_rerunning_a_day_updates_its_report_without_duplicates(final_day, sandbox):
    sandbox.force(final_day["success"].client_reference, "failed")
    first = reconcile_day(final_day["day"])
    second = reconcile_day(final_day["day"])
    assert first.pk == second.pk
    assert ReconciliationReport.objects.count() == 1
    assert ReconciliationMismatch.objects.count() == 1
    assert second.mismatch_count == 1


def test_orders_and_payins_unknown_to_the_provider_are_mismatches(final_day, sandbox):
    sandbox.reset()  # the sandbox forgets everything: every reference answers 404
    report = reconcile_day(final_day["day"])
    problems = set(ReconciliationMismatch.objects.values_list("kind", "problem"))
    assert problems == {("cashin", "unknown"), ("payin", "unknown")}
    assert report.mismatch_count == 3
    assert PayIn.objects.get(pk=final_day["payin"].pk).needs_attention


def test_a_debit_that_differs_from_what_we_stored_is_a_mismatch(final_day):
    success = final_day["success"]
    assert success.provider_debit_amount == Decimal("500.00")  # stored from the status answer
    CashInOrder.objects.filter(pk=success.pk).update(provider_debit_amount=Decimal("499.00"))
    reconcile_day(final_day["day"])
    mismatch = ReconciliationMismatch.objects.get()
    assert mismatch.problem == "amount"
    assert mismatch.ours["debit_amount"] == "499.00"
    assert mismatch.theirs["answer"]["data"]["debit_amount"] == "500.00"


def test_provider_fault_is_reported_not_a_crash(final_day, sandbox, caplog):
    sandbox.configure(error_rate=1.0)
    report = reconcile_day(final_day["day"])
    assert report.mismatch_count == 0
    assert sum(report.errors.values()) == 3  # every row unchecked, after one retry
    assert "unchecked" in caplog.text
    assert report.finished_at is not None


def test_fault_on_rerun_keeps_the_evidence_found_before(final_day, sandbox):
    sandbox.force(final_day["success"].client_reference, "failed")
    reconcile_day(final_day["day"])
    sandbox.configure(error_rate=1.0)
    report = reconcile_day(final_day["day"])
    assert report.mismatch_count == 1


def test_float_change_is_compared_with_the_day_provider_debits(final_day):
    start = timezone.localtime(final_day["success"].completed_at)
    for minutes, balance in ((-1, "3000.00"), (1, "2400.00")):
        FloatSnapshot.objects.create(
            balance=Decimal(balance), currency="BDT", taken_at=start + timedelta(minutes=minutes)
        )
    report = reconcile_day(final_day["day"])
    assert (report.balance_start, report.balance_end) == (Decimal("3000.00"), Decimal("2400.00"))
    assert report.balance_difference == Decimal("100.00")  # 600 left the float, 500 explained


def test_reconcile_command_reports_the_day(final_day):
    out = StringIO()
    call_command("reconcile", "--date", final_day["day"].isoformat(), stdout=out)
    assert "checked 2 orders and 1 payins; 0 mismatches" in out.getvalue()


def test_reconcile_command_refuses_a_bad_date(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("reconcile", "--date", "2026-13-01")


def test_float_snapshot_stores_the_balance_check(sandbox):
    snapshot = take_float_snapshot()
    assert snapshot.balance == Decimal("2835.60") and snapshot.currency == "BDT"
    assert FloatSnapshot.objects.count() == 1


def test_float_snapshot_provider_fault_is_logged_and_stores_nothing(sandbox, caplog):
    sandbox.configure(error_rate=1.0)
    assert take_float_snapshot() is None
    assert FloatSnapshot.objects.count() == 0
    assert "balance check failed" in caplog.text


def test_worker_schedules_the_float_snapshot_and_the_daily_reconciliation(db):
    import importlib

    from django.apps import apps
    from django.utils.module_loading import import_string
    from django_q.models import Schedule

    # Called directly: a transactional test's flush empties the rows the migration made.
    importlib.import_module("orders.migrations.0006_biz_money").create_schedules(apps, None)
    schedules = {s.name: s for s in Schedule.objects.all()}
    assert schedules["float-snapshot"].minutes == 5
    daily = schedules["reconcile-daily"]
    assert daily.schedule_type == Schedule.DAILY
    assert timezone.localtime(daily.next_run).time().isoformat() == "00:30:00"
    assert daily.next_run > timezone.now()
    for name in ("float-snapshot", "reconcile-daily"):
        assert callable(import_string(schedules[name].func))


def test_reconcile_task_reconciles_yesterday(sandbox):
    from orders.money.reconcile import yesterday
    from orders.money.tasks import reconcile_task

    assert reconcile_task().startswith(f"{yesterday()}: 0 mismatches")
    assert ReconciliationReport.objects.get().day == yesterday()
