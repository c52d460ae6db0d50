"""One pass over a statement of the common shape: an agent with one identifier does something
to an activity, with a result, a registration, context activities and a timestamp — what
content systems send by the thousand.

`common_statement_facts` checks such a statement against every rule the full validator
(`statements.check_statement`) applies to it and returns the same `Facts`, without building a
path or calling a helper per property. Anything else — groups, agents or statement references
as objects, sub-statements, interactions, instructors, attachments, a claimed `stored` or
`authority` — and any statement that breaks a rule gives None: the full validator then
decides, and names the property at fault. So this shortcut may only accept what the full
validator accepts (tests/test_one_pass_validation.py holds it to that), and never says why a
statement is refused.

Each object's properties are counted as they are checked: an object with more properties than
were recognised has one this shortcut does not handle (unknown, miscased, or of a rarer shape).
"""

from __future__ import annotations

from typing import Any

from lifelong.learning_records.validation.agents import ifi_key
from lifelong.learning_records.validation.facts import VOIDED_VERB, Facts
from lifelong.learning_records.validation.primitives import (
    is_duration,
    is_finite,
    is_iri,
    is_irl,
    is_language_tag,
    is_mailto,
    is_sha1,
    is_statement_version,
    is_uuid,
    parse_timestamp,
)
from lifelong.learning_records.validation.shapes import CONTEXT_ACTIVITY_KEYS


def common_statement_facts(statement: Any) -> Facts | None:
    """The facts of a valid statement of the common shape, normalised in place as the full
    validator would (the id lowercased, a single context activity made an array of one);
    None, with the statement untouched, for any other statement."""
    if statement.__class__ is not dict:
        return None
    known = 3  # actor, verb, object
    statement_id = None
    if "id" in statement:
        known += 1
        statement_id = statement["id"]
        if statement_id.__class__ is not str or not is_uuid(statement_id):
            return None

    actor_key = _agent_key(statement.get("actor"))
    if actor_key is None:
        return None

    verb = statement.get("verb")
    if verb.__class__ is not dict:
        return None
    verb_id = verb.get("id")
    if not is_iri(verb_id) or verb_id == VOIDED_VERB:
        return None
    if "display" in verb:
        if len(verb) != 2 or not _language_map(verb["display"]):
            return None
    elif len(verb) != 1:
        return None

    activity_id = _activity_id(statement.get("object"))
    if activity_id is None:
        return None

    if "result" in statement:
        known += 1
        if not _result(statement["result"]):
            return None

    registration = None
    related: set[str] = set()
    singles: list[str] = []
    if "context" in statement:
        known += 1
        context = statement["context"]
        if context.__class__ is not dict:
            return None
        count = 0
        if "registration" in context:
            count += 1
            registration = context["registration"]
            if registration.__class__ is not str or not is_uuid(registration):
                return None
            registration = registration.lower()
        if "contextActivities" in context:
            count += 1
            mapping = context["contextActivities"]
            if mapping.__class__ is not dict:
                return None
            for kind, activities in mapping.items():
                if kind not in CONTEXT_ACTIVITY_KEYS:
                    return None
                if activities.__class__ is dict:
                    activities = [activities]
                    singles.append(kind)
                elif activities.__class__ is not list:
                    return None
                for activity in activities:
                    related_id = _activity_id(activity)
                    if related_id is None:
                        return None
                    related.add(related_id)
        # revision and platform are allowed: the object is an activity
        if "revision" in context:
            count += 1
            if context["revision"].__class__ is not str:
                return None
        if "platform" in context:
            count += 1
            if context["platform"].__class__ is not str:
                return None
        if "language" in context:
            count += 1
            language = context["language"]
            if language.__class__ is not str or not is_language_tag(language):
                return None
        if "extensions" in context:
            count += 1
            if not _extensions(context["extensions"]):
                return None
        if len(context) != count:
            return None

    timestamp = None
    if "timestamp" in statement:
        known += 1
        text = statement["timestamp"]
        if text.__class__ is not str:
            return None
        timestamp = parse_timestamp(text)
        if timestamp is None:
            return None

    if "version" in statement:
        known += 1
        version = statement["version"]
        if version.__class__ is not str or not is_statement_version(version):
            return None

    if len(statement) != known:
        return None

    # Valid: normalise and report.
    if statement_id is not None:
        statement["id"] = statement_id.lower()
    if singles:
        mapping = statement["context"]["contextActivities"]
        for kind in singles:
            mapping[kind] = [mapping[kind]]
    return Facts.of_common(
        verb_id=verb_id,
        actor_ifi=actor_key,
        activity_id=activity_id,
        registration=registration,
        timestamp=timestamp,
        related_activities=related,
    )


