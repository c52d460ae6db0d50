"""A statement's result (with its score), context and attachments (xAPI 1.0.3 Part 2, 2.4.5,
2.4.6 and 2.4.11)."""

from __future__ import annotations

import re
from typing import Any

from lifelong.learning_records.validation.activities import (
    validate_activity,
    validate_statement_ref,
)
from lifelong.learning_records.validation.agents import validate_actor, validate_group
from lifelong.learning_records.validation.facts import Facts
from lifelong.learning_records.validation.primitives import (
    fail,
    require_bool,
    require_duration,
    require_extensions,
    require_iri,
    require_irl,
    require_language_map,
    require_language_tag,
    require_number,
    require_string,
    require_uuid,
)
from lifelong.learning_records.validation.shapes import (
    ATTACHMENT_KEYS,
    CONTEXT_ACTIVITY_KEYS,
    CONTEXT_KEYS,
    RESULT_KEYS,
    SCORE_KEYS,
    require_shape,
)

_MEDIA_TYPE_RE = re.compile(r"^[A-Za-z0-9!#$&^_.+\-]+/[A-Za-z0-9!#$&^_.+\-]+(\s*;.*)?\Z")
_SHA2_RE = re.compile(r"^[0-9a-fA-F]{56,128}\Z")


def validate_result(value: Any, path: str) -> None:
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


def validate_context(
    value: Any, path: str, facts: Facts, *, object_is_activity: bool, sub: bool
) -> None:
    context = require_shape(value, path, CONTEXT_KEYS)
    if "registration" in context:
        registration = require_uuid(context["registration"], f"{path}.registration")
        if not sub:
            facts.registration = registration
    if "instructor" in context:
        relate(facts, *validate_actor(context["instructor"], f"{path}.instructor"))
    if "team" in context:
        relate(facts, *validate_group(context["team"], f"{path}.team"))
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


def relate(facts: Facts, key: str | None, members: set[str]) -> None:
    if key:
        facts.related_ifis.add(key)
    facts.related_ifis.update(members)


def validate_attachments(value: Any, path: str) -> list[dict]:
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
