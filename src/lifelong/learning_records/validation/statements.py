"""The structure rules of xAPI 1.0.3 statements (Part 2, section 2), checked in one pass that
also collects what the store indexes (`Facts`).

Every rule the specification gives the LRS to reject a statement is applied: unknown or
miscased properties, nulls outside extensions, strings where numbers or booleans belong, badly
formatted IRIs, UUIDs, timestamps, durations, language tags and mailto IRIs, agents without
exactly one inverse functional identifier, groups holding groups, objects of unknown type,
sub-statements that nest or carry id/stored/version/authority, scores out of range,
`revision`/`platform` on a statement whose object is not an activity, voiding statements whose
object is not a StatementRef, and versions other than 1.0.x.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from typing import Any

from lifelong.learning_records.validation.primitives import (
    fail,
    require_bool,
    require_duration,
    require_extensions,
    require_iri,
    require_irl,
    require_language_map,
    require_language_tag,
    require_mailto,
    require_number,
    require_object,
    require_sha1,
    require_string,
    require_timestamp,
    require_uuid,
)

VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided"

STATEMENT_KEYS = frozenset(
    {
        "id",
        "actor",
        "verb",
        "object",
        "result",
        "context",
        "timestamp",
        "stored",
        "authority",
        "version",
        "attachments",
    }
)
SUBSTATEMENT_KEYS = frozenset(
    {"objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"}
)
AGENT_KEYS = frozenset({"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"})
GROUP_KEYS = AGENT_KEYS | {"member"}
IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")
ACCOUNT_KEYS = frozenset({"homePage", "name"})
VERB_KEYS = frozenset({"id", "display"})
ACTIVITY_KEYS = frozenset({"objectType", "id", "definition"})
DEFINITION_KEYS = frozenset(
    {
        "name",
        "description",
        "type",
        "moreInfo",
        "extensions",
        "interactionType",
        "correctResponsesPattern",
        "choices",
        "scale",
        "source",
        "target",
        "steps",
    }
)
COMPONENT_KEYS = frozenset({"id", "description"})
STATEMENT_REF_KEYS = frozenset({"objectType", "id"})
RESULT_KEYS = frozenset({"score", "success", "completion", "response", "duration", "extensions"})
SCORE_KEYS = frozenset({"scaled", "raw", "min", "max"})
CONTEXT_KEYS = frozenset(
    {
        "registration",
        "instructor",
        "team",
        "contextActivities",
        "revision",
        "platform",
        "language",
        "statement",
        "extensions",
    }
)
CONTEXT_ACTIVITY_KEYS = frozenset({"parent", "grouping", "category", "other"})
ATTACHMENT_KEYS = frozenset(
    {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"}
)
INTERACTION_COMPONENTS = {
    "true-false": frozenset(),
    "choice": frozenset({"choices"}),
    "fill-in": frozenset(),
    "long-fill-in": frozenset(),
    "matching": frozenset({"source", "target"}),
    "performance": frozenset({"steps"}),
    "sequencing": frozenset({"choices"}),
    "likert": frozenset({"scale"}),
    "numeric": frozenset(),
    "other": frozenset(),
}
COMPONENT_LISTS = frozenset({"choices", "scale", "source", "target", "steps"})
_VERSION_RE = re.compile(r"^1\.0\.\d+$")
_MEDIA_TYPE_RE = re.compile(r"^[A-Za-z0-9!#$&^_.+\-]+/[A-Za-z0-9!#$&^_.+\-]+(\s*;.*)?$")
_SHA2_RE = re.compile(r"^[0-9a-fA-F]{56,128}$")


class Facts:
    """What the store extracts from one valid statement for its indexes."""

    __slots__ = (
        "activity_id",
        "actor_ifi",
        "attachments",
        "member_ifis",
        "object_agent_ifi",
        "ref_target",
        "registration",
        "related_activities",
        "related_ifis",
        "timestamp",
        "verb_id",
    )

    def __init__(self) -> None:
        self.verb_id = ""
        self.actor_ifi: str | None = None
        self.object_agent_ifi: str | None = None
        self.activity_id: str | None = None
        self.ref_target: str | None = None
        self.registration: str | None = None
        self.timestamp: dt.datetime | None = None
        self.member_ifis: set[str] = set()
        self.related_ifis: set[str] = set()
        self.related_activities: set[str] = set()
        self.attachments: list[dict] = []

    @property
    def is_voiding(self) -> bool:
        return self.verb_id == VOIDED_VERB


def ifi_key(agent: dict) -> str | None:
    """A fixed-width key for an agent's or identified group's inverse functional identifier
    (the first 128 bits of a SHA-256, as 32 hexadecimal digits, which the
    database stores as a UUID): equal identifiers give equal keys, the mbox domain
    compared case-insensitively and the SHA-1 in either case. None for an anonymous group."""
    if "mbox" in agent:
        local, _, domain = agent["mbox"][len("mailto:") :].rpartition("@")
        raw = f"mbox\x1f{local}@{domain.lower()}"
    elif "mbox_sha1sum" in agent:
        raw = f"sha1\x1f{agent['mbox_sha1sum'].lower()}"
    elif "openid" in agent:
        raw = f"openid\x1f{agent['openid']}"
    elif "account" in agent:
        raw = f"account\x1f{agent['account']['homePage']}\x1f{agent['account']['name']}"
    else:
        return None
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def require_shape(value: Any, path: str, allowed: frozenset[str]) -> dict:
    """A JSON object with only the properties `allowed` (in their exact case, 2.2.s4.b1.b5)
    and no nulls (2.2.s4.b1.b1)."""
    if value.__class__ is dict and allowed.issuperset(value) and None not in value.values():
        return value
    check_keys(require_object(value, path), path, allowed)
    return value


def check_keys(value: dict, path: str, allowed: frozenset[str]) -> None:
    for key, item in value.items():
        if key not in allowed:
            fail(f"{path}.{key}", "不是本规范定义的属性", "is not a property defined here")
        if item is None:
            fail(f"{path}.{key}", "不得为 null", "must not be null")


# ---- Agents and groups -----------------------------------------------------------------------


def _ifi_count(value: dict, path: str) -> int:
    count = 0
    if "mbox" in value:
        require_mailto(value["mbox"], f"{path}.mbox")
        count += 1
    if "mbox_sha1sum" in value:
        require_sha1(value["mbox_sha1sum"], f"{path}.mbox_sha1sum")
        count += 1
    if "openid" in value:
        require_iri(value["openid"], f"{path}.openid")
        count += 1
    if "account" in value:
        account = require_shape(value["account"], f"{path}.account", ACCOUNT_KEYS)
        if "homePage" not in account or "name" not in account:
            fail(f"{path}.account", "须有 homePage 与 name", "needs both homePage and name")
        require_irl(account["homePage"], f"{path}.account.homePage")
        require_string(account["name"], f"{path}.account.name")
        count += 1
    return count


def validate_agent(value: Any, path: str, *, object_type_required: bool = False) -> str:
    """An Agent: exactly one inverse functional identifier. Returns its key."""
    agent = require_shape(value, path, AGENT_KEYS)
    if "objectType" in agent:
        if agent["objectType"] != "Agent":
            fail(f"{path}.objectType", "应为 Agent", "must be Agent")
    elif object_type_required:
        fail(f"{path}.objectType", "作为客体时须写明 objectType", "is required here")
    if "name" in agent:
        require_string(agent["name"], f"{path}.name")
    if _ifi_count(agent, path) != 1:
        fail(
            path,
            "须有且仅有一个标识（mbox、mbox_sha1sum、openid 或 account）",
            "needs exactly one of mbox, mbox_sha1sum, openid, account",
        )
    key = ifi_key(agent)
    assert key is not None
    return key


def validate_group(value: Any, path: str) -> tuple[str | None, set[str]]:
    """A Group: identified (exactly one identifier) or anonymous (members listed). Members are
    agents, never groups. Returns the group's key (None if anonymous) and its members' keys."""
    group = require_shape(value, path, GROUP_KEYS)
    if group.get("objectType") != "Group":
        fail(f"{path}.objectType", "应为 Group", "must be Group")
    if "name" in group:
        require_string(group["name"], f"{path}.name")
    count = _ifi_count(group, path)
    if count > 1:
        fail(path, "群组最多只能有一个标识", "a group has at most one identifier")
    members: set[str] = set()
    if "member" in group:
        if not isinstance(group["member"], list):
            fail(f"{path}.member", "应为代理数组", "must be an array of agents")
        for index, member in enumerate(group["member"]):
            member_path = f"{path}.member[{index}]"
            if isinstance(member, dict) and member.get("objectType") == "Group":
                fail(member_path, "群组成员不得是群组", "a group cannot contain a group")
            members.add(validate_agent(member, member_path))
    if count == 0 and not members:
        fail(
            f"{path}.member",
            "匿名群组须列出成员",
            "an anonymous group must list its members",
        )
    return ifi_key(group) if count else None, members


def validate_actor(value: Any, path: str) -> tuple[str | None, set[str]]:
    actor = require_object(value, path)
    if actor.get("objectType") == "Group":
        return validate_group(actor, path)
    return validate_agent(actor, path), set()


# ---- Verb, activities, statement references ---------------------------------------------------


def validate_verb(value: Any, path: str) -> str:
    verb = require_shape(value, path, VERB_KEYS)
    if "id" not in verb:
        fail(f"{path}.id", "动词须有 id", "is required")
    verb_id = require_iri(verb["id"], f"{path}.id")
    if "display" in verb:
        require_language_map(verb["display"], f"{path}.display")
    return verb_id


def validate_activity(value: Any, path: str) -> str:
    activity = require_shape(value, path, ACTIVITY_KEYS)
    if "objectType" in activity and activity["objectType"] != "Activity":
        fail(f"{path}.objectType", "应为 Activity", "must be Activity")
    if "id" not in activity:
        fail(f"{path}.id", "活动须有 id", "is required")
    activity_id = require_iri(activity["id"], f"{path}.id")
    if "definition" in activity:
        _validate_definition(activity["definition"], f"{path}.definition")
    return activity_id


def _validate_definition(value: Any, path: str) -> None:
    definition = require_shape(value, path, DEFINITION_KEYS)
    for key in ("name", "description"):
        if key in definition:
            require_language_map(definition[key], f"{path}.{key}")
    if "type" in definition:
        require_iri(definition["type"], f"{path}.type")
    if "moreInfo" in definition:
        require_irl(definition["moreInfo"], f"{path}.moreInfo")
    if "extensions" in definition:
        require_extensions(definition["extensions"], f"{path}.extensions")
    interaction = definition.get("interactionType")
    lists = COMPONENT_LISTS.intersection(definition)
    if interaction is None:
        if lists or "correctResponsesPattern" in definition:
            fail(
                f"{path}.interactionType",
                "答题活动须写明 interactionType",
                "is required with correctResponsesPattern or interaction components",
            )
        return
    if interaction not in INTERACTION_COMPONENTS:
        fail(f"{path}.interactionType", "不是规范中的交互类型", "is not an interaction type")
    for key in lists:
        if key not in INTERACTION_COMPONENTS[interaction]:
            fail(
                f"{path}.{key}",
                f"交互类型 {interaction} 不使用该组件列表",
                f"is not a component list of interactionType {interaction}",
            )
        _validate_components(definition[key], f"{path}.{key}")
    if "correctResponsesPattern" in definition:
        pattern = definition["correctResponsesPattern"]
        if not isinstance(pattern, list):
            fail(f"{path}.correctResponsesPattern", "应为字符串数组", "must be an array of strings")
        for index, item in enumerate(pattern):
            require_string(item, f"{path}.correctResponsesPattern[{index}]")


def _validate_components(value: Any, path: str) -> None:
    if not isinstance(value, list):
        fail(path, "应为交互组件数组", "must be an array of interaction components")
    seen: set[str] = set()
    for index, item in enumerate(value):
        item_path = f"{path}[{index}]"
        component = require_shape(item, item_path, COMPONENT_KEYS)
        if "id" not in component:
            fail(f"{item_path}.id", "交互组件须有 id", "is required")
        component_id = require_string(component["id"], f"{item_path}.id")
        if component_id in seen:
            fail(f"{item_path}.id", "交互组件 id 须互不相同", "must be distinct within the list")
        seen.add(component_id)
        if "description" in component:
            require_language_map(component["description"], f"{item_path}.description")


def validate_statement_ref(value: Any, path: str) -> str:
    ref = require_shape(value, path, STATEMENT_REF_KEYS)
    if ref.get("objectType") != "StatementRef":
        fail(f"{path}.objectType", "应为 StatementRef", "must be StatementRef")
    if "id" not in ref:
        fail(f"{path}.id", "须有被引用语句的 id", "is required")
    return require_uuid(ref["id"], f"{path}.id")


# ---- Result, context, attachments -------------------------------------------------------------


def _validate_result(value: Any, path: str) -> None:
    result = require_shape(value, path, RESULT_KEYS)
    if "score" in result:
        _validate_score(result["score"], f"{path}.score")
    for key in ("success", "completion"):
        if key in result:
            require_bool(result[key], f"{path}.{key}")
    if "response" in result:
        require_string(result["response"], f"{path}.response")
    if "duration" in result:
        require_duration(result["duration"], f"{path}.duration")
    if "extensions" in result:
        require_extensions(result["extensions"], f"{path}.extensions")


def _validate_score(value: Any, path: str) -> None:
    score = require_shape(value, path, SCORE_KEYS)
    numbers = {key: require_number(score[key], f"{path}.{key}") for key in score}
    scaled = numbers.get("scaled")
    if scaled is not None and not -1 <= scaled <= 1:
        fail(f"{path}.scaled", "应在 -1 与 1 之间", "must be between -1 and 1")
    low, high, raw = numbers.get("min"), numbers.get("max"), numbers.get("raw")
    if low is not None and high is not None and not low < high:
        fail(f"{path}.min", "最低分须小于最高分", "must be less than max")
    if raw is not None and low is not None and raw < low:
        fail(f"{path}.raw", "不得低于最低分", "must not be below min")
    if raw is not None and high is not None and raw > high:
        fail(f"{path}.raw", "不得高于最高分", "must not be above max")


def _validate_context(
    value: Any, path: str, facts: Facts, *, object_is_activity: bool, sub: bool
) -> None:
    context = require_shape(value, path, CONTEXT_KEYS)
    if "registration" in context:
        registration = require_uuid(context["registration"], f"{path}.registration")
        if not sub:
            facts.registration = registration
    if "instructor" in context:
        _relate(facts, *validate_actor(context["instructor"], f"{path}.instructor"))
    if "team" in context:
        _relate(facts, *validate_group(context["team"], f"{path}.team"))
    if "contextActivities" in context:
        mapping = require_shape(
            context["contextActivities"], f"{path}.contextActivities", CONTEXT_ACTIVITY_KEYS
        )
        for kind, activities in list(mapping.items()):
            kind_path = f"{path}.contextActivities.{kind}"
            if isinstance(activities, dict):
                # Returned as an array of one, whatever form it arrived in (2.4.6.2.s4.b3).
                activities = mapping[kind] = [activities]
            if not isinstance(activities, list):
                fail(kind_path, "应为活动或活动数组", "must be an activity or an array of them")
            for index, activity in enumerate(activities):
                activity_id = validate_activity(activity, f"{kind_path}[{index}]")
                facts.related_activities.add(activity_id)
    for name in ("revision", "platform"):
        if name in context:
            require_string(context[name], f"{path}.{name}")
            if not object_is_activity:
                fail(
                    f"{path}.{name}",
                    "仅当语句客体为活动时才可使用",
                    "may be used only when the object is an Activity",
                )
    if "language" in context:
        require_language_tag(context["language"], f"{path}.language")
    if "statement" in context:
        validate_statement_ref(context["statement"], f"{path}.statement")
    if "extensions" in context:
        require_extensions(context["extensions"], f"{path}.extensions")


def _relate(facts: Facts, key: str | None, members: set[str]) -> None:
    if key:
        facts.related_ifis.add(key)
    facts.related_ifis.update(members)


def _validate_attachments(value: Any, path: str) -> list[dict]:
    if not isinstance(value, list):
        fail(path, "应为附件数组", "must be an array of attachments")
    for index, item in enumerate(value):
        item_path = f"{path}[{index}]"
        attachment = require_shape(item, item_path, ATTACHMENT_KEYS)
        for key in ("usageType", "display", "contentType", "length", "sha2"):
            if key not in attachment:
                fail(f"{item_path}.{key}", "附件须有此属性", "is required")
        require_iri(attachment["usageType"], f"{item_path}.usageType")
        require_language_map(attachment["display"], f"{item_path}.display")
        if "description" in attachment:
            require_language_map(attachment["description"], f"{item_path}.description")
        content_type = require_string(attachment["contentType"], f"{item_path}.contentType")
        if not _MEDIA_TYPE_RE.match(content_type):
            fail(f"{item_path}.contentType", "应为互联网媒体类型", "must be an Internet media type")
        length = attachment["length"]
        if isinstance(length, bool) or not isinstance(length, int) or length < 0:
            fail(f"{item_path}.length", "应为非负整数", "must be a non-negative integer")
        sha2 = require_string(attachment["sha2"], f"{item_path}.sha2")
        if not _SHA2_RE.match(sha2):
            fail(f"{item_path}.sha2", "应为十六进制 SHA-2 散列", "must be a hex SHA-2 hash")
        if "fileUrl" in attachment:
            require_irl(attachment["fileUrl"], f"{item_path}.fileUrl")
    return value


# ---- Statements -------------------------------------------------------------------------------


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
        _validate_result(statement["result"], f"{path}.result")
    if "timestamp" in statement:
        moment = require_timestamp(statement["timestamp"], f"{path}.timestamp")
        if not sub:
            facts.timestamp = moment
    if "attachments" in statement:
        attachments = _validate_attachments(statement["attachments"], f"{path}.attachments")
        facts.attachments.extend(attachments)
    if sub:
        _relate(facts, actor_key, actor_members)
        _relate(facts, object_key, object_members)
        if activity_id:
            facts.related_activities.add(activity_id)
        if "context" in statement:
            _validate_context(
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
        _validate_context(
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
    arrays, the id lowercase). Raises `StatementInvalid`."""
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
        if not _VERSION_RE.match(version):
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


def validate_agent_parameter(text: str, path: str = "agent") -> str:
    """The `agent` query parameter: JSON of an Agent or identified Group. Returns its key."""
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except ValueError:
        fail(path, "应为代理的 JSON", "must be the JSON of an Agent")
    if isinstance(value, dict) and value.get("objectType") == "Group":
        key, _ = validate_group(value, path)
        if key is None:
            fail(path, "匿名群组不能用于查询", "an anonymous group cannot be used as a filter")
        return key
    return validate_agent(value, path)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json(raw: bytes | str) -> Any:
    """Strict JSON: NaN and Infinity are not JSON and are refused."""
    return json.loads(raw, parse_constant=_refuse_constant)
