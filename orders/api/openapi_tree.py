"""The sub-reseller endpoints of the OpenAPI document (merged in orders.api.openapi)."""


def tree_paths(json, body, errors, invalid, money, amount) -> tuple[dict, dict]:
    child = {
        "type": "object",
        "required": ["username", "state", "balance"],
        "properties": {
            "username": {"type": "string"},
            "name": {"type": "string"},
            "phone": {"type": "string", "nullable": True},
            "state": {"type": "string", "enum": ["active", "suspended"]},
            "balance": money,
            "max_amount": money,
            "daily_limit": money,
            "created_at": {"type": "string", "format": "date-time"},
        },
    }
    schemas = {
        "SubReseller": child,
        "SubResellerPage": {
            "type": "object",
            "required": ["results"],
            "properties": {
                "results": {"type": "array", "items": {"$ref": "#/components/schemas/SubReseller"}}
            },
        },
        "SubResellerRequest": {
            "type": "object",
            "additionalProperties": False,
            "required": ["username", "password"],
            "properties": {
                "username": {"type": "string", "minLength": 1, "maxLength": 150},
                "password": {"type": "string", "minLength": 1},
                "name": {"type": "string"},
                "phone": {"type": "string"},
                "max_amount": amount,
                "daily_limit": amount,
            },
        },
        "Transfer": {
            "type": "object",
            "required": ["id", "to", "amount", "direction"],
            "properties": {
                "id": {"type": "integer"},
                "to": {"type": "string"},
                "amount": money,
                "direction": {"type": "string", "enum": ["down", "up"]},
                "reference": {"type": "string", "nullable": True},
                "note": {"type": "string"},
                "created_at": {"type": "string", "format": "date-time"},
            },
        },
        "TransferRequest": {
            "type": "object",
            "additionalProperties": False,
            "required": ["to", "amount"],
            "properties": {
                "to": {
                    "type": "string",
                    "minLength": 1,
                    "description": "Your sub-reseller's username.",
                },
                "amount": amount,
                "direction": {
                    "type": "string",
                    "enum": ["down", "up"],
                    "description": "down: from your wallet to theirs (default); up: back to yours.",
                },
                "reference": {
                    "type": "string",
                    "description": "Idempotency key: the same "
                    "again with the same body answers 200 with the same transfer; "
                    "with another body, 409.",
                },
                "note": {"type": "string"},
            },
        },
    }
    paths = {
        "/sub-resellers": {
            "get": {
                "operationId": "listSubResellers",
                "summary": "Your sub-resellers with their balances",
                "responses": {"200": json("SubResellerPage", "Your children."), **errors},
            },
            "post": {
                "operationId": "createSubReseller",
                "summary": "Create a sub-reseller (limits no higher than yours)",
                "requestBody": body("SubResellerRequest"),
                "responses": {"201": json("SubReseller", "Created."), **errors, **invalid},
            },
        },
        "/transfers": {
            "post": {
                "operationId": "createTransfer",
                "summary": "Move balance to or back from a sub-reseller",
                "requestBody": body("TransferRequest"),
                "responses": {
                    "201": json("Transfer", "Done."),
                    "200": json("Transfer", "This reference was already used with this body."),
                    "404": json("Error", "No such sub-reseller of yours."),
                    "409": json("Error", "This reference was used with another body."),
                    **errors,
                    **invalid,
                },
            }
        },
    }
    return paths, schemas
