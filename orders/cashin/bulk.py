"""Bulk Cash In: upload a CSV, preview it, confirm once, and the worker sends each row.

- A row is valid exactly when the single Cash In form would accept its receiver and amount
  (the same field checks, orders.numbers and cashin_check_can_send), and its reference, if it
  has one, is a valid client reference not used by another row of the file.
- Each row is sent through cashin_submit under a client reference fixed at upload: the row's
  own reference when it has one (the reseller's idempotency key, as in the API), otherwise
  `BULK-<20 hex of SHA-256(reseller id, file hash)>-<row number>`. The same file uploaded again is
  the same batch (file hash unique per reseller), and any row whose reference already has an
  order is shown as sent and never submitted again.
- Confirming only marks rows `queued` (one transaction, the batch row locked: two confirms
  queue once); the worker (send_step) claims queued rows one at a time and submits them, so
  web requests never wait on the provider. A row whose worker died comes back after
  BULK_CLAIM_SECONDS; resubmitting its reference returns the order already created.
"""

import hashlib
import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django import forms
from django.db import close_old_connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.cashin.bulk_csv import BulkFileError, read_records
from orders.cashin.submit import (
    cashin_check_can_send,
    cashin_submit,
    today_cashin_total,
    validate_reference,
)
from orders.errors import InsufficientBalance, LimitExceeded, OrderError
from orders.models import BulkRow, BulkUpload, CashInOrder, Reseller
from orders.numbers import normalize_amount, normalize_mobile_number, taka
from orders.recent import earlier_same_orders
from orders.wallet.fees import cashin_fee

logger = logging.getLogger(__name__)

BULK_CLAIM_SECONDS = 120  # longer than one submit's connect + read timeouts
SEND_TASK_SECONDS = 50  # a task stops claiming after this (django-q's timeout is 90 s)
Row = BulkRow.State
__all__ = ["BulkFileError", "confirm", "preview", "row_fee", "send_step", "upload"]


def row_fee(reseller: Reseller, amount: Decimal) -> Decimal:
    return cashin_fee(reseller, amount)


# --- Upload --------------------------------------------------------------------------------


def upload(*, reseller: Reseller, data: bytes, filename: str) -> tuple[BulkUpload, bool]:
    """The batch of this file: the existing one for the same bytes, or a new one in preview."""
    file_hash = hashlib.sha256(data).hexdigest()
    existing = BulkUpload.objects.filter(reseller=reseller, file_hash=file_hash).first()
    if existing:
        return existing, False
    records = read_records(data)  # BulkFileError: the whole file is refused
    digest = hashlib.sha256(f"{reseller.pk}:{file_hash}".encode()).hexdigest()[:20].upper()
    with transaction.atomic():
        batch, created = BulkUpload.objects.get_or_create(
            reseller=reseller, file_hash=file_hash, defaults={"filename": filename[:255]}
        )
        if not created:  # the same file uploaded twice at once
            return batch, False
        rows = [_row(batch, record, digest) for record in records]
        BulkRow.objects.bulk_create(rows)
    return batch, True


def _row(batch: BulkUpload, record, digest: str) -> BulkRow:
    row = BulkRow(
        upload=batch,
        row_number=record.row_number,
        receiver_text=record.receiver,
        amount_text=record.amount,
        reference_text=record.reference,
        columns=record.columns,
        split_thousands=record.split_thousands,
    )
    values, errors = format_check(row)
    row.state = Row.INVALID if errors else Row.READY
    if not errors:
        row.receiver_number, row.amount, own_reference = values
        row.client_reference = own_reference or f"BULK-{digest}-{record.row_number}"
    return row


RECEIVER_FIELD = forms.CharField(max_length=20)  # as CashInForm: strip, required, length
AMOUNT_FIELD = forms.CharField(max_length=20)
MAX_COLUMNS = 3


