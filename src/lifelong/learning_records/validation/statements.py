"""The structure rules of xAPI 1.0.3 statements (Part 2, section 2), checked in one pass that
also collects what the store indexes (`Facts`).

Every rule the specification gives the LRS to reject a statement is applied: unknown or
miscased properties, nulls outside extensions, strings where numbers or booleans belong, badly
formatted IRIs, UUIDs, timestamps, durations, language tags and mailto IRIs, agents without
exactly one inverse functional identifier, groups holding groups, objects of unknown type,
sub-statements that nest or carry id/stored/version/authority, scores out of range,
`revision`/`platform` on a statement whose object is not an activity, voiding statements whose
object is not a StatementRef, and versions other than 1.0.x. This module holds the statement
as a whole; the rules for its parts are in `agents`, `activities` and `result_context`.
"""

from __future__ import annotations

from typing import Any

from lifelong.learning_records.validation.activities import (
    validate_activity,
    validate_statement_ref,
    validate_verb,
)
from lifelong.learning_records.validation.agents import (
    validate_actor,
    validate_agent,
    validate_group,
)
from lifelong.learning_records.validation.facts import VOIDED_VERB, Facts
from lifelong.learning_records.validation.fast import common_statement_facts
from lifelong.learning_records.validation.primitives import (
    fail,
    is_statement_version,
    require_object,
    require_string,
    require_timestamp,
    require_uuid,
)
from lifelong.learning_records.validation.result_context import (
    relate,
    validate_attachments,
    validate_context,
    validate_result,
)
from lifelong.learning_records.validation.shapes import (
    STATEMENT_KEYS,
    SUBSTATEMENT_KEYS,
    require_shape,
)


def _validate_body(statement: dict, path: str, facts: Facts, *, sub: bool) -> None:
    """What statements and sub-statements share: actor, verb, object, result, context,
    timestamp, attachments. Facts of a sub-statement count as related only."""
    for key in ("actor", "verb", "object"):
        if key not in statement:
            fail(f"{path}.{key}", "语句须有 actor、verb 与 object", "is required")
    actor_key, actor_members = validate_actor(statement["actor"], f"{path}.actor")
    verb_id = validate_verb(statement["verb"], f"{path}.verb")
    target = require_object(statement["object"], f"{path}.object")
    object_type = target.get("objectType", "Activity")
    object_path = f"{path}.object"
    object_key: str | None = None
    object_members: set[str] = set()
    activity_id: str | None = None
    ref_target: str | None = None
    if object_type == "Activity":
        activity_id = validate_activity(target, object_path)
    elif object_type == "Agent":
        object_key = validate_agent(target, object_path, object_type_required=True)
    elif object_type == "Group":
        object_key, object_members = validate_group(target, object_path)
    elif object_type == "StatementRef":
        ref_target = validate_statement_ref(target, object_path)
    elif object_type == "SubStatement":
        if sub:
            fail(
                object_path, "子语句不得再含子语句", "a SubStatement cannot contain a SubStatement"
            )
        sub_statement = require_shape(target, object_path, SUBSTATEMENT_KEYS)
        _validate_body(sub_statement, object_path, facts, sub=True)
    else:
        fail(
            f"{object_path}.objectType",
            "应为 Activity、Agent、Group、SubStatement 或 StatementRef",
            "must be Activity, Agent, Group, SubStatement or StatementRef",
        )
    if "result" in statement:
        validate_result(statement["result"], f"{path}.result")
    if "timestamp" in statement:
        moment = require_timestamp(statement["timestamp"], f"{path}.timestamp")
        if not sub:
            facts.timestamp = moment
    if "attachments" in statement:
        attachments = validate_attachments(statement["attachments"], f"{path}.attachments")
        facts.attachments.extend(attachments)
    if sub:
        relate(facts, actor_key, actor_members)
        relate(facts, object_key, object_members)
        if activity_id:
            facts.related_activities.add(activity_id)
        if "context" in statement:
            validate_context(
                statement["context"],
                f"{path}.context",
                facts,
                object_is_activity=bool(activity_id),
                sub=True,
            )
        return
    facts.verb_id = verb_id
    facts.actor_ifi = actor_key
    facts.object_agent_ifi = object_key
    facts.member_ifis = actor_members | object_members
    facts.activity_id = activity_id
    facts.ref_target = ref_target
    if "context" in statement:
        validate_context(
            statement["context"],
            f"{path}.context",
            facts,
            object_is_activity=bool(activity_id),
            sub=False,
        )
    if verb_id == VOIDED_VERB and ref_target is None:
        fail(
            object_path,
            "作废语句的客体须为 StatementRef",
            "the object of a voiding statement must be a StatementRef",
        )


def validate_statement(value: Any, path: str = "statement") -> Facts:
    """Check one statement as received and normalise it in place (context activities become
    arrays, the id lowercase). Raises `StatementInvalid`.

    A statement of the common shape is checked in one pass (`fast`); any other, and any that
    may break a rule, by every rule in turn, which names the property at fault."""
    facts = common_statement_facts(value)
    if facts is not None:
        return facts
    return check_statement(value, path)


def check_statement(value: Any, path: str = "statement") -> Facts:
    """`validate_statement` without the one-pass shortcut: each rule in turn."""
    statement = require_shape(value, path, STATEMENT_KEYS)
    facts = Facts()
    if "id" in statement:
        statement["id"] = require_uuid(statement["id"], f"{path}.id")
    _validate_body(statement, path, facts, sub=False)
    if "stored" in statement:
        require_timestamp(statement["stored"], f"{path}.stored")
    if "authority" in statement:
        _validate_authority(statement["authority"], f"{path}.authority")
    if "version" in statement:
        version = require_string(statement["version"], f"{path}.version")
        if not is_statement_version(version):
            fail(f"{path}.version", "仅接受 1.0.x 版本", "must be a 1.0.x version")
    return facts


def _validate_authority(value: Any, path: str) -> None:
    """An Agent, or (three-legged OAuth) a Group of two Agents. The store replaces it anyway."""
    authority = require_object(value, path)
    if authority.get("objectType") == "Group":
        validate_group(authority, path)
        if len(authority.get("member", [])) != 2:
            fail(f"{path}.member", "作为权威的群组须恰有两名成员", "must hold exactly two agents")
        return
    validate_agent(authority, path)
