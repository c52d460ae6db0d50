"""The parents' view: a guardian sees each contract of their child (hours taught and left,
paid, released, refundable) and asks for a refund online, following it to the end."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from lifelong.training_market.models import Contract


def test_the_parent_sees_the_childs_contract_with_hours_and_money(as_user):
    body = as_user("parent").get("/api/v1/market/my/contracts").json()

    piano = [i for i in body["items"] if i["contract"]["learner_name"] == "陈小雨"]
    assert len(piano) == 1 and piano[0]["relation"] == "guardian"
    balance = piano[0]["contract"]["balance"]
    assert balance["hours_taught"] == 16 and balance["hours_left"] == 32
    assert balance["paid"] == "4800.00"
    # The last release of the taught hours still awaits the bank's transfer.
    assert float(balance["released"]) + float(balance["pending"]) == 1600.00
    assert balance["pending"] != "0.00"
    # Money still in escrow for the child: everything not yet transferred to the institution.
    assert float(balance["unconsumed"]) == 4800.00 - float(balance["released"])
    assert balance["refundable"] == "3200.00"


def test_someone_without_children_sees_no_contracts(as_user):
    assert as_user("citizen").get("/api/v1/market/my/contracts").json()["count"] == 0


def test_the_parents_page_shows_figures_and_takes_a_refund_request(client, db):
    client.force_login(get_user_model().objects.get(username="parent"))
    piano = Contract.objects.get(learner_name="陈小雨")

    page = client.get("/market/my-contracts/").content.decode()
    response = client.post(f"/market/contracts/{piano.pk}/refund/", {"amount": "1000.00"})
    after = client.get("/market/my-contracts/").content.decode()

    assert "陈小雨" in page and "3200.00" in page and "16 / 48" in page
    assert response.status_code == 302
    assert "银行办理中" in after and "2200.00" in after


def test_a_refund_request_beyond_the_balance_is_explained(client, db):
    client.force_login(get_user_model().objects.get(username="parent"))
    piano = Contract.objects.get(learner_name="陈小雨")

    client.post(f"/market/contracts/{piano.pk}/refund/", {"amount": "9999.00"})
    page = client.get("/market/my-contracts/").content.decode()

    assert "refund_exceeds_unconsumed" in page or "可退金额" in page


def test_another_family_cannot_refund_the_childs_contract_from_the_page(client, db):
    client.force_login(get_user_model().objects.get(username="citizen"))
    piano = Contract.objects.get(learner_name="陈小雨")

    response = client.post(f"/market/contracts/{piano.pk}/refund/", {"amount": "1.00"})

    assert response.status_code == 404


def test_the_contract_pdf_carries_the_model_contract_fields(as_user):
    from io import BytesIO

    from pypdf import PdfReader

    piano = Contract.objects.get(learner_name="陈小雨")

    response = as_user("parent").get(f"/api/v1/market/contracts/{piano.pk}/pdf")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(response.content)).pages)
    assert "校外培训服务合同" in text and "阳光艺术培训中心" in text and "4800.00" in text
    assert as_user("citizen").get(f"/api/v1/market/contracts/{piano.pk}/pdf").status_code == 404