def format_check(row: BulkRow) -> tuple[tuple, list[str]]:
    """(receiver, amount, own reference) and the errors of the row's text, in the current
    language: the single form's field checks, then the one number parser."""
    errors = []
    receiver = _field(RECEIVER_FIELD, normalize_mobile_number, row.receiver_text, errors)
    amount = _field(AMOUNT_FIELD, normalize_amount, row.amount_text, errors)
    reference = ""
    if row.reference_text:
        try:
            reference = validate_reference(row.reference_text)
        except OrderError as error:
            errors.append(error.message)
    if row.columns > MAX_COLUMNS:
        errors.append(_("A row has 2 or 3 columns: receiver, amount and an optional reference."))
    elif row.split_thousands:
        errors.append(
            _("%(amount)s,%(rest)s looks like one amount split by its thousands comma: write it "
              "without the comma or in quotes. If %(rest)s is the reference, quote the amount: "
              '"%(amount)s",%(rest)s.')
            % {"amount": row.amount_text, "rest": row.reference_text}
        )  # fmt: skip
    return (receiver, amount, reference), errors


def _field(form_field, normalize, text: str, errors: list[str]):
    try:
        return normalize(form_field.clean(text))
    except forms.ValidationError as error:
        errors.extend(error.messages)
    except OrderError as error:
        errors.append(error.message)
    return None


# --- Preview -------------------------------------------------------------------------------


@dataclass
class RowView:
    row: BulkRow
    errors: list[str] = field(default_factory=list)
    order: CashInOrder | None = None  # the order sent for this row (now or before)
    fee: Decimal | None = None
    repeat_of: CashInOrder | None = None  # an order just sent with the same receiver and amount

    @property
    def sendable(self) -> bool:
        return self.row.state == Row.READY and not self.errors and self.order is None


@dataclass
class Preview:
    batch: BulkUpload
    rows: list[RowView]
    count: int = 0
    amount: Decimal = Decimal("0.00")
    fee: Decimal = Decimal("0.00")
    balance: Decimal = Decimal("0.00")
    daily_left: Decimal = Decimal("0.00")

    @property
    def total(self) -> Decimal:
        return self.amount + self.fee

    @property
    def covered(self) -> bool:
        return self.balance >= self.total

    @property
    def within_daily_limit(self) -> bool:
        return self.amount <= self.daily_left

    @property
    def already_sent(self) -> int:
        return sum(1 for view in self.rows if view.order is not None)

    @property
    def invalid(self) -> int:
        return sum(1 for view in self.rows if view.errors)

    @property
    def repeats(self) -> int:
        return sum(1 for view in self.rows if view.sendable and view.repeat_of is not None)


def preview(batch: BulkUpload) -> Preview:
    """Every row with its errors now (in the current language) and the totals of the rows a
    confirmation would send; rows whose reference already has an order count as sent."""
    reseller = Reseller.objects.get(pk=batch.reseller_id)
    rows = batch_rows_with_orders(batch)
    orders = _orders_by_reference(reseller, rows)
    views, seen, checked, sent = [], {}, {}, _sent_today(reseller)
    for row in rows:
        view = RowView(row, order=row.order)
        if row.state == Row.INVALID:
            view.errors = format_check(row)[1]
        elif row.state == Row.SKIPPED:
            view.errors = [row.error]
        elif row.state == Row.READY:
            _check_ready(view, reseller, orders, seen, checked, sent)
        if row.amount is not None and view.errors == []:
            view.fee = row_fee(reseller, row.amount)
        views.append(view)
    _mark_repeats(reseller, views)
    result = Preview(batch, views, balance=reseller.balance)
    result.daily_left = max(reseller.cashin_daily_limit - sent, Decimal("0"))
    for view in views:
        if view.sendable:
            result.count += 1
            result.amount += view.row.amount
            result.fee += view.fee
    return result


