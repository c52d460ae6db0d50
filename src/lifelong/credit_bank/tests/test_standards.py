"""The certification-standard catalogue: versioned, maintained by credit-bank officers, with
the organisations allowed to certify each standard."""

from __future__ import annotations

from lifelong.credit_bank.models import Outcome
from lifelong.credit_bank.tests.helpers import demo_enterprise, id_number

NEW = {
    "code": "VC-HLGL-3",
    "name": "健康管理师（三级）",
    "type": "vocational_certificate",
    "level": "三级",
    "credits": "8",
    "criteria": "取得健康管理师职业技能等级证书（三级）",
    "awarding_body": "上海市人力资源和社会保障局",
    "validity_months": 60,
    "qualification_level": 5,
}


def test_the_public_catalogue_lists_the_versions_in_force(api):
    body = api.get("/api/v1/credit-bank/standards").json()
    codes = [s["code"] for s in body["items"]]
    assert body["count"] >= 30
    assert {"VC-YYY-4", "VC-YLHL-4", "VC-DG-4", "CL-SF", "CL-TJQ", "SOU-11001"} <= set(codes)
    assert len(codes) == len(set(codes))  # one version in force per code
    ncre = next(s for s in body["items"] if s["code"] == "VC-NCRE-1")
    assert (ncre["version"], ncre["status"]) == (2, "active")


def test_a_standard_shows_every_version_and_who_may_certify_it(api):
    body = api.get("/api/v1/credit-bank/standards/VC-NCRE-1").json()
    assert [v["version"] for v in body["versions"]] == [2, 1]
    assert [v["status"] for v in body["versions"]] == ["active", "retired"]
    assert "上海示范科技有限公司" in {c["name"] for c in body["certifiers"]}


def test_an_officer_publishes_a_standard_and_then_a_new_version(as_user):
    officer = as_user("credit_bank_officer")
    first = officer.post("/api/v1/credit-bank/standards", NEW)
    assert first.status_code == 201, first.content
    assert (first.json()["version"], first.json()["status"]) == (1, "active")
    second = officer.post("/api/v1/credit-bank/standards", {**NEW, "credits": "9"})
    assert (second.json()["version"], second.json()["credits"]) == (2, "9.00")
    versions = officer.get("/api/v1/credit-bank/standards/VC-HLGL-3").json()["versions"]
    assert [(v["version"], v["status"]) for v in versions] == [(2, "active"), (1, "retired")]


def test_outcomes_keep_the_version_they_were_certified_against(as_user):
    officer = as_user("credit_bank_officer")
    officer.post("/api/v1/credit-bank/standards", NEW)
    deposit = officer.post(
        "/api/v1/credit-bank/outcomes",
        {
            "external_id": "CB-HLGL-1",
            "name": "卫健康",
            "id_number": id_number("310104", "19820202"),
            "standard_code": "VC-HLGL-3",
            "achieved_on": "2023-04-04",
        },
    )
    officer.post("/api/v1/credit-bank/standards", {**NEW, "credits": "9"})
    outcome = Outcome.objects.get(pk=deposit.json()["id"])
    assert (outcome.standard.version, outcome.credits) == (1, 8)


def test_only_officers_maintain_the_catalogue(as_user):
    for username in ("citizen", "enterprise_hr", "district_officer"):
        response = as_user(username).post("/api/v1/credit-bank/standards", NEW)
        assert response.status_code == 403, username


def test_an_unknown_type_is_refused(as_user):
    response = as_user("credit_bank_officer").post(
        "/api/v1/credit-bank/standards", {**NEW, "type": "hobby"}
    )
    assert response.status_code == 422
    assert "type" in response.json()["error"]["fields"]


def test_an_officer_allows_an_organisation_to_certify_a_standard(as_user):
    officer = as_user("credit_bank_officer")
    enterprise = demo_enterprise()
    response = officer.post(
        "/api/v1/credit-bank/standards/VC-YLHL-4/certifiers",
        {"organisation_id": enterprise.id},
    )
    assert response.status_code == 200, response.content
    certifiers = officer.get("/api/v1/credit-bank/standards/VC-YLHL-4").json()["certifiers"]
    assert enterprise.id in {c["organisation_id"] for c in certifiers}
    officer.post(
        "/api/v1/credit-bank/standards/VC-YLHL-4/certifiers",
        {"organisation_id": enterprise.id, "active": False},
    )
    certifiers = officer.get("/api/v1/credit-bank/standards/VC-YLHL-4").json()["certifiers"]
    assert enterprise.id not in {c["organisation_id"] for c in certifiers}


def test_a_retired_standard_can_no_longer_be_certified(as_user):
    as_user("credit_bank_officer").post("/api/v1/credit-bank/standards/CL-SY/retire")
    response = as_user("institution_staff").post(
        "/api/v1/credit-bank/outcomes",
        {
            "external_id": "R-1",
            "name": "退一",
            "id_number": id_number(),
            "standard_code": "CL-SY",
            "achieved_on": "2023-01-01",
        },
    )
    assert response.status_code == 422
