"""Which English strings a reseller can meet, read from the sources the way makemessages reads
them: {% translate %} / {% blocktranslate %} in the reseller templates (through Django's own
templatize), gettext calls in the reseller-facing Python, and the API spec's prose shown on the
docs page."""

import ast
import io
import tokenize
from pathlib import Path

from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parents[2]

# Pages a reseller sees (the staff admin's templates and code are not among them).
RESELLER_TEMPLATES = ["templates/base.html", "templates/panel", "templates/registration",
                      "templates/api"]  # fmt: skip
# Forms, views and the services whose messages reach a reseller's screen or API answer.
RESELLER_PYTHON = ["panel", "orders"]
NOT_RESELLER_PYTHON = ("orders/admin", "orders/api/admin.py", "orders/management",
                       "orders/migrations", "panel/settings.py")  # fmt: skip

GETTEXT = {"_", "gettext", "gettext_lazy", "gettext_noop", "pgettext", "pgettext_lazy",
           "ngettext", "ngettext_lazy", "npgettext", "npgettext_lazy"}  # fmt: skip


def _files(roots: list[str], suffix: str, skip=()) -> list[Path]:
    found = []
    for root in roots:
        path = ROOT / root
        for file in [path] if path.is_file() else sorted(path.rglob(f"*{suffix}")):
            relative = file.relative_to(ROOT).as_posix()
            if not relative.startswith(skip):
                found.append(file)
    return found


def _msgids_in_code(source: str) -> set[tuple[str | None, str]]:
    """(context, msgid) of every gettext-style call with literal strings; plural forms count
    as two msgids (singular and plural)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in GETTEXT:
            continue
        strings = [a.value for a in node.args if isinstance(a, ast.Constant)]
        strings = [s for s in strings if isinstance(s, str)]
        context = None
        if name.startswith(("pgettext", "npgettext")) and strings:
            context, strings = strings[0], strings[1:]
        plural = name.startswith(("ngettext", "npgettext"))
        for text in strings[:2] if plural else strings[:1]:
            found.add((context, text))
    return found


def _msgids_in_template(path: Path) -> set[tuple[str | None, str]]:
    # templatize gives Python-like text for xgettext; its calls are read token by token.
    found = set()
    tokens = list(tokenize.generate_tokens(io.StringIO(templatize(path.read_text())).readline))
    for i, token in enumerate(tokens):
        if token.type != tokenize.NAME or token.string not in GETTEXT:
            continue
        if i + 1 >= len(tokens) or tokens[i + 1].string != "(":
            continue
        call = [token.string, "("]
        depth = 0
        for following in tokens[i + 1 :]:
            if following.string == "(":
                depth += 1
            elif following.string == ")":
                depth -= 1
            if following is not tokens[i + 1]:
                call.append(following.string)
            if depth == 0:
                break
        found |= _msgids_in_code(" ".join(call))
    return found


def reseller_strings() -> dict[tuple[str | None, str], str]:
    """(context, msgid) -> where it is used."""
    found: dict[tuple[str | None, str], str] = {}
    for path in _files(RESELLER_TEMPLATES, ".html"):
        for key in _msgids_in_template(path):
            found.setdefault(key, path.relative_to(ROOT).as_posix())
    for path in _files(RESELLER_PYTHON, ".py", skip=NOT_RESELLER_PYTHON):
        for key in _msgids_in_code(path.read_text()):
            found.setdefault(key, path.relative_to(ROOT).as_posix())
    from orders.api.docs import spec_prose

    for text in spec_prose():
        found.setdefault((None, text), "orders/api/openapi.py (shown on /api/v1/docs)")
    return found
