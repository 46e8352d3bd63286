"""Reseller API keys: shown once at creation, stored only as a SHA-256 hash.

A key is 256 random bits, so a plain (unsalted) SHA-256 is enough to look it up safely: there
is nothing to brute-force, and the lookup stays one indexed query.
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.api.allowlist import normalize_allow_list
from orders.errors import OrderError
from orders.models import ApiKey, Reseller
from orders.staff.audit import Action, record

KEY_PREFIX = "rk_"
SHOWN_PREFIX_LENGTH = 11  # "rk_" and 8 random characters, enough to tell keys apart
# last_used_at is written at most this often per key, so a busy key does not write every request.
LAST_USED_RESOLUTION = timedelta(seconds=30)


class ApiKeyError(OrderError):
    code = "api_key_error"
    field = "name"


def hash_key(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode("utf-8", "surrogatepass")).hexdigest()


def api_key_create(
    *, reseller: Reseller, name: str, actor=None, request=None
) -> tuple[str, ApiKey]:
    """A new key for `reseller`; the plaintext is returned here and never again."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ApiKeyError(_("Name the key (up to 100 characters), e.g. 'shop server'."))
    plaintext = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        key = ApiKey.objects.create(
            reseller=reseller,
            name=name,
            prefix=plaintext[:SHOWN_PREFIX_LENGTH],
            key_hash=hash_key(plaintext),
        )
        record(actor, Action.API_KEY_CREATED, reseller=reseller, target=key,
               details={"name": name, "prefix": key.prefix}, request=request)  # fmt: skip
    return plaintext, key


def api_key_revoke(
    *, key_id: int, reseller: Reseller | None = None, actor=None, request=None
) -> ApiKey:
    """Revoke a key (a reseller only their own; staff pass no reseller). Idempotent."""
    keys = ApiKey.objects.all() if reseller is None else ApiKey.objects.filter(reseller=reseller)
    with transaction.atomic():
        key = keys.select_for_update().get(pk=key_id)
        if key.revoked_at is None:
            key.revoked_at = timezone.now()
            key.save(update_fields=["revoked_at"])
            record(actor, Action.API_KEY_REVOKED, reseller=key.reseller, target=key,
                   details={"name": key.name, "prefix": key.prefix}, request=request)  # fmt: skip
    return key


def api_key_authenticate(plaintext: str, ip: str | None = None) -> ApiKey | None:
    """The active key with this plaintext (its reseller loaded), recording its use; else None."""
    if not plaintext or len(plaintext) > 200:
        return None
    key = (
        ApiKey.objects.select_related("reseller")
        .filter(key_hash=hash_key(plaintext), revoked_at__isnull=True)
        .first()
    )
    if key is not None:
        _note_use(key, ip)
    return key


def api_key_set_allow_list(
    *, key_id: int, allowed_ips: str, reseller: Reseller | None = None, actor=None, request=None
):
    """Set a key's IP allow-list (a reseller only their own; staff pass no reseller)."""
    keys = ApiKey.objects.all() if reseller is None else ApiKey.objects.filter(reseller=reseller)
    with transaction.atomic():
        key = keys.select_for_update().get(pk=key_id)
        before, key.allowed_ips = key.allowed_ips, normalize_allow_list(allowed_ips)
        key.save(update_fields=["allowed_ips"])
        if key.allowed_ips != before:
            details = {"before": before, "after": key.allowed_ips}
            record(actor, Action.KEY_ALLOWLIST_CHANGE, reseller=key.reseller, target=key,
                   details=details, request=request)  # fmt: skip
    return key


def _note_use(key: ApiKey, ip: str | None) -> None:
    now = timezone.now()
    recent = key.last_used_at and now - key.last_used_at < LAST_USED_RESOLUTION
    if recent and (ip is None or ip == key.last_used_ip):
        return
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=now, last_used_ip=ip or key.last_used_ip)
    key.last_used_at, key.last_used_ip = now, ip or key.last_used_ip
