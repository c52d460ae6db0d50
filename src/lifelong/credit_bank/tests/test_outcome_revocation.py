"""Revoking a certified outcome (`POST /api/v1/credit-bank/outcomes/{id}/revoke`) revokes the
Open Badge issued for it: its bit in the status list is set, so any verifier sees it withdrawn,
and the learner's archive shows the outcome revoked with its credits reversed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from lifelong.credit_bank.credentials import statuslist
from lifelong.credit_bank.services import outcomes
from lifelong.credit_bank.tests.helpers import user
from lifelong.credit_bank.tests.vc_helpers import demo_person, fetch, verify
from lifelong.identity import api as identity

REASON = "认证材料与原件不符"


def _status_bit(api, entry: dict) -> bool:
    url = entry["statusListCredential"]
    response = api.get(url[url.index("/api/v1/") :])
    assert response.status_code == 200, response.content
    bits = statuslist.decode(response.json()["credentialSubject"]["encodedList"])
    return statuslist.is_set(bits, int(entry["statusListIndex"]))


def _certified_outcome(as_user) -> dict:
    """A learning-cloud completion no standard covered, certified by an officer: the outcome
    gets its credits and its credential at that moment."""
    pending = outcomes.record_catalog_completion(
        {
            "person_id": identity.person_for_user(user("citizen").pk),
            "resource_id": 910001,
            "title": "家常菜烹饪",
            "category": "cooking",
            "completed_at": dt.datetime(2024, 9, 1, 10, 0, tzinfo=dt.UTC).isoformat(),
        }
    )
    assert pending is not None and pending.credential_id is None
    response = as_user("credit_bank_officer").post(
        f"/api/v1/credit-bank/outcomes/{pending.pk}/certify", {"standard_code": "CAT-LIFE"}
    )
    assert response.status_code == 200, response.content
    return response.json()


def _my_outcome(as_user, outcome_id: str) -> tuple[dict, dict]:
    archive = as_user("citizen").get("/api/v1/me/archive").json()
    [outcome] = [o for o in archive["outcomes"] if o["id"] == outcome_id]
    return archive, outcome


def test_revoking_an_outcome_revokes_its_credential_for_verifiers_and_the_archive(api, as_user):
    certified = _certified_outcome(as_user)
    credential = fetch(api, certified["credential_id"])
    before, _ = _my_outcome(as_user, certified["id"])
    assert verify(api, credential)["verified"] is True
    assert not _status_bit(api, credential["credentialStatus"])

    response = as_user("credit_bank_officer").post(
        f"/api/v1/credit-bank/outcomes/{certified['id']}/revoke", {"reason": REASON}
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "revoked"
    result = verify(api, credential)
    assert result["verified"] is False
    assert any("revoked" in error for error in result["errors"])
    assert _status_bit(api, credential["credentialStatus"])
    after, outcome = _my_outcome(as_user, certified["id"])
    assert (outcome["status"], outcome["status_reason"]) == ("revoked", REASON)
    assert outcome["credential_id"] == certified["credential_id"]
    assert Decimal(after["balance"]) == Decimal(before["balance"]) - Decimal(certified["credits"])
    page = api.client.get(f"/credentials/{certified['credential_id']}/").content.decode()
    assert "已撤销" in page and REASON in page


def test_the_certifying_institution_revokes_its_outcome_and_the_badge_goes_with_it(api, as_user):
    _, number = demo_person()
    deposited = as_user("institution_staff").post(
        "/api/v1/credit-bank/outcomes",
        {
            "external_id": "YG-GH-2024-REVOKE",
            "name": "王晓明",
            "id_number": number,
            "standard_code": "CL-GH",
            "achieved_on": "2024-06-01",
            "score": "88",
        },
    )
    assert deposited.status_code == 201, deposited.content
    outcome = deposited.json()
    credential = fetch(api, outcome["credential_id"])

    response = as_user("institution_staff").post(
        f"/api/v1/credit-bank/outcomes/{outcome['id']}/revoke", {"reason": REASON}
    )

    assert response.status_code == 200, response.content
    assert verify(api, credential)["verified"] is False
    assert _status_bit(api, credential["credentialStatus"])
    _, mine = _my_outcome(as_user, outcome["id"])
    assert mine["status"] == "revoked"


def test_a_badge_already_revoked_on_its_own_does_not_block_revoking_the_outcome(api, as_user):
    certified = _certified_outcome(as_user)
    officer = as_user("credit_bank_officer")
    first = officer.post(
        f"/api/v1/credentials/{certified['credential_id']}/revoke", {"reason": "证书先行撤销"}
    )
    assert first.status_code == 200, first.content

    response = officer.post(
        f"/api/v1/credit-bank/outcomes/{certified['id']}/revoke", {"reason": REASON}
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "revoked"
    assert verify(api, fetch(api, certified["credential_id"]))["verified"] is False
