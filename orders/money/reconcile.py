"""The daily reconciliation: ask the providers again about every order and PayIn that became
final on a panel-local day, and record where they and we disagree.

A disagreement is evidence for staff, never applied: the row is flagged (the admin's
needs-attention queue) and a ReconciliationMismatch keeps what we hold beside what the provider
said. Re-running a day updates that day's report and its mismatches in place. A provider fault
on a row is retried once in the run, then counted in the report (`errors`): re-run the day.
The report also says whether our balances and the day's daily-limit figures still agree with
the ledger (orders.wallet.consistency).
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import DatabaseError, transaction
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
from orders.money.figures import money_sum
from orders.payin.provider import PAYIN_FOLLOWED
from orders.polling.sweep import run_coroutine
from orders.wallet.consistency import ledger_drift

log = logging.getLogger(__name__)
Problem = ReconciliationMismatch.Problem
RETRIES = 1  # extra passes over the rows whose check failed
BATCH = 2000  # rows asked about at once (status_many keeps RECONCILE_CONCURRENCY in flight)


@dataclass(frozen=True)
class Subject:
    """What we compare for one kind: its rows, and what each side says about them."""

    kind: str
    followed: Followed
    link: str  # the mismatch's foreign key

    def batches(self, start, end):
        """The rows final in [start, end), BATCH at a time (keyset by id)."""
        model = self.followed.model
        final = [state.value for state in model.lifecycle.states if state.final]
        rows = model.objects.filter(status__in=final, completed_at__gte=start, completed_at__lt=end)
        last_id = 0
        while batch := list(rows.filter(id__gt=last_id).order_by("id")[:BATCH]):
            yield batch
            last_id = batch[-1].id

    def ours(self, row) -> dict:
        held = {"status": row.status, "amount": f"{row.amount:.2f}",
                "provider_status": row.provider_status}  # fmt: skip
        if self.kind == "cashin":
            debit = row.provider_debit_amount
            held["debit_amount"] = None if debit is None else f"{debit:.2f}"
        return held

    def known_at_provider(self, row) -> bool:
        """Whether the provider should have a record: a refused or never-sent row has none."""
        reference = row.order_number if self.kind == "cashin" else row.provider_id
        return bool(reference) or row.status == "success"

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
    start, end = day_start(day), day_start(day + timedelta(days=1))
    report, _ = ReconciliationReport.objects.update_or_create(
        day=day, defaults={"started_at": timezone.now(), "finished_at": None}
    )
    run = Run(report, concurrency or settings.RECONCILE_CONCURRENCY)
    report.orders_checked = run.check(CASHIN, start, end)
    report.payins_checked = run.check(PAYIN, start, end)
    report.errors = dict(run.errors)
    report.mismatch_count = report.mismatches.count()
    _compare_float(report, start, end)
    report.ledger_drift = _checked_ledger(day)
    report.finished_at = timezone.now()
    report.save()
    return report


def _checked_ledger(day: date) -> dict:
    """ledger_drift's findings, or {"error": ...} when the check itself failed: the rest of the
    day's report is kept either way."""
    try:
        return ledger_drift(day)
    except DatabaseError as error:
        log.exception("the ledger drift check of %s failed", day)
        return {"error": f"{type(error).__name__}: {error}"[:500]}


def _reference(subject: Subject, row) -> str:
    return getattr(row, subject.followed.reference_field)


class Run:
    """One run over a day: the errors met, and the rows that had mismatches before it."""

    def __init__(self, report: ReconciliationReport, concurrency: int) -> None:
        self.report = report
        self.concurrency = concurrency
        self.errors: Counter[str] = Counter()
        self.known = set(report.mismatches.values_list("kind", "reference"))

    def check(self, subject: Subject, start, end) -> int:
        checked = 0
        for rows in subject.batches(start, end):
            checked += len(rows)
            answers = self.ask(subject, rows)
            for row in rows:
                try:
                    self.compare(subject, row, answers.get(_reference(subject, row)))
                except Exception:  # one row must not stop the day's report
                    log.exception("reconcile %s: %s %s failed", self.report.day, subject.kind,
                                  row.pk)  # fmt: skip
                    self.errors["internal"] += 1
        return checked

    def ask(self, subject: Subject, rows) -> dict:
        """status_many over the rows; failed checks (not a 404) are asked again RETRIES times."""
        pending = [_reference(subject, row) for row in rows]
        answers: dict = {}
        for _attempt in range(1 + RETRIES):
            if not pending:
                break
            gateway = subject.followed.gateway()
            found = run_coroutine(
                lambda refs=pending, gateway=gateway: gateway.status_many(refs, self.concurrency)
            )
            answers.update(found)
            pending = [ref for ref in pending if _worth_asking_again(answers.get(ref))]
        return answers

    def compare(self, subject: Subject, row, answer) -> None:
        reference = _reference(subject, row)
        if isinstance(answer, NotFoundError):
            theirs = {"error": answer.kind, "status_code": answer.status_code}
            unknown = [Problem.UNKNOWN] if subject.known_at_provider(row) else []
            self.record(subject, row, unknown, theirs)
        elif answer is None or isinstance(answer, GatewayError):
            kind = getattr(answer, "kind", "missing")
            log.warning("reconcile %s: %s %s unchecked: %s", self.report.day, subject.kind,
                        reference, kind)  # fmt: skip
            self.errors[kind] += 1
        else:
            theirs = {"status": str(answer.status), "answer": json_safe(answer.raw)}
            self.record(subject, row, subject.problems(row, answer), theirs)

    def record(self, subject: Subject, row, problems: list[str], theirs: dict) -> None:
        """Write this row's mismatches (replacing a re-run's) and flag the row for staff."""
        reference = _reference(subject, row)
        if not problems and (subject.kind, reference) not in self.known:
            return  # the common case: agreed before and now, nothing to write
        report = self.report
        with transaction.atomic():
            kept = report.mismatches.filter(kind=subject.kind, reference=reference)
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


def _worth_asking_again(answer) -> bool:
    return (answer is None or isinstance(answer, GatewayError)) and not isinstance(
        answer, NotFoundError
    )


def _compare_float(report, start, end) -> None:
    """NICTBD's balance change over the day against the provider debits of its successes."""
    day_snapshots = FloatSnapshot.objects.filter(taken_at__gte=start, taken_at__lt=end)
    first = day_snapshots.order_by("taken_at").first()
    last = day_snapshots.order_by("-taken_at").first()
    succeeded = CASHIN.followed.model.objects.filter(
        status="success", completed_at__gte=start, completed_at__lt=end
    )
    report.provider_debit_total = succeeded.aggregate(
        total=money_sum("provider_debit_amount", filter=Q(provider_debit_amount__isnull=False))
    )["total"]
    if first is None or first.pk == last.pk:
        report.balance_start = report.balance_end = report.balance_difference = None
        return
    report.balance_start, report.balance_end = first.balance, last.balance
    spent = first.balance - last.balance
    report.balance_difference = spent - report.provider_debit_total
