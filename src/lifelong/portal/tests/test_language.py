"""Chinese first, English one click away: the switch, `<html lang>`, and a catalogue that is
complete and compiled (the .mo is committed, so a stale one must fail here)."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from lifelong.portal.tests.markup import page

PORTAL = Path(__file__).resolve().parents[1]
SRC = PORTAL.parent
CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
# The project's catalogue and each domain's own (src/lifelong/<domain>/locale).
CATALOGUES = sorted({CATALOGUE, *(p.parent for p in SRC.glob("*/locale/en/LC_MESSAGES/django.po"))})
CJK = re.compile(r"[\u3400-\u9fff]")
TRANSLATE_TAG = re.compile(r"""{%\s*(?:translate|trans)\s+(["'])(.+?)\1[\s%]""")


def _switch_to(client, language: str, back_to: str = "/"):
    return client.post("/i18n/setlang/", {"language": language, "next": back_to})


def test_chinese_is_the_default_language(client, db):
    html = page(client.get("/"))

    assert html.html.get("lang") == "zh-CN"
    assert "首页" in html.one("nav").text
    assert html.one("button", name="language").text == "English"


def test_switching_to_english_translates_the_page_and_its_lang(client, db):
    response = _switch_to(client, "en")
    assert response.status_code == 302 and response["Location"] == "/"

    html = page(client.get("/"))

    assert html.html.get("lang") == "en"
    assert "Home" in html.one("nav").text
    assert "Sign in" in html.one("nav").text
    assert html.title == "Shanghai Lifelong Learning Public Service Platform · Lifelong"
    assert "Shanghai has 16 districts offering community learning services." in html.text
    assert "Xuhui" in html.one("ul", class_="districts").text
    assert html.one("button", name="language").get("lang") == "zh-CN"


def test_switching_back_to_chinese_restores_the_page(client, db):
    _switch_to(client, "en")

    response = _switch_to(client, "zh-hans", back_to="/login/")
    html = page(client.get(response["Location"]))

    assert html.html.get("lang") == "zh-CN"
    assert html.one("h1").text == "登录"


def test_browser_asking_for_english_gets_english(client, db):
    html = page(client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9"))

    assert html.html.get("lang") == "en"
    assert html.one("h1").text == "Sign in"
    assert html.one("label", for_="username").text == "Username or mobile phone number"


def _template_strings() -> list[str]:
    """Every `{% translate "…" %}` string of every domain's templates."""
    strings = set()
    for template in SRC.glob("*/templates/**/*.html"):
        strings.update(m.group(2) for m in TRANSLATE_TAG.finditer(template.read_text("utf-8")))
    return sorted(strings)


def test_every_domains_templates_are_scanned():
    strings = set(_template_strings())
    assert {"首页", "登录", "跳到正文", "长者模式"} <= strings
    assert len(strings) > 400
    assert len(CATALOGUES) >= 2


@pytest.mark.parametrize("msgid", _template_strings())
def test_every_template_string_has_an_english_translation(msgid):
    with translation.override("en"):
        english = translation.gettext(msgid)

    assert english != msgid or not CJK.search(msgid)
    assert not CJK.search(english), f"{msgid!r} is not translated: {english!r}"


def _po_entries(path: Path) -> dict[str, str]:
    """msgid → msgstr for the singular entries of a .po file; an entry with a context
    (pgettext) is keyed "context\x04msgid", as the compiled catalogue keys it."""
    entries: dict[str, str] = {}
    key, current = None, {"msgctxt": "", "msgid": "", "msgstr": ""}
    for line in [*path.read_text("utf-8").splitlines(), ""]:
        if line.startswith(("msgctxt ", "msgid ", "msgstr ")):
            key, _, literal = line.partition(" ")
            current[key] = ast.literal_eval(literal)
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
        elif not line.strip():
            if current["msgid"] and key == "msgstr":
                context = current["msgctxt"]
                msgid = f"{context}\x04{current['msgid']}" if context else current["msgid"]
                entries[msgid] = current["msgstr"]
            key, current = None, {"msgctxt": "", "msgid": "", "msgstr": ""}
        else:
            key = None if line.startswith("msgid_plural") else key
    return entries


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: str(p.relative_to(SRC)))
def test_the_compiled_catalogue_matches_the_po_file(catalogue):
    po = _po_entries(catalogue / "django.po")
    with (catalogue / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)

    assert po
    stale = {msgid: msgstr for msgid, msgstr in po.items() if compiled.gettext(msgid) != msgstr}
    assert not stale, f"django.mo is stale, run compilemessages: {stale}"


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: str(p.relative_to(SRC)))
def test_every_po_entry_is_translated(catalogue):
    untranslated = [
        msgid for msgid, msgstr in _po_entries(catalogue / "django.po").items() if not msgstr
    ]

    assert untranslated == []
