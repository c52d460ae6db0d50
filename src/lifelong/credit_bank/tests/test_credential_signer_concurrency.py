"""PostgreSQL: background signers running at once, and a reader, never sign one credential
twice; between them every pending credential ends signed and verifying."""

from __future__ import annotations

import datetime as dt
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection, connections, transaction

from lifelong.credit_bank.credentials import signing
from lifelong.credit_bank.credentials.bulk_issue import BadgeBatch
from lifelong.credit_bank.credentials.verification import verify_credential
from lifelong.credit_bank.importing import ids
from lifelong.credit_bank.models import Credential
from lifelong.credit_bank.tests.vc_helpers import ACHIEVEMENT
from lifelong.identity import api as identity
from lifelong.shared import clock
from lifelong.shared.api import ensure_city_regions
from lifelong.shared.ids import ric_check_character

SIGNERS = 3
PENDING = 24
ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]
# Skipped before any database fixture runs: on SQLite the flush after a transactional test
# would meet the append-only triggers.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not ON_POSTGRES, reason="needs concurrent PostgreSQL transactions"),
]


def _pending_badges(count: int) -> list[str]:
    """Badges issued the way an import issues them: unsigned, in random free slots."""
    ensure_city_regions()
    org = identity.ensure_demo_organisation("并发签名测试企业", "enterprise", "310104")
    base = "31010419810101456"
    number = base + ric_check_character(base)
    person_id = identity.ensure_dormant_person("并发签名", number)
    badges = BadgeBatch(organisation_id=org.id, issuer_name=org.name)
    template = badges.template("test", ACHIEVEMENT, clock.today())
    made = []
    with transaction.atomic():
        for credential_id, slot, salt in zip(
            ids.uuid4_hex(count), badges.slots.take(count), badges.salts(count), strict=True
        ):
            Credential.objects.create(
                id=credential_id,
                kind=Credential.Kind.OPEN_BADGE,
                issuer_organisation_id=org.id,
                learner_id=person_id,
                outcome_id=ids.hyphenated(ids.uuid7_hex(1)[0]),
                name=ACHIEVEMENT["name"],
                code=ACHIEVEMENT["code"],
                credits=ACHIEVEMENT["credits"],
                document=template.render(
                    credential_id=ids.hyphenated(credential_id),
                    id_number=number,
                    salt=salt,
                    list_id=slot.list_id,
                    index=slot.index,
                ),
                status_list_id=slot.list_id,
                status_index=slot.index,
                issued_at=clock.now(),
            )
            made.append(ids.hyphenated(credential_id))
    return made


def _run_at_once(*jobs):
    barrier = threading.Barrier(len(jobs))

    def run(job):
        try:
            barrier.wait(timeout=30)
            return job()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(len(jobs)) as pool:
        return list(pool.map(run, jobs))


@pytest.mark.django_db(transaction=True)
def test_signers_running_at_once_sign_each_pending_credential_exactly_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent PostgreSQL transactions")
    pending = _pending_badges(PENDING)

    signed = _run_at_once(
        *[lambda: signing.sign_pending_credentials(chunk=4) for _ in range(SIGNERS)]
    )

    assert sum(signed) == PENDING  # none signed twice, none left
    rows = list(Credential.objects.filter(pk__in=pending))
    assert all(row.signed_at is not None for row in rows)
    for row in rows:
        assert verify_credential(json.loads(row.document)).verified
    created = json.loads(rows[0].document)["proof"]["created"]
    assert dt.datetime.fromisoformat(created.replace("Z", "+00:00")) <= clock.now()


@pytest.mark.django_db(transaction=True)
def test_a_reader_and_a_signer_at_once_see_one_signed_version():
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent PostgreSQL transactions")
    pending = _pending_badges(PENDING)

    def read():
        return [signing.signed_document(Credential.objects.get(pk=pk)) for pk in pending]

    seen, signed = _run_at_once(read, lambda: signing.sign_pending_credentials(chunk=4))

    stored = {str(row.pk): row.document for row in Credential.objects.filter(pk__in=pending)}
    assert seen == [stored[pk] for pk in pending]  # what was read is what stays stored
    assert signed <= PENDING
    assert signing.pending_count() == 0
