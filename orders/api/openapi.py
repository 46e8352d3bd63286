"""The OpenAPI 3 document of the reseller API, served at /api/v1/openapi.json and rendered at
/api/v1/docs. Tests run schemathesis against the live server with it, so it must stay true.
Status names come from the declared lifecycle (orders.lifecycle.declaration)."""

from orders.api.openapi_tree import tree_paths
from orders.cursors import CURSOR_PATTERN
from orders.lifecycle.declaration import CASHIN
from orders.lifecycle.declaration import PAYIN as PAYIN_LIFECYCLE

CASHIN_FINAL_NAMES = list(dict.fromkeys(s.public for s in CASHIN.states if s.final))

REFERENCE_PATTERN = r"^[A-Za-z0-9_.:/-]{1,64}$"
# No pattern on the string: what the server accepts ("1,000.50", "৫০০") must match the schema.
AMOUNT = {
    "description": "BDT, more than 0, whole or with at most 2 decimals (poisha): a JSON number "
    '(500 or 500.50, read exactly, never as a float) or a string ("500.50", "1,000.50", '
    '"৫০০.৫০"). Refused with 422 and the reason on amount: 3 or more decimals (500.500), '
    "an exponent (5e2), NaN or Infinity, true or false, a comma other than between thousands "
    "(12,50), digits other than 0–9 and ০–৯.",
    "oneOf": [
        {"type": "string", "minLength": 1, "example": "1,000.50"},
        {"type": "number", "minimum": 0, "exclusiveMinimum": True, "example": 500.5},
    ],
    "example": "500.00",
}
MONEY = {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "example": "500.00"}
CURSOR = {"type": "string", "pattern": "^" + CURSOR_PATTERN.pattern + "$"}
TIME = {"type": "string", "format": "date-time", "nullable": True}
NULLABLE_TEXT = {"type": "string", "nullable": True}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema_name: str, description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": _ref(schema_name)}},
    }


COMMON_ERRORS = {
    "400": _json("Error", "The query string holds a NUL character."),
    "401": _json("Error", "No API key, or a revoked or unknown one."),
    "403": _json(
        "Error",
        "The reseller account is suspended (code reseller_suspended), or the request comes "
        "from an address outside the key's IP allow-list (code ip_not_allowed).",
    ),
    "405": _json("Error", "Method not allowed."),
    "429": {
        **_json("Error", "Too many requests for this key in this minute."),
        "headers": {"Retry-After": {"schema": {"type": "string"}, "description": "Seconds."}},
    },
}
NOT_FOUND = {"404": _json("Error", "Not found (also when it belongs to another reseller).")}
INVALID = {"422": _json("Error", "Invalid input; `errors` has messages per field.")}

ORDER = {
    "type": "object",
    "required": [
        "order_number",
        "client_reference",
        "receiver_number",
        "amount",
        "status",
        "final",
        "created_at",
    ],  # fmt: skip
    "properties": {
        "order_number": {
            **NULLABLE_TEXT,
            "description": "The provider's order number, once known.",
        },
        "client_reference": {"type": "string"},
        "receiver_number": {"type": "string", "example": "01712345670"},
        "amount": MONEY,
        "debit_amount": MONEY,
        "fee": {**MONEY, "description": "Your rate plan's fee, fixed when the order was sent."},
        "total": {**MONEY, "description": "amount + fee: what your balance paid."},
        "currency": {"type": "string", "enum": ["BDT"]},
        "status": {"type": "string", "enum": CASHIN.public_names},
        "final": {
            "type": "boolean",
            "description": ", ".join(CASHIN_FINAL_NAMES) + " are final.",
        },
        "failure_reason": NULLABLE_TEXT,
        "operator_transaction_id": NULLABLE_TEXT,
        "refund_order_number": NULLABLE_TEXT,
        "created_at": {"type": "string", "format": "date-time"},
        "submitted_at": TIME,
        "completed_at": TIME,
    },
}
PAYIN = {
    "type": "object",
    "required": ["external_id", "amount", "status", "created_at"],
    "properties": {
        "external_id": {"type": "string"},
        "amount": MONEY,
        "currency": {"type": "string", "enum": ["BDT"]},
        "wallet_provider": {"type": "string", "enum": ["BKash", "Nagad"]},
        "mobile_number": {"type": "string"},
        "status": {"type": "string", "enum": PAYIN_LIFECYCLE.public_names},
        "payment_link": {**NULLABLE_TEXT, "description": "Send the payer here to pay."},
        "payment_link_expires_at": TIME,
        "failure_reason": NULLABLE_TEXT,
        "created_at": {"type": "string", "format": "date-time"},
        "completed_at": TIME,
    },
}
ERROR = {
    "type": "object",
    "required": ["message", "code"],
    "properties": {
        "message": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "example": {
        "message": "Please correct the fields.",
        "code": "validation_error",
        "errors": {"amount": ["The amount can have at most two decimals (poisha)."]},
    },
}
CASHIN_REQUEST = {
    "type": "object",
    "additionalProperties": False,
    "required": ["amount", "client_reference"],
    "properties": {
        "receiver_number": {
            "type": "string",
            "description": "bKash account: 01XXXXXXXXX, +8801… or 8801…, in digits 0–9 or "
            "০–৯; spaces and dashes are ignored. Kept and sent as 11 digits 0–9.",
            "example": "01712345670",
        },
        "phone": {"type": "string", "description": "Another name for receiver_number."},
        "amount": AMOUNT,
        "client_reference": {
            "type": "string",
            "pattern": REFERENCE_PATTERN,
            "description": "Your unique id for this order: sending it again is safe.",
            "example": "SHOP-2025-000123",
        },
    },
}
PAYIN_REQUEST = {
    "type": "object",
    "additionalProperties": False,
    "required": ["amount", "wallet_provider", "mobile_number", "email", "customer_name"],
    "properties": {
        "amount": AMOUNT,
        "wallet_provider": {"type": "string", "enum": ["BKash", "Nagad"]},
        "mobile_number": {
            "type": "string",
            "description": "The payer's number: 01XXXXXXXXX, +8801… or 8801…, in digits 0–9 or "
            "০–৯. Kept and sent as 11 digits 0–9.",
            "example": "01812345670",
        },
        "email": {"type": "string", "example": "payer@example.com"},
        "customer_name": {"type": "string", "example": "Rahim Uddin"},
        "external_id": {
            "type": "string",
            "pattern": "^[A-Za-z0-9._-]{0,64}$",
            "description": "Optional: your reference for this PayIn (empty: none, we make "
            "one). The same external_id again with the same payment answers 200 with the same "
            "PayIn; with another, 409.",
            "example": "SHOP-PIN-0001",
        },
    },
}


def _body(schema_name: str) -> dict:
    return {"required": True, "content": {"application/json": {"schema": _ref(schema_name)}}}


def _path_param(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "string", "pattern": REFERENCE_PATTERN}}  # fmt: skip


