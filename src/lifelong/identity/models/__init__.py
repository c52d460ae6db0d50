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
from lifelong.identity.models.privacy import (
    ConsentPurpose,
    ConsentRecord,
    DeletionRequest,
    ProxyKind,
    ProxyRelation,
)
from lifelong.identity.models.verification import OidcIdentity, SmsChallenge, TotpDevice

__all__ = [
    "ApiToken",
    "ConsentPurpose",
    "ConsentRecord",
    "DeletionRequest",
    "LoginFailure",
    "Membership",
    "OidcIdentity",
    "OrgKind",
    "Organisation",
    "Person",
    "ProxyKind",
    "ProxyRelation",
    "Role",
    "SmsChallenge",
    "TotpDevice",
    "VerificationLevel",
]
