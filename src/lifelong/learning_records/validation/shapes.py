"""The shape of every xAPI 1.0.3 object the store accepts: the properties each may carry (in
their exact case) and the check that an object has no others and no nulls."""

from __future__ import annotations

from typing import Any

from lifelong.learning_records.validation.primitives import fail, require_object

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