def _query(name: str, description: str, schema: dict) -> dict:
    # An empty value (?status=&since=) counts as not given.
    return {
        "name": name,
        "in": "query",
        "required": False,
        "allowEmptyValue": True,
        "description": description,
        "schema": schema,
    }


PATHS = {
    "/cash-in": {
        "post": {
            "operationId": "createCashIn",
            "summary": "Send a bKash Cash In",
            "description": "Debits your balance and sends the order. The same client_reference "
            "with the same body answers 200 with the same order (nothing is sent twice); with "
            "a different body, 409.",
            "requestBody": _body("CashInRequest"),
            "responses": {
                "201": _json("Order", "Created and sent."),
                "200": _json("Order", "This client_reference was already used with this body."),
                **COMMON_ERRORS,
                "409": _json("Error", "This client_reference was used with another body."),
                **INVALID,
            },
        }
    },
    "/cash-in/{client_reference}": {
        "get": {
            "operationId": "getCashIn",
            "summary": "One order by your client_reference",
            "parameters": [_path_param("client_reference", "Your reference for the order.")],
            "responses": {"200": _json("Order", "The order."), **COMMON_ERRORS, **NOT_FOUND},
        }
    },
    "/orders": {
        "get": {
            "operationId": "listOrders",
            "summary": "Your orders, newest first",
            "description": "Pass next_cursor back as cursor for the next page; null: last page.",
            "parameters": [
                _query(
                    "status",
                    "Only this status.",
                    {"type": "string", "enum": CASHIN.public_names},
                ),
                _query(
                    "since",
                    "Only orders created at or after (ISO 8601).",
                    {"type": "string", "format": "date-time"},
                ),
                _query("cursor", "next_cursor of the previous page.", CURSOR),
                _query(
                    "limit",
                    "Page size (default 50).",
                    {"type": "integer", "minimum": 1, "maximum": 200},
                ),
            ],  # fmt: skip
            "responses": {"200": _json("OrderPage", "A page."), **COMMON_ERRORS, **INVALID},
        }
    },
    "/balance": {
        "get": {
            "operationId": "getBalance",
            "summary": "Your balance",
            "responses": {"200": _json("Balance", "The balance."), **COMMON_ERRORS},
        }
    },
    "/payins": {
        "post": {
            "operationId": "createPayIn",
            "summary": "Add funds through TrustedPay",
            "description": "Creates a PayIn; send the payer to payment_link. Your balance is "
            "credited when the payment succeeds.",
            "requestBody": _body("PayInRequest"),
            "responses": {
                "201": _json("PayIn", "Created."),
                "200": _json("PayIn", "This external_id was already used for this payment."),
                "409": _json("Error", "This external_id was used for another payment."),
                **COMMON_ERRORS,
                **INVALID,
            },
        }
    },
    "/payins/{external_id}": {
        "get": {
            "operationId": "getPayIn",
            "summary": "One PayIn",
            "parameters": [_path_param("external_id", "The PayIn's external_id.")],
            "responses": {"200": _json("PayIn", "The PayIn."), **COMMON_ERRORS, **NOT_FOUND},
        }
    },
}

TREE_PATHS, TREE_SCHEMAS = tree_paths(_json, _body, COMMON_ERRORS, INVALID, MONEY, AMOUNT)
PATHS.update(TREE_PATHS)

SPEC = {
    "openapi": "3.0.3",
    "info": {
        "title": "Reseller API",
        "version": "1.0.0",
        "description": "bKash Cash In and wallet top-ups for resellers. Authenticate every "
        "request with `Authorization: Bearer <key>` (create keys under Developer → API keys). "
        "Amounts are BDT strings with two decimals; times are ISO 8601 in Asia/Dhaka.",
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearerAuth": []}],
    "paths": PATHS,
    "components": {
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Order": ORDER,
            "OrderPage": {
                "type": "object",
                "required": ["results", "next_cursor"],
                "properties": {
                    "results": {"type": "array", "items": _ref("Order")},
                    "next_cursor": NULLABLE_TEXT,
                },
            },
            "Balance": {
                "type": "object",
                "required": ["balance", "currency"],
                "properties": {"balance": MONEY, "currency": {"type": "string", "enum": ["BDT"]}},
            },
            "PayIn": PAYIN,
            "Error": ERROR,
            "CashInRequest": CASHIN_REQUEST,
            "PayInRequest": PAYIN_REQUEST,
            **TREE_SCHEMAS,
        },
    },
}
