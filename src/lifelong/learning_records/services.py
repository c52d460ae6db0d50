"""Writes of learning_records: storing statements (single, batch, PUT), voiding, and the
registration of LRS clients.

A batch is all-or-nothing (3.2.s3.b9): it is validated completely before anything is written,
and its rows go in with one bulk insert per table inside one transaction — `COPY` on
PostgreSQL, `bulk_create` elsewhere. Most batches are all new, so a batch without voiding
statements is first written without looking its ids up; if one of them is stored already, the
primary key refuses the insert, that attempt is rolled back, and the batch goes the careful
way: the stored ids are fetched in one query and compared (the same statement again changes
nothing, other content is a conflict).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import threading
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, connection, transaction

from lifelong.learning_records import signatures
from lifelong.learning_records.access import require_write
from lifelong.learning_records.formats import same_statement
from lifelong.learning_records.models import (
    AttachmentData,
    LrsClient,
    Statement,
    StatementActivity,
    StatementAgent,
    VoidedStatement,
)
from lifelong.learning_records.platform import CLIENTS_HOME_PAGE, PLATFORM_CLIENT
from lifelong.learning_records.validation import (
    VOIDED_VERB,
    Facts,
    StatementInvalid,
    format_timestamp,
    validate_statement,
)
from lifelong.shared import clock
from lifelong.shared.api import record_audit
from lifelong.shared.errors import Conflict, DomainError, Forbidden, Invalid, NotFound

DEMO_CLIENT = "demo-lrs"
DEMO_SECRET = "lifelong-demo"
STATEMENT_VERSION = "1.0.0"
MAX_BATCH = 5000
# One encoder for every payload; the text is exactly what readers get back.
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class TooLarge(DomainError):
    """More than the store accepts in one request: 413 (Part 3, 3.2.s3.b11)."""

    status = 413
    code = "too_large"


@dataclass(frozen=True)
class AttachmentPart:
    """One attachment's raw octets from a multipart/mixed request."""

    sha2: str
    content_type: str
    data: bytes


# ---- Clients ---------------------------------------------------------------------------------


def authority_for(key: str, name: str) -> dict:
    """The Agent a client asserts statements as (2.4.9: the credentials' own agent)."""
    return {
        "objectType": "Agent",
        "name": name,
        "account": {"homePage": CLIENTS_HOME_PAGE, "name": key},
    }


@transaction.atomic
def register_client(
    *, key: str, name: str, secret: str | None, scope: str = LrsClient.Scope.READ_WRITE
) -> LrsClient:
    """Register a client, or return the one already registered under `key` unchanged.
    `secret=None` makes a client that cannot sign in over HTTP (the platform itself)."""
    if scope not in LrsClient.Scope.values:
        raise Invalid("未知的权限 / Unknown scope", fields={"scope": scope})
    if not key or len(key) > 64 or ":" in key:
        raise Invalid("密钥名须为1-64个字符且不含冒号 / Key: 1-64 characters, no colon")
    client, created = LrsClient.objects.get_or_create(
        key=key,
        defaults={
            "name": name,
            "secret_hash": make_password(secret),
            "authority": authority_for(key, name),
            "scope": scope,
        },
    )
    if created:
        record_audit(
            action="learning_records.client_registered",
            object_type="lrs_client",
            object_id=key,
            detail={"scope": scope},
        )
    return client


def platform_client() -> LrsClient:
    """The platform's own client (its course progress is written through it)."""
    client = LrsClient.objects.filter(key=PLATFORM_CLIENT).first()
    return client or register_client(
        key=PLATFORM_CLIENT,
        name="Lifelong 上海终身学习平台",
        secret=None,
        scope=LrsClient.Scope.ALL,
    )


def load_demo_clients() -> dict[str, int]:
    """The demo content system `demo-lrs` (secret `lifelong-demo`, read and write) and the
    platform's own client. Idempotent."""
    platform_client()
    register_client(
        key=DEMO_CLIENT,
        name="演示内容系统 Demo content system",
        secret=DEMO_SECRET,
        scope=LrsClient.Scope.READ_WRITE,
    )
    return {"lrs_clients": LrsClient.objects.count()}


