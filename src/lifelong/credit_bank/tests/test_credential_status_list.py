"""Revocation by a Bitstring Status List served, signed, at /api/v1/credentials/status/{id}."""

from __future__ import annotations

from lifelong.credit_bank.credentials import statuslist
from lifelong.credit_bank.tests.vc_helpers import fetch, issue_badge, verify


def _status_list(api, url: str) -> dict:
    path = url[url.index("/api/v1/") :]
    response = api.get(path)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/ld+json")
    return response.json()


def test_status_list_is_a_signed_bitstring_status_list_credential(api):
    entry = fetch(api, issue_badge())["credentialStatus"]

    status_list = _status_list(api, entry["statusListCredential"])

    assert status_list["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert status_list["id"] == entry["statusListCredential"]
    subject = status_list["credentialSubject"]
    assert subject["type"] == "BitstringStatusList"
    assert subject["statusPurpose"] == "revocation"
    assert subject["encodedList"].startswith("u")
    bits = statuslist.decode(subject["encodedList"])
    assert len(bits) * 8 >= 131_072
    assert not statuslist.is_set(bits, int(entry["statusListIndex"]))
    assert verify(api, status_list)["verified"] is True


def test_revocation_sets_exactly_the_credentials_bit(api, as_user):
    credential_id = issue_badge()
    other = fetch(api, issue_badge())["credentialStatus"]
    entry = fetch(api, credential_id)["credentialStatus"]
    before = statuslist.decode(
        _status_list(api, entry["statusListCredential"])["credentialSubject"]["encodedList"]
    )

    as_user("credit_bank_officer").post(
        f"/api/v1/credentials/{credential_id}/revoke", {"reason": "成果认证被撤销"}
    )
    after = statuslist.decode(
        _status_list(api, entry["statusListCredential"])["credentialSubject"]["encodedList"]
    )

    index = int(entry["statusListIndex"])
    assert statuslist.is_set(after, index)
    changed = [i for i in range(len(after)) if after[i] != before[i]]
    assert changed == [index // 8]
    if other["statusListCredential"] == entry["statusListCredential"]:
        assert not statuslist.is_set(after, int(other["statusListIndex"]))


def test_unknown_status_list_is_404(api):
    response = api.get("/api/v1/credentials/status/999999999")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_bitstring_encoding_round_trips_and_refuses_short_lists():
    encoded = statuslist.encode(131_072, [0, 7, 131_071])
    bits = statuslist.decode(encoded)

    assert [statuslist.is_set(bits, i) for i in (0, 1, 7, 8, 131_071)] == [
        True,
        False,
        True,
        False,
        True,
    ]
    assert bits[0] == 0b10000001
    import gzip

    from lifelong.credit_bank.credentials import multibase

    short = multibase.encode_base64url(gzip.compress(b"\0" * 100))
    try:
        statuslist.decode(short)
    except statuslist.StatusListError:
        pass
    else:
        raise AssertionError("a list shorter than 16 KiB must be refused")
