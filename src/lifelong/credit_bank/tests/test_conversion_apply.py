"""Learners apply online to convert outcomes into a programme's courses
(`POST /api/v1/credit-bank/conversions`); rules decide where they can, staff review the rest,
and every decision keeps its reasons."""

from __future__ import annotations

from decimal import Decimal

from lifelong.credit_bank.models import Application, Archive, Outcome, RuleSet
from lifelong.credit_bank.tests.helpers import unverified_account, user
from lifelong.identity import api as identity

PROGRAMME = "SOU-ZK-XQJY"


def _archive(username: str = "citizen") -> Archive:
    return Archive.objects.get(person_id=identity.person_for_user(user(username).pk))


def _outcome(code: str) -> Outcome:
    return Outcome.objects.get(archive=_archive(), standard__code=code)


def _demo_application(client) -> dict:
    items = client.get("/api/v1/credit-bank/conversions").json()["items"]
    return next(a for a in items if a["programme_code"] == PROGRAMME)


def test_the_demo_application_was_decided_by_rules_with_one_item_under_review(as_user):
    application = _demo_application(as_user("citizen"))
    decisions = {i["outcome_title"]: i for i in application["items"]}
    assert application["status"] == "under_review"
    assert decisions["育婴员（四级/中级工）"]["decision"] == "granted"
    assert decisions["育婴员（四级/中级工）"]["course_code"] == "XQ102"
    assert decisions["计算机应用基础"]["decision"] == "granted"
    assert decisions["书法（楷书）"]["decision"] == "review"
    assert Decimal(application["granted_credits"]) == Decimal("8")
    assert all(i["reasons"] for i in application["items"])


