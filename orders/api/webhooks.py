"""Signed webhooks for final order statuses, sent through an outbox.

The transaction that makes an order final writes an OutboxEvent (orders.lifecycle.transition;
the domain knows nothing of webhooks, and never does network I/O there). `dispatch_events`
turns each event into a WebhookDelivery for a reseller with a callback URL. The worker task
`deliver_due_webhooks_task`, on its own schedule, dispatches, claims due rows with a guarded
update, POSTs them from a bounded thread pool and records every attempt. Non-2xx answers and
timeouts are retried with backoff until WEBHOOK_RETRY_HOURS after the delivery was created,
then given up.

Signature: header X-Panel-Signature = hex HMAC-SHA256(secret, timestamp + "." + raw body), with
the UNIX timestamp in X-Panel-Timestamp. The body is {"id", "event", "order": {...}} for a Cash
In, {"id", "event", "payin": {...}} for a PayIn (only to resellers who turned PayIns on).
"""

import hashlib
import hmac
import json
import logging
import os
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

import httpx
from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.api.callback_urls import (
    REFUSED,
    UnresolvedCallbackURL,
    WebhookSettingsError,
    check_callback_url,
)
from orders.api.serialize import order_json, payin_json
from orders.models import (
    CashInOrder,
    OutboxEvent,
    PayIn,
    Reseller,
    WebhookAttempt,
    WebhookDelivery,
)
from orders.polling.worker_stop import cluster_stopping
from orders.staff.audit import Action, record

log = logging.getLogger(__name__)

State = WebhookDelivery.State
BACKOFF = [timedelta(seconds=s) for s in (30, 60, 120, 300, 600, 1800, 3600, 7200, 14400)]
CLAIM = timedelta(minutes=5)  # longer than any one attempt; a killed worker's rows come back
BATCH = 100
ERROR_TEXT_LIMIT = 500
USER_AGENT = "cashin-panel-webhooks/1"
CLAIMED_FIELDS = ("id", "reseller_id", "order_id", "payin_id", "event", "url", "payload",
                  "next_attempt_at")  # fmt: skip


def _setting(name: str, default):
    return getattr(settings, name, default)


# --- Outbox ----------------------------------------------------------------------------------


def dispatch_events(*, limit: int = BATCH) -> int:
    """Turn unhandled outbox events into deliveries; how many events were handled.

    A reseller with a callback URL gets its orders' events, and its PayIns' events only if it
    asked for them (`webhook_payins`); other events are marked handled without a delivery.
    """
    with transaction.atomic():
        events = list(
            OutboxEvent.objects.filter(handled_at=None)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("order", "payin")
            .order_by("id")[:limit]
        )
        subjects = [event.order or event.payin for event in events]
        wanted = _webhook_settings({s.reseller_id for s in subjects if s is not None})
        for event, subject in zip(events, subjects, strict=True):
            if url := _callback_for(subject, wanted):
                try:
                    with transaction.atomic():  # one bad event must not hold back the others
                        _queue(subject, event.event, url)
                except Exception:
                    log.exception("outbox event %s (%s): no delivery made", event.pk, event.event)
        OutboxEvent.objects.filter(pk__in=[e.pk for e in events]).update(handled_at=timezone.now())
    return len(events)


def _webhook_settings(reseller_ids: set[int]) -> dict[int, tuple[str, bool]]:
    rows = Reseller.objects.filter(pk__in=reseller_ids)
    return {pk: (url, payins) for pk, url, payins in
            rows.values_list("id", "callback_url", "webhook_payins")}  # fmt: skip


def _callback_for(subject, wanted: dict[int, tuple[str, bool]]) -> str:
    if subject is None:
        return ""
    url, payins = wanted.get(subject.reseller_id, ("", False))
    return url if payins or not isinstance(subject, PayIn) else ""


def _queue(subject: CashInOrder | PayIn, event: str, url: str) -> WebhookDelivery:
    is_payin = isinstance(subject, PayIn)
    return WebhookDelivery.objects.create(
        reseller_id=subject.reseller_id,
        order=None if is_payin else subject,
        payin=subject if is_payin else None,
        event=event,
        url=url,
        payload=payin_json(subject) if is_payin else order_json(subject),
        next_attempt_at=timezone.now(),
    )


