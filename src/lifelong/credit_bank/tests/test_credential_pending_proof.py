"""An enterprise import gives each certified outcome its credential at once, with the proof
pending: the background signer the import enqueues signs them, and anything that reads a
pending credential first signs it. A signed credential never changes again."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from django.test import Client

from lifelong.credit_bank.credentials import signing
from lifelong.credit_bank.models import Credential, Outcome
from lifelong.credit_bank.tests.helpers import csv_bytes, row, upload
from lifelong.credit_bank.tests.vc_helpers import demo_person, fetch, verify
from lifelong.shared import clock


@pytest.fixture
def queued_tasks(settings):
    """Tasks are recorded, not run: each test runs the queued import itself and decides
    when (if ever) the background signer runs. Private files live in memory."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


pytestmark = pytest.mark.usefixtures("queued_tasks")


def _queued(name: str) -> list:
    from django_tasks import default_task_backend

    return [r for r in default_task_backend.results if r.task.name == name]


def _run(result, capture) -> None:
    with capture(execute=True):
        result.task.call(*result.args, **result.kwargs)


def _import_for_citizen(as_user, capture, prefix: str = "PP", count: int = 3) -> list[Credential]:
    """The demo citizen's employer imports `count` training records of hers; the queued
    import job runs; the credentials of the new outcomes, oldest first."""
    _, number = demo_person("citizen")
    content = csv_bytes([row(f"{prefix}-{n}", name="王小花", number=number) for n in range(count)])
    with capture(execute=True):
        response = upload(as_user("enterprise_hr"), content)
    assert response.status_code == 202, response.content
    _run(_queued("run_import_task")[-1], capture)
    outcomes = Outcome.objects.filter(external_id__startswith=f"{prefix}-")
    assert outcomes.count() == count
    credential_ids = list(outcomes.values_list("credential_id", flat=True))
    return list(Credential.objects.filter(pk__in=credential_ids).order_by("issued_at", "pk"))


def test_an_import_issues_every_outcome_its_credential_with_the_proof_pending(
    as_user, django_capture_on_commit_callbacks
):
    credentials = _import_for_citizen(as_user, django_capture_on_commit_callbacks)

    assert len(credentials) == 3
    for credential in credentials:
        assert credential.signed_at is None
        document = json.loads(credential.document)
        assert "proof" not in document
        assert document["id"] == f"urn:uuid:{credential.pk}"
        assert document["validFrom"].startswith(clock.today().isoformat())
        identity = document["credentialSubject"]["identifier"][0]
        assert identity["identityHash"].startswith("sha256$")
        assert demo_person("citizen")[1] not in credential.document  # never in clear
    assert (
        len(
            {
                json.loads(c.document)["credentialSubject"]["identifier"][0]["salt"]
                for c in credentials
            }
        )
        == 3
    )  # a fresh salt per badge
    archive = as_user("citizen").get("/api/v1/me/archive").json()
    shown = {o["credential_id"] for o in archive["outcomes"]}
    assert {str(c.pk) for c in credentials} <= shown
    assert len(_queued("sign_pending_credentials_task")) == 1  # enqueued when it ended