def test_an_officer_grants_the_item_under_review_and_the_application_is_decided(as_user):
    application = _demo_application(as_user("citizen"))
    item = next(i for i in application["items"] if i["decision"] == "review")
    response = as_user("credit_bank_officer").post(
        f"/api/v1/credit-bank/conversions/{application['id']}/items/{item['id']}/review",
        {"grant": True, "reason": "书法作品达到课程要求"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "decided"
    assert Decimal(body["granted_credits"]) == Decimal("11")
    reviewed = next(i for i in body["items"] if i["id"] == item["id"])
    assert (reviewed["decision"], reviewed["course_code"]) == ("granted", "XQ201")
    assert "书法作品达到课程要求" in reviewed["reasons"][-1]


def test_a_review_grant_that_would_cross_a_cap_is_refused(as_user):
    RuleSet.objects.filter(programme__code=PROGRAMME).update(cap_total=Decimal("9"))
    application = _demo_application(as_user("citizen"))
    item = next(i for i in application["items"] if i["decision"] == "review")
    response = as_user("credit_bank_officer").post(
        f"/api/v1/credit-bank/conversions/{application['id']}/items/{item['id']}/review",
        {"grant": True, "reason": "同意"},
    )
    assert response.status_code == 409
    assert "上限" in response.json()["error"]["message"]


def test_an_officer_denies_an_item_with_a_reason(as_user):
    application = _demo_application(as_user("citizen"))
    item = next(i for i in application["items"] if i["decision"] == "review")
    response = as_user("credit_bank_officer").post(
        f"/api/v1/credit-bank/conversions/{application['id']}/items/{item['id']}/review",
        {"grant": False, "reason": "作品与课程内容不符"},
    )
    assert response.json()["status"] == "decided"
    assert (
        next(i for i in response.json()["items"] if i["id"] == item["id"])["decision"] == "denied"
    )


def test_learners_may_not_review(as_user):
    application = _demo_application(as_user("citizen"))
    item = next(i for i in application["items"] if i["decision"] == "review")
    response = as_user("citizen").post(
        f"/api/v1/credit-bank/conversions/{application['id']}/items/{item['id']}/review",
        {"grant": True, "reason": "我同意"},
    )
    assert response.status_code == 403


def test_an_outcome_already_converted_is_not_counted_again(as_user):
    response = as_user("citizen").post(
        "/api/v1/credit-bank/conversions",
        {"programme_code": PROGRAMME, "outcome_ids": [str(_outcome("VC-YYY-4").pk)]},
    )
    assert response.status_code == 201, response.content
    item = response.json()["items"][0]
    assert item["decision"] == "denied"
    assert "已用于本专业" in item["reasons"][0]


def test_a_course_already_granted_is_not_granted_again_from_another_outcome(as_user):
    response = as_user("citizen").post(
        "/api/v1/credit-bank/conversions",
        {"programme_code": PROGRAMME, "outcome_ids": [str(_outcome("VC-NCRE-1").pk)]},
    )
    item = response.json()["items"][0]
    assert item["decision"] == "denied"
    assert any("JC001" in r for r in item["reasons"])


def test_the_same_outcomes_convert_into_another_programme_independently(as_user):
    response = as_user("citizen").post(
        "/api/v1/credit-bank/conversions",
        {"programme_code": "SOU-ZK-LNFW", "outcome_ids": [str(_outcome("SOU-11001").pk)]},
    )
    assert response.json()["items"][0]["decision"] == "granted"
    assert response.json()["status"] == "decided"


def test_someone_elses_outcome_cannot_be_used(as_user):
    other = Outcome.objects.exclude(archive=_archive()).filter(status="certified").first()
    response = as_user("citizen").post(
        "/api/v1/credit-bank/conversions",
        {"programme_code": PROGRAMME, "outcome_ids": [str(other.pk)]},
    )
    assert response.status_code == 422
    assert (
        not Application.objects.filter(archive=_archive())
        .exclude(rule_set__programme__code=PROGRAMME)
        .exists()
    )


def test_an_unknown_programme_is_refused(as_user):
    response = as_user("citizen").post(
        "/api/v1/credit-bank/conversions",
        {"programme_code": "NOPE", "outcome_ids": [str(_outcome("VC-YYY-4").pk)]},
    )
    assert response.status_code == 422


def test_unverified_accounts_may_not_apply(as_user):
    unverified_account("conv_unverified")
    response = as_user("conv_unverified").post(
        "/api/v1/credit-bank/conversions",
        {"programme_code": PROGRAMME, "outcome_ids": [str(_outcome("VC-YYY-4").pk)]},
    )
    assert response.status_code == 403


def test_a_learner_sees_only_their_own_applications_and_officers_see_the_queue(as_user):
    assert as_user("senior_citizen").get("/api/v1/credit-bank/conversions").json()["count"] == 0
    queue = (
        as_user("credit_bank_officer")
        .get("/api/v1/credit-bank/conversions", status="under_review")
        .json()
    )
    assert queue["count"] >= 1
    application = _demo_application(as_user("citizen"))
    assert (
        as_user("senior_citizen")
        .get(f"/api/v1/credit-bank/conversions/{application['id']}")
        .status_code
        == 404
    )


def test_programmes_publish_their_rules_and_caps(api):
    body = api.get("/api/v1/credit-bank/programmes").json()
    programme = next(p for p in body["items"] if p["code"] == PROGRAMME)
    assert programme["institution"] == "上海开放大学"
    assert programme["caps"] == {"total": "20.00", "per_source": "12.00", "per_year": "15.00"}
    assert {"VC-YYY-4", "SOU-11001", "CL-SF"} <= {r["standard_code"] for r in programme["rules"]}


def test_an_officer_publishes_a_new_rule_set_version_and_old_applications_keep_theirs(as_user):
    officer = as_user("credit_bank_officer")
    response = officer.post(
        f"/api/v1/credit-bank/programmes/{PROGRAMME}/rule-sets",
        {
            "cap_total": "10",
            "cap_per_source": "10",
            "cap_per_year": "10",
            "rules": [{"standard_code": "VC-NCRE-2", "course_code": "JC001"}],
        },
    )
    assert response.status_code == 201, response.content
    assert (response.json()["version"], response.json()["rules"]) == (2, 1)
    programme = next(
        p
        for p in officer.get("/api/v1/credit-bank/programmes").json()["items"]
        if p["code"] == PROGRAMME
    )
    assert programme["rule_set_version"] == 2
    assert [r["standard_code"] for r in programme["rules"]] == ["VC-NCRE-2"]
    assert _demo_application(as_user("citizen"))["rule_set_version"] == 1


def test_a_rule_set_must_name_courses_of_the_programme(as_user):
    response = as_user("credit_bank_officer").post(
        f"/api/v1/credit-bank/programmes/{PROGRAMME}/rule-sets",
        {
            "cap_total": "10",
            "cap_per_source": "10",
            "cap_per_year": "10",
            "rules": [{"standard_code": "VC-DG-4", "course_code": "ZZ999"}],
        },
    )
    assert response.status_code == 422
    assert (
        as_user("citizen")
        .post(
            f"/api/v1/credit-bank/programmes/{PROGRAMME}/rule-sets",
            {"cap_total": "1", "cap_per_source": "1", "cap_per_year": "1", "rules": []},
        )
        .status_code
        == 403
    )
