"""The public credential page: what it certifies, who issued it, whether it is valid, and a
server-side verify button (no script)."""

from __future__ import annotations

from django.test import Client

from lifelong.credit_bank.tests.vc_helpers import issue_badge


def test_page_shows_what_it_certifies_issuer_and_valid_status(db):
    credential_id = issue_badge()

    page = Client().get(f"/credentials/{credential_id}/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "Python 程序设计" in html
    assert "上海交通大学" in html
    assert "有效" in html
    assert "did:key:z6Mk" in html
    assert "<script" not in html.split("<main", 1)[1]
    assert 'style="' not in html


def test_verify_button_verifies_on_the_server(db):
    credential_id = issue_badge()
    client = Client(enforce_csrf_checks=False)

    page = client.post(f"/credentials/{credential_id}/")

    assert page.status_code == 200
    assert "验证通过" in page.content.decode()


def test_revoked_credential_page_says_so_and_verification_fails(as_user):
    credential_id = issue_badge()
    as_user("credit_bank_officer").post(
        f"/api/v1/credentials/{credential_id}/revoke", {"reason": "材料不实"}
    )

    shown = Client().get(f"/credentials/{credential_id}/").content.decode()
    checked = Client().post(f"/credentials/{credential_id}/").content.decode()

    assert "已撤销" in shown
    assert "材料不实" in shown
    assert "验证未通过" in checked
    assert "revoked" in checked


def test_unknown_credential_page_is_404(db):
    assert Client().get("/credentials/00000000-0000-4000-8000-000000000000/").status_code == 404
