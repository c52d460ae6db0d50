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
from msgspec import UNSET

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
    encode_json,
    format_timestamp,
    validate_statement,
)
from lifelong.learning_records.validation.typed import (
    CommonStatement,
    TypedStatements,
    encode_statement,
    to_dict,
)
from lifelong.shared import clock
from lifelong.shared.api import record_audit
from lifelong.shared.errors import Conflict, DomainError, Forbidden, Invalid, NotFound

DEMO_CLIENT = "demo-lrs"
DEMO_SECRET = "lifelong-demo"
STATEMENT_VERSION = "1.0.0"
MAX_BATCH = 5000


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


class _Prepared:
    """A valid statement, its facts and its id. A statement read by `validation.typed` keeps
    its typed form (`typed`); its dict is made only when asked for (a repeated id compared
    with the stored statement)."""

    __slots__ = ("_statement", "facts", "id", "typed")

    def __init__(
        self,
        statement: dict | None,
        facts: Facts,
        statement_id: str,
        typed: CommonStatement | None = None,
    ):
        self._statement = statement
        self.facts = facts
        self.id = statement_id
        self.typed = typed

    @property
    def statement(self) -> dict:
        if self._statement is None:
            assert self.typed is not None
            self._statement = to_dict(self.typed)
        return self._statement


def _check_batch_size(count: int) -> None:
    if not count:
        raise StatementInvalid("statements", "没有语句", "no statements were sent")
    if count > MAX_BATCH:
        raise TooLarge(
            f"一批最多 {MAX_BATCH} 条语句 / A batch holds at most {MAX_BATCH} statements"
        )


def _prepare(statements: Sequence[object] | TypedStatements, *, single: bool) -> list[_Prepared]:
    if isinstance(statements, TypedStatements):
        return _prepare_typed(statements, single=single)
    _check_batch_size(len(statements))
    prepared: list[_Prepared] = []
    seen: set[str] = set()
    for index, raw in enumerate(statements):
        path = _path(index, single)
        facts = validate_statement(raw, path)
        assert isinstance(raw, dict)
        statement_id = raw.get("id") or str(uuid.uuid4())
        _claim_id(seen, statement_id, path)
        prepared.append(_Prepared(raw, facts, statement_id))
    return prepared


def _prepare_typed(checked: TypedStatements, *, single: bool) -> list[_Prepared]:
    """`_prepare` for statements `validation.typed` read and checked already: the same
    limits, with the same errors."""
    statements = checked.statements
    _check_batch_size(len(statements))
    prepared: list[_Prepared] = []
    seen: set[str] = set()
    for index, (statement, facts) in enumerate(zip(statements, checked.facts, strict=True)):
        statement_id = str(uuid.uuid4()) if statement.id is UNSET else statement.id
        _claim_id(seen, statement_id, _path(index, single))
        prepared.append(_Prepared(None, facts, statement_id, statement))
    return prepared


def _path(index: int, single: bool) -> str:
    return "statement" if single else f"statements[{index}]"


def _claim_id(seen: set[str], statement_id: str, path: str) -> None:
    """Refuse a second statement of the batch with an id already taken in it."""
    if statement_id in seen:
        raise StatementInvalid(
            f"{path}.id", "同一批中的语句 id 重复", "two statements of the batch share an id"
        )
    seen.add(statement_id)


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