def test_reading_a_pending_credential_signs_it_and_it_verifies(
    api, as_user, django_capture_on_commit_callbacks
):
    credential = _import_for_citizen(as_user, django_capture_on_commit_callbacks)[0]
    before = clock.now().replace(microsecond=0)

    first = fetch(api, str(credential.pk))

    credential.refresh_from_db()
    assert credential.signed_at is not None
    assert first["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    created = dt.datetime.fromisoformat(first["proof"]["created"].replace("Z", "+00:00"))
    assert created >= before  # the proof is as old as the signing, not the issue
    assert first["validFrom"].startswith(clock.today().isoformat())
    assert verify(api, first)["verified"] is True
    again = api.get(f"/api/v1/credentials/{credential.pk}")
    assert again.content.decode() == credential.document  # served exactly as stored


def test_a_signed_credential_is_not_signed_again(api, as_user, django_capture_on_commit_callbacks):
    credential = _import_for_citizen(as_user, django_capture_on_commit_callbacks)[0]
    first = api.get(f"/api/v1/credentials/{credential.pk}").content
    credential.refresh_from_db()
    signed_at = credential.signed_at

    assert signing.sign_pending_credentials() == 2  # the other two; this one is signed
    second = api.get(f"/api/v1/credentials/{credential.pk}").content

    credential.refresh_from_db()
    assert second == first
    assert credential.signed_at == signed_at


def test_the_background_signer_signs_every_pending_credential(
    api, as_user, django_capture_on_commit_callbacks
):
    credentials = _import_for_citizen(as_user, django_capture_on_commit_callbacks, count=5)
    assert signing.pending_count() >= 5

    _run(_queued("sign_pending_credentials_task")[-1], django_capture_on_commit_callbacks)

    assert signing.pending_count() == 0
    for credential in credentials:
        credential.refresh_from_db()
        assert credential.signed_at is not None
        document = json.loads(credential.document)
        assert verify(api, document)["verified"] is True
    assert signing.sign_pending_credentials() == 0  # running it again finds nothing


def test_a_credential_revoked_while_pending_is_signed_later_and_verifies_as_revoked(
    api, as_user, django_capture_on_commit_callbacks
):
    credential = _import_for_citizen(as_user, django_capture_on_commit_callbacks)[0]

    revoked = as_user("credit_bank_officer").post(
        f"/api/v1/credentials/{credential.pk}/revoke", {"reason": "培训记录有误"}
    )
    assert revoked.status_code == 200, revoked.content
    credential.refresh_from_db()
    assert credential.signed_at is None  # revoking does not need the proof
    signing.sign_pending_credentials()
    document = fetch(api, str(credential.pk))

    assert "proof" in document
    result = verify(api, document)
    assert result["verified"] is False
    assert any("revoked" in e.lower() or "撤销" in e for e in result["errors"])


def test_a_transcript_embeds_pending_badges_signed(
    api, as_user, django_capture_on_commit_callbacks
):
    credentials = _import_for_citizen(as_user, django_capture_on_commit_callbacks)

    response = as_user("citizen").post("/api/v1/credentials/transcript", {"partner": ""})

    assert response.status_code == 201, response.content
    clr = response.json()["credential"]
    embedded = {c["id"]: c for c in clr["credentialSubject"]["verifiableCredential"]}
    for credential in credentials:
        badge = embedded[f"urn:uuid:{credential.pk}"]
        assert badge["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
        credential.refresh_from_db()
        assert json.loads(credential.document) == badge  # the badge as stored, signed
    assert verify(api, clr)["verified"] is True


def test_the_verification_page_and_the_learners_list_sign_pending_credentials(
    as_user, django_capture_on_commit_callbacks
):
    first, second, _ = _import_for_citizen(as_user, django_capture_on_commit_callbacks)

    page = Client().get(f"/credentials/{first.pk}/")
    mine = as_user("citizen").get("/api/v1/credentials/mine")

    assert page.status_code == 200
    assert mine.status_code == 200
    assert {str(first.pk), str(second.pk)} <= {i["id"] for i in mine.json()["items"]}
    for credential in (first, second):
        credential.refresh_from_db()
        assert credential.signed_at is not None


def test_the_transcript_pdf_download_signs_pending_badges(
    as_user, django_capture_on_commit_callbacks
):
    from lifelong.credit_bank.credentials import transcript_pdf

    if transcript_pdf.font_path() is None:
        pytest.skip("fonts-wqy-microhei is not installed")
    credentials = _import_for_citizen(as_user, django_capture_on_commit_callbacks)
    client = Client()
    client.force_login(get_user_model().objects.get(username="citizen"))

    response = client.get("/credit-bank/transcript.pdf")

    assert response.status_code == 200
    assert not Credential.objects.filter(
        pk__in=[c.pk for c in credentials], signed_at__isnull=True
    ).exists()


def test_the_database_allows_signing_a_pending_credential_once_and_nothing_else(
    as_user, django_capture_on_commit_callbacks
):
    pending, other, _ = _import_for_citizen(as_user, django_capture_on_commit_callbacks)
    rows = Credential.objects.filter(pk=pending.pk)

    with pytest.raises(DatabaseError), transaction.atomic():
        rows.update(name="改过的名称")  # pending, but not a signing
    with pytest.raises(DatabaseError), transaction.atomic():
        rows.update(signed_at=clock.now(), status_index=pending.status_index + 1)
    signing.signed_document(pending)  # the one allowed change
    with pytest.raises(DatabaseError), transaction.atomic():
        rows.update(document="{}")  # a signed document never changes
    with pytest.raises(DatabaseError), transaction.atomic():
        rows.update(signed_at=None)
    with pytest.raises(DatabaseError), transaction.atomic():
        Credential.objects.filter(pk=other.pk).delete()


def test_the_command_signs_pending_credentials_for_operators(
    as_user, django_capture_on_commit_callbacks
):
    from io import StringIO

    from django.core.management import call_command

    _import_for_citizen(as_user, django_capture_on_commit_callbacks, count=3)
    out = StringIO()

    call_command("credentials", "sign-pending", "--limit", "2", stdout=out)
    call_command("credentials", "sign-pending", stdout=out)

    assert out.getvalue().splitlines() == ["signed 2; still pending 1", "signed 1; still pending 0"]
