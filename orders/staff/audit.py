"""The audit log: one function writes every entry, inside the transaction of its cause."""

import ipaddress

from orders.models import AuditEntry

Action = AuditEntry.Action


def record(
    actor,
    action: str,
    *,
    reseller=None,
    target=None,
    reason: str = "",
    details: dict | None = None,
    request=None,
) -> AuditEntry:
    """Append one entry. `actor` is a user, or None for the system (or an anonymous caller)."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEntry.objects.create(
        actor=actor,
        action=Action(action),
        reseller=reseller,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        reason=(reason or "").strip(),
        details=details or {},
        ip=client_ip(request),
    )


def client_ip(request) -> str | None:
    """The peer address Django saw; a trusted-proxy rule (TRUSTED_PROXIES) belongs here."""
    if request is None:
        return None
    raw = request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None