def _payload(item: _Prepared, stored: str, authority: bytes) -> bytes:
    """The statement as stored and returned (UTF-8 JSON): the store's id, timestamp (when
    absent), stored, version (when absent) and authority. The authority is the same for the
    whole batch, so it is encoded once (as `,"authority":{…}}`) and closes each statement."""
    if item.typed is not None:
        return encode_statement(item.typed, item.id, stored, STATEMENT_VERSION) + authority
    out: dict[str, object] = {"id": item.id}
    for key, value in item.statement.items():
        if key != "id" and key != "stored" and key != "authority":
            out[key] = value
    out.setdefault("timestamp", stored)
    out["stored"] = stored
    out.setdefault("version", STATEMENT_VERSION)
    return encode_json(out)[:-1] + authority


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
    statements: Sequence[object] | TypedStatements,
    single: bool = False,
    attachments: Iterable[AttachmentPart] = (),
) -> list[str]:
    """Validate and store statements as `client`; return their ids in order. `statements`
    may also be a body `validation.typed` read and checked already (`single` as it says).

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
    stored = _stored_texts(start, len(new))
    authority = b',"authority":' + encode_json(client.authority) + b"}"
    payloads = [_payload(item, at, authority) for item, at in zip(new, stored, strict=True)]
    if connection.vendor == "postgresql":
        _copy_statements(client.pk, new, payloads, stored)
    else:
        _create_statements(client.pk, new, payloads, start)
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


def _stored_texts(start: dt.datetime, count: int) -> list[str]:
    """`stored` of `count` statements, one microsecond apart from `start`, as text."""
    start = start.astimezone(dt.UTC)
    micro = start.microsecond
    if micro + count <= 1_000_000:  # all within one second: only the digits change
        second = start.strftime("%Y-%m-%dT%H:%M:%S.")
        return [f"{second}{m:06d}Z" for m in range(micro, micro + count)]
    step = dt.timedelta(microseconds=1)
    return [format_timestamp(start + step * offset) for offset in range(count)]


def _agent_rows(item: _Prepared) -> list[tuple[str, str]]:
    """(agent key, relation) of the agents a statement names besides its actor and object."""
    facts = item.facts
    rows = [(key, "member") for key in facts.member_ifis]
    rows.extend((key, "related") for key in facts.related_ifis - facts.member_ifis)
    return rows


# The statement's columns in the order its COPY lines give them, the JSON text last.
_COPY_COLUMNS = (
    "id",
    "client_id",
    "verb_id",
    "actor_ifi",
    "object_agent_ifi",
    "activity_id",
    "ref_target",
    "registration",
    "timestamp",
    "stored",
    "payload",
)


def _copy_statements(
    client_id: int, new: list[_Prepared], payloads: list[bytes], stored: list[str]
) -> None:
    r"""The batch with one `COPY … FROM STDIN` (text format) per table that gets rows.

    Only the JSON text can hold a character COPY's text format treats specially, and only a
    backslash: JSON writes tabs, line breaks and other control characters as escapes (`\n`),
    so doubling backslashes is all the escaping it needs. Ids and keys are hexadecimal, IRIs
    were checked to hold no whitespace or backslash (validation.primitives), times are ISO 8601.
    """
    none = "\\N"
    statements: list[bytes] = []
    agents: list[str] = []
    activities: list[str] = []
    for item, payload, at in zip(new, payloads, stored, strict=True):
        facts = item.facts
        statement_id = item.id
        if b"\\" in payload:
            payload = payload.replace(b"\\", b"\\\\")
        timestamp = facts.timestamp.isoformat() if facts.timestamp else at
        statements.append(
            f"{statement_id}\t{client_id}\t{facts.verb_id}\t{facts.actor_ifi or none}\t"
            f"{facts.object_agent_ifi or none}\t{facts.activity_id or none}\t"
            f"{facts.ref_target or none}\t{facts.registration or none}\t{timestamp}\t{at}\t".encode()
            + payload
            + b"\n"
        )
        if facts.member_ifis or facts.related_ifis:
            agents.extend(f"{statement_id}\t{k}\t{r}\n" for k, r in _agent_rows(item))
        activities.extend(f"{statement_id}\t{a}\n" for a in facts.related_activities)
    _copy(Statement._meta.db_table, _COPY_COLUMNS, b"".join(statements))
    if agents:
        _copy(
            StatementAgent._meta.db_table,
            ("statement_id", "ifi", "relation"),
            "".join(agents).encode(),
        )
    if activities:
        _copy(
            StatementActivity._meta.db_table,
            ("statement_id", "activity_id"),
            "".join(activities).encode(),
        )


def _copy(table: str, columns: Sequence[str], data: bytes) -> None:
    """PostgreSQL COPY … FROM STDIN through psycopg 3, inside the current transaction."""
    names = ", ".join(f'"{c}"' for c in columns)
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy,
    ):
        copy.write(data)


def _create_statements(
    client_id: int, new: list[_Prepared], payloads: list[bytes], start: dt.datetime
) -> None:
    """The batch with one bulk insert per table (databases other than PostgreSQL)."""
    statements: list[Statement] = []
    agents: list[StatementAgent] = []
    activities: list[StatementActivity] = []
    for offset, (item, payload) in enumerate(zip(new, payloads, strict=True)):
        facts = item.facts
        moment = start + dt.timedelta(microseconds=offset)
        statements.append(
            Statement(
                id=item.id,
                payload=payload.decode("utf-8"),
                client_id=client_id,
                verb_id=facts.verb_id,
                actor_ifi=facts.actor_ifi,
                object_agent_ifi=facts.object_agent_ifi,
                activity_id=facts.activity_id,
                ref_target=facts.ref_target,
                registration=facts.registration,
                timestamp=facts.timestamp or moment,
                stored=moment,
            )
        )
        agents.extend(
            StatementAgent(statement_id=item.id, ifi=key, relation=relation)
            for key, relation in _agent_rows(item)
        )
        activities.extend(
            StatementActivity(statement_id=item.id, activity_id=a) for a in facts.related_activities
        )
    Statement.objects.bulk_create(statements)
    StatementAgent.objects.bulk_create(agents)
    StatementActivity.objects.bulk_create(activities)


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
