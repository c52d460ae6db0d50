"""Whatever is typed or forged into the market's pages and forms is answered with a 4xx page,
never a 500: a control character PostgreSQL cannot store (NUL) in a query or a form, and an
id too large for the database in a path. The same text rules hold below the pages, in the
use cases the API and the back office call."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from lifelong.shared.errors import Invalid
from lifelong.training_market.models import Complaint, ComplaintEvent, RefundRequest
from lifelong.training_market.selectors import contracts as contract_reads
from lifelong.training_market.services import complaints
from lifelong.training_market.tests.helpers import actor, sunshine, trouble

TOO_LARGE = "99999999999999999999"


def _signed_in(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.mark.parametrize(
    "params", [{"q": "阳光\x00艺术"}, {"district": "\x00"}, {"category": "arts\x00"}]
)
def test_a_nul_in_the_look_up_query_is_a_422_page(client, db, params):
    response = client.get("/market/", params)

    assert response.status_code == 422
    assert "控制字符" in response.content.decode()


def test_a_nul_in_the_complaint_form_is_refused_and_nothing_is_filed(db):
    institution = trouble("310104")
    before = Complaint.objects.filter(institution=institution).count()

    response = _signed_in("citizen").post(
        f"/market/institutions/{institution.pk}/complain/",
        {"category": "refund_refused", "description": "退费申请\x00无人处理，请督促。"},
    )

    assert response.status_code == 422
    assert Complaint.objects.filter(institution=institution).count() == before


def test_a_nul_in_the_regulators_note_is_refused_and_the_complaint_stays(db):
    complaint = Complaint.objects.filter(institution=trouble("310104"), status="submitted").first()
    events = ComplaintEvent.objects.filter(complaint=complaint).count()

    response = _signed_in("district_officer").post(
        f"/market/complaints/{complaint.pk}/", {"action": "reject", "note": "不属\x00实"}
    )

    complaint.refresh_from_db()
    assert response.status_code == 422
    assert complaint.status == "submitted"
    assert ComplaintEvent.objects.filter(complaint=complaint).count() == events


def test_a_nul_in_the_refund_reason_is_refused_and_no_refund_is_asked(db):
    contract = contract_reads.family_contracts(actor=actor("parent"))[0].contract
    before = RefundRequest.objects.filter(contract=contract).count()

    response = _signed_in("parent").post(
        f"/market/contracts/{contract.pk}/refund/", {"amount": "1.00", "reason": "搬\x00家"}
    )

    assert response.status_code == 422
    assert RefundRequest.objects.filter(contract=contract).count() == before


@pytest.mark.parametrize("path", ["/market/institutions/{}/", "/market/institutions/{}/complain/"])
def test_an_institution_id_too_large_for_the_database_is_not_found(db, path):
    response = _signed_in("citizen").get(path.format(TOO_LARGE))

    assert response.status_code == 404


def test_an_institution_id_too_large_for_the_database_is_404_in_the_api(api):
    response = api.get(f"/api/v1/market/institutions/{TOO_LARGE}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_complaint_use_case_refuses_control_characters_whoever_calls_it(db):
    with pytest.raises(Invalid) as refused:
        complaints.file_complaint(
            actor=actor("citizen"),
            institution_id=sunshine().pk,
            category="other",
            description="描述\x07含有控制字符",
        )

    assert "description" in refused.value.fields


def test_tabs_and_line_breaks_stay_allowed_in_a_complaint(db):
    complaint = complaints.file_complaint(
        actor=actor("citizen"),
        institution_id=sunshine().pk,
        category="other",
        description="第一行\r\n第二行\t缩进",
    )

    assert complaint.description == "第一行\r\n第二行\t缩进"


@pytest.mark.parametrize(
    "query",
    [
        {"q": "阳光\x00"},
        {"district": "\x00"},
        {"status": "active\x00"},
    ],
)
def test_a_nul_in_a_back_office_list_query_sends_back_to_the_list_with_a_message(db, query):
    client = _signed_in("regulator")

    response = client.get("/admin/training_market/institution/", query)
    listing = client.get(response["Location"])

    assert response.status_code == 302
    assert response["Location"] == "/admin/training_market/institution/"
    assert "控制字符" in listing.content.decode()


def test_a_year_beyond_the_calendar_in_the_back_office_is_refused_not_a_500(db):
    client = _signed_in("regulator")

    response = client.get("/admin/training_market/complaint/", {"submitted_at__year": TOO_LARGE})

    assert response.status_code == 302
    assert "超出允许范围" in client.get(response["Location"]).content.decode()


def test_an_id_too_large_for_the_database_opens_nothing_in_the_back_office(db):
    response = _signed_in("regulator").get(
        f"/admin/training_market/institution/{TOO_LARGE}/change/"
    )

    assert response.status_code == 302
