"""Validation of xAPI 1.0.3 statements and query parameters: `statements` checks a whole
statement with the rules for its parts in `agents`, `activities` and `result_context`, the
allowed properties of each object in `shapes`, and the value formats in `primitives`; `facts`
holds what the store indexes."""

from lifelong.learning_records.validation.agents import ifi_key, validate_agent_parameter
from lifelong.learning_records.validation.facts import VOIDED_VERB, Facts
from lifelong.learning_records.validation.primitives import (
    StatementInvalid,
    encode_json,
    format_timestamp,
    parse_json,
    parse_timestamp,
    require_iri,
    require_timestamp,
    require_uuid,
)
from lifelong.learning_records.validation.statements import validate_statement

__all__ = [
    "VOIDED_VERB",
    "Facts",
    "StatementInvalid",
    "encode_json",
    "format_timestamp",
    "ifi_key",
    "parse_json",
    "parse_timestamp",
    "require_iri",
    "require_timestamp",
    "require_uuid",
    "validate_agent_parameter",
    "validate_statement",
]
