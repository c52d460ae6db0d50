"""The back office: scoped like the API (a district officer lists and opens only its district),
every change made through the same use case as the API, nothing deleted, the ledger read-only
for everyone, and every list exportable as CSV."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lifelong.shared.models import AuditEntry
from lifelong.training_market.models import (
    Account,
    ChargingRule,
    Complaint,
    ComplaintEvent,
    Institution,
    LedgerTransaction,
    PenaltyCase,
    Posting,
    StatusChange,
)
from lifelong.training_market.tests.helpers import fresh_institution, sunshine, trouble

ADMIN = "/admin/training_market"
CHANGELISTS = [
    "institution",
    "complaint",
    "penaltycase",
    "chargingrule",
    "account",
    "ledgertransaction",
    "posting",
]


def _admin(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _listed(response) -> list:
    """The rows the changelist would show across all its pages."""
    assert response.status_code == 200, response.content.decode()[:500]
    return list(response.context["cl"].queryset)


@pytest.mark.parametrize("model", CHANGELISTS)
@pytest.mark.parametrize("username", ["regulator", "district_officer", "commission_officer"])
def test_every_changelist_answers_for_the_supervisors(db, model, username):
    response = _admin(username).get(f"{ADMIN}/{model}/")

    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


@pytest.mark.parametrize(
    "model, obj",
    [
        ("institution", lambda: sunshine()),
        ("complaint", lambda: Complaint.objects.filter(institution=trouble("310104")).first()),
        ("penaltycase", lambda: PenaltyCase.objects.first()),
        ("chargingrule", lambda: ChargingRule.objects.first()),
        ("account", lambda: Account.objects.filter(kind="escrow").first()),
        ("ledgertransaction", lambda: LedgerTransaction.objects.first()),
        ("posting", lambda: Posting.objects.first()),
    ],
)
def test_every_record_opens_for_the_city_regulator(db, model, obj):
    response = _admin("regulator").get(f"{ADMIN}/{model}/{obj().pk}/change/")

    assert response.status_code == 200


def test_a_district_officer_lists_only_its_districts_institutions(db):
    rows = _listed(_admin("district_officer").get(f"{ADMIN}/institution/"))

    assert {i.district_id for i in rows} == {"310104"}
    assert len(rows) == Institution.objects.filter(district_id="310104").count()
    assert sunshine() in rows and trouble("310101") not in rows


def test_the_city_regulator_lists_every_institution(db):
    rows = _listed(_admin("regulator").get(f"{ADMIN}/institution/"))

    assert len(rows) == Institution.objects.count()


def test_another_districts_institution_does_not_open_for_a_district_officer(db):
    huangpu = trouble("310101")

    response = _admin("district_officer").get(f"{ADMIN}/institution/{huangpu.pk}/change/")

    assert response.status_code in (302, 404)
    assert huangpu.name not in response.content.decode()


@pytest.mark.parametrize("model", ["complaint", "penaltycase", "account", "posting"])
def test_a_district_officer_sees_only_its_districts_cases_complaints_and_ledger(db, model):
    rows = _listed(_admin("district_officer").get(f"{ADMIN}/{model}/"))

    districts = {getattr(r, "district_id", None) or r.institution.district_id for r in rows[:200]}
    assert rows and districts == {"310104"}


@pytest.mark.parametrize("model", ["account", "ledgertransaction", "posting"])
@pytest.mark.parametrize("username", ["regulator", "superuser"])
def test_the_ledger_has_no_add_change_or_delete_for_anyone(db, model, username):
    if username == "superuser":
        user = get_user_model().objects.create_superuser("root-market", "r@example.org", "x")
        client = Client()
        client.force_login(user)
    else:
        client = _admin(username)
    row = {"account": Account, "ledgertransaction": LedgerTransaction, "posting": Posting}[
        model
    ].objects.first()
    site_admin = client.get(f"{ADMIN}/{model}/").context["cl"].model_admin
    request = client.get(f"{ADMIN}/{model}/").wsgi_request

    assert not site_admin.has_add_permission(request)
    assert not site_admin.has_change_permission(request, row)
    assert not site_admin.has_delete_permission(request, row)
    assert client.get(f"{ADMIN}/{model}/add/").status_code == 403
    assert client.get(f"{ADMIN}/{model}/{row.pk}/delete/").status_code == 403
    assert client.post(f"{ADMIN}/{model}/{row.pk}/change/", {}).status_code == 403


def test_postings_cannot_be_deleted_in_bulk_from_the_list(db):
    client = _admin("regulator")
    posting = Posting.objects.first()

    response = client.post(
        f"{ADMIN}/posting/", {"action": "delete_selected", "_selected_action": [posting.pk]}
    )

    assert response.status_code in (200, 302)
    assert Posting.objects.filter(pk=posting.pk).exists()


def test_a_regulator_suspends_an_institution_through_the_registry_service(db):
    institution, _staff = fresh_institution()

    response = _admin("regulator").post(
        f"{ADMIN}/institution/{institution.pk}/change/",
        {"new_status": "suspended", "reason": "预收费未进监管账户，暂停招生", "_save": "保存"},
    )

    institution.refresh_from_db()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert institution.status == "suspended"
    assert StatusChange.objects.filter(institution=institution, status="suspended").exists()
    assert AuditEntry.objects.filter(
        action="market.institution.status", object_id=str(institution.pk)
    ).exists()


def test_a_change_the_service_refuses_is_shown_and_nothing_is_saved(db):
    institution, _staff = fresh_institution()
    client = _admin("regulator")
    url = f"{ADMIN}/institution/{institution.pk}/change/"

    response = client.post(url, {"new_status": "suspended", "reason": "", "_save": "保存"})
    page = client.get(response["Location"]).content.decode()

    institution.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == url
    assert "必填" in page
    assert institution.status == "active"
    assert not StatusChange.objects.filter(institution=institution).exists()


def test_the_commission_reads_institutions_but_changes_nothing(db):
    client = _admin("commission_officer")
    url = f"{ADMIN}/institution/{sunshine().pk}/change/"

    page = client.get(url).content.decode()
    response = client.post(url, {"new_status": "closed", "reason": "试图关停", "_save": "保存"})

    assert 'name="new_status"' not in page
    assert response.status_code == 403
    assert Institution.objects.get(pk=sunshine().pk).status == "active"


def test_the_district_regulator_accepts_a_complaint_in_the_back_office(db, as_user):
    filed = as_user("citizen").post(
        "/api/v1/market/complaints",
        {
            "institution_id": sunshine().pk,
            "category": "teaching_quality",
            "description": "老师多次无故调课，家长群无人回复。",
        },
    )
    complaint_id = filed.json()["id"]
    client = _admin("district_officer")
    url = f"{ADMIN}/complaint/{complaint_id}/change/"

    accepted = client.post(url, {"action": "accept", "note": "", "_save": "保存"})
    refused = client.post(url, {"action": "resolve", "note": "", "_save": "保存"})

    complaint = Complaint.objects.get(pk=complaint_id)
    assert accepted.status_code == 302 and refused["Location"] == url
    assert complaint.status == "accepted" and complaint.resolve_due is not None
    assert list(
        ComplaintEvent.objects.filter(complaint=complaint).values_list("status", flat=True)
    ) == ["submitted", "accepted"]


def test_another_districts_regulator_cannot_handle_the_complaint_in_the_back_office(db):
    complaint = Complaint.objects.filter(institution=trouble("310104"), status="submitted").first()

    response = _admin("district_officer_huangpu").post(
        f"{ADMIN}/complaint/{complaint.pk}/change/", {"action": "accept", "_save": "保存"}
    )

    complaint.refresh_from_db()
    assert response.status_code in (302, 404)
    assert complaint.status == "submitted"


def _filed_case(as_user) -> PenaltyCase:
    response = as_user("district_officer").post(
        "/api/v1/market/penalty-cases",
        {"institution_id": trouble("310104").pk, "title": "未按规定公示收费项目"},
    )
    assert response.status_code == 201, response.content
    return PenaltyCase.objects.get(pk=response.json()["id"])


def test_a_case_is_investigated_and_transferred_in_the_back_office(db, as_user):
    case = _filed_case(as_user)

    response = _admin("district_officer").post(
        f"{ADMIN}/penaltycase/{case.pk}/change/",
        {"to": "investigated", "step_note": "已调取收费记录", "transfer_to": "transferred"},
    )

    case.refresh_from_db()
    assert response.status_code == 302
    assert case.status == "investigated" and case.transfer_status == "transferred"
    assert case.transferred_to
    assert list(case.events.values_list("kind", "value")) == [
        ("status", "filed"),
        ("status", "investigated"),
        ("transfer", "transferred"),
    ]


def test_a_refused_second_step_rolls_the_first_back(db, as_user):
    case = _filed_case(as_user)

    response = _admin("district_officer").post(
        f"{ADMIN}/penaltycase/{case.pk}/change/",
        {"to": "investigated", "transfer_to": "concluded"},
    )

    case.refresh_from_db()
    assert response.status_code == 302
    assert case.status == "filed" and case.transfer_status == "none"
    assert case.events.count() == 1


def test_only_a_city_regulator_adds_a_charging_rule_version(db):
    body = {
        "category": "sports",
        "effective_from": "2031-01-01",
        "max_months": "3",
        "max_hours": "60",
        "max_amount": "3000.00",
        "collect_months_before_start": "1",
        "within_lease": "on",
        "source": "测试：2031年体育类收费规则",
        "_save": "保存",
    }

    district = _admin("district_officer").post(f"{ADMIN}/chargingrule/add/", body)
    city = _admin("regulator").post(f"{ADMIN}/chargingrule/add/", body)

    rule = ChargingRule.objects.get(category="sports", effective_from="2031-01-01")
    assert district.status_code == 403
    assert city.status_code == 302
    assert rule.max_amount_fen == 300_000 and rule.max_hours == 60


def test_a_rule_version_is_never_changed_in_the_back_office(db):
    rule = ChargingRule.objects.first()

    response = _admin("regulator").post(
        f"{ADMIN}/chargingrule/{rule.pk}/change/", {"source": "改写", "_save": "保存"}
    )

    assert response.status_code == 403
    assert ChargingRule.objects.get(pk=rule.pk).source != "改写"


def _export(client, model: str, **filters) -> list[list[str]]:
    response = client.post(
        f"{ADMIN}/{model}/?" + "&".join(f"{k}={v}" for k, v in filters.items()),
        {"action": "export_csv", "select_across": "1", "index": "0", "_selected_action": ["0"]},
    )
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_a_district_officer_exports_its_districts_institutions_and_it_is_audited(db):
    rows = _export(_admin("district_officer"), "institution")

    assert rows[0][:3] == ["名称", "统一社会信用代码", "所在区"]
    assert len(rows) - 1 == Institution.objects.filter(district_id="310104").count()
    assert any(r[0] == sunshine().name for r in rows[1:])
    assert AuditEntry.objects.filter(action="market.admin.export", object_type="institution")


def test_the_ledger_exports_with_amounts_in_yuan(db):
    rows = _export(_admin("regulator"), "posting", kind="payment")

    header, body = rows[0], rows[1:]
    debit, credit = header.index("借方（元）"), header.index("贷方（元）")
    assert body and all(r[debit] or r[credit] for r in body)
    assert all("." in (r[debit] or r[credit]) for r in body)


def test_the_institution_list_takes_the_same_queries_for_one_row_or_a_page(db):
    client, uscc = _admin("regulator"), sunshine().uscc
    client.get(f"{ADMIN}/institution/")
    with CaptureQueriesContext(connection) as one:
        client.get(f"{ADMIN}/institution/", {"q": uscc})
    with CaptureQueriesContext(connection) as page:
        client.get(f"{ADMIN}/institution/")

    assert len(page) == len(one)


@pytest.mark.parametrize("model", ["posting", "ledgertransaction", "account", "complaint"])
def test_ledger_and_complaint_lists_take_the_same_queries_for_one_row_or_a_page(db, model):
    client = _admin("regulator")
    first = client.get(f"{ADMIN}/{model}/").context["cl"].result_list[0]
    with CaptureQueriesContext(connection) as one:
        client.get(f"{ADMIN}/{model}/", {"q": first.pk})
    with CaptureQueriesContext(connection) as page:
        client.get(f"{ADMIN}/{model}/")

    assert len(page) == len(one)