def webhook_send_again(*, delivery_id: int, reseller: Reseller | None = None) -> WebhookDelivery:
    """Queue the notification again, as a new delivery of the order or PayIn as it is now, to
    the current callback URL."""
    deliveries = WebhookDelivery.objects.select_related("order", "payin", "reseller")
    if reseller is not None:
        deliveries = deliveries.filter(reseller=reseller)
    old = deliveries.get(pk=delivery_id)
    url, payins = Reseller.objects.values_list("callback_url", "webhook_payins").get(
        pk=old.reseller_id
    )
    if not url:
        raise WebhookSettingsError(_("Set a callback URL first."))
    if old.payin_id and not payins:
        raise WebhookSettingsError(_("Turn PayIn webhooks on first."))
    subject = old.subject
    event = subject.lifecycle[subject.status].event or old.event
    return _queue(subject, event, url)


# --- Settings --------------------------------------------------------------------------------


def new_secret() -> str:
    return "whsec_" + secrets.token_hex(24)


def webhook_set_callback_url(
    *, reseller: Reseller, url: str, payins: bool | None = None, actor=None, request=None
) -> Reseller:
    """Set (or clear, with "") the callback URL, and whether PayIns are sent too (None: as
    before); a signing secret is made on first use."""
    url = (url or "").strip()
    if url:
        check_callback_url(url)
    old_url = reseller.callback_url
    reseller.callback_url = url
    fields = ["callback_url"]
    payins_before = reseller.webhook_payins
    turned_off = payins is False and payins_before
    if payins is not None:
        reseller.webhook_payins = payins
        fields.append("webhook_payins")
    if url and not reseller.webhook_secret:
        reseller.webhook_secret = new_secret()
        fields.append("webhook_secret")
    with transaction.atomic():
        reseller.save(update_fields=fields)
        if turned_off:  # a receiver that cannot take PayIn bodies stops getting retries of them
            WebhookDelivery.objects.filter(
                reseller=reseller, payin__isnull=False, state=State.PENDING
            ).update(state=State.GAVE_UP, next_attempt_at=None)
        if url != old_url:
            record(actor, Action.CALLBACK_URL_CHANGED, reseller=reseller, target=reseller,
                   details={"old": old_url, "new": url}, request=request)  # fmt: skip
        if payins is not None and payins != payins_before:
            record(actor, Action.WEBHOOK_PAYINS_CHANGE, reseller=reseller, target=reseller,
                   details={"before": payins_before, "after": payins}, request=request)  # fmt: skip
    return reseller


def webhook_rotate_secret(*, reseller: Reseller) -> Reseller:
    """A new signing secret; it signs every attempt from now on, retries included."""
    reseller.webhook_secret = new_secret()
    reseller.save(update_fields=["webhook_secret"])
    return reseller


# --- Signing ---------------------------------------------------------------------------------


def sign(secret: str, timestamp: str, body: bytes) -> str:
    message = timestamp.encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def request_body(delivery: WebhookDelivery) -> bytes:
    envelope = {"id": delivery.pk, "event": delivery.event, delivery.envelope_key: delivery.payload}
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode()


# --- Delivery --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttemptResult:
    status_code: int | None
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass
class DeliveryReport:
    attempted: int = 0
    delivered: int = 0
    failed: int = 0
    gave_up: int = 0


def deliver_due(*, limit: int = BATCH) -> DeliveryReport:
    """One step: claim up to `limit` due deliveries, POST them concurrently, record each."""
    report = DeliveryReport()
    dispatch_events(limit=limit)
    claimed = _claim_due(limit)
    if not claimed:
        return report
    secrets_by_reseller = _signing_secrets({d.reseller_id for d in claimed})
    workers = max(1, min(_setting("WEBHOOK_CONCURRENCY", 8), len(claimed)))
    with _client() as client, ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(
            pool.map(lambda d: _post(client, d, secrets_by_reseller[d.reseller_id]), claimed)
        )
    for delivery, result in zip(claimed, results, strict=True):
        state = _record(delivery.pk, result)
        report.attempted += 1
        report.delivered += state == State.DELIVERED
        report.failed += not result.ok
        report.gave_up += state == State.GAVE_UP
    return report


