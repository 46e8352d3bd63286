"""API errors: every failure is a JSON body {"message", "code"[, "errors"]}."""

from django.http import JsonResponse

from orders.errors import (
    InsufficientBalance,
    InvalidAmount,
    InvalidReceiver,
    LimitExceeded,
    OrderError,
    PayInRejected,
    ReferenceConflict,
    ResellerSuspended,
)

FIELD_ERRORS = (InvalidReceiver, InvalidAmount, LimitExceeded, InsufficientBalance)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, errors: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.errors = status, code, message, errors

    def response(self) -> JsonResponse:
        body = {"message": self.message, "code": self.code}
        if self.errors is not None:
            body["errors"] = self.errors
        return JsonResponse(body, status=self.status)


def invalid(errors: dict[str, list[str]], message: str = "Please correct the fields.") -> ApiError:
    return ApiError(422, "validation_error", message, errors)


def not_found(message: str = "Not found.") -> ApiError:
    return ApiError(404, "not_found", message)


def from_order_error(error: OrderError, *, field_names: dict | None = None) -> ApiError:
    """Translate a service's domain error to its HTTP form."""
    if isinstance(error, ResellerSuspended):
        return ApiError(403, error.code, error.message)
    if isinstance(error, ReferenceConflict):
        return ApiError(409, error.code, error.message)
    if isinstance(error, PayInRejected):
        return ApiError(422, error.code, error.message, error.field_errors)
    field = (field_names or {}).get(error.field, error.field) or "non_field_errors"
    return ApiError(422, error.code, error.message, {field: [error.message]})
