"""Small helpers shared by the training-market tests: demo objects, actors, valid ID numbers
and contracts signed through the API."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

from django.contrib.auth import get_user_model

from lifelong.identity import api as identity
from lifelong.shared import clock
from lifelong.shared.ids import ric_check_character
from lifelong.training_market.models import Institution

SUNSHINE = "阳光艺术培训中心"
_seq = itertools.count(500)


def actor(username: str) -> identity.Actor:
    return identity.actor_for_user(get_user_model().objects.get(username=username))


def sunshine() -> Institution:
    return Institution.objects.get(name=SUNSHINE)


def trouble(district_code: str) -> Institution:
    names = {"310104": "徐汇启航学科辅导中心", "310101": "黄浦未来星英语培训学校"}
    return Institution.objects.get(name=names[district_code])


def id_number(birth: dt.date, area: str = "310104") -> str:
    """A valid resident ID number nobody in the demo data has."""
    first17 = f"{area}{birth:%Y%m%d}{next(_seq) % 1000:03d}"
    return first17 + ric_check_character(first17)


def child_id() -> str:
    today = clock.today()
    return id_number(today.replace(year=today.year - 10, day=1))


def adult_id() -> str:
    return id_number(dt.date(1985, 5, 5))


def contract_body(**overrides) -> dict:
    """A contract at 阳光艺术培训中心 that keeps every charging rule."""
    body = {
        "institution_id": sunshine().pk,
        "learner_name": "测试学员",
        "learner_id_number": child_id(),
        "guardian_id_number": adult_id(),
        "course": "少儿美术",
        "category": "arts",
        "class_hours": 40,
        "months": 3,
        "total_amount": "4000.00",
        "start_date": (clock.today() + dt.timedelta(days=7)).isoformat(),
    }
    body.update(overrides)
    return body


def signed_contract(staff_client, **overrides) -> dict:
    response = staff_client.post("/api/v1/market/contracts", contract_body(**overrides))
    assert response.status_code == 201, response.content
    return response.json()


def pay(bank_client, contract_id, amount: str, key: str | None = None):
    return bank_client.post(
        f"/api/v1/market/contracts/{contract_id}/payments",
        {"amount": amount, "idempotency_key": key or f"test-{uuid.uuid4().hex}"},
    )


def paid_contract(as_user, amount: str = "4000.00", **overrides) -> dict:
    contract = signed_contract(as_user("institution_staff"), total_amount=amount, **overrides)
    assert pay(as_user("bank_gateway"), contract["id"], amount).status_code == 201
    return contract


def balance(client, contract_id) -> dict:
    response = client.get(f"/api/v1/market/contracts/{contract_id}/balance")
    assert response.status_code == 200, response.content
    return response.json()


def fresh_institution(name: str = "测试培训中心", district: str = "310104"):
    """A newly registered institution with a licence, a long lease and an escrow account at
    the demo bank, and an actor working there (the demo staff account's user with a grant for
    it), for tests that want a ledger of their own."""
    import dataclasses

    from lifelong.training_market.models import EscrowAgreement
    from lifelong.training_market.services import registry

    today = clock.today()
    n = next(_seq)
    institution = registry.register_institution(
        actor=actor("regulator"),
        name=f"{name}{n}",
        uscc=identity.demo_uscc("52", district, f"TT{n:06d}"),
        district_code=district,
        for_profit=False,
        categories=["arts"],
        premises=[
            registry.PremisesIn(address="测试路1号", lease_end=today.replace(year=today.year + 3))
        ],
        licence_number=f"教民{n}号",
        licence_valid_until=today.replace(year=today.year + 3),
    )
    bank = identity.find_organisation("上海示范银行")
    EscrowAgreement.objects.create(
        institution=institution, bank_id=bank.id, account_number_masked="****0001", opened_on=today
    )
    staff = actor("institution_staff")
    grant = dataclasses.replace(staff.grants[0], organisation_id=institution.pk)
    return institution, dataclasses.replace(staff, grants=(grant,))