# ---- The clock of `stored` -------------------------------------------------------------------

_stored_lock = threading.Lock()
_last_stored: list[dt.datetime] = []


def reserve_stored(count: int) -> dt.datetime:
    """The first of `count` consecutive microseconds for new statements' `stored`: never
    earlier than now, and in this process always after every value handed out before, so
    statements of one batch keep their order and `stored` never runs backwards."""
    step = dt.timedelta(microseconds=1)
    with _stored_lock:
        start = clock.now().astimezone(dt.UTC)
        if _last_stored and start <= _last_stored[0]:
            start = _last_stored[0] + step
        end = start + step * (count - 1)
        if _last_stored:
            _last_stored[0] = end
        else:
            _last_stored.append(end)
    return start


# ---- Storing statements ----------------------------------------------------------------------


@dataclass
class _Prepared:
    statement: dict
    facts: Facts
    id: str


def _prepare(statements: Sequence[object], *, single: bool) -> list[_Prepared]:
    if not statements:
        raise StatementInvalid("statements", "没有语句", "no statements were sent")
    if len(statements) > MAX_BATCH:
        raise TooLarge(
            f"一批最多 {MAX_BATCH} 条语句 / A batch holds at most {MAX_BATCH} statements"
        )
    prepared: list[_Prepared] = []
    seen: set[str] = set()
    for index, raw in enumerate(statements):
        path = "statement" if single else f"statements[{index}]"
        facts = validate_statement(raw, path)
        assert isinstance(raw, dict)
        statement_id = raw.get("id") or str(uuid.uuid4())
        if statement_id in seen:
            raise StatementInvalid(
                f"{path}.id", "同一批中的语句 id 重复", "two statements of the batch share an id"
            )
        seen.add(statement_id)
        prepared.append(_Prepared(raw, facts, statement_id))
    return prepared


def _check_attachments(prepared: list[_Prepared], parts: dict[str, AttachmentPart]) -> None:
    """Every attachment without a fileUrl has its octets in the request; no part is unclaimed;
    signatures are well formed (2.6.s5)."""
    claimed: set[str] = set()
    for item in prepared:
        for attachment in item.facts.attachments:
            sha2 = attachment["sha2"].lower()
            part = parts.get(sha2)
            if part is not None:
                claimed.add(sha2)
            elif "fileUrl" not in attachment:
                raise StatementInvalid(
                    "attachments",
                    "附件既无 fileUrl 也无对应的附件部分",
                    "an attachment has neither a fileUrl nor a matching attachment part",
                )
            if attachment["usageType"] == signatures.SIGNATURE_USAGE:
                signatures.check_signature(item.statement, attachment, part)
    unclaimed = set(parts) - claimed
    if unclaimed:
        raise StatementInvalid(
            "attachments",
            "附件部分与任何附件声明都不匹配",
            "an attachment part matches no attachment of the statements",
        )


def _payload(item: _Prepared, stored: str, authority_json: str) -> str:
    """The statement as stored and returned: the store's id, timestamp (when absent), stored,
    version (when absent) and authority. The authority is the same for the whole batch, so it
    is encoded once and appended to each statement's text as its last property."""
    out: dict[str, object] = {"id": item.id}
    for key, value in item.statement.items():
        if key != "id" and key != "stored" and key != "authority":
            out[key] = value
    out.setdefault("timestamp", stored)
    out["stored"] = stored
    out.setdefault("version", STATEMENT_VERSION)
    return f'{_encode(out)[:-1]},"authority":{authority_json}}}'


