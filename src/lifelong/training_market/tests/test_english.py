"""The training-market pages in English: a browser asking for English gets English headings and
labels; only the data (institution names, addresses, case texts) stays as it was entered. The
domain's catalogue is complete and its compiled .mo is not stale."""

from __future__ import annotations

import ast
import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from lifelong.training_market.tests.helpers import sunshine, trouble

DOMAIN = Path(__file__).resolve().parents[1]
CATALOGUE = DOMAIN / "locale" / "en" / "LC_MESSAGES"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
TRANSLATE_TAG = re.compile(r"""{%\s*translate\s+(["'])(.+?)\1\s*%}""")
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


class _VisibleText(HTMLParser):
    """The text a reader sees or hears: text nodes, the page title, option labels and
    aria-labels; not scripts or styles, and not the parts marked `lang="zh-CN"` (the switch
    back to Chinese is written in Chinese on purpose)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.texts: list[str] = []

    def _hidden(self) -> bool:
        return any(hidden for _tag, hidden in self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        hidden = tag in ("script", "style") or attributes.get("lang") == "zh-CN"
        if not hidden and not self._hidden():
            for name in ("aria-label", "title", "alt", "placeholder"):
                if attributes.get(name):
                    self.texts.append(attributes[name] or "")
        if tag not in self.VOID:
            self.stack.append((tag, hidden))

    def handle_endtag(self, tag):
        while self.stack:
            opened, _hidden = self.stack.pop()
            if opened == tag:
                break

    def handle_data(self, data):
        if data.strip() and not self._hidden():
            self.texts.append(data.strip())


def _visible_text(html: str) -> list[str]:
    reader = _VisibleText()
    reader.feed(html)
    return reader.texts


def _untranslated(html: str, data: set[str]) -> list[str]:
    """Visible texts with Chinese characters once the data values are taken out."""
    leftovers = []
    for text in _visible_text(html):
        for value in sorted(data, key=len, reverse=True):
            if value:
                text = text.replace(value, "")
        if CJK.search(text):
            leftovers.append(text)
    return leftovers


def _h(html: str, tag: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", m).strip()
        for m in re.findall(rf"<{tag}[^>]*>(.*?)</{tag}>", html, re.S)
    ]


def test_the_look_up_page_is_in_english_for_an_english_browser(client, api, db):
    response = client.get("/market/", **ENGLISH)
    html = response.content.decode()
    names = {i["name"] for i in api.get("/api/v1/market/institutions").json()["items"]}

    assert response.status_code == 200
    assert '<html lang="en"' in html
    assert _h(html, "h1") == ["Find a training institution"]
    assert re.match(r"\d+ institutions", _h(html, "h2")[0])
    assert "Xuhui" in html and "Arts and culture" in html
    assert _untranslated(html, names) == []


def _public_record_data(api, institution_id) -> set[str]:
    """What the institution's public record holds as entered (names, addresses, case texts)."""
    body = api.get(f"/api/v1/market/institutions/{institution_id}").json()
    data = {body["name"], body["address"], body["licence_number"]}
    data |= {p["address"] for p in body["premises"]}
    data |= {b["name"] for b in body["branches"]} | {b["address"] for b in body["branches"]}
    data |= {p["title"] for p in body["penalty_records"]}
    data |= {p["decision"] for p in body["penalty_records"]}
    data |= {e["reason"] for e in body["credit_entries"]}
    return data


def _joint_punishment_institution_id(api) -> int:
    entries = api.get("/api/v1/market/credit-lists", list="joint_punishment").json()["items"]
    return entries[0]["institution_id"]


@pytest.mark.parametrize("which", ["sunshine", "joint_punishment"])
def test_an_institution_page_is_in_english_except_its_data(client, api, db, which):
    institution_id = sunshine().pk if which == "sunshine" else _joint_punishment_institution_id(api)

    response = client.get(f"/market/institutions/{institution_id}/", **ENGLISH)
    html = response.content.decode()

    assert response.status_code == 200
    assert {"Premises", "Administrative penalties"} <= set(_h(html, "h2"))
    assert "Unified social credit code" in html and "Complain about this institution" in html
    assert _untranslated(html, _public_record_data(api, institution_id)) == []


def test_the_joint_punishment_entry_is_labelled_in_english(client, api, db):
    html = client.get(
        f"/market/institutions/{_joint_punishment_institution_id(api)}/", **ENGLISH
    ).content.decode()

    assert "On the joint punishment list" in html
    assert "Credit lists" in _h(html, "h2")


