""" "My page" lists the proxy relations a person is part of, either side, and lets them end
one after confirming."""

from __future__ import annotations

from lifelong.portal.tests.markup import page


def _guardianship(html):
    [item] = html.find_all("li", class_="proxy")
    return item


def test_the_guardian_sees_whom_they_may_act_for(client, sign_in):
    sign_in("parent")

    html = page(client.get("/me/"))

    assert html.one("ul", class_="as-agent")
    assert html.find_all("ul", class_="as-principal") == []
    item = _guardianship(html)
    assert item.get("data-status") == "active"
    assert "陈小雨 · 未成年人监护人" in item.text
    assert "有效 · 有效期至2033-06-01" in item.text
    link = html.one("a", href=f"/me/proxies/{_proxy_id(html)}/revoke/")
    assert link.text == "撤销"
    assert link.get("aria-describedby") == f"proxy-{_proxy_id(html)}"


def _proxy_id(html) -> str:
    strong = [e for e in html.find_all("strong") if (e.get("id") or "").startswith("proxy-")]
    return strong[0].get("id").removeprefix("proxy-")


def test_revoking_asks_first_then_ends_the_relation(client, sign_in, as_user):
    sign_in("parent")
    proxy_id = _proxy_id(page(client.get("/me/")))

    confirm = page(client.get(f"/me/proxies/{proxy_id}/revoke/"))
    revoked = client.post(f"/me/proxies/{proxy_id}/revoke/")

    assert confirm.one("h1").text == "撤销代理关系"
    assert "陈小雨" in confirm.one("dl", class_="facts").text
    assert confirm.one("form", action=f"/me/proxies/{proxy_id}/revoke/").get("method") == "post"
    assert revoked.status_code == 302
    assert revoked["Location"] == "/me/#proxies-title"
    html = page(client.get("/me/"))
    assert html.one(role="status").text.startswith("代理关系已撤销")
    assert _guardianship(html).get("data-status") == "revoked"
    assert html.find_all("a", href=f"/me/proxies/{proxy_id}/revoke/") == []
    as_agent = as_user("parent").get("/api/v1/me/proxies").json()["as_agent"]
    assert [p["status"] for p in as_agent] == ["revoked"]


def test_a_revoked_relation_cannot_be_revoked_again(client, sign_in):
    sign_in("parent")
    proxy_id = _proxy_id(page(client.get("/me/")))
    client.post(f"/me/proxies/{proxy_id}/revoke/")

    client.get("/me/")  # shows and uses up the message of the first revocation

    again = client.post(f"/me/proxies/{proxy_id}/revoke/")
    after_again = page(client.get("/me/")).one(role="alert").text
    confirm = client.get(f"/me/proxies/{proxy_id}/revoke/")
    after_confirm = page(client.get("/me/")).one(role="alert").text

    assert again["Location"] == "/me/#proxies-title"
    assert "该代理关系已撤销" in after_again and "already revoked" in after_again
    assert confirm["Location"] == "/me/#proxies-title"
    assert "该代理关系已失效，无需撤销" in after_confirm


def test_someone_elses_relation_is_404(client, sign_in):
    sign_in("parent")
    proxy_id = _proxy_id(page(client.get("/me/")))
    client.post("/logout/")
    sign_in("citizen")

    assert client.get(f"/me/proxies/{proxy_id}/revoke/").status_code == 404
    assert client.post(f"/me/proxies/{proxy_id}/revoke/").status_code == 404
    assert client.get("/me/proxies/999999/revoke/").status_code == 404


def test_a_person_without_relations_sees_an_empty_state(client, sign_in):
    sign_in("citizen")

    html = page(client.get("/me/"))

    assert html.find_all("li", class_="proxy") == []
    assert "暂无代理关系。" in [p.text for p in html.find_all("p", class_="empty")]