def _agent_key(agent: Any) -> str | None:
    """The identifier key of a valid Agent (not a Group), else None."""
    if agent.__class__ is not dict:
        return None
    count = 0  # identifiers
    if "account" in agent:
        count += 1
        account = agent["account"]
        if (
            account.__class__ is not dict
            or len(account) != 2
            or account.get("name").__class__ is not str
            or not is_irl(account.get("homePage"))
        ):
            return None
    if "mbox" in agent:
        count += 1
        mbox = agent["mbox"]
        if mbox.__class__ is not str or not is_mailto(mbox):
            return None
    if "mbox_sha1sum" in agent:
        count += 1
        sha1 = agent["mbox_sha1sum"]
        if sha1.__class__ is not str or not is_sha1(sha1):
            return None
    if "openid" in agent:
        count += 1
        if not is_iri(agent["openid"]):
            return None
    if count != 1:
        return None
    if "objectType" in agent:
        count += 1
        if agent["objectType"] != "Agent":
            return None
    if "name" in agent:
        count += 1
        if agent["name"].__class__ is not str:
            return None
    if len(agent) != count:
        return None
    return ifi_key(agent)


def _activity_id(activity: Any) -> str | None:
    """The id of a valid Activity without an interaction, else None."""
    if activity.__class__ is not dict:
        return None
    activity_id = activity.get("id")
    if not is_iri(activity_id):
        return None
    count = 1
    if "objectType" in activity:
        count += 1
        if activity["objectType"] != "Activity":
            return None
    if "definition" in activity:
        count += 1
        definition = activity["definition"]
        if definition.__class__ is not dict:
            return None
        known = 0
        if "name" in definition:
            known += 1
            if not _language_map(definition["name"]):
                return None
        if "description" in definition:
            known += 1
            if not _language_map(definition["description"]):
                return None
        if "type" in definition:
            known += 1
            if not is_iri(definition["type"]):
                return None
        if "moreInfo" in definition:
            known += 1
            if not is_irl(definition["moreInfo"]):
                return None
        if "extensions" in definition:
            known += 1
            if not _extensions(definition["extensions"]):
                return None
        if len(definition) != known:
            return None
    if len(activity) != count:
        return None
    return activity_id


def _language_map(mapping: Any) -> bool:
    if mapping.__class__ is not dict:
        return False
    for tag, text in mapping.items():
        if text.__class__ is not str or not is_language_tag(tag):
            return False
    return True


def _extensions(mapping: Any) -> bool:
    """Keys are IRIs; values are never judged."""
    return mapping.__class__ is dict and all(is_iri(key) for key in mapping)


def _result(result: Any) -> bool:
    if result.__class__ is not dict:
        return False
    count = 0
    if "score" in result:
        count += 1
        score = result["score"]
        if score.__class__ is not dict:
            return False
        scaled = low = high = raw = None
        for key, value in score.items():
            cls = value.__class__
            if (cls is not float and cls is not int) or not is_finite(value):
                return False
            if key == "raw":
                raw = float(value)
            elif key == "scaled":
                scaled = float(value)
            elif key == "min":
                low = float(value)
            elif key == "max":
                high = float(value)
            else:
                return False
        if not score_in_range(scaled, raw, low, high):
            return False
    if "success" in result:
        count += 1
        if result["success"].__class__ is not bool:
            return False
    if "completion" in result:
        count += 1
        if result["completion"].__class__ is not bool:
            return False
    if "response" in result:
        count += 1
        if result["response"].__class__ is not str:
            return False
    if "duration" in result:
        count += 1
        duration = result["duration"]
        if duration.__class__ is not str or not is_duration(duration):
            return False
    if "extensions" in result:
        count += 1
        if not _extensions(result["extensions"]):
            return False
    return len(result) == count


def score_in_range(
    scaled: float | None, raw: float | None, low: float | None, high: float | None
) -> bool:
    """The score rules: scaled within [-1, 1], min below max, raw between them."""
    if scaled is not None and not -1 <= scaled <= 1:
        return False
    if low is not None and high is not None and not low < high:
        return False
    if raw is not None and low is not None and raw < low:
        return False
    return raw is None or high is None or raw <= high
