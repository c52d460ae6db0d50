"""Public interface of identity for the domains above it: the only module of identity they may
import. The functions live in `api_people`, `api_organisations`, `api_account` and
`api_privacy`, by what they are about; this module names them all."""

from __future__ import annotations

from lifelong.identity.access import Actor, actor_for_user
from lifelong.identity.api_account import (
    Profile,
    VerificationStatus,
    check_second_factor,
    confirm_sms_verification,
    has_second_factor,
    login_with_sms_code,
    oidc_authorization_url,
    oidc_complete,
    oidc_enabled,
    prefers_elder_mode,
    profile_for_user,
    recover_account,
    request_login_code,
    request_recovery_code,
    role_label,
    start_sms_verification,
    totp_enrolment_required,
    verification_status,
)
from lifelong.identity.api_organisations import (
    OrganisationBrief,
    demo_uscc,
    ensure_demo_organisation,
    ensure_organisation,
    ensure_organisations,
    find_organisation,
    organisation_by_id,
    organisation_names,
    organisation_uscc,
    register_organisation,
)
from lifelong.identity.api_people import (
    PersonBrief,
    ensure_dormant_people,
    ensure_dormant_person,
    find_people_by_id_numbers,
    find_person_by_id_number,
    id_number_for_credential,
    person_briefs,
    person_for_user,
    person_is_verified,
)
from lifelong.identity.api_privacy import (
    DATA_EXPORT_JOB_KIND,
    ConsentItem,
    ProxyItem,
    ProxyRelations,
    acting_for,
    consents_of,
    has_consent,
    principal_ids_of,
    proxy_relations_of,
    register_retention_rule,
    revoke_proxy_relation,
    set_consent,
    start_data_export,
)
from lifelong.identity.auth import BearerAuth, optional_actor
from lifelong.identity.backoffice import ScopedAdmin, request_actor
from lifelong.identity.demo import load_demo
from lifelong.identity.privacy import RetentionHold, RetentionRule
from lifelong.identity.services import check_credentials
from lifelong.identity.sms_codes import CodeSent
from lifelong.identity.totp import (
    TOTP_ROLES,
    TotpEnrolment,
    confirm_totp,
    disable_totp,
    enrol_totp,
    reenrol_totp,
)
from lifelong.shared.api import RegionInfo, list_districts

__all__ = [
    "DATA_EXPORT_JOB_KIND",
    "Actor",
    "BearerAuth",
    "CodeSent",
    "ConsentItem",
    "ProxyItem",
    "ProxyRelations",
    "VerificationStatus",
    "Profile",
    "RetentionHold",
    "RetentionRule",
    "ScopedAdmin",
    "acting_for",
    "actor_for_user",
    "check_credentials",
    "check_second_factor",
    "confirm_sms_verification",
    "consents_of",
    "districts",
    "has_consent",
    "has_second_factor",
    "load_demo",
    "login_with_sms_code",
    "oidc_authorization_url",
    "oidc_complete",
    "oidc_enabled",
    "PersonBrief",
    "person_briefs",
    "OrganisationBrief",
    "find_organisation",
    "ensure_demo_organisation",
    "organisation_by_id",
    "organisation_names",
    "organisation_uscc",
    "person_for_user",
    "person_is_verified",
    "find_person_by_id_number",
    "find_people_by_id_numbers",
    "ensure_dormant_person",
    "ensure_dormant_people",
    "id_number_for_credential",
    "optional_actor",
    "prefers_elder_mode",
    "profile_for_user",
    "proxy_relations_of",
    "recover_account",
    "register_retention_rule",
    "request_actor",
    "request_login_code",
    "request_recovery_code",
    "revoke_proxy_relation",
    "role_label",
    "set_consent",
    "start_data_export",
    "start_sms_verification",
    "totp_enrolment_required",
    "verification_status",
    "demo_uscc",
    "ensure_organisation",
    "ensure_organisations",
    "register_organisation",
    "principal_ids_of",
    "TOTP_ROLES",
    "TotpEnrolment",
    "confirm_totp",
    "disable_totp",
    "enrol_totp",
    "reenrol_totp",
]


def districts() -> list[RegionInfo]:
    """Shanghai's districts, for pickers and the home page."""
    return list_districts()
