"""The API of sub-resellers: list and create them, move balance to and from them."""

from django.core.exceptions import ValidationError
from django.http import JsonResponse

from orders.api.auth import api_endpoint
from orders.api.errors import ApiError, invalid
from orders.api.inputs import Fields, json_object
from orders.api.serialize import money, when
from orders.errors import SubResellerRefused
from orders.models import Reseller
from orders.wallet.transfers import transfer_create
from orders.wallet.tree import children, sub_reseller_create

CHILD_FIELDS = ("username", "password", "name", "phone", "max_amount", "daily_limit")
TRANSFER_FIELDS = ("to", "amount", "direction", "reference", "note")


def child_json(child: Reseller) -> dict:
    return {
        "username": child.user.get_username(),
        "name": child.name,
        "phone": child.phone or None,
        "state": child.state,
        "balance": money(child.balance),
        "max_amount": money(child.cashin_max),
        "daily_limit": money(child.cashin_daily_limit),
        "created_at": when(child.created_at),
    }


@api_endpoint("GET", "POST")
def sub_resellers(request):
    if request.method == "GET":
        rows = children(request.reseller).order_by("pk")
        return JsonResponse({"results": [child_json(c) for c in rows]})
    fields = Fields(json_object(request))
    values = {
        "username": fields.text("username", max_length=150),
        "password": fields.text("password", max_length=128),
        "name": fields.text("name", required=False, max_length=100),
        "phone": fields.text("phone", required=False, max_length=20),
    }
    limits = {n: fields.amount(n) for n in ("max_amount", "daily_limit") if n in fields.data}
    fields.done(known=CHILD_FIELDS)
    try:
        child = sub_reseller_create(parent=request.reseller, limits=limits, **values)
    except SubResellerRefused as error:
        raise invalid({error.field or "non_field_errors": [error.message]}, error.message) from None
    except ValidationError as error:
        raise invalid({"password": list(error.messages)}) from None
    return JsonResponse(child_json(child), status=201)


@api_endpoint("POST")
def transfers(request):
    fields = Fields(json_object(request))
    to = fields.text("to", max_length=150)
    amount = fields.amount()
    direction = fields.text("direction", required=False, max_length=4) or "down"
    reference = fields.text("reference", required=False, max_length=64)
    note = fields.text("note", required=False, max_length=200)
    if direction not in ("down", "up"):
        fields.error("direction", "down or up")
    fields.done(known=TRANSFER_FIELDS)
    child = children(request.reseller).filter(user__username=to).first()
    if child is None:
        raise ApiError(404, "not_found", "No such sub-reseller.")
    outcome = transfer_create(parent=request.reseller, child_id=child.pk, amount=amount,
                              direction=direction, note=note, reference=reference)  # fmt: skip
    transfer = outcome.transfer
    body = {
        "id": transfer.pk,
        "to": to,
        "amount": money(transfer.amount),
        "direction": transfer.direction,
        "reference": transfer.reference or None,
        "note": transfer.note,
        "created_at": when(transfer.created_at),
    }
    return JsonResponse(body, status=201 if outcome.created else 200)
