"""The callback-URL rule, one for the Developer page, the staff admin and every delivery."""

import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.utils.translation import gettext as _

from orders.errors import OrderError


class WebhookSettingsError(OrderError):
    code = "invalid_callback_url"
    field = "callback_url"


# --- The callback-URL rule --------------------------------------------------------------------
#
# One rule for the Developer page, the staff admin and every delivery (checked again right
# before sending; the request then goes to the address that was checked, so a DNS answer that
# changes between check and connect cannot point it elsewhere). In production
# (WEBHOOK_ALLOW_PRIVATE_URLS off, its default unless DEBUG): https only; a host name in plain
# DNS form (numeric or shortened spellings such as 2130706433, 0x7f000001, 127.1 or a trailing
# dot are refused: resolvers read them as addresses) or a canonical IP literal; and every
# address the name resolves to must be public.

REFUSED = "refused: not a public address"
_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
_HOST_NAME = re.compile(rf"(?:{_LABEL}\.)+[a-z](?:[a-z0-9-]{{0,61}}[a-z0-9])?")


class RefusedCallbackURL(WebhookSettingsError):
    """The URL's host is not (or does not resolve only to) public addresses."""


class UnresolvedCallbackURL(WebhookSettingsError):
    """The URL's host name has no address now (a DNS failure: worth trying again later)."""


@dataclass(frozen=True)
class CheckedURL:
    url: str
    host: str  # the host name as sent in Host and SNI (IDNA-encoded)
    port: int | None
    addresses: tuple[str, ...]  # checked public addresses; empty: private URLs are allowed

    def request(self) -> tuple[str, dict, dict]:
        """(URL to connect to, extra headers, httpx extensions): the first checked address,
        with the host name in the Host header and as TLS server name (certificate checked
        against the name, not the address)."""
        if not self.addresses:
            return self.url, {}, {}
        address = self.addresses[0]
        parts = urlsplit(self.url)
        netloc = f"[{address}]" if ":" in address else address
        host = f"[{self.host}]" if ":" in self.host else self.host
        if self.port is not None:
            netloc, host = f"{netloc}:{self.port}", f"{host}:{self.port}"
        url = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
        return url, {"Host": host}, {"sni_hostname": self.host.strip("[]")}


def check_callback_url(url: str) -> CheckedURL:
    """The callback-URL rule (see above); raises WebhookSettingsError (or a subclass)."""
    try:
        parts = urlsplit(url)
        port = parts.port
        host = parts.hostname
    except ValueError:
        host = None
    if not host or parts.scheme not in ("http", "https") or len(url) > 500:
        raise WebhookSettingsError(_("Enter an http:// or https:// URL (up to 500 characters)."))
    if getattr(settings, "WEBHOOK_ALLOW_PRIVATE_URLS", settings.DEBUG):
        return CheckedURL(url, host, port, ())
    if parts.scheme != "https":
        raise WebhookSettingsError(_("The callback URL must use https://."))
    if parts.username is not None or parts.password is not None:
        raise RefusedCallbackURL(_("Refused: not a public address."))
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [literal]
    else:
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise RefusedCallbackURL(_("Refused: not a public address.")) from None
        if not _HOST_NAME.fullmatch(host):
            raise RefusedCallbackURL(_("Refused: not a public address."))
        addresses = _resolve(host, port or 443)
    if not addresses or not all(is_public_address(address) for address in addresses):
        raise RefusedCallbackURL(_("Refused: not a public address."))
    return CheckedURL(url, host, port, tuple(dict.fromkeys(str(a) for a in addresses)))


def _resolve(host: str, port: int) -> list:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):  # socket.gaierror is an OSError
        raise UnresolvedCallbackURL(_("The callback URL must be a public address.")) from None
    addresses = []
    for *_ignored, sockaddr in found:
        try:
            addresses.append(ipaddress.ip_address(str(sockaddr[0]).split("%")[0]))
        except ValueError:
            raise RefusedCallbackURL(_("Refused: not a public address.")) from None
    return addresses


def is_public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Globally routable unicast: not loopback, private, link-local, shared (CGNAT 100.64/10),
    multicast, reserved or unspecified; an IPv6 form of an IPv4 address is judged as that."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo or (None, None))[1]
        if embedded is not None and not is_public_address(embedded):
            return False
    return address.is_global and not (
        address.is_multicast
        or address.is_loopback
        or address.is_link_local
        or address.is_private
        or address.is_reserved
        or address.is_unspecified
    )