def _mark_repeats(reseller, views: list[RowView]) -> None:
    """Rows repeating a Cash In just sent (the single form's rule), e.g. a file edited and
    uploaded again: new derived references, the same orders."""
    pairs = {(v.row.receiver_number, v.row.amount) for v in views if v.sendable}
    own = {view.row.client_reference for view in views}
    earlier = earlier_same_orders(reseller=reseller, pairs=pairs, own_references=own)
    for view in views:
        if view.sendable:
            view.repeat_of = earlier.get((view.row.receiver_number, view.row.amount))


def _orders_by_reference(reseller, rows) -> dict[str, CashInOrder]:
    references = [row.client_reference for row in rows if row.client_reference]
    found = CashInOrder.objects.filter(client_reference__in=references)
    return {order.client_reference: order for order in found}


def _check_ready(view: RowView, reseller, orders, seen: dict, checked: dict, sent) -> None:
    row = view.row
    first = seen.setdefault(row.client_reference, row.row_number)
    if first != row.row_number:
        view.errors.append(
            _("Reference %(ref)s is already used on row %(row)s of this file.")
            % {"ref": row.client_reference, "row": first}
        )
        return
    existing = orders.get(row.client_reference)
    if existing is not None:
        same = (existing.reseller_id, existing.receiver_number, existing.amount) == (
            reseller.pk, row.receiver_number, row.amount)  # fmt: skip
        if same:
            view.order = existing
        elif existing.reseller_id != reseller.pk:
            view.errors.append(_("This client reference is already in use."))
        else:
            view.errors.append(
                _("Client reference %(ref)s was already used for a different receiver or amount.")
                % {"ref": row.client_reference}
            )
        return
    if row.amount not in checked:
        try:
            cashin_check_can_send(reseller=reseller, amount=row.amount, sent_today=sent)
            checked[row.amount] = None
        except OrderError as error:
            checked[row.amount] = error.message
    if checked[row.amount]:
        view.errors.append(checked[row.amount])


def _sent_today(reseller) -> Decimal:
    return today_cashin_total(reseller.pk)


# --- Confirm -------------------------------------------------------------------------------


def confirm(*, reseller: Reseller, batch_id: int, repeats_confirmed: bool = False) -> BulkUpload:
    """Queue the batch's sendable rows once; a second confirmation (also at the same moment)
    changes nothing. Raises InsufficientBalance / LimitExceeded when the totals do not fit, and
    OrderError for rows repeating a Cash In just sent unless `repeats_confirmed`."""
    with transaction.atomic():
        batch = BulkUpload.objects.select_for_update().get(pk=batch_id, reseller=reseller)
        if batch.state != BulkUpload.State.PREVIEW:
            return batch
        result = preview(batch)
        _check_totals(result)
        if result.repeats and not repeats_confirmed:
            raise OrderError(_("Tick the box to send the rows that repeat a Cash In just sent."))
        for view in result.rows:
            _freeze(view)
        BulkRow.objects.bulk_update(
            [view.row for view in result.rows], ["state", "error", "order"], batch_size=500
        )
        batch.state = BulkUpload.State.SENDING
        batch.confirmed_at = timezone.now()
        batch.queued_count = result.count
        batch.total_amount, batch.total_fee = result.amount, result.fee
        batch.save()
        _finish_if_done(batch.pk)
        transaction.on_commit(lambda: _enqueue(batch.pk))
    batch.refresh_from_db()
    return batch


def _check_totals(result: Preview) -> None:
    if not result.count:
        raise OrderError(_("No row of this file can be sent."))
    if not result.covered:
        raise InsufficientBalance(
            _("Insufficient balance: %(total)s needed, %(balance)s available.")
            % {"total": taka(result.total), "balance": taka(result.balance)}
        )
    if not result.within_daily_limit:
        raise LimitExceeded(
            _("This would pass your daily limit: %(left)s left today.")
            % {"left": taka(result.daily_left)}
        )