def _claim_due(limit: int) -> list[WebhookDelivery]:
    now = timezone.now()
    due = list(
        WebhookDelivery.objects.filter(state=State.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .only(*CLAIMED_FIELDS)[:limit]
    )
    claimed = []
    for delivery in due:
        # Guarded update: when two workers race for a row, exactly one moves it.
        won = WebhookDelivery.objects.filter(
            pk=delivery.pk, state=State.PENDING, next_attempt_at=delivery.next_attempt_at
        ).update(next_attempt_at=now + CLAIM)
        if won == 1:
            claimed.append(delivery)
    return claimed


def _signing_secrets(reseller_ids: set[int]) -> dict[int, str]:
    found = dict(Reseller.objects.filter(pk__in=reseller_ids).values_list("id", "webhook_secret"))
    for reseller_id, secret in found.items():
        if not secret:  # a URL set by staff in the admin: make the secret the reseller will see
            found[reseller_id] = new_secret()
            Reseller.objects.filter(pk=reseller_id, webhook_secret="").update(
                webhook_secret=found[reseller_id]
            )
    return found


def _client() -> httpx.Client:
    timeout = httpx.Timeout(
        _setting("WEBHOOK_TIMEOUT", 5.0), connect=_setting("WEBHOOK_CONNECT_TIMEOUT", 3.0)
    )
    workers = _setting("WEBHOOK_CONCURRENCY", 8)
    return httpx.Client(
        timeout=timeout,
        follow_redirects=False,
        # No kept-alive connections: one is keyed by address, and two resellers' hosts on one
        # address must not share a TLS session checked for only one of their names.
        limits=httpx.Limits(max_connections=workers, max_keepalive_connections=0),
        headers={"User-Agent": USER_AGENT},
    )


def _post(client: httpx.Client, delivery: WebhookDelivery, secret: str) -> AttemptResult:
    """Runs in a pool thread: HTTP only, no database."""
    body = request_body(delivery)
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "X-Panel-Event": delivery.event,
        "X-Panel-Delivery": str(delivery.pk),
        "X-Panel-Timestamp": timestamp,
        "X-Panel-Signature": sign(secret, timestamp, body),
    }
    started = time.monotonic()
    try:
        # Checked again right before sending; the request goes to the checked address.
        url, host_header, extensions = check_callback_url(delivery.url).request()
    except UnresolvedCallbackURL:
        return AttemptResult(status_code=None, error="DNS lookup failed", duration_ms=0)
    except WebhookSettingsError:
        return AttemptResult(status_code=None, error=REFUSED, duration_ms=0)
    headers.update(host_header)
    try:
        # Streamed and closed unread: a receiver's answer body is never needed nor trusted.
        with client.stream(
            "POST", url, content=body, headers=headers, extensions=extensions
        ) as response:
            code, error = response.status_code, ""
    except httpx.TimeoutException as exc:
        code, error = None, f"timeout ({type(exc).__name__})"
    except (httpx.HTTPError, ValueError) as exc:
        code, error = None, f"{type(exc).__name__}: {exc}"[:ERROR_TEXT_LIMIT]
    duration = int((time.monotonic() - started) * 1000)
    if code is not None and not 200 <= code < 300:
        error = f"HTTP {code}"
    return AttemptResult(status_code=code, error=error, duration_ms=duration)


def _record(delivery_id: int, result: AttemptResult) -> str:
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
        WebhookAttempt.objects.create(
            delivery=delivery,
            status_code=result.status_code,
            error=result.error,
            duration_ms=result.duration_ms,
        )
        delivery.attempt_count += 1
        now = timezone.now()
        if result.ok:
            delivery.state, delivery.delivered_at, delivery.next_attempt_at = (
                State.DELIVERED,
                now,
                None,
            )
        else:
            delivery.next_attempt_at = now + next_delay(delivery.attempt_count)
            if delivery.next_attempt_at > delivery.created_at + retry_window():
                delivery.state, delivery.next_attempt_at = State.GAVE_UP, None
                log.warning("webhook %s to %s: gave up", delivery.pk, delivery.url)
        delivery.save(update_fields=["state", "attempt_count", "next_attempt_at", "delivered_at"])
        return delivery.state


def next_delay(attempt_count: int) -> timedelta:
    return BACKOFF[min(attempt_count, len(BACKOFF)) - 1]


def retry_window() -> timedelta:
    return timedelta(hours=_setting("WEBHOOK_RETRY_HOURS", 24))


def deliver_due_webhooks_task() -> str:
    """django-q2 schedule "deliver-webhooks", every minute, separate from the poll sweep.

    Drains what is due, then keeps watching for WEBHOOK_TASK_SECONDS (50 s by default, so a
    delivery leaves about a second after it is due; Q_WORKERS leaves a worker for the rest).
    """
    deadline = time.monotonic() + _setting("WEBHOOK_TASK_SECONDS", 0)
    drain_until = time.monotonic() + 50
    total = DeliveryReport()
    sentinel = os.getppid()
    while not cluster_stopping(sentinel):  # qcluster stopping: end within a second
        close_old_connections()
        report = deliver_due()
        for name in ("attempted", "delivered", "failed", "gave_up"):
            setattr(total, name, getattr(total, name) + getattr(report, name))
        now = time.monotonic()
        if report.attempted == 0 and now >= deadline or now >= max(deadline, drain_until):
            break
        if report.attempted == 0:
            time.sleep(1.0)
    return (
        f"{total.attempted} attempts: {total.delivered} delivered, "
        f"{total.failed} failed, {total.gave_up} gave up"
    )
