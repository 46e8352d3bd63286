"""/api/v1/openapi.json and /api/v1/docs: the spec, and a page rendered from it.

The page shows the spec's English prose in the reader's language: each summary and description
is looked up in the Bangla catalogue by its English text (tests/i18n checks that every one has a
translation). openapi.json itself stays English."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from orders.api.openapi import SPEC

SCHEMA_PREFIX = "#/components/schemas/"


@require_GET
def openapi_json(request):
    return JsonResponse(SPEC, json_dumps_params={"indent": 2})


@require_GET
def docs(request):
    info = {**SPEC["info"], "description": prose(SPEC["info"].get("description", ""))}
    context = {"info": info, "operations": operations(), "schemas": schemas()}
    return render(request, "api/docs.html", context)


def prose(text: str) -> str:
    """The spec's English text in the active language (unchanged when there is none)."""
    return gettext(text) if text else ""


def spec_prose() -> set[str]:
    """Every piece of the spec's prose the docs page shows, in English."""
    with translation.override("en"):
        found = {SPEC["info"].get("description", "")}
        for op in operations():
            found |= {op["summary"], op["description"]}
            found |= {p["description"] for p in op["parameters"]}
            found |= {f["description"] for f in op["body"]}
            found |= {r["description"] for r in op["responses"]}
        for schema in schemas():
            found |= {f["description"] for f in schema["fields"]}
    return found - {""}


def operations() -> list[dict]:
    found = []
    for path, methods in SPEC["paths"].items():
        for method, operation in methods.items():
            found.append(
                {
                    "method": method.upper(),
                    "path": "/api/v1" + path,
                    "anchor": operation["operationId"],
                    "summary": prose(operation["summary"]),
                    "description": prose(operation.get("description", "")),
                    "parameters": [
                        {**p, "description": prose(p.get("description", ""))}
                        for p in operation.get("parameters", [])
                    ],
                    "body": _body_fields(operation),
                    "responses": [
                        {
                            "status": code,
                            "description": prose(r["description"]),
                            "schema": _schema(r),
                        }
                        for code, r in operation["responses"].items()
                    ],
                }
            )
    return found


def _body_fields(operation: dict) -> list[dict]:
    if "requestBody" not in operation:
        return []
    schema = _resolve(operation["requestBody"]["content"]["application/json"]["schema"])
    required = set(schema.get("required", []))
    return [
        {
            **field,
            "name": name,
            "required": name in required,
            "type": _type(field),
            "description": prose(field.get("description", "")),
        }
        for name, field in schema["properties"].items()
    ]


def _schema(response: dict) -> str:
    content = response.get("content", {}).get("application/json")
    if not content:
        return ""
    return content["schema"]["$ref"].removeprefix(SCHEMA_PREFIX)


def _resolve(schema: dict) -> dict:
    if "$ref" in schema:
        return SPEC["components"]["schemas"][schema["$ref"].removeprefix(SCHEMA_PREFIX)]
    return schema


def _type(field: dict) -> str:
    if "$ref" in field:
        return field["$ref"].removeprefix(SCHEMA_PREFIX)
    if "oneOf" in field:
        return " or ".join(option["type"] for option in field["oneOf"])
    if field.get("type") == "array":
        return "array of " + _type(field["items"])
    return field.get("type", "")


def schemas() -> list[dict]:
    shown = ("Order", "OrderPage", "Balance", "PayIn", "Error")
    return [
        {"name": name, "fields": _fields(SPEC["components"]["schemas"][name])} for name in shown
    ]


def _fields(schema: dict) -> list[dict]:
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "required": name in required,
            "type": _type(field),
            "nullable": field.get("nullable", False),
            "enum": field.get("enum"),
            "description": prose(field.get("description", "")),
        }
        for name, field in schema["properties"].items()
    ]
