"""The audit log: one function writes every entry, inside the transaction of its cause."""

import ipaddress

from orders.models import AuditEntry
from panel.security.clientip import client_ip as real_client_ip

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
    """The client's address under the TRUSTED_PROXIES rule, or None outside a request."""
    if request is None:
        return None
    raw = real_client_ip(request)
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None
