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
CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
CJK = re.compile(r"[\u3400-\u9fff]")
TRANSLATE_TAG = re.compile(r"""{%\s*translate\s+(["'])(.+?)\1\s*%}""")


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
    strings = set()
    for template in PORTAL.glob("templates/**/*.html"):
        strings.update(m.group(2) for m in TRANSLATE_TAG.finditer(template.read_text("utf-8")))
    return sorted(strings)


def test_the_portal_templates_are_scanned():
    assert {"首页", "登录", "跳到正文", "长者模式"} <= set(_template_strings())


@pytest.mark.parametrize("msgid", _template_strings())
def test_every_portal_template_string_has_an_english_translation(msgid):
    with translation.override("en"):
        english = translation.gettext(msgid)

    assert english != msgid or not CJK.search(msgid)
    assert not CJK.search(english), f"{msgid!r} is not translated: {english!r}"


def _po_entries(path: Path) -> dict[str, str]:
    """msgid → msgstr for the singular entries of a .po file."""
    entries: dict[str, str] = {}
    key, current = None, {"msgid": "", "msgstr": ""}
    for line in [*path.read_text("utf-8").splitlines(), ""]:
        if line.startswith(("msgid ", "msgstr ")):
            key, _, literal = line.partition(" ")
            current[key] = ast.literal_eval(literal)
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
        elif not line.strip():
            if current["msgid"] and key == "msgstr":
                entries[current["msgid"]] = current["msgstr"]
            key, current = None, {"msgid": "", "msgstr": ""}
        else:
            key = None if line.startswith("msgid_plural") else key
    return entries


def test_the_compiled_catalogue_matches_the_po_file():
    po = _po_entries(CATALOGUE / "django.po")
    with (CATALOGUE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)

    assert len(po) > 50
    stale = {msgid: msgstr for msgid, msgstr in po.items() if compiled.gettext(msgid) != msgstr}
    assert not stale, f"django.mo is stale, run compilemessages: {stale}"


def test_every_po_entry_is_translated():
    untranslated = [
        msgid for msgid, msgstr in _po_entries(CATALOGUE / "django.po").items() if not msgstr
    ]

    assert untranslated == []
