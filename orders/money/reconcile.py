"""The daily reconciliation: ask the providers again about every order and PayIn that became
final on a panel-local day, and record where they and we disagree.

A disagreement is evidence for staff, never applied: the row is flagged (the admin's
needs-attention queue) and a ReconciliationMismatch keeps what we hold beside what the provider
said. Re-running a day updates that day's report and its mismatches in place. A provider fault
on a row is retried once in the run, then counted in the report (`errors`): re-run the day.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gateways.base import GatewayError, NotFoundError
from gateways.wire import json_safe
from orders.cashin.provider import CASHIN_FOLLOWED
from orders.lifecycle.following import Followed
from orders.lifecycle.reasons import Reason
from orders.lifecycle.transition import flag
from orders.localtime import day_start
from orders.models import FloatSnapshot, ReconciliationMismatch, ReconciliationReport, StatusChange
from orders.money.figures import _sum
from orders.payin.provider import PAYIN_FOLLOWED
from orders.polling.sweep import run_coroutine

log = logging.getLogger(__name__)
Problem = ReconciliationMismatch.Problem
RETRIES = 1  # extra passes over the rows whose check failed


@dataclass(frozen=True)
class Subject:
    """What we compare for one kind: its rows, and what each side says about them."""

    kind: str
    followed: Followed
    link: str  # the mismatch's foreign key

    def rows(self, start, end):
        model = self.followed.model
        final = [state.value for state in model.lifecycle.states if state.final]
        return list(model.objects.filter(status__in=final, completed_at__gte=start,
                                         completed_at__lt=end).order_by("id"))  # fmt: skip

    def ours(self, row) -> dict:
        held = {"status": row.status, "amount": f"{row.amount:.2f}",
                "provider_status": row.provider_status}  # fmt: skip
        if self.kind == "cashin":
            debit = row.provider_debit_amount
            held["debit_amount"] = None if debit is None else f"{debit:.2f}"
        return held

    def problems(self, row, answer) -> list[str]:
        found = []
        if self.followed.lifecycle.from_gateway[answer.status] != row.status:
            found.append(Problem.STATUS)
        amounts = [(answer.amount, row.amount)]
        if self.kind == "cashin" and row.provider_debit_amount is not None:
            amounts.append((answer.debit_amount, row.provider_debit_amount))
        if any(theirs is not None and theirs != held for theirs, held in amounts):
            found.append(Problem.AMOUNT)
        return found


CASHIN = Subject("cashin", CASHIN_FOLLOWED, "order")
PAYIN = Subject("payin", PAYIN_FOLLOWED, "payin")


def yesterday() -> date:
    return timezone.localdate() - timedelta(days=1)


def reconcile_day(day: date | None = None, *, concurrency: int | None = None):
    """Reconcile one panel-local day (default yesterday); returns its ReconciliationReport."""
    day = day or yesterday()
    concurrency = concurrency or settings.RECONCILE_CONCURRENCY
    start, end = day_start(day), day_start(day + timedelta(days=1))
    report, _ = ReconciliationReport.objects.update_or_create(
        day=day, defaults={"started_at": timezone.now(), "finished_at": None}
    )
    errors: Counter[str] = Counter()
    counts = {}
    for subject in (CASHIN, PAYIN):
        rows = subject.rows(start, end)
        counts[subject.kind] = len(rows)
        answers = _ask(subject, rows, concurrency)
        for row in rows:
            answer = answers.get(_reference(subject, row))
            try:
                _compare(report, subject, row, answer, errors)
            except Exception:  # one row must not stop the day's report
                log.exception("reconcile %s: %s %s failed", day, subject.kind, row.pk)
                errors["internal"] += 1
    report.orders_checked, report.payins_checked = counts["cashin"], counts["payin"]
    report.errors = dict(errors)
    report.mismatch_count = report.mismatches.count()
    _compare_float(report, start, end)
    report.finished_at = timezone.now()
    report.save()
    return report


def _reference(subject: Subject, row) -> str:
    return getattr(row, subject.followed.reference_field)


def _ask(subject: Subject, rows, concurrency: int) -> dict:
    """status_many over the rows; failed checks (not a 404) are asked again RETRIES times."""
    pending = [_reference(subject, row) for row in rows]
    answers: dict = {}
    for _attempt in range(1 + RETRIES):
        if not pending:
            break
        gateway = subject.followed.gateway()
        found = run_coroutine(
            lambda refs=pending, gateway=gateway: gateway.status_many(refs, concurrency)
        )
        answers.update(found)
        pending = [
            ref
            for ref in pending
            if isinstance(answers.get(ref), GatewayError | None)
            and not isinstance(answers.get(ref), NotFoundError)
        ]
    return answers


def _compare(report, subject: Subject, row, answer, errors: Counter) -> None:
    reference = _reference(subject, row)
    if isinstance(answer, NotFoundError):
        theirs = {"error": answer.kind, "status_code": answer.status_code}
        _record(report, subject, row, [Problem.UNKNOWN], theirs)
    elif answer is None or isinstance(answer, GatewayError):
        kind = getattr(answer, "kind", "missing")
        log.warning("reconcile %s: %s %s unchecked: %s", report.day, subject.kind, reference, kind)
        errors[kind] += 1
    else:
        theirs = {"status": str(answer.status), "answer": json_safe(answer.raw)}
        _record(report, subject, row, subject.problems(row, answer), theirs)


def _record(report, subject: Subject, row, problems: list[str], theirs: dict) -> None:
    """Write this row's mismatches (replacing a re-run's) and flag the row for staff."""
    reference = _reference(subject, row)
    with transaction.atomic():
        kept = ReconciliationMismatch.objects.filter(
            report=report, kind=subject.kind, reference=reference
        )
        kept.exclude(problem__in=problems).delete()
        for problem in problems:
            ReconciliationMismatch.objects.update_or_create(
                report=report,
                kind=subject.kind,
                reference=reference,
                problem=problem,
                defaults={subject.link: row, "ours": subject.ours(row), "theirs": theirs},
            )
        if problems:
            locked = type(row).objects.select_for_update().get(pk=row.pk)
            reason = Reason("reconciliation", {"day": str(report.day), "problem": problems[0]})
            flag(locked, reason, source=StatusChange.Source.WORKER, raw=theirs)


def _compare_float(report, start, end) -> None:
    """NICTBD's balance change over the day against the provider debits of its successes."""
    day_snapshots = FloatSnapshot.objects.filter(taken_at__gte=start, taken_at__lt=end)
    first = day_snapshots.order_by("taken_at").first()
    last = day_snapshots.order_by("-taken_at").first()
    succeeded = CASHIN.followed.model.objects.filter(
        status="success", completed_at__gte=start, completed_at__lt=end
    )
    report.provider_debit_total = succeeded.aggregate(
        total=_sum("provider_debit_amount", filter=Q(provider_debit_amount__isnull=False))
    )["total"]
    if first is None or first.pk == last.pk:
        report.balance_start = report.balance_end = report.balance_difference = None
        return
    report.balance_start, report.balance_end = first.balance, last.balance
    spent = first.balance - last.balance
    report.balance_difference = spent - report.provider_debit_total