def _freeze(view: RowView) -> None:
    row = view.row
    if view.order is not None and row.state == Row.READY:
        row.state, row.order = Row.SENT, view.order
    elif view.sendable:
        row.state = Row.QUEUED
    elif row.state == Row.READY:
        row.state, row.error = Row.SKIPPED, " ".join(view.errors)


def _enqueue(batch_id: int) -> None:
    from django_q.tasks import async_task

    async_task("orders.cashin.bulk.send_batch_task", batch_id, task_name=f"bulk-{batch_id}")


# --- Sending (the worker) ------------------------------------------------------------------


def send_step(*, batch_id: int | None = None, deadline: float | None = None) -> int:
    """Claim queued rows one at a time and submit them, until none is left (or `deadline`,
    a time.monotonic() value, passes). Returns how many rows this call handled."""
    handled = 0
    while deadline is None or time.monotonic() < deadline:
        row = _claim(batch_id)
        if row is None:
            break
        _send(row)
        handled += 1
    return handled


def _claim(batch_id: int | None) -> BulkRow | None:
    now = timezone.now()
    with transaction.atomic():
        rows = BulkRow.objects.select_for_update(skip_locked=True).filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now), state=Row.QUEUED
        )
        if batch_id is not None:
            rows = rows.filter(upload_id=batch_id)
        row = rows.order_by("upload_id", "row_number").first()
        if row is not None:
            row.claimed_until = now + timedelta(seconds=BULK_CLAIM_SECONDS)
            row.save(update_fields=["claimed_until"])
    return row


def _send(row: BulkRow) -> None:
    reseller = Reseller.objects.get(pk=BulkUpload.objects.get(pk=row.upload_id).reseller_id)
    try:
        outcome = cashin_submit(
            reseller=reseller,
            receiver_number=row.receiver_number,
            amount=row.amount,
            client_reference=row.client_reference,
            source="bulk",
        )
    except OrderError as error:  # refused under lock: limits, balance, suspended, reference
        done = {"state": Row.SKIPPED, "error": error.message}
    except Exception:
        # Left claimed: another step takes it after the claim; its reference keeps it one order.
        logger.exception("bulk row %s of batch %s: submit failed", row.pk, row.upload_id)
        return
    else:
        done = {"state": Row.SENT, "order": outcome.order}
    BulkRow.objects.filter(pk=row.pk, state=Row.QUEUED).update(claimed_until=None, **done)
    _finish_if_done(row.upload_id)


def _finish_if_done(batch_id: int) -> None:
    open_rows = BulkRow.objects.filter(upload_id=batch_id, state=Row.QUEUED)
    BulkUpload.objects.filter(pk=batch_id, state=BulkUpload.State.SENDING).exclude(
        Q(pk__in=open_rows.values("upload_id"))
    ).update(state=BulkUpload.State.DONE, finished_at=timezone.now())


def row_is_final(row: BulkRow) -> bool:
    """The row needs no more following: its order is final, or it will never have one."""
    return row.order.is_final if row.order_id else row.state != Row.QUEUED


def batch_rows_with_orders(batch: BulkUpload) -> list[BulkRow]:
    return list(batch.rows.select_related("order").order_by("row_number"))


def is_settled(batch: BulkUpload, rows: list[BulkRow]) -> bool:
    """Every row is sent and every order final: the batch page stops following it."""
    return batch.state == BulkUpload.State.DONE and all(row_is_final(row) for row in rows)


def send_batch_task(batch_id: int) -> str:
    """django-q2: started by a confirmation for its batch."""
    handled = send_step(batch_id=batch_id, deadline=time.monotonic() + SEND_TASK_SECONDS)
    return f"{handled} rows"


def send_due_rows_task() -> str:
    """django-q2 schedule `bulk-send` (every minute): rows left by a stopped worker."""
    close_old_connections()
    handled = send_step(deadline=time.monotonic() + SEND_TASK_SECONDS)
    return f"{handled} rows"
