"""The learning cloud in English: labels, facets, categories, districts and the pages' own
messages read in English, while titles and summaries stay the content they are; the catalog's
message catalogue is complete and compiled (the .mo is committed, so a stale one fails here)."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.utils import translation

from lifelong.catalog.tests.helpers import demo, units
from lifelong.catalog.tests.html import page

CATALOG = Path(__file__).resolve().parents[1]
CATALOGUE = CATALOG / "locale" / "en" / "LC_MESSAGES"
CJK = re.compile(r"[\u3400-\u9fff]")
TRANSLATE_TAG = re.compile(r"""{%\s*translate\s+(["'])(.+?)\1\s*%}""")
GETTEXT_CALL = re.compile(r"""\b(?:gettext|gettext_lazy)\(\s*"([^"]+)"\s*\)""")
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def citizen(client, db):
    client.post("/login/", {"username": "citizen", "password": "lifelong-demo"})
    return client


def test_the_search_page_in_english_names_filters_facets_and_results_in_english(client, db):
    html = page(client.get("/learn/", {"q": "太极"}, **ENGLISH))

    assert html.one("html").get("lang") == "en"
    assert html.one("h1").text == "Lifelong learning cloud"
    assert html.one("h2", id="results-title").text.startswith("36 results for “太极”")
    facets = {ul.get("aria-label"): ul.text for ul in html.find_all("ul", class_="facet-list")}
    assert set(facets) == {"Category", "Format", "Audience", "District"}
    assert "Health and wellbeing (36)" in facets["Category"]
    assert "Course (6)" in facets["Format"]
    assert "Seniors (36)" in facets["Audience"]
    assert "Xuhui" in facets["District"]
    assert not any(CJK.search(text) for text in facets.values())
    options = html.one("select", id="category").text + html.one("select", id="district").text
    assert "Health and wellbeing" in options and "Xuhui" in options
    assert not CJK.search(options)
    first = html.find_all("li", class_="result")[0]
    meta = [p for p in html.find_all("p", class_="meta") if p.is_inside(first)][0]
    assert meta.text.startswith("Course · Health and wellbeing · ")


def test_the_search_page_in_chinese_keeps_chinese_names(client, db):
    html = page(client.get("/learn/", {"q": "太极"}))

    facets = {ul.get("aria-label"): ul.text for ul in html.find_all("ul", class_="facet-list")}
    assert set(facets) == {"分类", "形式", "适合人群", "区"}
    assert "健康养生 (36)" in facets["分类"]
    assert "老年人 (36)" in facets["适合人群"]
    assert "徐汇区" in facets["区"]


def test_the_course_page_in_english(client, db):
    course = demo("0-0-course")  # 太极拳入门, 黄浦区

    html = page(client.get(f"/learn/courses/{course.pk}/", **ENGLISH))

    facts = html.one("dl", class_="facts").text
    assert "Category" in facts and "Health and wellbeing" in facts
    assert "Huangpu" in facts
    assert "Sign in to enrol" in html.text
    assert html.one("h1").text == "太极拳入门"  # content stays as it was written


def test_enrolling_and_finishing_a_unit_answer_in_english(citizen):
    course = demo("0-2-course")  # 太极拳进阶, not one of the citizen's courses
    first = units(course)[0]

    enrolled = page(citizen.post(f"/learn/courses/{course.pk}/enrol/", follow=True, **ENGLISH))
    again = page(citizen.post(f"/learn/courses/{course.pk}/enrol/", follow=True, **ENGLISH))
    done = page(
        citizen.post(
            f"/learn/courses/{course.pk}/units/{first.pk}/progress/",
            {"completed": "1"},
            follow=True,
            **ENGLISH,
        )
    )

    assert enrolled.one("div", class_="notices").text.strip() == "You are enrolled"
    assert again.one("div", class_="notices").text.strip() == "You are already enrolled"
    assert done.one("div", class_="notices").text.strip() == "Unit completed: points earned"


def test_a_message_is_shown_once(citizen):
    course = demo("0-3-course")

    html = citizen.post(f"/learn/courses/{course.pk}/enrol/", follow=True).content.decode()

    assert html.count("报名成功") == 1


def test_the_error_page_marks_each_language(client, db):
    html = page(client.get("/learn/courses/999999999/", **ENGLISH))

    alert = html.one("div", class_="alert")
    parts = [p for p in html.find_all("p") if p.is_inside(alert)]
    assert [p.get("lang") for p in parts] == ["en", "zh-CN"]
    assert not CJK.search(parts[0].text)


def _catalog_strings() -> list[str]:
    strings: set[str] = set()
    for template in CATALOG.glob("templates/**/*.html"):
        strings.update(m.group(2) for m in TRANSLATE_TAG.finditer(template.read_text("utf-8")))
    strings.update(GETTEXT_CALL.findall((CATALOG / "views.py").read_text("utf-8")))
    return sorted(strings)


def test_the_catalog_templates_and_views_are_scanned():
    assert {"终身学习云", "我的学习", "报名成功", "适合人群"} <= set(_catalog_strings())


@pytest.mark.parametrize("msgid", _catalog_strings())
def test_every_catalog_page_string_has_an_english_translation(msgid):
    with translation.override("en"):
        english = translation.gettext(msgid)

    assert not CJK.search(english), f"{msgid!r} is not translated: {english!r}"


def _po_entries(path: Path) -> dict[str, str]:
    """msgid → msgstr of a .po file's singular entries."""
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
    return entries


def test_the_catalog_catalogue_is_complete_and_compiled():
    po = _po_entries(CATALOGUE / "django.po")
    with (CATALOGUE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)

    assert po and all(po.values()), "every entry has an English text"
    stale = {msgid: msgstr for msgid, msgstr in po.items() if compiled.gettext(msgid) != msgstr}
    assert not stale, f"django.mo is stale, run msgfmt (see django.po's header): {stale}"
