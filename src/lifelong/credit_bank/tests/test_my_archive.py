"""A learner's own archive: `GET /api/v1/me/archive` (verified accounts only)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from uuid import UUID

from django.db import connection
from django.test.utils import CaptureQueriesContext

from lifelong.credit_bank.tests.helpers import unverified_account


def test_demo_citizen_sees_several_certified_outcomes_each_with_its_credential(as_user):
    response = as_user("citizen").get("/api/v1/me/archive")
    assert response.status_code == 200, response.content
    body = response.json()
    certified = [o for o in body["outcomes"] if o["status"] == "certified"]
    assert len(certified) >= 4
    assert all(o["credential_id"] for o in certified)
    assert len({o["credential_id"] for o in certified}) == len(certified)
    assert {o["standard"]["code"] for o in certified} >= {"SOU-11001", "VC-YYY-4", "CL-SF"}
    assert {o["source_kind"] for o in certified} >= {"institution", "enterprise_import"}


def test_each_outcome_carries_source_type_standard_credits_score_date_evidence_status(as_user):
    body = as_user("citizen").get("/api/v1/me/archive").json()
    course = next(o for o in body["outcomes"] if o["standard"]["code"] == "SOU-11001")
    assert course["type"] == "degree_course"
    assert course["source_organisation"] == "上海开放大学"
    assert course["certified_by"] == "上海开放大学"
    assert course["standard"]["name"] == "计算机应用基础"
    assert Decimal(course["credits"]) == Decimal("4")
    assert Decimal(course["score"]) == Decimal("86")
    assert course["evidence"]
    assert course["status"] == "certified"
    assert course["achieved_on"][:4].isdigit()


def test_totals_add_up_per_type_and_per_year(as_user):
    body = as_user("citizen").get("/api/v1/me/archive").json()
    totals = body["totals"]
    certified = [o for o in body["outcomes"] if o["status"] == "certified"]
    expected = sum(Decimal(o["credits"]) for o in certified)
    assert Decimal(totals["credits"]) == expected
    assert sum(Decimal(t["credits"]) for t in totals["by_type"]) == expected
    assert sum(Decimal(y["credits"]) for y in totals["by_year"]) == expected
    assert sum(t["count"] for t in totals["by_type"]) == len(certified)
    assert Decimal(body["balance"]) == expected
    years = [y["year"] for y in totals["by_year"]]
    assert years == sorted(years, reverse=True)


def test_an_unverified_account_may_not_open_an_archive(as_user):
    unverified_account("not_yet_verified")
    response = as_user("not_yet_verified").get("/api/v1/me/archive")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "verification_required"


def test_an_account_without_a_person_may_not_open_an_archive(as_user):
    response = as_user("district_officer").get("/api/v1/me/archive")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "verification_required"


def test_anonymous_callers_are_refused(api):
    assert api.get("/api/v1/me/archive").status_code == 401


def test_archive_query_count_does_not_grow_with_outcomes(as_user):
    client = as_user("citizen")
    client.get("/api/v1/me/archive")  # the first look claims the archive (one-off writes)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/me/archive")
    assert response.status_code == 200
    # token (with its user and the user's person), memberships, person-for-user, verified,
    # archive, outcomes, their standards, organisation names — whether the archive holds 5
    # outcomes or 5,000
    assert len(queries) == 8, [q["sql"][:80] for q in queries]


def test_certification_times_are_those_the_database_holds(as_user):
    """The archive reads certification times as text and parses them itself (the driver's
    loader is slow): they must be the ORM's values, to the microsecond, in UTC."""
    from lifelong.credit_bank import selectors
    from lifelong.credit_bank.models import Outcome

    body = as_user("citizen").get("/api/v1/me/archive").json()
    certified = [o for o in body["outcomes"] if o["certified_at"]]
    assert len(certified) >= 4
    stored = dict(
        Outcome.objects.filter(pk__in=[o["id"] for o in certified]).values_list(
            "id", "certified_at"
        )
    )
    for outcome in certified:
        expected = stored[UUID(outcome["id"])]
        assert outcome["certified_at"] == expected.isoformat()
    rows = selectors._outcome_rows(Outcome.objects.filter(pk__in=list(stored)))
    assert {r["id"]: r["certified_at"] for r in rows} == stored
    assert all(r["certified_at"].utcoffset() == dt.timedelta(0) for r in rows)
