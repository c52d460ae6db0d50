"""Revocation by a credit bank officer: audited, with a reason, once."""

from __future__ import annotations

from lifelong.credit_bank.tests.vc_helpers import issue_badge
from lifelong.shared.models import AuditEntry


def test_officer_revokes_with_a_reason_and_it_is_audited(as_user):
    credential_id = issue_badge()

    response = as_user("credit_bank_officer").post(
        f"/api/v1/credentials/{credential_id}/revoke", {"reason": "证书材料不实"}
    )

    assert response.status_code == 200, response.content
    assert response.json()["revoked"] is True
    entry = AuditEntry.objects.get(action="credit_bank.credential.revoke", object_id=credential_id)
    assert entry.actor_label == "credit_bank_officer"
    assert entry.detail == {"reason": "证书材料不实"}


def test_revoking_twice_is_a_conflict(as_user):
    credential_id = issue_badge()
    officer = as_user("credit_bank_officer")
    officer.post(f"/api/v1/credentials/{credential_id}/revoke", {"reason": "重复认证"})

    response = officer.post(f"/api/v1/credentials/{credential_id}/revoke", {"reason": "again"})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_revoked"


def test_other_roles_and_anonymous_cannot_revoke(api, as_user):
    credential_id = issue_badge()
    path = f"/api/v1/credentials/{credential_id}/revoke"

    assert as_user("citizen").post(path, {"reason": "x"}).status_code == 403
    assert as_user("district_officer").post(path, {"reason": "x"}).status_code == 403
    assert api.post(path, {"reason": "x"}).status_code == 401


def test_reason_is_required_and_unknown_credential_is_404(as_user):
    officer = as_user("credit_bank_officer")
    credential_id = issue_badge()

    empty = officer.post(f"/api/v1/credentials/{credential_id}/revoke", {"reason": ""})
    blank = officer.post(f"/api/v1/credentials/{credential_id}/revoke", {"reason": "   "})
    missing = officer.post(
        "/api/v1/credentials/00000000-0000-4000-8000-000000000000/revoke", {"reason": "x"}
    )

    assert empty.status_code == 422
    assert blank.status_code == 422
    assert blank.json()["error"]["fields"] == {"reason": "required"}
    assert missing.status_code == 404


def test_outcome_revocation_entry_point_revokes_its_badge(api):
    import uuid

    from lifelong.credit_bank.credentials.issue import revoke_outcome_credential

    outcome = str(uuid.uuid4())
    credential_id = issue_badge(outcome_id=outcome)

    assert revoke_outcome_credential(outcome_id=outcome, reason="认证撤销") is True
    assert revoke_outcome_credential(outcome_id=outcome, reason="认证撤销") is False
    page = api.client.get(f"/credentials/{credential_id}/")
    assert "已撤销" in page.content.decode()
