"""The import's fast paths give exactly what the plain code gives: badge documents rendered
from a template, posting hashes from a batch hasher, text written through COPY, ids made many
at a time, status slots drawn many at a time — and a slot another issuer took meanwhile is
noticed and drawn again."""

from __future__ import annotations

import ast
import datetime as dt
import json
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifelong.credit_bank import chain
from lifelong.credit_bank.credentials import bulk_issue, documents
from lifelong.credit_bank.credentials.issue import issue_outcome_credential
from lifelong.credit_bank.importing import ids
from lifelong.credit_bank.models import Credential, Outcome
from lifelong.credit_bank.selectors import verify_archive_chain
from lifelong.credit_bank.tests.helpers import (
    csv_bytes,
    demo_enterprise,
    id_number,
    row,
    run_upload,
)
from lifelong.credit_bank.tests.vc_helpers import ACHIEVEMENT, demo_person

_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=40
)


@settings(max_examples=60, deadline=None)
@given(
    name=_text,
    criteria=_text,
    awarding=_text,
    issuer_name=_text,
    credits=st.decimals(min_value=0, max_value=99, places=2),
    list_id=st.integers(min_value=1, max_value=2**40),
    index=st.integers(min_value=0, max_value=131071),
)
def test_a_badge_rendered_from_its_template_is_the_badge_built_and_serialised(
    name, criteria, awarding, issuer_name, credits, list_id, index
):
    issuer = documents.issuer_profile("did:key:z6MkTest", issuer_name)
    data = {
        "code": "ET-1",
        "name": name,
        "type": "enterprise_training",
        "level": "",
        "credits": str(credits),
        "criteria": criteria,
        "awarding_body": awarding,
        "description": f"{name} {criteria}",
    }
    day = dt.date(2025, 6, 30)
    credential_id = uuid.uuid4()
    number, salt = "31010419900101123X", "0f" * 16
    template = documents.BadgeTemplate(issuer=issuer, achievement_data=data, issued_on=day)

    rendered = template.render(
        credential_id=str(credential_id), id_number=number, salt=salt, list_id=list_id, index=index
    )

    built = documents.open_badge(
        credential_id=credential_id,
        issuer=issuer,
        identity=documents.identity_object(number, salt),
        achievement_data=data,
        issued_on=day,
        status=documents.status_entry(list_id, index),
    )
    assert rendered == documents.compact(built)


def test_a_standard_whose_text_holds_a_placeholder_character_still_renders_right():
    issuer = documents.issuer_profile("did:key:z6MkTest", "企业")
    data = {"code": "X", "name": "奇怪的\ue003名称", "type": "enterprise_training", "credits": "1"}
    template = documents.BadgeTemplate(
        issuer=issuer, achievement_data=data, issued_on=dt.date(2025, 1, 1)
    )
    credential_id = uuid.uuid4()

    rendered = template.render(
        credential_id=str(credential_id), id_number="310104", salt="ab", list_id=7, index=9
    )

    assert json.loads(rendered)["name"] == "奇怪的\ue003名称"
    assert json.loads(rendered)["credentialStatus"]["statusListIndex"] == "9"


@settings(max_examples=60, deadline=None)
@given(
    prev=st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
    seq=st.integers(min_value=1, max_value=10**9),
    credits=st.decimals(min_value=0, max_value=99999, places=2),
    actor=st.text(alphabet="0123456789", max_size=8),
    micro=st.integers(min_value=0, max_value=999_999),
)
def test_the_batch_hasher_gives_the_chain_hash(prev, seq, credits, actor, micro):
    at = dt.datetime(2025, 6, 30, 8, 0, 1, micro, tzinfo=dt.UTC)
    archive_id, outcome_id = uuid.uuid4(), uuid.uuid4()
    hasher = chain.posting_hasher(
        kind="accrual", reverses_id=None, reason="", posted_at=at, actor_id=actor
    )

    fast = hasher(prev, str(archive_id), seq, str(outcome_id), chain.canonical_credits(credits))

    assert fast == chain.posting_hash(
        prev_hash=prev,
        archive_id=archive_id,
        seq=seq,
        kind="accrual",
        outcome_id=outcome_id,
        credits=credits,
        reverses_id=None,
        reason="",
        posted_at=at,
        actor_id=actor,
    )


