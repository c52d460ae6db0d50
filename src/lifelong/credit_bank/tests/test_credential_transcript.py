"""A learner exports a signed CLR 2.0 transcript (ClrCredential) of their certified outcomes,
shaped as 1EdTech's published CLR 2.0 examples are."""

from __future__ import annotations

from lifelong.credit_bank.tests.vc_helpers import issue_badge, verify

# The structure of 1EdTech's published CLR 2.0 ClrCredential examples (CLR 2.0 specification
# and the 1EdTech validator's clr20 samples): the context order, the types, and the keys of
# the credential, its issuer Profile and its ClrSubject.
PUBLISHED_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
PUBLISHED_CREDENTIAL_KEYS = {"@context", "id", "type", "issuer", "validFrom", "name"}
PUBLISHED_SUBJECT_KEYS = {"type", "verifiableCredential", "achievement"}


def _export(client, partner: str = ""):
    return client.post("/api/v1/credentials/transcript", {"partner": partner})


def test_transcript_has_the_published_clr_2_structure(as_user):
    first, second = issue_badge(), issue_badge()

    response = _export(as_user("citizen"))

    assert response.status_code == 201, response.content
    clr = response.json()["credential"]
    assert clr["@context"] == PUBLISHED_CONTEXT
    assert clr["type"] == ["VerifiableCredential", "ClrCredential"]
    assert set(clr) >= PUBLISHED_CREDENTIAL_KEYS
    assert clr["issuer"]["type"] == ["Profile"]
    assert clr["issuer"]["name"] == "上海市终身教育学分银行"
    subject = clr["credentialSubject"]
    assert subject["type"] == ["ClrSubject"]
    assert set(subject) >= PUBLISHED_SUBJECT_KEYS
    embedded = subject["verifiableCredential"]
    assert {c["id"] for c in embedded} >= {f"urn:uuid:{first}", f"urn:uuid:{second}"}
    for credential in embedded:
        assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
        assert credential["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert all(a["type"] == ["Achievement"] for a in subject["achievement"])
    assert subject["identifier"][0]["type"] == "IdentityObject"
    assert clr["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert response.json()["page_url"].endswith(f"/credentials/{response.json()['id']}/")


def test_transcript_verifies_and_fails_once_an_embedded_badge_is_revoked(api, as_user):
    badge = issue_badge()
    clr = _export(as_user("citizen")).json()["credential"]
    assert verify(api, clr)["verified"] is True

    as_user("credit_bank_officer").post(
        f"/api/v1/credentials/{badge}/revoke", {"reason": "认证撤销"}
    )
    result = verify(api, clr)

    assert result["verified"] is False
    assert any(e.startswith("verifiableCredential[") and "revoked" in e for e in result["errors"])


def test_changed_embedded_badge_breaks_the_transcript(api, as_user):
    issue_badge()
    clr = _export(as_user("citizen")).json()["credential"]
    clr["credentialSubject"]["verifiableCredential"][0]["name"] = "伪造的成果"

    result = verify(api, clr)

    assert result["verified"] is False
    assert len(result["errors"]) >= 2  # the transcript's proof and the badge's own proof


def test_revoked_badges_are_left_out_of_a_new_transcript(as_user):
    kept, revoked = issue_badge(), issue_badge()
    as_user("credit_bank_officer").post(
        f"/api/v1/credentials/{revoked}/revoke", {"reason": "认证撤销"}
    )

    clr = _export(as_user("citizen")).json()["credential"]

    ids = {c["id"] for c in clr["credentialSubject"]["verifiableCredential"]}
    assert f"urn:uuid:{kept}" in ids
    assert f"urn:uuid:{revoked}" not in ids


def test_transcript_for_a_partner_must_name_a_registered_partner(as_user):
    issue_badge()

    response = _export(as_user("citizen"), partner="nowhere")

    assert response.status_code == 422
    assert "partner" in response.json()["error"]["fields"]


def test_learner_without_certified_outcomes_gets_a_clear_error(db):
    import uuid

    import pytest

    from lifelong.credit_bank.credentials import services
    from lifelong.identity import api as identity
    from lifelong.shared.errors import Invalid

    newcomer = identity.Actor(user_id=10**9, username="newcomer", person_id=str(uuid.uuid4()))

    with pytest.raises(Invalid) as caught:
        services.issue_transcript(actor=newcomer)

    assert caught.value.code == "nothing_to_export"
    assert caught.value.status == 422


def test_anonymous_cannot_export_and_my_credentials_lists_them(api, as_user):
    credential_id = issue_badge()

    assert _export(api).status_code == 401
    mine = as_user("citizen").get("/api/v1/credentials/mine").json()
    assert credential_id in {item["id"] for item in mine["items"]}
    assert mine["count"] == len(mine["items"])
