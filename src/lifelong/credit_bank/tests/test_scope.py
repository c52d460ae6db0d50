"""Who sees what: staff see archives only within their scope, an organisation sees only what
it deposited or certified, and one enterprise never sees another's records or imports."""

from __future__ import annotations

import pytest

from lifelong.credit_bank.models import Archive, ImportJob, Outcome
from lifelong.credit_bank.tests.helpers import (
    csv_bytes,
    demo_enterprise,
    id_number,
    row,
    run_upload,
    second_enterprise,
    user,
)
from lifelong.identity import api as identity


def _citizen_archive() -> Archive:
    return Archive.objects.get(person_id=identity.person_for_user(user("citizen").pk))


def _archive_as(as_user, username: str, archive: Archive):
    return as_user(username).get(f"/api/v1/credit-bank/archives/{archive.pk}")


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("credit_bank_officer", 200),
        ("commission_officer", 200),
        ("district_officer", 200),  # the citizen lives in 徐汇区
        ("district_officer_huangpu", 404),
        ("regulator", 403),
        ("senior_citizen", 403),
        ("school_staff", 404),  # the school deposited nothing for the citizen
    ],
)
def test_staff_read_whole_archives_only_within_their_scope(as_user, username, status):
    response = _archive_as(as_user, username, _citizen_archive())
    assert response.status_code == status, response.content


def test_an_organisation_sees_only_the_outcomes_it_deposited_or_certified(as_user):
    archive = _citizen_archive()
    institution = _archive_as(as_user, "institution_staff", archive).json()
    assert [o["standard"]["code"] for o in institution["outcomes"]] == ["CL-SF"]
    assert institution["balance"] == institution["totals"]["credits"] == "1.00"
    enterprise = _archive_as(as_user, "enterprise_hr", archive).json()
    assert {o["source_kind"] for o in enterprise["outcomes"]} == {"enterprise_import"}
    whole = _archive_as(as_user, "credit_bank_officer", archive).json()
    assert len(whole["outcomes"]) > len(enterprise["outcomes"]) + len(institution["outcomes"])


def test_reading_an_archive_as_staff_is_audited(as_user):
    from lifelong.shared.models import AuditEntry

    archive = _citizen_archive()
    _archive_as(as_user, "district_officer", archive)
    assert AuditEntry.objects.filter(
        action="credit_bank.archive_view", object_id=str(archive.pk), actor_label="district_officer"
    ).exists()


def test_a_dormant_archive_is_outside_district_scope_until_the_person_has_a_residence(as_user):
    number = id_number("310104", "19690909")
    as_user("institution_staff").post(
        "/api/v1/credit-bank/outcomes",
        {
            "external_id": "DS-1",
            "name": "无住址",
            "id_number": number,
            "standard_code": "CL-SF",
            "achieved_on": "2021-05-05",
        },
    )
    archive = Archive.objects.get(person_id=identity.find_person_by_id_number(number))
    assert _archive_as(as_user, "district_officer", archive).status_code == 404
    assert _archive_as(as_user, "credit_bank_officer", archive).status_code == 200


def test_outcome_lists_are_cut_to_the_callers_organisation(as_user):
    enterprise = demo_enterprise()
    items = as_user("enterprise_hr").get("/api/v1/credit-bank/outcomes", page_size=100).json()
    assert items["count"] >= 5
    ids = [i["id"] for i in items["items"]]
    assert set(
        Outcome.objects.filter(pk__in=ids).values_list("source_organisation_id", flat=True)
    ) == {enterprise.id}
    huangpu = as_user("district_officer_huangpu").get("/api/v1/credit-bank/outcomes").json()
    assert _citizen_archive().pk not in {
        Outcome.objects.get(pk=i["id"]).archive_id for i in huangpu["items"]
    }


@pytest.mark.usefixtures("immediate_jobs")
def test_one_enterprise_never_sees_another_enterprises_records_or_imports(
    as_user, django_capture_on_commit_callbacks
):
    second_enterprise("other_hr")
    other = as_user("other_hr")
    demo_import = ImportJob.objects.filter(organisation_id=demo_enterprise().id).first()
    assert other.get(f"/api/v1/credit-bank/imports/{demo_import.pk}").status_code == 404
    assert other.get(f"/api/v1/credit-bank/imports/{demo_import.pk}/errors.csv").status_code == 404
    assert other.post(f"/api/v1/credit-bank/imports/{demo_import.pk}/retry", {}).status_code == 404
    assert other.get("/api/v1/credit-bank/imports").json()["count"] == 0
    assert other.get("/api/v1/credit-bank/outcomes").json()["count"] == 0
    demo_outcome = Outcome.objects.filter(source_organisation_id=demo_enterprise().id).first()
    assert other.get(f"/api/v1/credit-bank/outcomes/{demo_outcome.pk}").status_code == 404
    assert _archive_as(as_user, "other_hr", _citizen_archive()).status_code == 404

    # Its own upload is refused row by row: the demo enterprise's USCC is not its own, and it
    # may certify no standard yet.
    status = run_upload(other, django_capture_on_commit_callbacks, csv_bytes([row("OT-1")]))
    assert (status["counts"]["imported"], status["counts"]["invalid"]) == (0, 1)
    assert (
        as_user("enterprise_hr").get(f"/api/v1/credit-bank/imports/{status['id']}").status_code
        == 404
    )


def test_citizens_read_only_their_own_outcomes(as_user):
    other = Outcome.objects.exclude(archive=_citizen_archive()).first()
    assert as_user("citizen").get(f"/api/v1/credit-bank/outcomes/{other.pk}").status_code == 404
    mine = Outcome.objects.filter(archive=_citizen_archive()).first()
    assert as_user("citizen").get(f"/api/v1/credit-bank/outcomes/{mine.pk}").status_code == 200
    assert as_user("citizen").get("/api/v1/credit-bank/outcomes").status_code == 403
