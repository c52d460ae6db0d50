"""Verbs, activities with their definitions (interaction types and their component lists),
and statement references (xAPI 1.0.3 Part 2, 2.4.3 and 2.4.4)."""

from __future__ import annotations

from typing import Any

from lifelong.learning_records.validation.primitives import (
    fail,
    require_extensions,
    require_iri,
    require_irl,
    require_language_map,
    require_string,
    require_uuid,
)
from lifelong.learning_records.validation.shapes import (
    ACTIVITY_KEYS,
    COMPONENT_KEYS,
    COMPONENT_LISTS,
    DEFINITION_KEYS,
    INTERACTION_COMPONENTS,
    STATEMENT_REF_KEYS,
    VERB_KEYS,
    require_shape,
)


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
