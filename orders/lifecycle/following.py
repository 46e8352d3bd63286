"""Following an order or PayIn at its provider: sending it, reading the answers, resolving
unknown outcomes. One implementation for both kinds; `orders.cashin.provider` and
`orders.payin.provider` only say which fields and which gateway.

The rules (the README's "How orders move"):
- A submit or create answer records the provider's references and moves the subject to
  `pending` at most, whatever status it claims; the first status check follows within
  FIRST_CHECK. Only a status-API answer (or staff) makes anything final.
- A request the provider refused (4xx: it created nothing) or that provably never left ends in
  the lifecycle's `refused` / `never_sent` status on the first attempt.
- An unknown outcome (timeout, 5xx, an undocumented body) waits; the worker asks by our own
  reference. Not found after SUBMIT_UNKNOWN_GRACE_SECONDS: sent again under the same reference,
  at most SUBMIT_MAX_RESUBMITS times, then flagged for staff. Never failed on a guess.
- An answer that cannot be applied (or stored) flags the subject and polling goes on.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gateways.base import (
    ConfigurationError,
    DuplicateReferenceError,
    GatewayError,
    NotFoundError,
    NotSentError,
    RejectedError,
)
from orders.lifecycle.declaration import Authority, Lifecycle, Money
from orders.lifecycle.reasons import Reason
from orders.lifecycle.transition import flag, note_provider_status, transition, unflag
from orders.masking import masked
from orders.models import StatusChange
from orders.polling.schedule import note_check
from orders.submission.breaker import open_providers, outcome_of, record_submits

log = logging.getLogger(__name__)
Source = StatusChange.Source
ACCEPTED = "pending"  # where an accepted submit waits for the status API, in both lifecycles
FIRST_CHECK = timedelta(seconds=2)
FINAL_WATCH = timedelta(hours=24)  # a watched final status (PayIn success) is re-checked so long


class Followed:
    """The generic rules; a subclass names the model, the gateway and the fields."""

    model: type
    lifecycle: Lifecycle
    reference_field: str
    sweep_compared: tuple[str, ...] = ("provider_status",)  # equal in a pending answer: unchanged

    # --- What a subclass provides ------------------------------------------------------------

    def gateway(self):
        raise NotImplementedError

    def request(self, subject, **extra):
        raise NotImplementedError

    def copy_references(self, subject, result) -> None:
        """The provider's identifiers from any answer (submit or status)."""
        raise NotImplementedError

    def copy_status_fields(self, subject, result) -> None:
        """What a status-API answer says beyond the status."""
        raise NotImplementedError

    def failure(self, result, target: str) -> Reason | None:
        return None

    refusal_codes: tuple[str, ...] = ()  # refuse()'s flags that a matching final answer lifts

    def refuse(self, subject, result, target: str) -> Reason | None:
        """Why this answer must not move the subject (staff are asked instead), or None."""
        return None

    # --- Sending -----------------------------------------------------------------------------

    def send(self, subject, *, first_attempt: bool = True, **extra) -> None:
        gateway = self.gateway()
        try:
            outcome = gateway.submit(self.request(subject, **extra))
        except GatewayError as error:
            outcome = error
        self.apply_submit_outcome(subject.pk, outcome, first_attempt=first_attempt)
        record_submits(gateway.name, [outcome_of(outcome)])

    def apply_submit_outcome(self, pk: int, outcome, *, first_attempt: bool = True) -> None:
        """A submit's answer or its GatewayError (the submitter sends many at once)."""
        if not isinstance(outcome, GatewayError):
            self.apply_submit_answer(pk, outcome)
            return
        try:
            raise outcome
        except DuplicateReferenceError as error:
            self._unknown(pk, error)  # the provider has one under our reference: ask it
        except RejectedError as error:
            reason = Reason(
                "rejected" if first_attempt else "resubmit_rejected", {"text": explain(error)}
            )
            if first_attempt:
                self._end_unsent(pk, self.lifecycle.refused, reason, error.field_errors)
            else:
                self._flag(pk, reason)
        except (NotSentError, ConfigurationError) as error:
            if first_attempt:
                reason = Reason("not_sent", {"text": str(error)})
                self._end_unsent(pk, self.lifecycle.never_sent, reason)
            else:
                self._unknown(pk, error)
        except GatewayError as error:
            self._unknown(pk, error)

    def apply_submit_answer(self, pk: int, result) -> None:
        """Record the references; `pending` at most, whatever the answer claims."""
        with transaction.atomic():
            subject = self._lock(pk)
            self.copy_references(subject, result)
            claimed = self.lifecycle.from_gateway[result.status]
            if self.lifecycle[subject.status].final:  # a late answer (a resubmit's, say)
                self._late_submit_answer(subject, claimed, result)
                return
            reason = None
            if claimed == ACCEPTED:  # a final word here is only a claim: not shown as the state
                subject.provider_status = result.provider_status or subject.provider_status
            else:
                log.info("%s %s: submit answer claims %r; not trusted", self.lifecycle.kind,
                         masked(self._reference(subject)),
                         masked(result.provider_status))  # fmt: skip
                reason = Reason("submit_claim", {"claimed": result.provider_status})
            subject.next_check_at = timezone.now() + first_check()
            subject.last_error = ""
            if self.lifecycle.allows(subject.status, ACCEPTED, Authority.SUBMIT):
                transition(subject, ACCEPTED, by=Authority.SUBMIT, source=Source.SUBMIT,
                           reason=reason, raw=result.raw)  # fmt: skip
            else:
                subject.save()

    def _late_submit_answer(self, subject, claimed: str, result) -> None:
        """Only the references: a final row never moves on a submit answer; a claim that
        disagrees with it is for staff to look at."""
        refunded = self.lifecycle[subject.status].money == Money.REFUND
        if claimed != subject.status and (claimed != ACCEPTED or refunded):
            # Accepted after we gave the money back (staff failed it while it was in flight):
            # the receiver may be paid and the reseller refunded.
            reason = Reason("contradiction", {"new": result.provider_status, "old": subject.status})
            flag(subject, reason, source=Source.SUBMIT, raw=result.raw,
                 provider_status=result.provider_status)  # fmt: skip
        subject.save()

    def _end_unsent(self, pk: int, target: str, reason: Reason, raw=None) -> None:
        """Refused, or never sent: the end, but only of a first attempt. Once a resubmit was
        claimed, a late refusal of the first request says nothing of the second: staff look."""
        with transaction.atomic():
            subject = self._lock(pk)
            if subject.status != self.lifecycle.initial.value:
                return
            if subject.resubmit_count:
                flag(subject, Reason("resubmit_rejected", {"text": str(reason)}),
                     source=Source.SUBMIT)  # fmt: skip
                return
            transition(subject, target, by=Authority.SUBMIT, source=Source.SUBMIT,
                       reason=reason, failure=reason, raw=raw)  # fmt: skip

    def _unknown(self, pk: int, error: GatewayError) -> None:
        log.warning("%s %s: submit outcome unknown: %s", self.lifecycle.kind, pk, masked(error))
        with transaction.atomic():
            subject = self._lock(pk)
            subject.last_error = str(error)[:500]
            subject.next_check_at = timezone.now() + timedelta(seconds=settings.POLL_BASE_DELAY)
            unknown = self.lifecycle.unknown
            if unknown and self.lifecycle.allows(subject.status, unknown, Authority.SUBMIT):
                transition(subject, unknown, by=Authority.SUBMIT, source=Source.SUBMIT,
                           text=str(error)[:500])  # fmt: skip
            else:
                subject.save()

    # --- Status answers ----------------------------------------------------------------------

    def apply_status_answer(self, pk: int, result, *, source: str, staff_user=None):
        """Apply one status-API answer: forward moves only; a contradicted final is flagged."""
        try:
            with transaction.atomic():
                return self._apply_status(self._lock(pk), result, source, staff_user)
        except (DataError, IntegrityError, OverflowError) as error:
            log.exception("%s %s: answer could not be applied", self.lifecycle.kind, pk)
            with transaction.atomic():
                subject = self._lock(pk)
                flag(subject, Reason("cannot_apply", {"text": str(error)[:300]}),
                     source=Source.PROVIDER)  # fmt: skip
                self._count_check(subject, error=str(error))
                subject.save()
                return subject

    def _apply_status(self, subject, result, source, staff_user):
        target = self.lifecycle.from_gateway[result.status]
        current = subject.status
        if subject.attention_code == "cannot_apply":  # this answer could be stored
            unflag(subject, source=Source.PROVIDER, note=_("A later answer could be applied."))
        if target != current and (refusal := self.refuse(subject, result, target)):
            flag(subject, refusal, source=Source.PROVIDER, raw=result.raw,
                 provider_status=result.provider_status)  # fmt: skip
            self._count_check(subject, error="")
            subject.save()
            return subject
        final_now = target != current and self.lifecycle[target].final
        if final_now and subject.attention_code in self.refusal_codes:
            # refuse() checked this final answer and found it names our order after all
            unflag(subject, source=Source.PROVIDER, note=_("A later answer could be applied."))
        if target != current and not self.lifecycle.allows(current, target, Authority.STATUS_API):
            if self.lifecycle[current].final:
                reason = Reason("contradiction", {"new": result.provider_status, "old": current})
                flag(subject, reason, source=Source.PROVIDER, raw=result.raw,
                     provider_status=result.provider_status)  # fmt: skip
            self._count_check(subject, error="")
            subject.save()
            return subject
        provider_status_before = getattr(subject, "provider_status", "")
        self.copy_status_fields(subject, result)
        if target != current:
            transition(subject, target, by=Authority.STATUS_API, source=source,
                       failure=self.failure(result, target), text=self.message(result),
                       raw=result.raw, staff_user=staff_user)  # fmt: skip
        elif subject.provider_status != provider_status_before:
            note_provider_status(subject, source=source, raw=result.raw, staff_user=staff_user)
        self._count_check(subject, error="")
        subject.save()
        return subject

    def message(self, result) -> str:
        return getattr(result, "message", "") or ""

    # --- Failed checks -----------------------------------------------------------------------

    def note_check_error(self, pk: int, error: GatewayError):
        """A status check failed: resolve unknown submits, flag lost ones, else retry later."""
        subject = self.model.objects.get(pk=pk)
        if isinstance(error, NotFoundError):
            if subject.status in self._not_yet_created() and subject.last_submit_at:
                # Never sent yet (queued for the submitter): nothing to resubmit.
                waited = timezone.now() - subject.last_submit_at
                if waited >= grace():
                    if subject.resubmit_count >= settings.SUBMIT_MAX_RESUBMITS:
                        self._flag(pk, Reason("not_found_after_resubmits", {
                            "reference": self._reference(subject),
                            "count": subject.resubmit_count,
                        }))  # fmt: skip
                    elif self.gateway().name not in open_providers():
                        return self._resubmit(subject)
                    # else: like the provider's queue, the resubmit waits for its breaker
            else:
                self._flag(pk, Reason("lost"))
        else:
            log.warning("%s %s: status check failed: %s", self.lifecycle.kind, pk, masked(error))
        with transaction.atomic():
            subject = self._lock(pk)
            self._count_check(subject, error=str(error))
            subject.save()
            return subject

    def _resubmit(self, subject):
        """Send again under the same reference; the guarded update lets one worker do it."""
        now = timezone.now()
        claimed = self.model.objects.filter(
            pk=subject.pk,
            status__in=self._not_yet_created(),
            resubmit_count=subject.resubmit_count,
            last_submit_at__lte=now - grace(),
        ).update(
            resubmit_count=subject.resubmit_count + 1,
            last_submit_at=now,
            next_check_at=now + grace(),
        )
        if claimed == 1:
            log.warning("%s %s: sending again under the same reference", self.lifecycle.kind,
                        masked(self._reference(subject)))  # fmt: skip
            subject.refresh_from_db()
            self.send(subject, first_attempt=False)
        return self.model.objects.get(pk=subject.pk)

    # --- Staff and on demand ------------------------------------------------------------------

    def check_now(self, pk: int, *, source: str = Source.STAFF, staff_user=None):
        """Ask the provider at once (admin action, API refresh, redelivered task)."""
        subject = self.model.objects.get(pk=pk)
        try:
            result = self.gateway().status_by_reference(self._reference(subject))
        except GatewayError as error:
            return self.note_check_error(pk, error)
        return self.apply_status_answer(pk, result, source=source, staff_user=staff_user)

    # --- Helpers -----------------------------------------------------------------------------

    def _lock(self, pk: int):
        return self.model.objects.select_for_update().get(pk=pk)

    def _flag(self, pk: int, reason: Reason) -> None:
        with transaction.atomic():
            flag(self._lock(pk), reason, source=Source.WORKER)

    def _reference(self, subject) -> str:
        return getattr(subject, self.reference_field)

    def _not_yet_created(self) -> list[str]:
        return [s for s in (self.lifecycle.initial.value, self.lifecycle.unknown) if s]

    def _count_check(self, subject, *, error: str) -> None:
        now = timezone.now()
        state = self.lifecycle[subject.status]
        recently_final = subject.completed_at and now - subject.completed_at < FINAL_WATCH
        reversal_owed = subject.attention_code == "reversal_uncovered"
        watching = not state.final or bool(state.watched and (recently_final or reversal_owed))
        note_check(subject, error=error, keep_watching=watching, now=now)


def first_check() -> timedelta:
    """How soon an accepted submit is first asked about: FIRST_CHECK, or the base poll delay if
    that is shorter."""
    return min(FIRST_CHECK, timedelta(seconds=settings.POLL_BASE_DELAY))


def grace() -> timedelta:
    return timedelta(seconds=settings.SUBMIT_UNKNOWN_GRACE_SECONDS)


def explain(error: RejectedError) -> str:
    """The provider's message with its field messages, for the reseller to read."""
    details = [message for messages in error.field_errors.values() for message in messages]
    return " ".join([error.message.rstrip(".") + ("." if details else ""), *details]).strip()
