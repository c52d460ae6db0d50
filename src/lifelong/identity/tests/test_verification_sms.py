"""Real-name verification by SMS: a code goes only to a phone the gateway binds to the
person's ID number; echoing it binds the phone and raises the level, never lowers it."""

from __future__ import annotations

import datetime as dt

from lifelong.identity.gateways import LoggingVerificationGateway as Gateway
from lifelong.identity.models import SmsChallenge
from lifelong.shared import clock
from lifelong.shared.models import AuditEntry

START = "/api/v1/me/verification/sms"
CONFIRM = "/api/v1/me/verification/sms/confirm"


def _later(monkeypatch, seconds: int) -> None:
    moment = clock.now() + dt.timedelta(seconds=seconds)
    monkeypatch.setattr(clock, "now", lambda: moment)


def test_confirmed_code_binds_phone_and_makes_person_sms_verified(as_user):
    # given an unverified person with an ID number on record
    teacher = as_user("teacher")
    assert teacher.get("/api/v1/me").json()["verification_level"] == "unverified"
    # when they ask for a code to a phone registered to their ID and echo it
    sent = teacher.post(START, {"phone": "139 1234 0001"})
    assert sent.status_code == 202, sent.content
    assert sent.json()["expires_in"] == 300 and sent.json()["resend_after"] == 60
    confirmed = teacher.post(CONFIRM, {"code": Gateway.last_code_to("13912340001")})
    # then the phone is bound and the level is sms
    assert confirmed.status_code == 200, confirmed.content
    body = confirmed.json()
    assert body["verification_level"] == "sms"
    assert body["phone_masked"] == "139****0001"
    assert body["verified_at"] is not None
    assert teacher.get("/api/v1/me").json()["verification_level"] == "sms"


def test_phone_not_registered_to_the_id_number_gets_no_code(as_user):
    # given the development gateway never binds numbers ending 0000
    teacher = as_user("teacher")
    before = len(Gateway.codes_to("13912340000"))
    # when the person asks for a code to such a number
    response = teacher.post(START, {"phone": "13912340000"})
    # then it is refused naming the phone, and nothing is sent
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "phone_mismatch"
    assert "phone" in response.json()["error"]["fields"]
    assert len(Gateway.codes_to("13912340000")) == before


def test_wrong_code_is_422_and_leaves_person_unverified(as_user):
    teacher = as_user("teacher")
    teacher.post(START, {"phone": "13912340002"})
    right = Gateway.last_code_to("13912340002")
    wrong = "000000" if right != "000000" else "111111"
    response = teacher.post(CONFIRM, {"code": wrong})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "code_invalid"
    assert "code" in response.json()["error"]["fields"]
    assert teacher.get("/api/v1/me").json()["verification_level"] == "unverified"


def test_code_is_dead_after_five_wrong_attempts(as_user):
    # given a code and five wrong guesses
    teacher = as_user("teacher")
    teacher.post(START, {"phone": "13912340003"})
    right = Gateway.last_code_to("13912340003")
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        assert teacher.post(CONFIRM, {"code": wrong}).status_code == 422
    # when the right code finally comes
    response = teacher.post(CONFIRM, {"code": right})
    # then it is refused too
    assert response.status_code == 422
    assert teacher.get("/api/v1/me").json()["verification_level"] == "unverified"


def test_code_expires_after_five_minutes(as_user, monkeypatch):
    teacher = as_user("teacher")
    teacher.post(START, {"phone": "13912340004"})
    code = Gateway.last_code_to("13912340004")
    _later(monkeypatch, 301)
    assert teacher.post(CONFIRM, {"code": code}).status_code == 422


def test_code_is_used_up_once_confirmed(as_user):
    teacher = as_user("teacher")
    teacher.post(START, {"phone": "13912340005"})
    code = Gateway.last_code_to("13912340005")
    assert teacher.post(CONFIRM, {"code": code}).status_code == 200
    assert teacher.post(CONFIRM, {"code": code}).status_code == 422


def test_second_code_within_a_minute_is_throttled(as_user, monkeypatch):
    teacher = as_user("teacher")
    assert teacher.post(START, {"phone": "13912340006"}).status_code == 202
    again = teacher.post(START, {"phone": "13912340006"})
    assert again.status_code == 429
    assert again.json()["error"]["code"] == "throttled"
    _later(monkeypatch, 61)
    assert teacher.post(START, {"phone": "13912340006"}).status_code == 202


def test_sms_verification_never_lowers_an_in_person_level(as_user):
    # given a citizen verified in person
    citizen = as_user("citizen")
    # when they confirm a new phone by SMS
    citizen.post(START, {"phone": "13912340007"})
    response = citizen.post(CONFIRM, {"code": Gateway.last_code_to("13912340007")})
    # then the phone changes but the level stays
    assert response.status_code == 200
    assert response.json()["verification_level"] == "in_person"
    assert response.json()["phone_masked"] == "139****0007"


def test_account_without_an_id_number_cannot_start_sms_verification(as_user):
    response = as_user("school_staff").post(START, {"phone": "13912340008"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "no_id_number"


def test_sms_verification_needs_a_token(api):
    assert api.post(START, {"phone": "13912340009"}).status_code == 401
    assert api.post(CONFIRM, {"code": "123456"}).status_code == 401


def test_malformed_phone_and_code_are_422_naming_the_field(as_user):
    teacher = as_user("teacher")
    bad_phone = teacher.post(START, {"phone": "12345"})
    assert bad_phone.status_code == 422 and "phone" in bad_phone.json()["error"]["fields"]
    bad_code = teacher.post(CONFIRM, {"code": "12ab56"})
    assert bad_code.status_code == 422 and "code" in bad_code.json()["error"]["fields"]


def test_challenge_row_holds_neither_clear_phone_nor_clear_code(as_user):
    teacher = as_user("teacher")
    teacher.post(START, {"phone": "13912340010"})
    code = Gateway.last_code_to("13912340010")
    row = SmsChallenge.objects.filter(purpose="verify").order_by("-pk").values().first()
    assert row is not None
    assert not any("13912340010" in str(value) for value in row.values())
    assert not any(code == str(value) for value in row.values())


def test_sms_verification_is_audited(as_user):
    teacher = as_user("teacher")
    teacher.post(START, {"phone": "13912340011"})
    person_id = teacher.post(CONFIRM, {"code": Gateway.last_code_to("13912340011")}).json()[
        "person_id"
    ]
    entry = AuditEntry.objects.filter(action="person.verify_sms", object_id=person_id).get()
    assert entry.outcome == "ok" and entry.detail["level"] == "sms"
    assert "13912340011" not in str(entry.detail)
