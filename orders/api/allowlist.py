"""An API key's optional IP allow-list: CIDRs (or single addresses), one a line or by commas."""

import ipaddress
import logging

from django.utils.translation import gettext as _

from orders.errors import OrderError

log = logging.getLogger(__name__)
MAX_ENTRIES = 50


class AllowListError(OrderError):
    code = "bad_allow_list"
    field = "allowed_ips"


def parse_allow_list(text: str) -> list:
    """The networks named in `text` (empty: any address). Raises AllowListError."""
    items = [item.strip() for item in (text or "").replace(",", "\n").splitlines() if item.strip()]
    if len(items) > MAX_ENTRIES:
        raise AllowListError(_("At most %(n)s addresses or networks.") % {"n": MAX_ENTRIES})
    networks = []
    for item in items:
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise AllowListError(
                _("%(item)s is not an IP address or network (e.g. 203.0.113.0/24).")
                % {"item": item[:60]}
            ) from None
    return networks


def normalize_allow_list(text: str) -> str:
    """The allow-list as stored: one network a line, validated."""
    return "\n".join(str(network) for network in parse_allow_list(text))


def address_allowed(allow_list: str, ip: str) -> bool:
    if not allow_list.strip():
        return True
    try:
        address = ipaddress.ip_address(ip)
        networks = parse_allow_list(allow_list)
    except (ValueError, AllowListError):
        return False
    return any(address in network for network in networks)
