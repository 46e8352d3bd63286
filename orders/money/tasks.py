"""django-q2 tasks of the money view (schedules created in migration 0006_biz_money)."""

from orders.money.float import take_float_snapshot
from orders.money.reconcile import reconcile_day


def float_snapshot_task() -> str:
    snapshot = take_float_snapshot()
    return "balance check failed (logged)" if snapshot is None else str(snapshot)


def reconcile_task() -> str:
    report = reconcile_day()
    return (
        f"{report.day}: {report.mismatch_count} mismatches, errors {report.errors}, "
        f"{report.ledger_check}"
    )
