"""`api_endpoint`: bearer-key authentication, per-key rate limit and JSON errors for a view.

The view gets `request.reseller` and `request.api_key`, and may raise ApiError or a domain
OrderError; both become JSON answers. Rate limit: API_RATE_LIMIT requests per key per
minute, one count for all processes (orders/api/ratelimit.py).
"""

import functools

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from orders.api.allowlist import address_allowed
from orders.api.allowlist import log as allow_list_log
from orders.api.errors import ApiError, from_order_error
from orders.api.keys import api_key_authenticate
from orders.api.ratelimit import count_request, seconds_left_in_window
from orders.errors import OrderError
from panel.security.clientip import client_ip


def api_endpoint(*methods: str):
    def decorate(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                if request.method not in methods:
                    return _method_not_allowed(methods)
                _authenticate(request)
                return view(request, *args, **kwargs)
            except ApiError as error:
                return _with_retry_after(error)
            except OrderError as error:
                return from_order_error(error).response()

        return wrapped

    return decorate


def _method_not_allowed(methods) -> JsonResponse:
    response = ApiError(405, "method_not_allowed", _("Method not allowed.")).response()
    response["Allow"] = ", ".join(methods)
    return response


def _with_retry_after(error: ApiError) -> JsonResponse:
    response = error.response()
    if error.status == 429:
        response["Retry-After"] = str(seconds_left_in_window())
    if error.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _authenticate(request) -> None:
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    ip = client_ip(request)
    key = api_key_authenticate(token.strip(), ip=ip) if scheme.lower() == "bearer" else None
    if key is None:
        raise ApiError(
            401, "unauthorized", _("Send a valid API key as 'Authorization: Bearer <key>'.")
        )
    _count_request(key.pk)
    if not address_allowed(key.allowed_ips, ip):
        allow_list_log.warning("API key %s refused from %s: not in its IP allow-list", key.pk, ip)
        raise ApiError(
            403,
            "ip_not_allowed",
            _("This key may not be used from your address (%(ip)s).") % {"ip": ip},
        )
    if not key.reseller.is_active:
        raise ApiError(403, "reseller_suspended", _("Your account is suspended; contact support."))
    request.api_key, request.reseller = key, key.reseller


def _count_request(key_id: int) -> None:
    limit = getattr(settings, "API_RATE_LIMIT", 120)
    if count_request(key_id) > limit:
        raise ApiError(
            429, "rate_limited", _("Too many requests: at most %(n)s a minute.") % {"n": limit}
        )
