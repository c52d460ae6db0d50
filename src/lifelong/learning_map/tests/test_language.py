"""The learning-map pages in English: every template string has a translation in
`learning_map/locale/en/LC_MESSAGES/django.po`, and its committed .mo matches the .po."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.utils import translation

from lifelong.learning_map.models import Place

DOMAIN = Path(__file__).resolve().parents[1]
CATALOGUE = DOMAIN / "locale" / "en" / "LC_MESSAGES"
CJK = re.compile(r"[\u3400-\u9fff]")
TRANSLATE_TAG = re.compile(r"""{%\s*translate\s+(["'])(.+?)\1\s*%}""")
BLOCK_TAG = re.compile(
    r"{%\s*blocktranslate\b[^%]*%}(.*?){%\s*(?:plural|endblocktranslate)\s*%}", re.S
)
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}


def _template_strings() -> list[str]:
    strings: set[str] = set()
    for template in DOMAIN.glob("templates/**/*.html"):
        text = template.read_text("utf-8")
        strings.update(m.group(2) for m in TRANSLATE_TAG.finditer(text))
        # {{ name }} placeholders become %(name)s in the catalogue.
        strings.update(
            re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", m.group(1)) for m in BLOCK_TAG.finditer(text)
        )
    return sorted(strings)


def test_the_map_templates_are_scanned():
    assert {"社区学习地图", "离我最近", "在这里上课", "您已报名"} <= set(_template_strings())


@pytest.mark.parametrize("msgid", _template_strings())
def test_every_map_template_string_has_an_english_translation(msgid):
    with translation.override("en"):
        english = translation.gettext(msgid)

    assert not CJK.search(english), f"{msgid!r} is not translated: {english!r}"


def test_the_map_page_in_english_shows_english_text(client, db):
    response = client.get("/map/", {"street": "Xuhui"}, **ENGLISH)
    html = response.content.decode()

    assert response.status_code == 200
    assert '<html lang="en"' in html
    assert '<h1 id="page-title">Community learning map</h1>' in html
    assert "<legend>Near me</legend>" in html
    assert '<label for="near-street">Type your street or district</label>' in html
    assert ">Community school</option>" in html and ">Xuhui</option>" in html
    assert "Learning places nearest to “Xuhui”" in html
    assert re.search(r'class="distance">[\d.]+ k?m</span>', html)
    assert "社区学习地图" not in html and "离我最近" not in html


def test_the_place_page_in_english_shows_english_text(client, db):
    school = Place.objects.get(name="天平路街道社区学校")

    html = client.get(f"/map/places/{school.pk}/", **ENGLISH).content.decode()

    for text in ("Facilities for older visitors", "Step-free access", "Courses held here"):
        assert text in html
    assert "Community school · Xuhui" in html
    assert "适老设施" not in html


def test_the_chinese_page_is_unchanged(client, db):
    html = client.get("/map/").content.decode()

    assert '<h1 id="page-title">社区学习地图</h1>' in html
    assert ">徐汇区</option>" in html


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

    assert len(po) > 100
    stale = {msgid: msgstr for msgid, msgstr in po.items() if compiled.gettext(msgid) != msgstr}
    assert not stale, f"django.mo is stale, run msgfmt (see README): {stale}"


def test_every_po_entry_is_translated():
    untranslated = [m for m, s in _po_entries(CATALOGUE / "django.po").items() if not s]

    assert untranslated == []
