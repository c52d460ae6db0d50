"""Helpers shared by the credit-bank tests: valid identifiers, actors, CSV files, running an
import job in-process, and identity rows built through the app registry (test fixtures only:
production code reaches identity through `identity.api`)."""

from __future__ import annotations

import csv
import io
import itertools

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from lifelong.credit_bank.importing.columns import COLUMNS
from lifelong.identity import api as identity
from lifelong.shared.ids import (
    organisation_code_check_character,
    ric_check_character,
    uscc_check_character,
)

HEADER = [c.label for c in COLUMNS]
_sequence = itertools.count(1)


def id_number(area: str = "310104", birth: str = "19900101", seq: str | None = None) -> str:
    seq = seq if seq is not None else f"{next(_sequence) % 1000:03d}"
    first17 = area + birth + seq
    return first17 + ric_check_character(first17)


def make_uscc(org8: str) -> str:
    body = "91310104" + org8 + organisation_code_check_character(org8)
    return body + uscc_check_character(body)


def user(username: str):
    return get_user_model().objects.get(username=username)


def actor(username: str) -> identity.Actor:
    return identity.actor_for_user(user(username))


def demo_enterprise() -> identity.OrganisationBrief:
    found = identity.find_organisation("上海示范科技有限公司")
    assert found is not None
    return found


def enterprise_uscc() -> str:
    uscc = identity.organisation_uscc(demo_enterprise().id)
    assert uscc
    return uscc


def csv_bytes(rows: list[list[str]], header: list[str] | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header or HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def row(
    external_id: str,
    *,
    name: str = "测试学员",
    number: str | None = None,
    uscc: str | None = None,
    standard: str = "ET-AQSC",
    achieved_on: str = "2023-03-15",
    score: str = "90",
    hours: str = "16",
    evidence: str = "",
) -> list[str]:
    return [
        external_id,
        name,
        number or id_number(),
        uscc or enterprise_uscc(),
        standard,
        achieved_on,
        score,
        hours,
        evidence,
    ]


def upload(client, content: bytes, name: str = "records.csv", **form):
    """POST a file to the import endpoint as multipart (the ApiClient speaks JSON only)."""
    data = {
        "file": SimpleUploadedFile(name, content),
        **{k: str(v).lower() for k, v in form.items()},
    }
    return client.client.post(
        "/api/v1/credit-bank/imports",
        data,
        HTTP_AUTHORIZATION=f"Bearer {client.token}",
    )


def run_upload(client, capture, content: bytes, name: str = "records.csv", **form) -> dict:
    """Upload and run the import job in-process; the finished job's status document."""
    with capture(execute=True):
        response = upload(client, content, name, **form)
    assert response.status_code == 202, response.content
    return client.get(f"/api/v1/credit-bank/imports/{response.json()['id']}").json()


def second_enterprise(username: str = "enterprise_hr_other"):
    """Another enterprise with its own HR account (not part of the demo data)."""
    Organisation = apps.get_model("identity", "Organisation")
    Membership = apps.get_model("identity", "Membership")
    org = Organisation.objects.create(
        name="上海另一家科技有限公司", kind="enterprise", uscc=make_uscc("MA1GG7Q2")
    )
    org.path = f"/{org.pk}/"
    org.save(update_fields=["path"])
    account = get_user_model().objects.create_user(username=username, password=None)
    Membership.objects.create(user=account, organisation=org, role="enterprise_hr")
    return org, account


def link_verified_account(person_id: str, username: str):
    """What identity does when someone verifies through the city login with the ID number of
    a person registered without an account: the account is linked to that person."""
    Person = apps.get_model("identity", "Person")
    account = get_user_model().objects.create_user(username=username, password=None)
    Person.objects.filter(pk=person_id).update(user=account, verification_level="oidc")
    return account


def unverified_account(username: str):
    """An account whose person has not verified their identity."""
    Person = apps.get_model("identity", "Person")
    account = get_user_model().objects.create_user(username=username, password=None)
    Person.objects.create(name="未实名", user=account)
    return account
