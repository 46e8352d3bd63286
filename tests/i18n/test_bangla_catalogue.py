"""Every string a reseller can meet has a Bangla translation, and the committed django.mo says
what django.po says."""

import gettext
import re

import polib
import pytest
from django.test import Client
from django.utils import translation

from tests.i18n.catalogue import ROOT, reseller_strings

PO = ROOT / "locale/bn/LC_MESSAGES/django.po"
MO = ROOT / "locale/bn/LC_MESSAGES/django.mo"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{ *\w+ *\}\}")


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    """django.po compiled afresh (polib writes the same .mo format msgfmt does)."""
    path = tmp_path_factory.mktemp("mo") / "django.mo"
    catalogue = polib.pofile(str(PO))
    catalogue.save_as_mofile(str(path))
    with path.open("rb") as file:
        return catalogue, gettext.GNUTranslations(file)


def _translated(catalogue: polib.POFile) -> dict[tuple[str | None, str], polib.POEntry]:
    entries = {}
    for entry in catalogue:
        if entry.obsolete:
            continue
        entries[(entry.msgctxt, entry.msgid)] = entry
        if entry.msgid_plural:
            entries[(entry.msgctxt, entry.msgid_plural)] = entry
    return entries


def _is_translated(entry: polib.POEntry) -> bool:
    if "fuzzy" in entry.flags:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr.strip())


def test_every_reseller_facing_string_has_a_bangla_translation(compiled):
    catalogue, _ = compiled
    entries = _translated(catalogue)
    untranslated = [
        f"{where}: {msgid!r}" + ("" if (context, msgid) in entries else " (not in django.po)")
        for (context, msgid), where in sorted(reseller_strings().items(), key=lambda i: i[1])
        if (context, msgid) not in entries or not _is_translated(entries[(context, msgid)])
    ]
    assert not untranslated, "No Bangla for:\n" + "\n".join(untranslated)


def test_translations_keep_every_placeholder(compiled):
    catalogue, _ = compiled
    broken = []
    for entry in catalogue:
        if not _is_translated(entry):
            continue
        for msgstr in [entry.msgstr] if not entry.msgid_plural else entry.msgstr_plural.values():
            if sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(PLACEHOLDER.findall(msgstr)):
                broken.append(f"{entry.msgid!r} → {msgstr!r}")
    assert not broken, "Placeholders differ:\n" + "\n".join(broken)


def test_committed_mo_file_matches_the_po_file(compiled):
    catalogue, fresh = compiled
    with MO.open("rb") as file:
        committed = gettext.GNUTranslations(file)
    stale = [
        entry.msgid
        for entry in catalogue
        if _is_translated(entry)
        and not entry.msgid_plural
        and not entry.msgctxt
        and committed.gettext(entry.msgid) != fresh.gettext(entry.msgid)
    ]
    assert not stale, (
        "locale/bn/LC_MESSAGES/django.mo is older than django.po; run "
        "`msgfmt --check -o locale/bn/LC_MESSAGES/django.mo locale/bn/LC_MESSAGES/django.po`: "
        + ", ".join(map(repr, stale[:10]))
    )


@pytest.mark.django_db
def test_api_docs_page_is_in_bangla_for_a_bangla_reader():
    client = Client()
    client.cookies["django_language"] = "bn"
    html = client.get("/api/v1/docs").content.decode()
    assert '<html lang="bn">' in html
    assert html.count('lang="en"') == 1 and 'lang="en">English</button>' in html  # the switch
    assert "ত্রুটি" in html and "ওয়েবহুক" in html  # headings: Errors, Webhooks
    with translation.override("bn"):
        assert translation.gettext("Send a bKash Cash In") in html  # the spec's own summaries
    assert "hmac.compare_digest" in html  # code samples stay as they are
