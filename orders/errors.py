"""Domain errors: each carries a message a reseller or staff member can act on."""


class OrderError(Exception):
    code = "order_error"
    field: str | None = None

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidReceiver(OrderError):
    code = "invalid_receiver"
    field = "receiver_number"


class InvalidAmount(OrderError):
    code = "invalid_amount"
    field = "amount"


class ResellerSuspended(OrderError):
    code = "reseller_suspended"


class LimitExceeded(OrderError):
    code = "limit_exceeded"
    field = "amount"


class InsufficientBalance(OrderError):
    code = "insufficient_balance"
    field = "amount"


class ReferenceConflict(OrderError):
    code = "reference_conflict"
    field = "client_reference"


class PayInReferenceConflict(ReferenceConflict):
    code = "reference_conflict"
    field = None  # the reference is not a field the reseller typed in the panel


class InvalidReference(OrderError):
    code = "invalid_reference"
    field = "client_reference"


class InvalidTransition(OrderError):
    code = "invalid_transition"


class PayInRejected(OrderError):
    code = "payin_rejected"

    def __init__(self, message: str, field_errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.field_errors = field_errors or {}


class InvalidTransfer(OrderError):
    code = "invalid_transfer"


class SubResellerRefused(OrderError):
    """A sub-reseller cannot be created or changed this way (depth, limits, plan)."""

    code = "sub_reseller_refused"

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field
