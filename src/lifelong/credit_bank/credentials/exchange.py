"""The Yangtze River Delta (长三角) exchange: the registry of trusted partner credit banks, the
mutual recognition table, and importing partner-signed credentials with their provenance."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any

from django.db import transaction

from lifelong.credit_bank.credentials import (
    access,
    dataintegrity,
    documents,
    multibase,
    verification,
)
from lifelong.credit_bank.credentials.services import credit_bank_organisation, parse_credits
from lifelong.credit_bank.models import (
    ImportedCredential,
    Partner,
    RecognitionRule,
    SigningKey,
)
from lifelong.identity import api as identity
from lifelong.shared import clock
from lifelong.shared.api import record_audit
from lifelong.shared.errors import Conflict, Invalid, NotFound


@transaction.atomic
def register_partner(
    *,
    actor: identity.Actor,
    code: str,
    name: str,
    province: str,
    did: str,
    verification_method: str = "",
    public_key_multibase: str = "",
) -> Partner:
    """Register (or re-key) a trusted partner credit bank. For a did:key the key is read from
    the DID itself; a did:web partner must give its verification method and Multikey."""
    access.require_role(actor, access.OFFICER_ROLES)
    fields: dict[str, str] = {}
    if did.startswith("did:key:"):
        try:
            public = multibase.public_key_of_did_key(did)
        except multibase.MultibaseError:
            fields["did"] = "not an Ed25519 did:key"
        else:
            public_key_multibase = multibase.public_key_multibase(public)
            verification_method = f"{did}#{public_key_multibase}"
    elif did.startswith("did:web:"):
        if not verification_method.startswith(did + "#"):
            fields["verification_method"] = "must be the DID followed by #fragment"
        try:
            multibase.decode_public_key(public_key_multibase)
        except multibase.MultibaseError:
            fields["public_key_multibase"] = "not an Ed25519 Multikey (z6Mk…)"
    else:
        fields["did"] = "did:key or did:web"
    if fields:
        raise Invalid("合作方密钥信息无效 / The partner's key is invalid", fields=fields)
    if SigningKey.objects.filter(did=did).exists():
        raise Conflict("该 DID 属于本平台 / That DID is one of ours", code="own_did")
    partner, created = Partner.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "province": province,
            "did": did,
            "verification_method": verification_method,
            "public_key_multibase": public_key_multibase,
            "active": True,
            "registered_by": actor.label,
        },
    )
    record_audit(
        action="credit_bank.partner.register" if created else "credit_bank.partner.update",
        actor_id=actor.user_id or "",
        actor_label=actor.label,
        role="credit_bank_officer",
        object_type="partner",
        object_id=partner.code,
        detail={"did": did},
    )
    return partner


@transaction.atomic
def set_recognition(
    *,
    actor: identity.Actor,
    partner_code: str,
    partner_standard_code: str,
    partner_standard_name: str,
    standard_code: str,
    note: str = "",
    active: bool = True,
) -> RecognitionRule:
    """Add or change one row of the mutual recognition table: the partner's standard counts
    as our (active) standard `standard_code`."""
    from lifelong.credit_bank.services.outcomes import active_standard

    access.require_role(actor, access.OFFICER_ROLES)
    partner = Partner.objects.filter(code=partner_code).first()
    if partner is None:
        raise NotFound("没有该合作学分银行 / No such partner credit bank")
    if active_standard(standard_code) is None:
        raise Invalid(
            "本市没有该有效认证标准 / We have no active standard with that code",
            fields={"standard_code": "unknown"},
        )
    rule, _ = RecognitionRule.objects.update_or_create(
        partner=partner,
        partner_standard_code=partner_standard_code,
        defaults={
            "partner_standard_name": partner_standard_name,
            "standard_code": standard_code,
            "note": note,
            "active": active,
        },
    )
    record_audit(
        action="credit_bank.recognition.set",
        actor_id=actor.user_id or "",
        actor_label=actor.label,
        role="credit_bank_officer",
        object_type="recognition_rule",
        object_id=str(rule.pk),
        detail={"partner": partner.code, "from": partner_standard_code, "to": standard_code},
    )
    return rule


def _achieved_on(document: dict[str, Any]) -> dt.date:
    """The day (Shanghai) the partner credential was awarded; never in the future."""
    for name in ("awardedDate", "validFrom"):
        value = document.get(name)
        if isinstance(value, str) and dataintegrity.is_datetime(value):
            day = dataintegrity.parse_datetime(value).astimezone(clock.SHANGHAI).date()
            return min(day, clock.today())
    return clock.today()


def _deposit(
    *,
    actor: identity.Actor,
    partner: Partner,
    rule: RecognitionRule,
    person_id,
    id_number: str,
    credential_id: str,
    name: str,
    document: dict[str, Any],
):
    """Deposit the recognised outcome in the learner's archive through the archive's own
    service (certified by the credit bank against our standard, with its credits)."""
    from lifelong.credit_bank.models import SourceKind
    from lifelong.credit_bank.services.outcomes import active_standard, deposit_certified

    standard = active_standard(rule.standard_code)
    if standard is None:
        return None
    person = identity.person_briefs([person_id]).get(str(person_id))
    org = credit_bank_organisation()
    reference = hashlib.sha256(credential_id.encode("utf-8")).hexdigest()[:40]
    outcome, _ = deposit_certified(
        organisation_id=org.id,
        source_kind=SourceKind.PARTNER_BANK,
        name=person.name if person else "",
        id_number=id_number,
        standard=standard,
        achieved_on=_achieved_on(document),
        external_id=f"{partner.code}:{reference}",
        evidence=f"{partner.name} {credential_id}"[:500],
        title=name,
        actor_id=str(actor.user_id or ""),
    )
    return outcome


def _subject_fields(document: dict[str, Any]) -> tuple[str, str, Decimal | None, list]:
    subject = document.get("credentialSubject")
    if not isinstance(subject, dict):
        raise Invalid(
            "凭证缺少 credentialSubject / The credential has no subject",
            fields={"verifiableCredential": "credentialSubject"},
        )
    achievement = subject.get("achievement")
    if not isinstance(achievement, dict):
        raise Invalid(
            "只能导入开放徽章成果凭证 / Only Open Badge achievement credentials can be imported",
            fields={"verifiableCredential": "credentialSubject.achievement"},
        )
    code = achievement.get("humanCode") or ""
    name = achievement.get("name") or ""
    if not isinstance(code, str) or not isinstance(name, str) or not name:
        raise Invalid(
            "成果缺少名称 / The achievement has no name",
            fields={"verifiableCredential": "achievement.name"},
        )
    credits_value = subject.get("creditsEarned", achievement.get("creditsAvailable"))
    credits = None
    if isinstance(credits_value, int | float) and not isinstance(credits_value, bool):
        credits = parse_credits(credits_value, "verifiableCredential")
    identifiers = subject.get("identifier") or []
    return code[:100], name[:300], credits, identifiers if isinstance(identifiers, list) else []


@transaction.atomic
def import_partner_credential(
    *, actor: identity.Actor, person_id, document: Any
) -> tuple[ImportedCredential, bool]:
    """Verify a partner-signed Open Badge and deposit it for the learner with its provenance.
    Importing the same credential again returns the first import (created False); the same id
    with other content is a conflict."""
    access.require_role(actor, access.IMPORTER_ROLES)
    if str(person_id) not in identity.person_briefs([person_id]):
        raise NotFound("找不到该人员 / No such person")
    result = verification.verify_credential(document)
    if result.issuer_kind != "partner" and not result.errors:
        result.errors.append(
            "签发者不是登记的合作学分银行 / The issuer is not a registered partner credit bank"
        )
    if result.errors:
        raise Invalid(
            "凭证验证未通过 / The credential did not verify",
            fields={"verifiableCredential": "; ".join(result.errors)[:1000]},
            code="not_verified",
        )
    credential_id = document.get("id")
    if not isinstance(credential_id, str) or not credential_id or len(credential_id) > 300:
        raise Invalid(
            "凭证缺少编号 / The credential has no id", fields={"verifiableCredential": "id"}
        )
    code, name, credits, identifiers = _subject_fields(document)
    id_number = identity.id_number_for_credential(person_id) or ""
    if not id_number or not any(
        isinstance(item, dict)
        and item.get("type") == "IdentityObject"
        and documents.identity_matches(item, id_number)
        for item in identifiers
    ):
        raise Invalid(
            "凭证持有人与该学习者身份证号不符 / "
            "The credential's holder does not match this learner's ID number",
            fields={"person_id": "identity mismatch"},
            code="identity_mismatch",
        )
    partner = Partner.objects.get(code=result.partner_code)
    text = json.dumps(document, ensure_ascii=False, sort_keys=True)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    existing = ImportedCredential.objects.filter(
        partner=partner, credential_id=credential_id
    ).first()
    if existing is not None:
        if existing.document_hash != digest or str(existing.learner_id) != str(person_id):
            raise Conflict(
                "该凭证已以不同内容导入 / This credential was imported with other content",
                code="import_conflict",
            )
        return existing, False
    rule = RecognitionRule.objects.filter(
        partner=partner, partner_standard_code=code, active=True
    ).first()
    outcome = None
    if rule is not None:
        outcome = _deposit(
            actor=actor,
            partner=partner,
            rule=rule,
            person_id=person_id,
            id_number=id_number,
            credential_id=credential_id,
            name=name,
            document=document,
        )
    imported = ImportedCredential.objects.create(
        partner=partner,
        learner_id=person_id,
        credential_id=credential_id,
        document=json.dumps(document, ensure_ascii=False, indent=2),
        document_hash=digest,
        achievement_code=code,
        achievement_name=name,
        credits=credits,
        recognition=rule,
        recognised_credits=outcome.credits if outcome is not None else None,
        outcome_id=str(outcome.pk) if outcome is not None else "",
        verified_at=clock.now(),
        imported_by=actor.label,
    )
    record_audit(
        action="credit_bank.partner_credential.import",
        actor_id=actor.user_id or "",
        actor_label=actor.label,
        role=actor.primary_role,
        on_behalf_of=str(person_id),
        object_type="imported_credential",
        object_id=str(imported.pk),
        detail={"partner": partner.code, "credential": credential_id[:300]},
    )
    return imported, True
