"""Credit-bank tables, one module per concern."""

from lifelong.credit_bank.models.core import (
    Application,
    ApplicationItem,
    Archive,
    Certifier,
    ImportJob,
    ImportRowError,
    Outcome,
    OutcomeType,
    Posting,
    Programme,
    Rule,
    RuleSet,
    SourceKind,
    Standard,
)
from lifelong.credit_bank.models.credentials import (  # noqa: F401  (verifiable credentials)
    Credential,
    ImportedCredential,
    Partner,
    RecognitionRule,
    Revocation,
    SigningKey,
    StatusList,
)

__all__ = [
    "Application",
    "ApplicationItem",
    "Archive",
    "Certifier",
    "ImportJob",
    "ImportRowError",
    "Outcome",
    "OutcomeType",
    "Posting",
    "Programme",
    "Rule",
    "RuleSet",
    "SourceKind",
    "Standard",
]
