"""Imports are idempotent on (enterprise, external record id) and committed in batches: the
same file twice adds nothing; a job killed mid-import leaves no partial batch, and a rerun of
the same file completes it without duplicates."""

from __future__ import annotations

import pytest

from lifelong.credit_bank import chain
from lifelong.credit_bank.models import Archive, Outcome, Posting
from lifelong.credit_bank.selectors import verify_archive_chain
from lifelong.credit_bank.tests.helpers import csv_bytes, id_number, row, run_upload, upload
from lifelong.identity import api as identity

pytestmark = pytest.mark.usefixtures("immediate_jobs")

PEOPLE = [id_number("310104", "19910101", f"{n:03d}") for n in range(300, 304)]


def _file(count: int = 10) -> bytes:
    # Four people with several rows each, so batches append to the same chains.
    return csv_bytes(
        [row(f"BT-{n:03d}", name=f"员工{n % 4}", number=PEOPLE[n % 4]) for n in range(count)]
    )


def _imported() -> int:
    return Outcome.objects.filter(external_id__startswith="BT-").count()


def test_importing_the_same_file_twice_adds_nothing(as_user, django_capture_on_commit_callbacks):
    hr = as_user("enterprise_hr")
    first = run_upload(hr, django_capture_on_commit_callbacks, _file())
    postings = Posting.objects.count()
    again = run_upload(hr, django_capture_on_commit_callbacks, _file())
    assert first["counts"]["imported"] == 10
    assert (again["counts"]["imported"], again["counts"]["duplicates"]) == (0, 10)
    assert _imported() == 10
    assert Posting.objects.count() == postings


def test_a_crash_mid_import_leaves_only_whole_batches_and_a_rerun_completes_it(
    as_user, django_capture_on_commit_callbacks, settings
):
    hr = as_user("enterprise_hr")
    settings.CREDIT_BANK_IMPORT_BATCH_SIZE = 3
    settings.CREDIT_BANK_IMPORT_CRASH_AFTER_BATCHES = 2  # raise inside the third batch

    crashed = run_upload(hr, django_capture_on_commit_callbacks, _file())

    assert crashed["status"] == "failed"
    assert crashed["counts"]["batches_committed"] == 2
    assert _imported() == 6  # two whole batches; the third was rolled back entirely
    assert not Outcome.objects.filter(external_id__startswith="BT-", status="pending").exists()
    assert Posting.objects.filter(outcome__external_id__startswith="BT-").count() == 6

    settings.CREDIT_BANK_IMPORT_CRASH_AFTER_BATCHES = None
    rerun = run_upload(hr, django_capture_on_commit_callbacks, _file())

    assert rerun["status"] == "succeeded"
    assert (rerun["counts"]["imported"], rerun["counts"]["duplicates"]) == (4, 6)
    assert _imported() == 10
    assert (
        Outcome.objects.filter(external_id__startswith="BT-")
        .values("source_key")
        .distinct()
        .count()
        == 10
    )
    for number in PEOPLE:
        archive = Archive.objects.get(person_id=identity.find_person_by_id_number(number))
        assert verify_archive_chain(archive).ok
        assert archive.head_seq == Posting.objects.filter(archive=archive).count()


def test_the_failed_import_can_be_retried_from_its_stored_file(
    as_user, django_capture_on_commit_callbacks, settings
):
    hr = as_user("enterprise_hr")
    settings.CREDIT_BANK_IMPORT_BATCH_SIZE = 4
    settings.CREDIT_BANK_IMPORT_CRASH_AFTER_BATCHES = 1
    crashed = run_upload(hr, django_capture_on_commit_callbacks, _file())
    assert _imported() == 4
    settings.CREDIT_BANK_IMPORT_CRASH_AFTER_BATCHES = None
    with django_capture_on_commit_callbacks(execute=True):
        response = hr.post(f"/api/v1/credit-bank/imports/{crashed['id']}/retry", {})
    assert response.status_code == 202, response.content
    retried = hr.get(f"/api/v1/credit-bank/imports/{response.json()['id']}").json()
    assert (retried["status"], retried["counts"]["imported"]) == ("succeeded", 6)
    assert _imported() == 10


def test_the_crash_is_reported_to_the_uploader_without_internals(
    as_user, django_capture_on_commit_callbacks, settings
):
    hr = as_user("enterprise_hr")
    settings.CREDIT_BANK_IMPORT_BATCH_SIZE = 5
    settings.CREDIT_BANK_IMPORT_CRASH_AFTER_BATCHES = 0
    crashed = run_upload(hr, django_capture_on_commit_callbacks, _file())
    assert crashed["status"] == "failed"
    assert "simulated" not in crashed["message"]
    assert crashed["error_report"] is None
    assert _imported() == 0


def test_a_batch_posts_to_an_archive_that_already_has_postings(
    as_user, django_capture_on_commit_callbacks
):
    number = PEOPLE[0]
    as_user("institution_staff").post(
        "/api/v1/credit-bank/outcomes",
        {
            "external_id": "PRE-1",
            "name": "员工0",
            "id_number": number,
            "standard_code": "CL-SF",
            "achieved_on": "2020-01-01",
        },
    )
    run_upload(as_user("enterprise_hr"), django_capture_on_commit_callbacks, _file(4))
    archive = Archive.objects.get(person_id=identity.find_person_by_id_number(number))
    postings = list(Posting.objects.filter(archive=archive).order_by("seq"))
    assert [p.seq for p in postings] == [1, 2]
    assert postings[1].prev_hash == postings[0].hash
    assert verify_archive_chain(archive).ok
    assert archive.head_hash != chain.GENESIS


def test_a_rerun_while_the_first_run_is_unfinished_is_refused(as_user):
    hr = as_user("enterprise_hr")
    response = upload(hr, _file())  # its job is queued: on-commit callbacks are not run here
    retry = hr.post(f"/api/v1/credit-bank/imports/{response.json()['id']}/retry", {})
    assert retry.status_code == 409


def test_rerunning_the_demo_enterprises_file_adds_nothing(
    as_user, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    from lifelong.credit_bank.demo import demo_import_csv
    from lifelong.credit_bank.models import ImportJob
    from lifelong.credit_bank.tests.helpers import enterprise_uscc

    demo = ImportJob.objects.get(file_name="demo-training-records.csv")
    # This test's private storage is in memory: put the demo file where the job stored it.
    content = demo_import_csv(enterprise_uscc()).encode("utf-8")
    path = storages["private"].save(demo.file_path, ContentFile(content))
    ImportJob.objects.filter(pk=demo.pk).update(file_path=path)
    hr = as_user("enterprise_hr")
    with django_capture_on_commit_callbacks(execute=True):
        response = hr.post(f"/api/v1/credit-bank/imports/{demo.pk}/retry", {})
    assert response.status_code == 202, response.content
    status = hr.get(f"/api/v1/credit-bank/imports/{response.json()['id']}").json()
    assert status["counts"]["imported"] == 0
    assert status["counts"]["duplicates"] == demo.imported_rows == 5
    assert status["counts"]["invalid"] == 1  # the demo file's row with a wrong check character
