"""PostgreSQL: organisations issuing their first credentials concurrently end with one
signing key each, and every credential gets its own status slot."""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection, connections, transaction

from lifelong.credit_bank.credentials.issue import issue_outcome_credential
from lifelong.credit_bank.models import Credential, SigningKey
from lifelong.credit_bank.tests.vc_helpers import ACHIEVEMENT
from lifelong.identity import api as identity
from lifelong.shared.api import ensure_city_regions
from lifelong.shared.ids import ric_check_character

WORKERS = 4
ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]
# Skipped before any database fixture runs: on SQLite the flush after a transactional test
# would meet the append-only triggers.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not ON_POSTGRES, reason="needs concurrent PostgreSQL transactions"),
]


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_issues_share_one_key_and_never_a_slot():
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent PostgreSQL transactions")
    # An earlier transactional test may have flushed the demo data: make what this one needs.
    ensure_city_regions()
    org = identity.ensure_demo_organisation("并发签发测试学院", "university", "310104")
    base = "31010419800101123"
    number = base + ric_check_character(base)
    person_id = identity.ensure_dormant_person("并发测试", number)
    barrier = threading.Barrier(WORKERS)

    def work(_):
        try:
            barrier.wait(timeout=30)
            with transaction.atomic():
                return issue_outcome_credential(
                    outcome_id=str(uuid.uuid4()),
                    issuer_organisation_id=org.id,
                    issuer_name=org.name,
                    learner_person_id=person_id,
                    learner_id_number=number,
                    achievement=ACHIEVEMENT,
                    issued_on=dt.date(2025, 3, 1),
                )
        finally:
            connections.close_all()

    with ThreadPoolExecutor(WORKERS) as pool:
        ids = list(pool.map(work, range(WORKERS)))

    assert len(set(ids)) == WORKERS
    assert SigningKey.objects.filter(organisation_id=org.id).count() == 1
    rows = Credential.objects.filter(pk__in=ids)
    issuers = {json.loads(c.document)["issuer"]["id"] for c in rows}
    assert issuers == {SigningKey.objects.get(organisation_id=org.id).did}
    slots = {(c.status_list_id, c.status_index) for c in rows}
    assert len(slots) == WORKERS