def _check_voiding(client: LrsClient, new: list[_Prepared]) -> list[tuple[str, str]]:
    """Voiding statements may not target voiding statements (2.3.2), nor statements another
    client stored unless this client's scope is `all`. Returns (target, voiding id) pairs."""
    voiding = [item for item in new if item.facts.is_voiding]
    if not voiding:
        return []
    in_batch = {item.id: item for item in new}
    targets = {item.facts.ref_target for item in voiding}
    stored = {
        str(row["id"]): row
        for row in Statement.objects.filter(pk__in=targets).values("id", "verb_id", "client_id")
    }
    pairs = []
    for item in voiding:
        target = item.facts.ref_target
        assert target is not None
        batch_target = in_batch.get(target)
        row = stored.get(target)
        if (batch_target and batch_target.facts.is_voiding) or (
            row and row["verb_id"] == VOIDED_VERB
        ):
            raise StatementInvalid(
                "statement.object",
                "作废语句本身不能被作废",
                "a voiding statement cannot be voided",
            )
        if row and row["client_id"] != client.pk and not client.can_void_others:
            raise Forbidden(
                "只能作废本客户端存入的语句 / A client may void only the statements it stored"
            )
        pairs.append((target, item.id))
    return pairs


def store_statements(
    *,
    client: LrsClient,
    statements: Sequence[object],
    single: bool = False,
    attachments: Iterable[AttachmentPart] = (),
) -> list[str]:
    """Validate and store statements as `client`; return their ids in order.

    A statement whose id is stored already is left untouched: the same statement again is
    accepted, another one under that id is a Conflict. Raises StatementInvalid (400),
    Forbidden (403) and Conflict (409)."""
    require_write(client)
    prepared = _prepare(statements, single=single)
    parts = {part.sha2.lower(): part for part in attachments}
    _check_attachments(prepared, parts)
    if not any(item.facts.is_voiding for item in prepared):
        try:
            return _store_new(client, prepared, parts)
        except IntegrityError:
            pass  # an id is stored already (or just now, by another request): compare below
    for attempt in (1, 2):
        try:
            return _store(client, prepared, parts)
        except IntegrityError:
            # Another request stored one of these ids between our look-up and our insert:
            # the second pass sees it and compares as usual.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def _store_new(
    client: LrsClient, prepared: list[_Prepared], parts: dict[str, AttachmentPart]
) -> list[str]:
    """Write a batch assumed to be all new, without voiding statements; raises IntegrityError
    (and writes nothing) when an id is stored already."""
    _write(client, prepared, [], parts)
    return [item.id for item in prepared]


@transaction.atomic
def _store(
    client: LrsClient, prepared: list[_Prepared], parts: dict[str, AttachmentPart]
) -> list[str]:
    ids = [item.id for item in prepared]
    existing = _existing(ids)
    new: list[_Prepared] = []
    for item in prepared:
        payload = existing.get(item.id)
        if payload is None:
            new.append(item)
        elif not same_statement(json.loads(payload), item.statement):
            raise Conflict(
                f"语句 {item.id} 已以不同内容存在 / Statement {item.id} exists with other content"
            )
    if new:
        _write(client, new, _check_voiding(client, new), parts)
    return ids


def _write(
    client: LrsClient,
    new: list[_Prepared],
    voided: list[tuple[str, str]],
    parts: dict[str, AttachmentPart],
) -> None:
    """Insert new statements, their index rows, voidings and attachment octets."""
    start = reserve_stored(len(new))
    authority_json = _encode(client.authority)
    client_id = client.pk
    statement_rows: list[tuple] = []
    agent_rows: list[tuple[str, str, str]] = []
    activity_rows: list[tuple[str, str]] = []
    for offset, item in enumerate(new):
        moment = start + dt.timedelta(microseconds=offset)
        stored = format_timestamp(moment)
        facts = item.facts
        statement_id = item.id
        statement_rows.append(
            (
                statement_id,
                _payload(item, stored, authority_json),
                client_id,
                facts.verb_id,
                facts.actor_ifi,
                facts.object_agent_ifi,
                facts.activity_id,
                facts.ref_target,
                facts.registration,
                facts.timestamp or moment,
                moment,
            )
        )
        agent_rows.extend((statement_id, key, "member") for key in facts.member_ifis)
        agent_rows.extend(
            (statement_id, key, "related") for key in facts.related_ifis - facts.member_ifis
        )
        activity_rows.extend((statement_id, a) for a in facts.related_activities)
    _insert_statements(statement_rows, agent_rows, activity_rows)
    if voided:
        VoidedStatement.objects.bulk_create(
            [VoidedStatement(target_id=t, voiding_id=v) for t, v in voided],
            ignore_conflicts=True,
        )
        for target, voiding_id in voided:
            record_audit(
                action="learning_records.statement_voided",
                actor_label=client.key,
                object_type="xapi_statement",
                object_id=target,
                detail={"voiding_statement": voiding_id},
            )
    if parts:
        AttachmentData.objects.bulk_create(
            [
                AttachmentData(sha2=p.sha2, content_type=p.content_type, data=p.data)
                for p in parts.values()
            ],
            ignore_conflicts=True,
        )


