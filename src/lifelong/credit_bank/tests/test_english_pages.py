"""The credit-bank pages are Chinese first and English through Django i18n: the domain's own
catalogue (`locale/en`) translates every string its templates and models mark, and the
compiled .mo (committed) matches the .po, so a stale one fails here."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

from lifelong.credit_bank.tests.helpers import user

DOMAIN = Path(__file__).resolve().parents[1]
CATALOGUE = DOMAIN / "locale" / "en" / "LC_MESSAGES"
CJK = re.compile(r"[\u3400-\u9fff]")
TRANSLATE_TAG = re.compile(r"""{%\s*translate\s+(["'])(.+?)\1\s*%}""")


def _po_entries(path: Path) -> dict[str, str]:
    """msgid → msgstr of the entries of a .po file (the header left out)."""
    entries: dict[str, str] = {}
    key, current = None, {"msgid": "", "msgstr": ""}
    for line in [*path.read_text("utf-8").splitlines(), ""]:
        if line.startswith(("msgid ", "msgstr ")):
            if line.startswith("msgid ") and current["msgid"] and key == "msgstr":
                entries[current["msgid"]] = current["msgstr"]
            key, _, literal = line.partition(" ")
            current[key] = ast.literal_eval(literal)
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
        elif not line.strip() or line.startswith("#"):
            if current["msgid"] and key == "msgstr":
                entries[current["msgid"]] = current["msgstr"]
            key, current = None, {"msgid": "", "msgstr": ""}
    return entries


def _template_strings() -> list[str]:
    strings = set()
    for template in DOMAIN.glob("templates/**/*.html"):
        strings.update(m.group(2) for m in TRANSLATE_TAG.finditer(template.read_text("utf-8")))
    return sorted(strings)


def _client(username: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user(username))
    return client


def test_the_templates_are_scanned_and_the_catalogue_is_read():
    assert {"我的学习档案", "培训成果集中导入", "验证通过"} <= set(_template_strings())
    assert _po_entries(CATALOGUE / "django.po")["学历教育课程"] == "Degree course"


@pytest.mark.parametrize("msgid", _template_strings())
def test_every_template_string_has_an_english_translation(msgid):
    with translation.override("en"):
        english = translation.gettext(msgid)

    assert not CJK.search(english), f"{msgid!r} is not translated: {english!r}"


def test_every_catalogue_entry_is_translated_and_the_mo_is_compiled_from_it():
    po = _po_entries(CATALOGUE / "django.po")
    with (CATALOGUE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)

    assert len(po) > 150
    assert [msgid for msgid, msgstr in po.items() if not msgstr or CJK.search(msgstr)] == []
    stale = {msgid: msgstr for msgid, msgstr in po.items() if compiled.gettext(msgid) != msgstr}
    assert not stale, f"django.mo is stale, run compilemessages: {stale}"


@pytest.mark.django_db
def test_the_archive_page_in_english():
    response = _client("citizen").get("/credit-bank/")
    html = response.content.decode()

    assert response.status_code == 200
    assert "<h1>My learning archive</h1>" in html
    assert re.search(r"\d+ outcomes, \d+ certified", html)
    assert "By outcome type" in html and "Degree course" in html
    assert "Download my credit transcript" in html
    assert "View the verifiable credential" in html


@pytest.mark.django_db
def test_the_import_page_in_english():
    html = _client("enterprise_hr").get("/credit-bank/imports/").content.decode()

    assert "<h1>Bulk import of training outcomes</h1>" in html
    assert "Upload and import" in html and "Dry run: check only, import nothing" in html


@pytest.mark.django_db
def test_the_conversion_page_in_english():
    html = _client("citizen").get("/credit-bank/conversions/").content.decode()

    assert "<h1>Credit conversion</h1>" in html
    assert re.search(r"within \d+ years", html)
