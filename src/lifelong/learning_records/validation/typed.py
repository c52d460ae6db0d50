"""Statements of the common shape read straight from the request body into typed objects.

`read_statements` decodes a whole body — a statement or an array of them — with msgspec into
the structs below, which allow exactly the properties `fast.common_statement_facts` allows
(unknown ones are refused, none may be null, strings, numbers and booleans must have their
type; mailto IRIs and SHA-1 sums are matched with the expressions of `primitives`). What is
left — exactly one identifier on an agent, IRIs and IRLs, UUIDs, language tags, timestamps,
durations, scores, the version, the voiding verb — is checked on the structs with the checks
of `primitives`, and the statement keeps its typed form up to the stored JSON text, which
msgspec encodes from it.

This is a shortcut, never a second judge: it accepts only statements `fast` accepts, reports
the same `Facts` and stores JSON-equal text (tests/test_typed_batches.py holds it to that).
Any body it cannot read — another shape, a broken rule, malformed JSON, a byte order mark,
numbers beyond a double, integers of 19 digits or more, lone surrogates, nesting deeper than
the interpreter's recursion limit — gives None, and the request takes the usual way (orjson,
`fast`, the full validator), which explains every refusal.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, UnsetType, field

from lifelong.learning_records.validation.agents import ifi_key
from lifelong.learning_records.validation.facts import VOIDED_VERB, Facts
from lifelong.learning_records.validation.fast import score_in_range
from lifelong.learning_records.validation.primitives import (
    MAILTO_RE,
    MAX_IRI_LENGTH,
    SHA1_RE,
    is_duration,
    is_iri,
    is_irl,
    is_language_tag,
    is_statement_version,
    is_uuid,
    may_hold_long_integer,
    parse_timestamp,
)
from lifelong.learning_records.validation.shapes import CONTEXT_ACTIVITY_KEYS

# The expressions of `primitives`, as msgspec constraints (msgspec searches with `re`; every
# expression is anchored at both ends, so a search is a match). Language tags, UUIDs and the
# version are checked on the structs instead: a statement holds several of them, and there
# the checks of `primitives`, which remember the tags seen, cost less than msgspec running
# the expressions on every value.
Mailto = Annotated[str, msgspec.Meta(max_length=MAX_IRI_LENGTH, pattern=MAILTO_RE.pattern)]
Sha1 = Annotated[str, msgspec.Meta(pattern=SHA1_RE.pattern)]
LanguageMap = dict[str, str]  # keys are language tags (checked below)
Extensions = dict[str, Any]  # keys are IRIs (checked below); values are never judged


# Untracked by the garbage collector (gc=False): a batch decodes some fifteen structs per
# statement, and tracking them all set off collections that walked them again and again (a
# fifth of the CPU of reading and storing a batch). They cannot be part of a reference cycle:
# decoded from JSON, they hold only strings, numbers, lists, dicts and other structs.
class _Object(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True, gc=False):
    pass


class Account(_Object):
    homePage: str  # noqa: N815 — the xAPI property
    name: str


class Agent(_Object):
    object_type: Literal["Agent"] | UnsetType = field(default=UNSET, name="objectType")
    name: str | UnsetType = UNSET
    mbox: Mailto | UnsetType = UNSET
    mbox_sha1sum: Sha1 | UnsetType = UNSET
    openid: str | UnsetType = UNSET
    account: Account | UnsetType = UNSET


class Verb(_Object):
    id: str
    display: LanguageMap | UnsetType = UNSET


class Definition(_Object):
    name: LanguageMap | UnsetType = UNSET
    description: LanguageMap | UnsetType = UNSET
    type: str | UnsetType = UNSET
    more_info: str | UnsetType = field(default=UNSET, name="moreInfo")
    extensions: Extensions | UnsetType = UNSET


class Activity(_Object, kw_only=True):
    object_type: Literal["Activity"] | UnsetType = field(default=UNSET, name="objectType")
    id: str
    definition: Definition | UnsetType = UNSET


class Score(_Object):
    scaled: int | float | UnsetType = UNSET
    raw: int | float | UnsetType = UNSET
    min: int | float | UnsetType = UNSET
    max: int | float | UnsetType = UNSET


class Result(_Object):
    score: Score | UnsetType = UNSET
    success: bool | UnsetType = UNSET
    completion: bool | UnsetType = UNSET
    response: str | UnsetType = UNSET
    duration: str | UnsetType = UNSET
    extensions: Extensions | UnsetType = UNSET


ContextActivityList = list[Activity] | Activity


class ContextActivities(_Object):
    parent: ContextActivityList | UnsetType = UNSET
    grouping: ContextActivityList | UnsetType = UNSET
    category: ContextActivityList | UnsetType = UNSET
    other: ContextActivityList | UnsetType = UNSET


class Context(_Object):
    registration: str | UnsetType = UNSET
    context_activities: ContextActivities | UnsetType = field(
        default=UNSET, name="contextActivities"
    )
    revision: str | UnsetType = UNSET
    platform: str | UnsetType = UNSET
    language: str | UnsetType = UNSET
    extensions: Extensions | UnsetType = UNSET


class CommonStatement(_Object, kw_only=True):
    """A statement of the common shape. `stored` is set by the store only: a body claiming it
    is refused here (and judged by the full validator)."""

    id: str | UnsetType = UNSET
    actor: Agent
    verb: Verb
    object: Activity
    result: Result | UnsetType = UNSET
    context: Context | UnsetType = UNSET
    timestamp: str | UnsetType = UNSET
    stored: str | UnsetType = UNSET
    version: str | UnsetType = UNSET


class TypedStatements:
    """A body read by `read_statements`: valid, normalised statements and their facts.
    `single` is True when the body was one statement object rather than an array."""

    __slots__ = ("facts", "single", "statements")

    def __init__(self, statements: list[CommonStatement], facts: list[Facts], single: bool):
        self.statements = statements
        self.facts = facts
        self.single = single


# The kinds of context activities, in a fixed order (the properties of ContextActivities).
_CONTEXT_KINDS = tuple(sorted(CONTEXT_ACTIVITY_KEYS))

_decoder = msgspec.json.Decoder(list[CommonStatement] | CommonStatement)
_encoder = msgspec.json.Encoder()


def read_statements(body: bytes) -> TypedStatements | None:
    """The statements of a JSON body, all of the common shape and valid; None for any other
    body (the usual way then reads and judges it)."""
    if may_hold_long_integer(body):
        return None  # may hold an integer beyond 64 bits: parse_json keeps it exactly
    try:
        document = _decoder.decode(body)
    except (msgspec.DecodeError, RecursionError):  # ValidationError is a DecodeError
        return None
    statements: list[CommonStatement]
    if isinstance(document, CommonStatement):
        single = True
        statements = [document]
    else:
        single = False
        statements = document
        if not statements:
            return None
    facts = []
    for statement in statements:
        found = statement_facts(statement)
        if found is None:
            return None
        facts.append(found)
    return TypedStatements(statements, facts, single)


def statement_facts(statement: CommonStatement) -> Facts | None:
    """The facts of a decoded statement that keeps every remaining rule, normalised in place
    as `fast` normalises (the id lowercased, a single context activity made a list of one);
    None if a rule is broken (the statement may then be half normalised: it is dropped)."""
    if statement.stored is not UNSET:
        return None
    statement_id = statement.id
    if statement_id is not UNSET and not is_uuid(statement_id):
        return None
    actor_key = _agent_key(statement.actor)
    if actor_key is None:
        return None
    verb = statement.verb
    verb_id = verb.id
    if verb_id == VOIDED_VERB or not is_iri(verb_id):
        return None
    if verb.display is not UNSET and not _language_map(verb.display):
        return None
    activity_id = _activity_id(statement.object)
    if activity_id is None:
        return None
    result = statement.result
    if result is not UNSET and not _result(result):
        return None

    registration = None
    related: set[str] = set()
    context = statement.context
    if context is not UNSET:
        if context.registration is not UNSET:
            if not is_uuid(context.registration):
                return None
            registration = context.registration.lower()
        if context.language is not UNSET and not is_language_tag(context.language):
            return None
        if context.extensions is not UNSET and not _extensions(context.extensions):
            return None
        mapping = context.context_activities
        if mapping is not UNSET:
            for kind in _CONTEXT_KINDS:
                activities = getattr(mapping, kind)
                if activities is UNSET:
                    continue
                if activities.__class__ is Activity:
                    activities = [activities]
                    setattr(mapping, kind, activities)
                if not _related(activities, related):
                    return None

    timestamp = None
    if statement.timestamp is not UNSET:
        timestamp = parse_timestamp(statement.timestamp)
        if timestamp is None:
            return None
    if statement.version is not UNSET and not is_statement_version(statement.version):
        return None
    if statement_id is not UNSET:
        statement.id = statement_id.lower()

    return Facts.of_common(
        verb_id=verb_id,
        actor_ifi=actor_key,
        activity_id=activity_id,
        registration=registration,
        timestamp=timestamp,
        related_activities=related,
    )


def _related(activities: list[Activity], related: set[str]) -> bool:
    """Whether every context activity of a kind is valid; their ids join `related`."""
    for activity in activities:
        related_id = _activity_id(activity)
        if related_id is None:
            return False
        related.add(related_id)
    return True


def _agent_key(agent: Agent) -> str | None:
    """The identifier key of an agent with exactly one valid identifier, else None."""
    ifi: dict
    count = 0
    if agent.account is not UNSET:
        count += 1
        account = agent.account
        if not is_irl(account.homePage):
            return None
        ifi = {"account": {"homePage": account.homePage, "name": account.name}}
    if agent.mbox is not UNSET:
        count += 1
        ifi = {"mbox": agent.mbox}
    if agent.mbox_sha1sum is not UNSET:
        count += 1
        ifi = {"mbox_sha1sum": agent.mbox_sha1sum}
    if agent.openid is not UNSET:
        count += 1
        if not is_iri(agent.openid):
            return None
        ifi = {"openid": agent.openid}
    if count != 1:
        return None
    return ifi_key(ifi)


def _activity_id(activity: Activity) -> str | None:
    """The id of an activity whose IRIs, IRLs and language tags are valid, else None."""
    activity_id = activity.id
    if not is_iri(activity_id):
        return None
    definition = activity.definition
    if definition is not UNSET:
        if definition.name is not UNSET and not _language_map(definition.name):
            return None
        if definition.description is not UNSET and not _language_map(definition.description):
            return None
        if definition.type is not UNSET and not is_iri(definition.type):
            return None
        if definition.more_info is not UNSET and not is_irl(definition.more_info):
            return None
        if definition.extensions is not UNSET and not _extensions(definition.extensions):
            return None
    return activity_id


def _language_map(mapping: dict[str, str]) -> bool:
    for tag in mapping:  # noqa: SIM110 — a loop costs half of all() and a generator here
        if not is_language_tag(tag):
            return False
    return True


def _extensions(mapping: dict[str, Any]) -> bool:
    for key in mapping:  # noqa: SIM110 — as above
        if not is_iri(key):
            return False
    return True


def _result(result: Result) -> bool:
    """Score and duration rules. JSON numbers are finite (msgspec refuses the others); they
    are compared as floats, as `fast` compares them."""
    score = result.score
    if score is not UNSET:
        scaled = None if score.scaled is UNSET else float(score.scaled)
        raw = None if score.raw is UNSET else float(score.raw)
        low = None if score.min is UNSET else float(score.min)
        high = None if score.max is UNSET else float(score.max)
        if not score_in_range(scaled, raw, low, high):
            return False
    if result.duration is not UNSET and not is_duration(result.duration):
        return False
    return result.extensions is UNSET or _extensions(result.extensions)


def encode_statement(
    statement: CommonStatement, statement_id: str, stored: str, version: str
) -> bytes:
    """The statement as the store keeps it, without the closing brace (the authority follows):
    the store's id and `stored` set, `timestamp` and `version` where the statement has none.
    The statement itself stays as it came (a shallow copy is encoded)."""
    timestamp = stored if statement.timestamp is UNSET else statement.timestamp
    if statement.version is not UNSET:
        version = statement.version
    out = msgspec.structs.replace(
        statement, id=statement_id, timestamp=timestamp, stored=stored, version=version
    )
    return _encoder.encode(out)[:-1]


def to_dict(statement: CommonStatement) -> dict:
    """The statement as the usual way holds it (a dict of JSON values), for the rare paths
    that compare it with a stored one."""
    out = msgspec.to_builtins(statement)
    assert isinstance(out, dict)
    return out
