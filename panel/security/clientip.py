"""The client's address: the direct peer, or X-Forwarded-For when the peer is a trusted proxy.

Only proxies named in TRUSTED_PROXIES may speak for the client. Walking X-Forwarded-For from
the right, each hop added by a trusted proxy is skipped; the first address not in
TRUSTED_PROXIES is the client. Anything an untrusted peer sends in the header is ignored.
"""

import ipaddress

from django.conf import settings


def _parse(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address) -> bool:
    return any(address in network for network in settings.TRUSTED_PROXIES)


def client_ip(request) -> str:
    peer = _parse(request.META.get("REMOTE_ADDR", "")) or ipaddress.IPv4Address(0)
    if not _trusted(peer):
        return str(peer)
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    client = peer
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:  # a garbled hop: trust nothing left of it
            break
        client = address
        if not _trusted(address):
            break
    return str(client)
