"""The gateways the panel uses, built from Django settings once per process.

`get_cashin_gateway()` / `get_payin_gateway()` return a cached gateway, so its HTTP connections
are kept alive between calls. A forked worker (django-q) builds its own instead of sharing
the parent's sockets. Tests that change settings call `reset_gateways()`. To build one with
explicit arguments (tests, bench), call `build_cashin_gateway(**overrides)` /
`build_payin_gateway(**overrides)` or the gateway classes directly; those are not cached.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any

from gateways.nictbd import NictbdGateway
from gateways.trustedpay import TrustedPayGateway

_lock = threading.Lock()
_gateways: dict[str, Any] = {}
_pid = os.getpid()


def _setting(name: str, default: Any = "") -> Any:
    from django.conf import settings

    return getattr(settings, name, default)


def build_cashin_gateway(**overrides: Any) -> NictbdGateway:
    """A new NictbdGateway from NICTBD_* settings; keyword arguments replace settings."""
    arguments = {
        "base_url": _setting("NICTBD_BASE_URL"),
        "store_id": _setting("NICTBD_STORE_ID"),
        "api_key": _setting("NICTBD_API_KEY"),
        "api_secret": _setting("NICTBD_API_SECRET"),
        "connect_timeout": _setting("NICTBD_CONNECT_TIMEOUT", 5.0),
        "read_timeout": _setting("NICTBD_READ_TIMEOUT", 20.0),
    }
    return NictbdGateway(**{**arguments, **overrides})


def build_payin_gateway(**overrides: Any) -> TrustedPayGateway:
    """A new TrustedPayGateway from TRUSTEDPAY_* settings; keyword arguments replace settings."""
    arguments = {
        "base_url": _setting("TRUSTEDPAY_BASE_URL"),
        "shop_code": _setting("TRUSTEDPAY_SHOP_CODE"),
        "api_key": _setting("TRUSTEDPAY_API_KEY"),
        "api_secret": _setting("TRUSTEDPAY_API_SECRET"),
        "callback_url": _setting("TRUSTEDPAY_CALLBACK_URL"),
        "connect_timeout": _setting("TRUSTEDPAY_CONNECT_TIMEOUT", 5.0),
        "read_timeout": _setting("TRUSTEDPAY_READ_TIMEOUT", 20.0),
    }
    return TrustedPayGateway(**{**arguments, **overrides})


def _cached(name: str, build: Callable[[], Any]) -> Any:
    global _pid
    with _lock:
        if _pid != os.getpid():
            # Forked: the parent's pooled sockets are not ours to use or to close.
            _gateways.clear()
            _pid = os.getpid()
        gateway = _gateways.get(name)
        if gateway is None:
            gateway = _gateways[name] = build()
        return gateway


def get_cashin_gateway() -> NictbdGateway:
    return _cached("cashin", build_cashin_gateway)


def get_payin_gateway() -> TrustedPayGateway:
    return _cached("payin", build_payin_gateway)


def reset_gateways() -> None:
    """Close and forget the cached gateways; the next get_* builds them from settings again."""
    with _lock:
        gateways = list(_gateways.values()) if _pid == os.getpid() else []
        _gateways.clear()
    for gateway in gateways:
        gateway.close()
