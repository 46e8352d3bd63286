"""/_sandbox/*: what tests and people use to steer the sandbox. No fault switch applies here."""

from __future__ import annotations

import html
import time
from typing import Any

from aiohttp import web

from . import nictbd, trustedpay
from .responses import JSON, SANDBOX
from .state import Sandbox


def sandbox_of(request: web.Request) -> Sandbox:
    return request.app[SANDBOX]


def bad_request(message: str) -> web.Response:
    return web.json_response({"ok": False, "error": message}, status=400)


async def read_object(request: web.Request) -> dict[str, Any] | None:
    try:
        body = await request.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


async def stats(request: web.Request) -> web.Response:
    return web.json_response(sandbox_of(request).state.stats())


async def status_checks(request: web.Request) -> web.Response:
    return web.json_response({"cashin": sandbox_of(request).state.status_checks_by_reference()})


async def show_config(request: web.Request) -> web.Response:
    return web.json_response(sandbox_of(request).config.as_dict())


async def change_config(request: web.Request) -> web.Response:
    changes = await read_object(request)
    if changes is None:
        return bad_request("send a JSON object of config fields")
    sandbox = sandbox_of(request)
    try:
        sandbox.config.update(changes)
    except ValueError as exc:
        return bad_request(str(exc))
    return web.json_response(sandbox.config.as_dict())


async def reset(request: web.Request) -> web.Response:
    sandbox_of(request).reset()
    return web.json_response({"ok": True})


def force_record(sandbox: Sandbox, base_url: str, kind: str, reference: str, status: str) -> bytes:
    """Set a record's provider status now; answers what its status check now says.

    KeyError when there is no such record, ValueError for a status the provider does not use.
    """
    state, hostile_fields = sandbox.state, sandbox.config.hostile_fields
    if kind == "client_reference":
        order = state.force_order(reference, status)
        misreports = sandbox.config.nictbd_misreports
        return nictbd.render_status(order, time.monotonic(), hostile_fields, misreports)
    payin = state.force_payin(reference, status)
    return trustedpay.render_payin(payin, time.monotonic(), base_url, hostile_fields=hostile_fields)


async def force(request: web.Request) -> web.Response:
    body = await read_object(request) or {}
    kind = next((key for key in ("client_reference", "external_id") if key in body), None)
    status = body.get("status")
    if kind is None or not isinstance(status, str):
        return bad_request('send {"client_reference" or "external_id": ..., "status": ...}')
    try:
        record = force_record(
            sandbox_of(request), trustedpay.base_url(request), kind, str(body[kind]), status
        )
    except KeyError:
        return web.json_response({"ok": False, "error": "no such record"}, status=404)
    except ValueError as exc:
        return bad_request(str(exc))
    return web.Response(body=record, content_type=JSON)


PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Sandbox payment {external_id}</title></head>
<body>
<h1>Sandbox payment page</h1>
<p>Pay <strong>{amount} BDT</strong> with {wallet} from {mobile} ({customer}).</p>
<p>Payment {external_id} is <strong id="status">{status}</strong>.</p>
<form method="post">
<button name="status" value="success">Pay</button>
<button name="status" value="failed">Fail</button>
<button name="status" value="canceled">Cancel</button>
</form>
</body></html>
"""


async def pay_page(request: web.Request) -> web.Response:
    """The payment link's target: what a customer would see, with buttons to decide it."""
    payin = sandbox_of(request).state.payins.get(request.match_info["external_id"])
    if payin is None:
        return web.Response(status=404, text="<h1>Payment not found</h1>", content_type="text/html")
    data = payin.payment_data
    page = PAGE.format(
        external_id=html.escape(payin.external_id),
        amount=html.escape(f"{payin.amount:.2f}"),
        wallet=html.escape(data["wallet_provider"]),
        mobile=html.escape(data["mobile_number"]),
        customer=html.escape(data["customer_name"]),
        status=html.escape(payin.status_at(time.monotonic())[0]),
    )
    return web.Response(text=page, content_type="text/html")


async def pay_decide(request: web.Request) -> web.Response:
    external_id = request.match_info["external_id"]
    form = await request.post()
    try:
        sandbox_of(request).state.force_payin(external_id, str(form.get("status", "")))
    except KeyError:
        return web.Response(status=404, text="<h1>Payment not found</h1>", content_type="text/html")
    except ValueError as exc:
        return web.Response(status=400, text=html.escape(str(exc)), content_type="text/html")
    raise web.HTTPSeeOther(request.path)


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/_sandbox/stats", stats)
    router.add_get("/_sandbox/status-checks", status_checks)
    router.add_get("/_sandbox/config", show_config)
    router.add_post("/_sandbox/config", change_config)
    router.add_post("/_sandbox/reset", reset)
    router.add_post("/_sandbox/force", force)
    router.add_get("/_sandbox/pay/{external_id}", pay_page)
    router.add_post("/_sandbox/pay/{external_id}", pay_decide)
