"""Inspections with findings, penalty cases filed → investigated → decided → executed, the
transfer to market regulation, and the public credit lists."""

from __future__ import annotations

from lifelong.shared import clock
from lifelong.training_market.tests.helpers import sunshine, trouble


def _inspect(client, institution_id, findings=()):
    return client.post(
        "/api/v1/market/inspections",
        {
            "institution_id": institution_id,
            "inspected_on": clock.today().isoformat(),
            "inspectors": "王检查",
            "summary": "现场检查资金监管与合同。",
            "findings": list(findings),
        },
    )


def test_an_inspection_with_findings_leads_to_a_decided_and_published_case(as_user, api):
    officer = as_user("district_officer")
    inspection = _inspect(
        officer,
        sunshine().pk,
        [
            {
                "code": "over_limit_charging",
                "severity": "serious",
                "description": "一次收费超过3个月",
            }
        ],
    ).json()
    case = officer.post(
        "/api/v1/market/penalty-cases",
        {
            "institution_id": sunshine().pk,
            "title": "超期收费",
            "finding_id": inspection["findings"][0]["id"],
        },
    ).json()
    url = f"/api/v1/market/penalty-cases/{case['id']}/steps"

    officer.post(url, {"to": "investigated", "note": "调取收费记录"})
    decided = officer.post(
        url,
        {"to": "decided", "decision": "责令退还超收费用，罚款一万元。", "fine_amount": "10000.00"},
    )
    executed = officer.post(url, {"to": "executed"})

    assert decided.status_code == 200 and decided.json()["fine_amount"] == "10000.00"
    assert executed.json()["status"] == "executed"
    public = api.get(f"/api/v1/market/institutions/{sunshine().pk}").json()
    assert "超期收费" in [p["title"] for p in public["penalty_records"]]
    assert public["penalties"] >= 1


def test_a_case_cannot_skip_a_step(as_user):
    officer = as_user("district_officer")
    case = officer.post(
        "/api/v1/market/penalty-cases", {"institution_id": sunshine().pk, "title": "跳步测试"}
    ).json()

    response = officer.post(f"/api/v1/market/penalty-cases/{case['id']}/steps", {"to": "executed"})

    assert response.status_code == 409


def test_a_case_is_transferred_to_market_regulation_and_followed(as_user):
    officer = as_user("district_officer")
    case = officer.post(
        "/api/v1/market/penalty-cases", {"institution_id": trouble("310104").pk, "title": "预付卡"}
    ).json()
    url = f"/api/v1/market/penalty-cases/{case['id']}/transfer"

    sent = officer.post(url, {"to": "transferred", "agency": "徐汇区市场监督管理局"})
    accepted = officer.post(url, {"to": "accepted"})
    again = officer.post(url, {"to": "transferred"})

    assert sent.json()["transferred_to"] == "徐汇区市场监督管理局"
    assert accepted.json()["transfer_status"] == "accepted"
    assert again.status_code == 409
    assert [e["value"] for e in accepted.json()["events"] if e["kind"] == "transfer"] == [
        "transferred",
        "accepted",
    ]


def test_a_district_regulator_cannot_inspect_another_district(as_user):
    response = _inspect(as_user("district_officer_huangpu"), sunshine().pk)

    assert response.status_code == 404


def test_the_joint_punishment_list_is_public(as_user, api):
    added = as_user("regulator").post(
        "/api/v1/market/credit-lists",
        {"institution_id": trouble("310101").pk, "list": "joint_punishment", "reason": "跑路"},
    )

    listed = api.get("/api/v1/market/credit-lists", list="joint_punishment").json()["items"]

    assert added.status_code == 201
    assert trouble("310101").name in {e["institution_name"] for e in listed}


def test_fees_outside_escrow_found_on_inspection_raise_the_risk(as_user):
    officer = as_user("district_officer")
    before = officer.get(f"/api/v1/market/institutions/{sunshine().pk}/risk").json()

    _inspect(
        officer,
        sunshine().pk,
        [{"code": "fees_outside_escrow", "description": "微信收款", "severity": "serious"}],
    )
    after = officer.get(f"/api/v1/market/institutions/{sunshine().pk}/risk").json()

    assert after["score"] == before["score"] + 25
    assert "fees_outside_escrow" in {s["code"] for s in after["signals"] if s["points"]}
