"""The one function that moves the status of a Cash In order or a PayIn, and the two that set
and clear its attention flag. Each writes a history row; `transition` also runs the money
effect the target status declares (through the ledger) and writes the outbox event, all in the
caller's transaction, on a row the caller has locked (select_for_update).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gateways.wire import json_safe
from orders.errors import InsufficientBalance, InvalidTransition
from orders.lifecycle.declaration import Authority, Money
from orders.lifecycle.guard import status_writes
from orders.lifecycle.reasons import Reason
from orders.models import CashInOrder, OutboxEvent, StatusChange
from orders.wallet.ledger import apply_money

log = logging.getLogger(__name__)


def begin(subject, *, source: str, staff_user=None) -> None:
    """A new order or PayIn, just created: its first history row and its initial money effect."""
    state = subject.lifecycle[subject.status]
    apply_money(subject, state.money, staff_user=staff_user, new=True)
    _history(subject, "", source=source, staff_user=staff_user)


def transition(
    subject,
    target: str,
    *,
    by: Authority,
    source: str,
    reason: Reason | None = None,
    failure: Reason | None = None,
    text: str = "",
    raw=None,
    staff_user=None,
) -> bool:
    """Move `subject` to `target` if its lifecycle allows it for `by`; False if a money effect
    could not be made (the subject is flagged instead and stays where it was)."""
    lifecycle = subject.lifecycle
    previous = subject.status
    if not lifecycle.allows(previous, target, by):
        raise InvalidTransition(
            _("%(kind)s cannot go from %(a)s to %(b)s.")
            % {"kind": subject._meta.verbose_name, "a": previous, "b": target}
        )
    state = lifecycle[target]
    if not _money(subject, state.money, staff_user=staff_user, text=text):
        return False
    with status_writes():
        subject.status = target
    if state.final:
        subject.completed_at = subject.completed_at or timezone.now()
        if not state.watched:
            subject.next_check_at = None
    if failure is not None:
        subject.failure_code, subject.failure_params = failure.code, failure.params
    subject.save()
    _history(
        subject, previous, source=source, reason=reason, text=text, raw=raw, staff_user=staff_user
    )
    if state.event:
        OutboxEvent.objects.create(event=state.event, **_subject_key(subject))
    if state.money is Money.REVERSAL and subject.attention_code == "reversal_uncovered":
        unflag(subject, source=source, note=_("The reversal went through."))
    return True


def _money(subject, money: Money, *, staff_user, text: str) -> bool:
    if money is not Money.REVERSAL:
        apply_money(subject, money, staff_user=staff_user, text=text)
        return True
    try:
        with transaction.atomic():  # a savepoint: a refused reversal leaves nothing behind
            apply_money(subject, money, staff_user=staff_user, text=text)
    except InsufficientBalance:
        flag(
            subject,
            Reason("reversal_uncovered", {"amount": f"{subject.amount:.2f}"}),
            source=StatusChange.Source.PROVIDER,
        )
        return False
    return True


def flag(
    subject,
    reason: Reason,
    *,
    source: str,
    staff_user=None,
    note: str = "",
    raw=None,
    provider_status: str | None = None,
) -> bool:
    """Ask staff to look, saying why; the same reason again writes nothing. True if changed.

    `provider_status`: the provider's word behind the flag, when it is not the row's own."""
    same = (subject.attention_code, subject.attention_params) == (reason.code, reason.params)
    if subject.needs_attention and same:
        return False
    log.warning("%s %s flagged: %s", subject._meta.model_name, subject.pk, reason.code)
    subject.needs_attention = True
    subject.attention_code, subject.attention_params = reason.code, reason.params
    subject.save(update_fields=["needs_attention", "attention_code", "attention_params"])
    _history(
        subject,
        subject.status,
        source=source,
        reason=reason,
        text=note,
        raw=raw,
        staff_user=staff_user,
        provider_status=provider_status,
        kind=StatusChange.Kind.ATTENTION,
    )
    return True


def unflag(subject, *, source: str, staff_user=None, note: str = "") -> bool:
    if not subject.needs_attention and not subject.attention_code:
        return False
    subject.needs_attention = False
    subject.attention_code, subject.attention_params = "", {}
    subject.save(update_fields=["needs_attention", "attention_code", "attention_params"])
    _history(
        subject,
        subject.status,
        source=source,
        text=note or _("Unflagged"),
        staff_user=staff_user,
        kind=StatusChange.Kind.ATTENTION,
    )
    return True


def note_provider_status(subject, *, source: str, raw=None, staff_user=None) -> None:
    """A history row for a provider status word that changed while our status did not."""
    _history(
        subject,
        subject.status,
        source=source,
        raw=raw,
        staff_user=staff_user,
        kind=StatusChange.Kind.PROVIDER,
    )


def _history(
    subject,
    previous: str,
    *,
    source,
    reason=None,
    text="",
    raw=None,
    staff_user=None,
    provider_status=None,
    kind=StatusChange.Kind.STATUS,
):
    if provider_status is None:
        provider_status = subject.provider_status
    return StatusChange.objects.create(
        **_subject_key(subject),
        kind=kind,
        from_status=previous,
        to_status=subject.status,
        provider_status=provider_status or "",
        source=source,
        staff_user=staff_user,
        reason_code=reason.code if reason else "",
        reason_params=reason.params if reason else {},
        reason=text or "",
        raw=json_safe(raw),
    )


def _subject_key(subject) -> dict:
    return {"order": subject} if isinstance(subject, CashInOrder) else {"payin": subject}
