"""Complaints: a citizen files one, the district's regulators handle it within time limits,
the citizen follows its progress."""

from __future__ import annotations

import datetime as dt

from lifelong.shared import clock
from lifelong.training_market.models import Complaint
from lifelong.training_market.services.complaints import overdue
from lifelong.training_market.tests.helpers import sunshine, trouble

URL = "/api/v1/market/complaints"


def _file(client, institution_id=None, **overrides):
    body = {
        "institution_id": institution_id or sunshine().pk,
        "category": "refund_refused",
        "description": "机构拒绝退还未上课时的费用。",
    }
    body.update(overrides)
    return client.post(URL, body)


def test_a_citizen_files_a_complaint_with_time_limits(as_user):
    response = _file(as_user("citizen"), contact_phone="13912345678")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["district_code"] == "310104"
    assert body["accept_due"] == (clock.today() + dt.timedelta(days=7)).isoformat()
    assert body["contact_phone_masked"] == "139****5678"
    assert [e["status"] for e in body["events"]] == ["submitted"]


def test_the_district_regulator_accepts_investigates_and_resolves(as_user):
    complaint = _file(as_user("citizen")).json()
    officer = as_user("district_officer")
    url = f"{URL}/{complaint['id']}/actions"

    accepted = officer.post(url, {"action": "accept"})
    investigating = officer.post(url, {"action": "investigate", "note": "已约谈机构负责人"})
    resolved = officer.post(url, {"action": "resolve", "note": "机构已全额退费"})

    assert accepted.json()["resolve_due"] == (clock.today() + dt.timedelta(days=30)).isoformat()
    assert investigating.json()["status"] == "investigating"
    assert resolved.status_code == 200 and resolved.json()["outcome"] == "机构已全额退费"
    progress = as_user("citizen").get(f"{URL}/{complaint['id']}").json()
    assert [e["status"] for e in progress["events"]] == [
        "submitted",
        "accepted",
        "investigating",
        "resolved",
    ]


def test_a_step_out_of_order_is_a_conflict(as_user):
    complaint = _file(as_user("citizen")).json()

    response = as_user("district_officer").post(
        f"{URL}/{complaint['id']}/actions", {"action": "resolve", "note": "x"}
    )

    assert response.status_code == 409


def test_resolving_or_rejecting_needs_a_note(as_user):
    complaint = _file(as_user("citizen")).json()

    response = as_user("district_officer").post(
        f"{URL}/{complaint['id']}/actions", {"action": "reject"}
    )

    assert response.status_code == 422 and "note" in response.json()["error"]["fields"]


def test_another_districts_regulator_cannot_handle_it(as_user):
    complaint = _file(as_user("citizen")).json()

    response = as_user("district_officer_huangpu").post(
        f"{URL}/{complaint['id']}/actions", {"action": "accept"}
    )

    assert response.status_code == 404


def test_a_citizen_sees_only_their_own_complaints(as_user):
    mine = _file(as_user("citizen")).json()
    others = Complaint.objects.exclude(complainant__username="citizen").first()

    listed = as_user("senior_citizen").get(URL).json()

    assert mine["id"] not in {c["id"] for c in listed["items"]}
    assert as_user("senior_citizen").get(f"{URL}/{mine['id']}").status_code == 404
    assert others is None or as_user("citizen").get(f"{URL}/{others.pk}").status_code == 404


def test_a_complaint_past_its_deadline_is_overdue(as_user):
    complaint = Complaint.objects.get(pk=_file(as_user("citizen")).json()["id"])

    assert not overdue(complaint)
    assert overdue(complaint, today=clock.today() + dt.timedelta(days=8))


def test_complaints_need_a_sign_in_and_a_real_category(api, as_user):
    assert _file(api).status_code == 401
    assert _file(as_user("citizen"), category="noise").status_code == 422
    assert _file(as_user("citizen"), institution_id=999_999_999).status_code == 404


def test_the_complaint_page_files_and_shows_progress(client, db):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="citizen"))
    form = client.get(f"/market/institutions/{trouble('310104').pk}/complain/")
    response = client.post(
        f"/market/institutions/{trouble('310104').pk}/complain/",
        {"category": "closure", "description": "门店已关闭，老师联系不上。"},
    )

    assert form.status_code == 200 and 'name="csrfmiddlewaretoken"' in form.content.decode()
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "门店已关闭" in page and "已提交" in page


def test_the_complaint_form_sends_a_visitor_to_sign_in(client, db):
    response = client.get(f"/market/institutions/{sunshine().pk}/complain/")

    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_regulator_handles_a_complaint_on_its_page(client, as_user, db):
    from django.contrib.auth import get_user_model

    complaint = _file(as_user("citizen")).json()
    client.force_login(get_user_model().objects.get(username="district_officer"))

    listing = client.get("/market/complaints/").content.decode()
    client.post(f"/market/complaints/{complaint['id']}/", {"action": "accept", "note": ""})

    assert f"#{complaint['id']}" in listing
    assert Complaint.objects.get(pk=complaint["id"]).status == "accepted"


def test_the_complainant_is_told_of_each_step(as_user):
    from lifelong.shared.models import Notification

    complaint = _file(as_user("citizen")).json()
    as_user("district_officer").post(f"{URL}/{complaint['id']}/actions", {"action": "accept"})

    person = as_user("citizen").get("/api/v1/me").json()["person_id"]
    notes = Notification.objects.filter(recipient_id=person, template="market_complaint_progress")
    assert notes.count() == 1 and "已受理" in notes.get().body
