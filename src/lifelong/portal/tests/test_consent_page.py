""" "My page" lists the person's consent to each purpose; one button grants or withdraws it,
and every change is a new record."""

from __future__ import annotations

from lifelong.portal.tests.markup import page
from lifelong.shared import clock


def _consents(client) -> dict[str, str]:
    html = page(client.get("/me/"))
    return {
        li.get("data-purpose"): html.children(li, "p")[1].text
        for li in html.find_all("li", class_="consent")
    }


def _choose(client, purpose: str, granted: str):
    return client.post("/me/consents/", {"purpose": purpose, "granted": granted})


def test_every_purpose_is_listed_with_its_state_and_a_button(client, sign_in):
    sign_in("citizen")

    html = page(client.get("/me/"))

    items = html.find_all("li", class_="consent")
    assert [li.get("data-purpose") for li in items] == [
        "learning_records",
        "credit_bank",
        "recommendations",
        "marketing_sms",
    ]
    label = html.one("p", id="consent-learning_records")
    assert label.text == "学习记录 / Learning records"
    assert [span.get("lang") for span in html.children(label, "span")] == ["zh-CN", "en"]
    assert set(_consents(client).values()) == {"未同意"}
    buttons = html.find_all("button", name="granted")
    assert {b.text for b in buttons} == {"同意"}
    assert buttons[0].get("aria-describedby") == "consent-learning_records"


def test_granting_then_withdrawing_records_both(client, sign_in, as_user):
    sign_in("citizen")
    today = clock.today().isoformat()

    granted = _choose(client, "learning_records", "1")
    after_grant = page(client.get("/me/"))
    withdrawn = _choose(client, "learning_records", "0")

    assert granted.status_code == 302
    assert granted["Location"] == "/me/#consents-title"
    assert after_grant.one(role="status").text.startswith("已记录您的同意")
    assert after_grant.one("button", name="granted", value="0").text == "撤回同意"
    assert withdrawn["Location"] == "/me/#consents-title"
    states = _consents(client)
    assert states["learning_records"] == f"已撤回（{today}）"
    assert states["credit_bank"] == "未同意"
    history = as_user("citizen").get("/api/v1/me/consents").json()["history"]
    assert [(h["purpose"], h["granted_at"] is not None) for h in history] == [
        ("learning_records", True),
        ("learning_records", False),
    ]


def test_a_granted_consent_shows_since_when(client, sign_in):
    sign_in("citizen")

    _choose(client, "credit_bank", "1")

    assert _consents(client)["credit_bank"] == f"已同意（{clock.today().isoformat()}起）"


def test_english_shows_english_labels(client, sign_in):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    sign_in("citizen")

    html = page(client.get("/me/"))

    assert html.one("p", id="consent-marketing_sms").text == "Marketing SMS"
    assert html.one("h2", id="consents-title").text == "My consents"
    assert set(_consents(client).values()) == {"Not given"}


def test_an_unknown_purpose_or_choice_is_refused_with_an_alert(client, sign_in):
    sign_in("citizen")

    _choose(client, "selling_data", "1")
    unknown = page(client.get("/me/")).one(role="alert").text
    _choose(client, "credit_bank", "maybe")
    no_choice = page(client.get("/me/")).one(role="alert").text

    assert "未知的同意目的" in unknown and "Unknown consent purpose" in unknown
    assert "请选择同意或撤回" in no_choice
    assert set(_consents(client).values()) == {"未同意"}


def test_consent_changes_need_post_and_sign_in(client, sign_in):
    assert client.post("/me/consents/", {"purpose": "credit_bank", "granted": "1"})[
        "Location"
    ].startswith("/login/")
    sign_in("citizen")
    assert client.get("/me/consents/").status_code == 405


def test_an_account_without_a_person_has_no_consent_section(client, sign_in):
    sign_in("district_officer")

    html = page(client.get("/me/"))

    assert html.find_all("h2", id="consents-title") == []
    assert html.find_all("h2", id="proxies-title") == []
