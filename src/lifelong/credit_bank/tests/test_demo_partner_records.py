"""The demo shows the Yangtze River Delta exchange at work: `load_demo` registers the partner
credit banks and the recognition table, and imports the records the Zhejiang credit bank
signed for the demo citizen, so that the recognised one is an outcome of her archive."""

from __future__ import annotations

import json

from lifelong.credit_bank import api as credit_bank
from lifelong.credit_bank.models import ImportedCredential
from lifelong.credit_bank.tests.vc_helpers import demo_person, verify


def _zhejiang_imports(as_user, person_id: str) -> list[dict]:
    listed = as_user("credit_bank_officer").get("/api/v1/credentials/imports", person_id=person_id)
    assert listed.status_code == 200, listed.content
    return [item for item in listed.json()["items"] if item["partner"] == "zhejiang"]


def test_demo_registers_the_three_partner_banks_and_the_recognition_table(api):
    partners = api.get("/api/v1/credentials/partners").json()["items"]
    table = api.get("/api/v1/credentials/recognitions").json()["items"]

    assert {p["code"] for p in partners} >= {"jiangsu", "zhejiang", "anhui"}
    assert all(p["did"].startswith("did:key:z6Mk") for p in partners)
    assert {(r["partner"], r["standard_code"]) for r in table} >= {
        ("jiangsu", "SOU-11001"),
        ("zhejiang", "VC-YLHL-4"),
        ("anhui", "ND-RGZN"),
    }


def test_demo_citizen_has_the_zhejiang_records_with_their_provenance(api, as_user):
    person_id, _ = demo_person()

    imports = _zhejiang_imports(as_user, person_id)
    archive = as_user("citizen").get("/api/v1/me/archive").json()

    by_code = {item["achievement_code"]: item for item in imports}
    assert set(by_code) == {"ZJ-ZY-YLHL-4", "ZJ-WH-CY-1"}
    recognised, kept = by_code["ZJ-ZY-YLHL-4"], by_code["ZJ-WH-CY-1"]
    assert (recognised["standard_code"], recognised["recognised_credits"]) == ("VC-YLHL-4", "6.00")
    assert (kept["standard_code"], kept["outcome_id"]) == (None, "")
    [outcome] = [o for o in archive["outcomes"] if o["id"] == recognised["outcome_id"]]
    assert outcome["source_kind"] == "partner_bank"
    assert outcome["status"] == "certified"
    assert outcome["standard"]["code"] == "VC-YLHL-4"
    assert "浙江省终身教育学分银行" in outcome["evidence"]
    assert outcome["credential_id"]


def test_the_stored_partner_records_verify_as_signed_by_the_partner(api):
    documents = [
        json.loads(i.document) for i in ImportedCredential.objects.filter(partner__code="zhejiang")
    ]

    results = [verify(api, document) for document in documents]

    assert len(results) == 2
    assert all(result["verified"] for result in results), results
    assert {d["issuer"]["name"] for d in documents} == {"浙江省终身教育学分银行"}


def test_loading_the_demo_again_adds_no_partner_records(as_user):
    person_id, _ = demo_person()
    before = credit_bank.archive_summary(person_id)
    counts = credit_bank.load_demo()

    again = credit_bank.load_demo()

    assert again == counts
    assert counts["partner_credentials"] >= 2
    assert credit_bank.archive_summary(person_id) == before
    assert len(_zhejiang_imports(as_user, person_id)) == 2
