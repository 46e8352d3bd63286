"""The reseller API (JSON in, JSON out). Each view: read input, one service call, JSON."""

from django.http import JsonResponse

from orders.api.auth import api_endpoint
from orders.api.errors import from_order_error, invalid, not_found
from orders.api.inputs import (
    Fields,
    cursor_param,
    json_object,
    query_choice,
    query_datetime,
    query_int,
)
from orders.api.selectors import orders_page, reseller_order, reseller_payin
from orders.api.serialize import ORDER_STATUS_FILTER, money, order_json, payin_json
from orders.cashin.submit import cashin_submit, validate_reference
from orders.errors import InvalidReference, OrderError
from orders.models import Reseller
from orders.payin.create import payin_create_once
from orders.polling.hurry import check_soon_if_open

CASHIN_FIELDS = ("receiver_number", "phone", "amount", "client_reference")


@api_endpoint("POST")
def cashin_create(request):
    fields = Fields(json_object(request))
    receiver = fields.text("receiver_number", aliases=("phone",), max_length=20)
    amount = fields.amount()
    reference = _reference(fields)
    fields.done(known=CASHIN_FIELDS)
    outcome = cashin_submit(
        reseller=request.reseller,
        receiver_number=receiver,
        amount=amount,
        client_reference=reference,
        source="api",
    )
    return JsonResponse(order_json(outcome.order), status=201 if outcome.created else 200)


def _reference(fields: Fields) -> str:
    reference = fields.text("client_reference", max_length=64)
    try:
        return validate_reference(reference) if reference else ""
    except InvalidReference as error:
        fields.error("client_reference", error.message)
        return ""


@api_endpoint("GET")
def cashin_detail(request, client_reference):
    order = reseller_order(reseller=request.reseller, client_reference=client_reference)
    check_soon_if_open(order)
    return JsonResponse(order_json(order))


@api_endpoint("GET")
def order_list(request):
    orders, next_cursor = orders_page(
        reseller=request.reseller,
        status=query_choice(request, "status", list(ORDER_STATUS_FILTER)),
        since=query_datetime(request, "since"),
        cursor=cursor_param(request),
        limit=query_int(request, "limit", default=50, low=1, high=200),
    )
    return JsonResponse({"results": [order_json(o) for o in orders], "next_cursor": next_cursor})


@api_endpoint("GET")
def balance(request):
    reseller = Reseller.objects.get(pk=request.reseller.pk)
    return JsonResponse({"balance": money(reseller.balance), "currency": "BDT"})


@api_endpoint("POST")
def payin_start(request):
    fields = Fields(json_object(request))
    values = {
        "amount": fields.amount(),
        "wallet_provider": fields.text("wallet_provider", max_length=10),
        "mobile_number": fields.text("mobile_number", max_length=20),
        "email": fields.text("email", max_length=254),
        "customer_name": fields.text("customer_name", max_length=100),
        "external_id": fields.text("external_id", required=False, max_length=64) or None,
    }
    fields.done(known=values)
    try:
        payin, created = payin_create_once(
            reseller=request.reseller, merchant_user_ip=_client_ip(request), **values
        )
    except OrderError as error:
        raise _payin_error(error) from None
    return JsonResponse(payin_json(payin), status=201 if created else 200)


def _payin_error(error: OrderError):
    api_error = from_order_error(error, field_names={"receiver_number": "mobile_number"})
    if api_error.status == 422 and api_error.errors is not None:
        errors = {str(k): [str(m) for m in _as_list(v)] for k, v in api_error.errors.items()}
        return invalid(errors, error.message)
    return api_error


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


@api_endpoint("GET")
def payin_detail(request, external_id):
    payin = reseller_payin(reseller=request.reseller, external_id=external_id)
    check_soon_if_open(payin)
    return JsonResponse(payin_json(payin))


@api_endpoint("GET", "POST", "PUT", "PATCH", "DELETE")
def unknown_path(request, *args, **kwargs):
    raise not_found()
