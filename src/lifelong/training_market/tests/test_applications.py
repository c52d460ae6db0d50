"""One-stop applications (一网通办): establishment with documents, review within 20 working
days, and the decision; change and renewal."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from lifelong.identity import api as identity
from lifelong.shared import clock
from lifelong.training_market.models import Institution
from lifelong.training_market.services.applications import add_working_days
from lifelong.training_market.tests.helpers import sunshine


def _establish(client):
    return client.post(
        "/api/v1/market/applications",
        {
            "kind": "establishment",
            "district_code": "310104",
            "name": "徐汇申请测试艺术中心",
            "uscc": identity.demo_uscc("52", "310104", "AP000001"),
            "details": {
                "for_profit": False,
                "categories": ["arts"],
                "premises": [
                    {
                        "address": "天平路1号",
                        "lease_end": (clock.today() + dt.timedelta(days=900)).isoformat(),
                    }
                ],
            },
        },
    )


def test_an_establishment_is_applied_for_reviewed_and_approved(as_user):
    citizen, officer = as_user("citizen"), as_user("district_officer")
    application = _establish(citizen).json()
    url = f"/api/v1/market/applications/{application['id']}"

    upload = citizen.client.post(
        f"{url}/documents",
        {"kind": "premises_lease", "file": SimpleUploadedFile("lease.pdf", b"%PDF-1.4 lease")},
        HTTP_AUTHORIZATION=f"Bearer {citizen.token}",
    )
    officer.post(f"{url}/actions", {"action": "review"})
    approved = officer.post(f"{url}/actions", {"action": "approve", "note": "材料齐全"})

    assert application["due_on"] == add_working_days(clock.today(), 20).isoformat()
    assert upload.status_code == 201, upload.content
    assert approved.status_code == 200, approved.content
    institution = Institution.objects.get(pk=approved.json()["institution_id"])
    assert institution.licence_number and institution.premises.count() == 1
    assert [e["status"] for e in approved.json()["events"]] == [
        "submitted",
        "under_review",
        "approved",
    ]


def test_a_document_that_is_not_what_it_claims_is_refused(as_user):
    citizen = as_user("citizen")
    application = _establish(citizen).json()

    response = citizen.client.post(
        f"/api/v1/market/applications/{application['id']}/documents",
        {"kind": "charter", "file": SimpleUploadedFile("charter.pdf", b"MZ not a pdf")},
        HTTP_AUTHORIZATION=f"Bearer {citizen.token}",
    )

    assert response.status_code == 422


def test_more_information_is_asked_for_and_resubmitted(as_user):
    citizen, officer = as_user("citizen"), as_user("district_officer")
    application = _establish(citizen).json()
    url = f"/api/v1/market/applications/{application['id']}/actions"

    officer.post(url, {"action": "review"})
    asked = officer.post(url, {"action": "request_more", "note": "请补充消防验收材料"})
    resubmitted = citizen.post(url, {"action": "resubmit"})

    assert asked.json()["status"] == "more_info"
    assert resubmitted.json()["status"] == "under_review"


def test_another_district_cannot_decide(as_user):
    application = _establish(as_user("citizen")).json()

    response = as_user("district_officer_huangpu").post(
        f"/api/v1/market/applications/{application['id']}/actions", {"action": "review"}
    )

    assert response.status_code == 404


def test_a_renewal_extends_the_licence_by_five_years(as_user):
    before = sunshine().licence_valid_until
    application = (
        as_user("institution_staff")
        .post("/api/v1/market/applications", {"kind": "renewal", "institution_id": sunshine().pk})
        .json()
    )
    url = f"/api/v1/market/applications/{application['id']}/actions"
    officer = as_user("district_officer")

    officer.post(url, {"action": "review"})
    officer.post(url, {"action": "approve"})

    assert sunshine().licence_valid_until.year == before.year + 5