def test_the_complaint_form_and_its_refusal_are_in_english(client, db):
    client.force_login(get_user_model().objects.get(username="citizen"))
    institution = trouble("310104")
    url = f"/market/institutions/{institution.pk}/complain/"

    form = client.get(url, **ENGLISH).content.decode()
    refused = client.post(url, {"category": "", "description": ""}, **ENGLISH)

    assert _h(form, "h1") == ["Complain about a training institution"]
    assert _untranslated(form, {institution.name}) == []
    assert refused.status_code == 422
    assert _untranslated(refused.content.decode(), {institution.name}) == []


def test_the_risk_list_is_in_english_for_a_district_regulator(client, db):
    client.force_login(get_user_model().objects.get(username="district_officer"))

    html = client.get("/market/risk/", **ENGLISH).content.decode()
    names = set(_h(html, "a"))

    assert _h(html, "h1") == ["Training institution risk warnings"]
    assert "Months of unconsumed prepaid money" in html
    assert _untranslated(html, names) == []


def test_the_chinese_risk_list_shows_the_chinese_half_of_each_signal(client, db):
    client.force_login(get_user_model().objects.get(username="district_officer"))

    html = client.get("/market/risk/").content.decode()

    assert "未消课预收款可覆盖月数（+30）" in html
    assert "Months of unconsumed prepaid money" not in html


def test_the_chinese_page_is_unchanged(client, db):
    html = client.get(f"/market/institutions/{sunshine().pk}/").content.decode()

    assert "办学场所" in _h(html, "h2") and "徐汇区" in html


def _template_strings() -> list[str]:
    strings = set()
    for template in DOMAIN.glob("templates/**/*.html"):
        strings.update(m.group(2) for m in TRANSLATE_TAG.finditer(template.read_text("utf-8")))
    return sorted(strings)


def test_the_templates_are_scanned():
    assert {"培训机构查询", "投诉培训机构", "办学场所"} <= set(_template_strings())


@pytest.mark.parametrize("msgid", _template_strings())
def test_every_template_string_has_an_english_translation(msgid):
    with translation.override("en"):
        english = translation.gettext(msgid)

    assert not CJK.search(english), f"{msgid!r} is not translated: {english!r}"


def _po_entries(path: Path) -> dict[tuple[str, str], tuple[str, str | None]]:
    """(context, msgid) → (msgstr or the singular msgstr[0], msgid_plural or None)."""
    entries: dict[tuple[str, str], tuple[str, str | None]] = {}
    current: dict[str, str] = {}
    key = None
    for line in [*path.read_text("utf-8").splitlines(), ""]:
        if line.startswith(("msgctxt ", "msgid ", "msgid_plural ", "msgstr ", "msgstr[")):
            key, _, literal = line.partition(" ")
            key = {"msgstr[0]": "msgstr"}.get(key, key)
            current[key] = ast.literal_eval(literal)
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
        elif not line.strip():
            if current.get("msgid"):
                entries[(current.get("msgctxt", ""), current["msgid"])] = (
                    current.get("msgstr", ""),
                    current.get("msgid_plural"),
                )
            key, current = None, {}
        else:
            key = None
    return entries


def test_every_catalogue_entry_is_translated_and_the_header_is_final():
    po = (CATALOGUE / "django.po").read_text("utf-8")
    entries = _po_entries(CATALOGUE / "django.po")

    assert len(entries) > 200
    assert [msgid for (_ctx, msgid), (msgstr, _pl) in entries.items() if not msgstr] == []
    assert "#, fuzzy" not in po and '"Language: en\\n"' in po


def _compiled(catalogue: gettext.GNUTranslations, context: str, msgid: str, plural) -> str:
    if plural is not None:
        return catalogue.ngettext(msgid, plural, 1)
    return catalogue.pgettext(context, msgid) if context else catalogue.gettext(msgid)


def test_the_compiled_catalogue_matches_the_po_file():
    entries = _po_entries(CATALOGUE / "django.po")
    with (CATALOGUE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)

    stale = {
        msgid: msgstr
        for (context, msgid), (msgstr, plural) in entries.items()
        if _compiled(compiled, context, msgid, plural) != msgstr
    }

    assert not stale, f"django.mo is stale, run compilemessages: {stale}"
    assert compiled.ngettext("共 %(n)s 家机构", "共 %(n)s 家机构", 2) == "%(n)s institutions"
