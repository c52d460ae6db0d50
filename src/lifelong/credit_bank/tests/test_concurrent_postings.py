"""Concurrent deposits into one archive (PostgreSQL row locks): the chain stays one line."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connections, transaction

from lifelong.credit_bank.models import Archive, Posting, SourceKind, Standard
from lifelong.credit_bank.selectors import verify_archive_chain
from lifelong.credit_bank.services import outcomes
from lifelong.credit_bank.tests.helpers import id_number
from lifelong.identity import api as identity

ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]


@pytest.mark.postgres
# Skipped at collection, not inside the test: a transactional test's flush would DELETE from
# append-only tables, which SQLite's triggers refuse.
@pytest.mark.skipif(not ON_POSTGRES, reason="row locks are tested on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_deposits_for_one_person_chain_one_after_another():
    Organisation = apps.get_model("identity", "Organisation")
    org = Organisation.objects.create(name="并发测试学校", kind="training_institution")
    org.path = f"/{org.pk}/"
    org.save(update_fields=["path"])
    standard = Standard.objects.create(
        code="CONC-1",
        name="并发课程",
        type="culture_leisure",
        credits=Decimal("1"),
        criteria="完成课程",
        awarding_body="并发测试学校",
    )
    number = id_number("310104", "19860606")
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def deposit(thread: int) -> None:
        try:
            barrier.wait()
            for n in range(5):
                with transaction.atomic():
                    outcomes.deposit_certified(
                        organisation_id=org.pk,
                        source_kind=SourceKind.INSTITUTION,
                        name="并发",
                        id_number=number,
                        standard=standard,
                        achieved_on=dt.date(2022, 1, 1),
                        external_id=f"T{thread}-{n}",
                    )
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deposit, args=(t,)) for t in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    archive = Archive.objects.get(person_id=identity.find_person_by_id_number(number))
    seqs = list(
        Posting.objects.filter(archive=archive).order_by("seq").values_list("seq", flat=True)
    )
    assert seqs == list(range(1, 11))
    assert archive.balance == Decimal("10")
    assert verify_archive_chain(archive).ok
