"""Personal-information rights (PIPL) and acting for someone else: services and selectors.

One module per concern: proxies, consent, export ("download my data"), deletion (PIPL art. 47
with retention holds); common holds what they share.
"""

from lifelong.identity.privacy.common import (
    ADULT_AGE,
    COMMUNITY_STAFF_ROLES,
    CONSENT_AGE,
    DELETION_PROCESSOR_ROLES,
    ERASED_NAME,
    EXPORT_KEEP_DAYS,
    EXPORT_KIND,
    NO_PERSON,
    NO_SUCH_PERSON,
    SENIOR_AGE,
    Subject,
    acting_for,
    adulthood_starts,
    age_on,
    proxy_status,
)
from lifelong.identity.privacy.consent import (
    ConsentOverview,
    ConsentState,
    consent_overview,
    has_consent,
    record_consent,
)
from lifelong.identity.privacy.deletion import (
    ERASABLE_DATA,
    RetentionHold,
    RetentionRule,
    list_deletion_requests,
    process_deletion_request,
    register_retention_rule,
    request_deletion,
)
from lifelong.identity.privacy.demo import (
    load_demo_privacy,
)
from lifelong.identity.privacy.export import (
    build_data_export,
    request_data_export,
)
from lifelong.identity.privacy.proxies import (
    MyProxies,
    PrincipalProfile,
    access_proxy_by_id,
    grant_proxy,
    list_my_proxies,
    revoke_proxy,
    view_principal_profile,
)

__all__ = [
    "ADULT_AGE",
    "COMMUNITY_STAFF_ROLES",
    "CONSENT_AGE",
    "ConsentOverview",
    "ConsentState",
    "DELETION_PROCESSOR_ROLES",
    "ERASABLE_DATA",
    "ERASED_NAME",
    "EXPORT_KEEP_DAYS",
    "EXPORT_KIND",
    "MyProxies",
    "NO_PERSON",
    "NO_SUCH_PERSON",
    "PrincipalProfile",
    "RetentionHold",
    "RetentionRule",
    "SENIOR_AGE",
    "Subject",
    "access_proxy_by_id",
    "acting_for",
    "adulthood_starts",
    "age_on",
    "build_data_export",
    "consent_overview",
    "grant_proxy",
    "has_consent",
    "list_deletion_requests",
    "list_my_proxies",
    "load_demo_privacy",
    "process_deletion_request",
    "proxy_status",
    "record_consent",
    "register_retention_rule",
    "request_data_export",
    "request_deletion",
    "revoke_proxy",
    "view_principal_profile",
]
