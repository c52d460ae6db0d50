"""Revoked and expired proxy relations grant nothing."""

from __future__ import annotations

import datetime as dt

from lifelong.identity.tests.factories import id_number
from lifelong.shared import clock

CITIZEN_ID = id_number("310104", "19850315", "003")  # 王晓明


def _grant(senior, **extra) -> dict:
    response = senior.post(
        "/api/v1/me/proxies",
        {
            "kind": "family_for_senior",
            "agent_id_number": CITIZEN_ID,
            "agent_name": "王晓明",
            "consent_evidence": "本人授权 / by myself",
            **extra,
        },
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_revoked_proxy_no_longer_grants(as_user):
    senior, citizen = as_user("senior_citizen"), as_user("citizen")
    proxy = _grant(senior)
    principal = proxy["principal"]["id"]
    assert citizen.get(f"/api/v1/people/{principal}/as-agent").status_code == 200
    revoked = senior.post(f"/api/v1/proxies/{proxy['id']}/revoke")
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked" and revoked.json()["revoked_at"]
    assert citizen.get(f"/api/v1/people/{principal}/as-agent").status_code == 404


def test_expired_proxy_no_longer_grants(as_user, monkeypatch):
    senior, citizen = as_user("senior_citizen"), as_user("citizen")
    until = clock.now() + dt.timedelta(hours=1)
    proxy = _grant(senior, valid_until=until.isoformat())
    principal = proxy["principal"]["id"]
    assert citizen.get(f"/api/v1/people/{principal}/as-agent").status_code == 200
    later = until + dt.timedelta(minutes=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert citizen.get(f"/api/v1/people/{principal}/as-agent").status_code == 404
    [listed] = [
        p for p in citizen.get("/api/v1/me/proxies").json()["as_agent"] if p["id"] == proxy["id"]
    ]
    assert listed["status"] == "expired"


def test_agent_may_revoke(as_user):
    proxy = _grant(as_user("senior_citizen"))
    assert as_user("citizen").post(f"/api/v1/proxies/{proxy['id']}/revoke").status_code == 200


def test_staff_in_scope_may_revoke_and_are_recorded(as_user):
    from lifelong.identity.models import ProxyRelation

    proxy = _grant(as_user("senior_citizen"))
    assert (
        as_user("district_officer").post(f"/api/v1/proxies/{proxy['id']}/revoke").status_code == 200
    )
    assert ProxyRelation.objects.get(pk=proxy["id"]).revoked_by.username == "district_officer"


def test_outsiders_cannot_revoke(as_user):
    proxy = _grant(as_user("senior_citizen"))
    assert as_user("parent").post(f"/api/v1/proxies/{proxy['id']}/revoke").status_code == 404
    assert (
        as_user("district_officer_huangpu")
        .post(f"/api/v1/proxies/{proxy['id']}/revoke")
        .status_code
        == 404
    )


def test_revoking_twice_is_409(as_user):
    senior = as_user("senior_citizen")
    proxy = _grant(senior)
    assert senior.post(f"/api/v1/proxies/{proxy['id']}/revoke").status_code == 200
    assert senior.post(f"/api/v1/proxies/{proxy['id']}/revoke").status_code == 409


def test_a_new_relation_may_follow_a_revoked_one(as_user):
    senior = as_user("senior_citizen")
    first = _grant(senior)
    senior.post(f"/api/v1/proxies/{first['id']}/revoke")
    second = _grant(senior)
    assert second["id"] != first["id"] and second["status"] == "active"
