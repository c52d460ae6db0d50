"""Pre-employment vetting (入职查询): applicants only, with consent on record; a hit blocks
hiring until an appeal is upheld; current staff are re-checked; every check is audited."""

from __future__ import annotations

import datetime as dt

from lifelong.shared.models import AuditEntry
from lifelong.training_market.models import StaffMember
from lifelong.training_market.tests.helpers import adult_id, id_number, sunshine


def _barred_id() -> str:
    """The ID number of the demo restricted-list entry (刘**)."""
    from lifelong.shared.ids import ric_check_character

    first17 = "31010119750404301"
    return first17 + ric_check_character(first17)


def _apply(client, number: str, name: str = "新老师"):
    response = client.post(
        f"/api/v1/market/institutions/{sunshine().pk}/staff",
        {"name": name, "id_number": number, "position": "美术教师"},
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_an_applicant_with_consent_and_a_clear_check_is_hired(as_user):
    staff = as_user("institution_staff")
    member = _apply(staff, adult_id())

    staff.post(f"/api/v1/market/staff/{member['id']}/consent", {"evidence": "应聘登记表签字"})
    check = staff.post(f"/api/v1/market/staff/{member['id']}/checks")
    hired = staff.post(f"/api/v1/market/staff/{member['id']}/hire")

    assert check.status_code == 201 and check.json()["result"] == "clear"
    assert hired.status_code == 200 and hired.json()["status"] == "employed"
    assert AuditEntry.objects.filter(
        action="market.vetting.check", object_id=str(member["id"])
    ).exists()


def test_no_check_without_consent(as_user):
    staff = as_user("institution_staff")
    member = _apply(staff, adult_id())

    response = staff.post(f"/api/v1/market/staff/{member['id']}/checks")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "consent_required"


def test_only_applicants_get_a_pre_employment_check(as_user):
    employed = StaffMember.objects.filter(institution=sunshine(), status="employed").first()

    response = as_user("institution_staff").post(f"/api/v1/market/staff/{employed.pk}/checks")

    assert response.status_code == 409


def test_someone_on_the_restricted_list_cannot_be_hired_until_an_appeal_is_upheld(as_user):
    staff = as_user("institution_staff")
    member = _apply(staff, _barred_id(), name="刘某")
    staff.post(f"/api/v1/market/staff/{member['id']}/consent", {"evidence": "书面同意"})
    check = staff.post(f"/api/v1/market/staff/{member['id']}/checks").json()

    refused = staff.post(f"/api/v1/market/staff/{member['id']}/hire")
    appeal = staff.post(
        f"/api/v1/market/vetting-checks/{check['id']}/appeals", {"reason": "同名同姓，非本人"}
    ).json()
    decided = as_user("district_officer").post(
        f"/api/v1/market/vetting-appeals/{appeal['id']}/decision",
        {"upheld": True, "note": "经公安核实非同一人"},
    )
    hired = staff.post(f"/api/v1/market/staff/{member['id']}/hire")

    assert check["result"] == "hit"
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "vetting_required"
    assert decided.json()["status"] == "upheld"
    assert hired.status_code == 200


def test_a_dismissed_appeal_keeps_the_applicant_out(as_user):
    staff = as_user("institution_staff")
    member = _apply(staff, _barred_id(), name="刘某")
    staff.post(f"/api/v1/market/staff/{member['id']}/consent", {"evidence": "书面同意"})
    check = staff.post(f"/api/v1/market/staff/{member['id']}/checks").json()
    appeal = staff.post(
        f"/api/v1/market/vetting-checks/{check['id']}/appeals", {"reason": "请求复核"}
    ).json()

    as_user("district_officer").post(
        f"/api/v1/market/vetting-appeals/{appeal['id']}/decision",
        {"upheld": False, "note": "核实为本人"},
    )

    assert staff.post(f"/api/v1/market/staff/{member['id']}/hire").status_code == 422
    assert (
        as_user("district_officer")
        .post(
            f"/api/v1/market/vetting-appeals/{appeal['id']}/decision",
            {"upheld": True, "note": "再次决定"},
        )
        .status_code
        == 409
    )


def test_current_staff_are_rechecked_and_a_new_listing_is_caught(as_user):
    from lifelong.training_market.models import RestrictedPerson

    staff = as_user("institution_staff")
    member = StaffMember.objects.filter(institution=sunshine(), status="employed").first()
    # Listed after being hired: the list keeps the same blind index as the staff record.
    RestrictedPerson.objects.create(
        id_number_index=member.id_number_index,
        name_masked="周**",
        basis="测试判决",
        listed_on=dt.date(2020, 1, 1),
    )

    checks = staff.post("/api/v1/market/staff-rechecks").json()

    by_result = {c["result"] for c in checks}
    assert (
        len(checks) == StaffMember.objects.filter(institution=sunshine(), status="employed").count()
    )
    assert by_result == {"clear", "hit"}
    assert [c["result"] for c in checks if c["result"] == "hit"] == ["hit"]


def test_another_institution_cannot_touch_this_staff(as_user):
    from lifelong.training_market.tests.helpers import fresh_institution

    member = StaffMember.objects.filter(institution=sunshine()).first()

    assert (
        as_user("district_officer_huangpu")
        .post(f"/api/v1/market/staff/{member.pk}/checks")
        .status_code
        == 404
    )
    assert fresh_institution  # the helper exists for institutions of one's own


def test_the_restricted_list_is_kept_city_wide(as_user):
    body = {
        "name": "张某",
        "id_number": id_number(dt.date(1970, 1, 1)),
        "basis": "判决书",
        "listed_on": "2024-01-01",
    }

    assert as_user("regulator").post("/api/v1/market/restricted-list", body).status_code == 201
    assert (
        as_user("district_officer").post("/api/v1/market/restricted-list", body).status_code == 403
    )