def test_ids_made_many_at_a_time_are_valid_distinct_uuids_of_their_version():
    random_ones, ordered = ids.uuid4_hex(500), ids.uuid7_hex(500)

    assert len(set(random_ones) | set(ordered)) == 1000
    assert {uuid.UUID(h).version for h in random_ones} == {4}
    assert {uuid.UUID(h).version for h in ordered} == {7}
    assert all(uuid.UUID(h).variant == uuid.RFC_4122 for h in random_ones + ordered)
    assert ids.hyphenated(random_ones[0]) == str(uuid.UUID(random_ones[0]))
    later = ids.uuid7_hex(1)[0]
    assert later[:12] >= max(h[:12] for h in ordered)  # time-ordered: milliseconds first


@settings(max_examples=40, deadline=None)
@given(size=st.integers(min_value=1, max_value=300), data=st.data())
def test_a_random_sample_is_distinct_items_of_the_population(size, data):
    population = list(range(1000, 1000 + size))
    count = data.draw(st.integers(min_value=0, max_value=size))

    sample = bulk_issue.random_sample(population, count)

    assert len(sample) == count
    assert len(set(sample)) == count
    assert set(sample) <= set(population)


@pytest.mark.usefixtures("immediate_jobs")
def test_text_with_tabs_newlines_backslashes_and_quotes_is_stored_exactly(
    as_user, django_capture_on_commit_callbacks
):
    awkward = 'C:\\证书\t编号\n"第一行"\r\\N 结束'
    external_id = 'EX\\1\t"2"'
    status = run_upload(
        as_user("enterprise_hr"),
        django_capture_on_commit_callbacks,
        csv_bytes([row(external_id, evidence=awkward)]),
    )

    assert status["counts"]["imported"] == 1, status
    outcome = Outcome.objects.get(external_id=external_id)
    assert outcome.evidence == awkward.strip()
    assert outcome.score == Decimal("90.00")
    assert outcome.status == Outcome.Status.CERTIFIED
    assert verify_archive_chain(outcome.archive).ok


@pytest.mark.usefixtures("immediate_jobs")
def test_a_status_slot_taken_meanwhile_by_another_issuer_is_drawn_again(
    as_user, django_capture_on_commit_callbacks, settings, monkeypatch
):
    settings.CREDIT_BANK_IMPORT_BATCH_SIZE = 2
    numbers = [id_number("310105", "19850505", f"{n:03d}") for n in range(4)]
    enterprise = demo_enterprise()
    person_id, number = demo_person("citizen")
    draws: list[int] = []
    draw = bulk_issue.random_sample

    def another_issuer_first(population, count):
        """Before the second batch draws, a single deposit of the same enterprise takes a
        slot of the same list, and the draw happens to pick that very slot."""
        chosen = draw(population, count)
        draws.append(count)
        if len(draws) == 2:
            thief = issue_outcome_credential(
                outcome_id=str(uuid.uuid4()),
                issuer_organisation_id=enterprise.id,
                issuer_name=enterprise.name,
                learner_person_id=person_id,
                learner_id_number=number,
                achievement=ACHIEVEMENT,
                issued_on=dt.date(2025, 3, 1),
            )
            index = Credential.objects.get(pk=thief).status_index
            if index not in chosen:
                chosen[0] = index
        return chosen

    monkeypatch.setattr(bulk_issue, "random_sample", another_issuer_first)

    status = run_upload(
        as_user("enterprise_hr"),
        django_capture_on_commit_callbacks,
        csv_bytes([row(f"SL-{n}", number=numbers[n]) for n in range(4)]),
    )

    assert status["status"] == "succeeded", status
    assert status["counts"]["imported"] == 4
    assert draws == [2, 2, 2]  # the second batch drew again after the refusal
    slots = list(Credential.objects.values_list("status_list_id", "status_index"))
    assert len(set(slots)) == len(slots)


SOURCE = Path(__file__).resolve().parent.parent
ALLOWED_READERS = {
    SOURCE / "credentials" / "signing.py",  # signs a pending credential before any read
    SOURCE / "credentials" / "exchange.py",  # ImportedCredential.document, a partner's
}


def test_only_the_signing_module_reads_a_credentials_document():
    readers = []
    for path in SOURCE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path in ALLOWED_READERS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "document"
                and isinstance(node.ctx, ast.Load)
            ):
                readers.append(f"{path.relative_to(SOURCE)}:{node.lineno}")
    assert readers == []