_STATEMENT_COLUMNS = (
    "id",
    "payload",
    "client_id",
    "verb_id",
    "actor_ifi",
    "object_agent_ifi",
    "activity_id",
    "ref_target",
    "registration",
    "timestamp",
    "stored",
)


def _insert_statements(statement_rows: list, agent_rows: list, activity_rows: list) -> None:
    if connection.vendor == "postgresql":
        _copy(Statement._meta.db_table, _STATEMENT_COLUMNS, statement_rows, free_text=1)
        _copy(StatementAgent._meta.db_table, ("statement_id", "ifi", "relation"), agent_rows)
        _copy(StatementActivity._meta.db_table, ("statement_id", "activity_id"), activity_rows)
        return
    Statement.objects.bulk_create(
        [Statement(**dict(zip(_STATEMENT_COLUMNS, row, strict=True))) for row in statement_rows]
    )
    StatementAgent.objects.bulk_create(
        [StatementAgent(statement_id=s, ifi=i, relation=r) for s, i, r in agent_rows]
    )
    StatementActivity.objects.bulk_create(
        [StatementActivity(statement_id=s, activity_id=a) for s, a in activity_rows]
    )


def _escape(text: str) -> str:
    """A value in COPY's text format."""
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def _copy(table: str, columns: Sequence[str], rows: list, *, free_text: int | None = None) -> None:
    """PostgreSQL COPY … FROM STDIN (text format) through psycopg 3, inside the current
    transaction, as one block of tab-separated lines. Only the column `free_text` (the
    statement JSON) can hold a backslash, tab or line break: ids are hex, IRIs were checked to
    hold none (validation.primitives), times are ISO 8601, so only that column is escaped."""
    if not rows:
        return
    lines = []
    for row in rows:
        fields = [
            "\\N" if v is None else v.isoformat() if v.__class__ is dt.datetime else str(v)
            for v in row
        ]
        if free_text is not None:
            fields[free_text] = _escape(fields[free_text])
        lines.append("\t".join(fields))
    lines.append("")
    names = ", ".join(f'"{c}"' for c in columns)
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy,
    ):
        copy.write("\n".join(lines).encode("utf-8"))


def _existing(ids: list[str]) -> dict[str, str]:
    """The payloads already stored under these ids, in one query."""
    if connection.vendor == "postgresql":
        table = Statement._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT "id"::text, "payload" FROM "{table}" WHERE "id" = ANY(%s::uuid[])',  # noqa: S608
                [ids],
            )
            return dict(cursor.fetchall())
    rows = Statement.objects.filter(pk__in=ids).values_list("id", "payload")
    return {str(found): payload for found, payload in rows}


# ---- For the domains above -------------------------------------------------------------------


def record_statement(*, statement: dict, client_name: str = PLATFORM_CLIENT) -> str:
    """Store one statement as the client `client_name` (the platform's own by default)."""
    if client_name == PLATFORM_CLIENT:
        client = platform_client()
    else:
        found = LrsClient.objects.filter(key=client_name, active=True).first()
        if found is None:
            raise NotFound(f"没有学习记录客户端 {client_name} / No LRS client {client_name}")
        client = found
    own = copy.deepcopy(statement)  # validation normalises in place; the caller's dict stays
    return store_statements(client=client, statements=[own], single=True)[0]
