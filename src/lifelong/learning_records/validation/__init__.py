"""Validation of xAPI 1.0.3 statements and query parameters (see `statements` and
`primitives`)."""

from lifelong.learning_records.validation.primitives import (
    StatementInvalid,
    format_timestamp,
    parse_timestamp,
    require_iri,
    require_timestamp,
    require_uuid,
)
from lifelong.learning_records.validation.statements import (
    VOIDED_VERB,
    Facts,
    ifi_key,
    parse_json,
    validate_agent_parameter,
    validate_statement,
)

__all__ = [
    "VOIDED_VERB",
    "Facts",
    "StatementInvalid",
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
