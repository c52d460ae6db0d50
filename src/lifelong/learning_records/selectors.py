"""Reads of learning_records: one statement, statement queries with their `more` cursor, the
consistency horizon, attachments, and the statements of one of our own learners.

Queries follow Part 3, 2.1.3: filters on agent, verb, activity and registration (broadened by
`related_agents` / `related_activities`), `since` exclusive and `until` inclusive on `stored`,
newest stored first unless `ascending`. A statement whose object is a StatementRef matches the
non-time filters when the statement it targets does, recursively (2.1.3.s3). Voided statements
are never listed; statements targeting them still are (2.1.4).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import operator
import uuid
from dataclasses import dataclass, field
from itertools import product

from django.core import signing
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import RawSQL

from lifelong.learning_records.models import (
    AttachmentData,
    LrsClient,
    Statement,
    StatementActivity,
    StatementAgent,
    VoidedStatement,
)
from lifelong.learning_records.platform import PLATFORM_HOME_PAGE
from lifelong.learning_records.validation import VOIDED_VERB, ifi_key
from lifelong.shared import clock
from lifelong.shared.errors import NotFound

MAX_LIMIT = 500
# Writes assign `stored` just before their insert and commit within moments; statements
# stored before now minus this window are taken to be visible to every reader.
CONSISTENCY_WINDOW = dt.timedelta(seconds=1)
_CURSOR_SALT = "learning_records.more"


@dataclass
class StatementQuery:
    agent: str | None = None  # an ifi_key
    verb: str | None = None
    activity: str | None = None
    registration: str | None = None
    related_agents: bool = False
    related_activities: bool = False
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    limit: int = 0
    ascending: bool = False
    after: tuple[dt.datetime, uuid.UUID] | None = None
    # The parameters as received, carried in the `more` cursor.
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StoredStatement:
    id: uuid.UUID
    payload: str
    stored: dt.datetime


@dataclass(frozen=True)
class StatementPage:
    statements: list[StoredStatement]
    more: str | None  # an opaque cursor, or None at the end


def consistent_through() -> dt.datetime:
    return clock.now() - CONSISTENCY_WINDOW


def _not_voided() -> Q:
    voided = Exists(VoidedStatement.objects.filter(target_id=OuterRef("pk")))
    return ~Q(voided) | Q(verb_id=VOIDED_VERB)


def get_statement(statement_id: str, *, voided: bool) -> StoredStatement:
    """The statement by id (`voided=False`) or the voided statement by id (`voided=True`).
    A voided statement is found only the second way, an unvoided one only the first."""
    row = (
        Statement.objects.filter(pk=statement_id)
        .annotate(
            is_voided=Exists(VoidedStatement.objects.filter(target_id=OuterRef("pk")))
            & ~Q(verb_id=VOIDED_VERB)
        )
        .values("id", "payload", "stored", "is_voided")
        .first()
    )
    if row is None or bool(row["is_voided"]) != voided:
        raise NotFound("找不到该语句 / No such statement", code="not_found")
    return StoredStatement(row["id"], row["payload"], row["stored"])


def _alternatives(query: StatementQuery) -> list[Q] | None:
    """The non-time filters of a query as alternatives, each a plain conjunction that an index
    can serve in `stored` order (an OR across columns would make the database scan them all):
    a statement matches the query when it matches any one. None when there are no filters."""
    dimensions: list[list[Q]] = []
    if query.agent:
        key = query.agent
        relations = [StatementAgent.Relation.MEMBER]
        if query.related_agents:
            relations.append(StatementAgent.Relation.RELATED)
        named = StatementAgent.objects.filter(ifi=key, relation__in=relations)
        agents = [
            Q(actor_ifi=key),
            Q(object_agent_ifi=key),
            Q(pk__in=named.values("statement_id")),
        ]
        if query.related_agents:
            authorities = [c.pk for c in LrsClient.objects.all() if ifi_key(c.authority) == key]
            if authorities:
                agents.append(Q(client_id__in=authorities))
        dimensions.append(agents)
    if query.verb:
        dimensions.append([Q(verb_id=query.verb)])
    if query.activity:
        activities = [Q(activity_id=query.activity)]
        if query.related_activities:
            related = StatementActivity.objects.filter(activity_id=query.activity)
            activities.append(Q(pk__in=related.values("statement_id")))
        dimensions.append(activities)
    if query.registration:
        dimensions.append([Q(registration=query.registration)])
    if not dimensions:
        return None
    return [functools.reduce(operator.and_, combination) for combination in product(*dimensions)]


def _targeting(alternatives: list[Q]) -> RawSQL:
    """Ids of statements that target (by StatementRef, at any depth) a statement matching
    the filters: a recursive query that starts from the few statements that are references."""
    matches = functools.reduce(operator.or_, alternatives)
    target_matches = Statement.objects.filter(matches, pk=OuterRef("ref_target"))
    first = Statement.objects.filter(Exists(target_matches), ref_target__isnull=False)
    sql, params = first.values("pk").query.sql_with_params()
    table = Statement._meta.db_table
    # Django has no recursive CTE; the SQL around it is ours and the values stay parameters.
    recursive = (
        f"WITH RECURSIVE lr_refs(id) AS ({sql} UNION "  # noqa: S608
        f'SELECT s."id" FROM "{table}" s JOIN lr_refs r ON s."ref_target" = r.id) '
        "SELECT id FROM lr_refs"
    )
    return RawSQL(recursive, params)  # noqa: S611


def query_statements(query: StatementQuery) -> StatementPage:
    """One page of a query. Each alternative of the filters (and the statements targeting a
    match) is read in `stored` order up to the page size, and the lists are merged: the page is
    the same as one query with ORs would give, but every part can use its index."""
    limit = MAX_LIMIT if query.limit <= 0 else min(query.limit, MAX_LIMIT)
    bounds = _not_voided()
    if query.since:
        bounds &= Q(stored__gt=query.since)
    if query.until:
        bounds &= Q(stored__lte=query.until)
    if query.after:
        stored, last_id = query.after
        if query.ascending:
            bounds &= Q(stored__gt=stored) | Q(stored=stored, id__gt=last_id)
        else:
            bounds &= Q(stored__lt=stored) | Q(stored=stored, id__lt=last_id)
    alternatives = _alternatives(query)
    parts = [Q()] if alternatives is None else [*alternatives, Q(pk__in=_targeting(alternatives))]
    order = ("stored", "id") if query.ascending else ("-stored", "-id")
    rows: dict[uuid.UUID, StoredStatement] = {}
    for part in parts:
        page = Statement.objects.filter(bounds, part).order_by(*order)
        for row in page.values_list("id", "payload", "stored")[: limit + 1]:
            rows[row[0]] = StoredStatement(*row)
    found = sorted(rows.values(), key=lambda s: (s.stored, s.id), reverse=not query.ascending)
    found = found[: limit + 1]
    more = None
    if len(found) > limit:
        found = found[:limit]
        last = found[-1]
        more = signing.dumps(
            {"p": query.params, "s": last.stored.isoformat(), "i": str(last.id)},
            salt=_CURSOR_SALT,
            compress=True,
        )
    return StatementPage(found, more)


def read_cursor(token: str) -> tuple[dict[str, str], tuple[dt.datetime, uuid.UUID]]:
    """The parameters and position a `more` cursor carries; raises ValueError if forged."""
    try:
        data = signing.loads(token, salt=_CURSOR_SALT)
        return data["p"], (dt.datetime.fromisoformat(data["s"]), uuid.UUID(data["i"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ValueError("not a cursor of this store") from None


def attachments_for(payloads: list[str]) -> list[AttachmentData]:
    """The attachment octets held for the attachments of these statements."""
    wanted: set[str] = set()
    for payload in payloads:
        statement = json.loads(payload)
        for holder in (statement, statement.get("object", {})):
            for attachment in holder.get("attachments", []) or []:
                wanted.add(attachment["sha2"].lower())
    if not wanted:
        return []
    return list(AttachmentData.objects.filter(sha2__in=wanted))


def statements_for_agent(*, account_name: str, verb: str | None, limit: int) -> list[dict]:
    """Statements (not voided) whose actor is the platform account `account_name`."""
    key = ifi_key({"account": {"homePage": PLATFORM_HOME_PAGE, "name": str(account_name)}})
    rows = Statement.objects.filter(_not_voided(), actor_ifi=key)
    if verb:
        rows = rows.filter(verb_id=verb)
    limit = max(1, min(limit, 1000))
    return [
        json.loads(p)
        for p in rows.order_by("-stored", "-id").values_list("payload", flat=True)[:limit]
    ]


def has_statements_about(person_id: str) -> bool:
    """Whether any statement's actor is this person's platform account."""
    key = ifi_key({"account": {"homePage": PLATFORM_HOME_PAGE, "name": str(person_id)}})
    return Statement.objects.filter(actor_ifi=key).exists()
