"""Identity tables, one module per concern."""

from lifelong.identity.models.core import (
    ApiToken,
    LoginFailure,
    Membership,
    Organisation,
    OrgKind,
    Person,
    Role,
    VerificationLevel,
)

__all__ = [
    "ApiToken",
    "LoginFailure",
    "Membership",
    "OrgKind",
    "Organisation",
    "Person",
    "Role",
    "VerificationLevel",
]
