"""Reads of the credential domain."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Max

from lifelong.credit_bank.credentials import (
    access,
    dataintegrity,
    documents,
    keys,
    signing,
    statuslist,
)
from lifelong.credit_bank.models import (
    Credential,
    ImportedCredential,
    Partner,
    RecognitionRule,
    Revocation,
    SigningKey,
    StatusList,
)
from lifelong.identity import api as identity
from lifelong.shared import clock
from lifelong.shared.errors import NotFound


def get_credential(credential_id) -> Credential:
    """A credential we issued, by id; anyone holding the (random) id may read it."""
    try:
        return Credential.objects.select_related("revocation").get(pk=credential_id)
    except (Credential.DoesNotExist, ValueError, TypeError):
        raise NotFound("找不到该凭证 / No such credential") from None


def credential_text(credential_id) -> str:
    """The credential's JSON text as signed (signed first if its proof was pending)."""
    return signing.signed_document(get_credential(credential_id))


def credential_document(credential_id) -> dict[str, Any]:
    return json.loads(credential_text(credential_id))


def revocation_of(credential: Credential) -> Revocation | None:
    return Revocation.objects.filter(credential=credential).first()


def status_list_credential(list_id: int) -> dict[str, Any]:
    """The signed BitstringStatusListCredential with the list's current bits. Re-signed only
    when a revocation changed the list (cached by its newest revocation)."""
    status_list = StatusList.objects.filter(pk=list_id).first() if 0 < list_id < 2**63 else None
    if status_list is None:
        raise NotFound("找不到该状态列表 / No such status list")
    revoked = Revocation.objects.filter(credential__status_list=status_list)
    newest = revoked.aggregate(newest=Max("pk"))["newest"] or 0
    cache_key = f"credit_bank:status_list:{status_list.pk}:{newest}"
    cached = cache.get(cache_key)
    if cached is not None:
        return json.loads(cached)
    indexes = list(revoked.values_list("credential__status_index", flat=True))
    encoded = statuslist.encode(status_list.size, indexes)
    signer = keys.signer_for(status_list.organisation_id)
    org = identity.organisation_by_id(status_list.organisation_id)
    issuer = documents.issuer_profile(signer.did, org.name if org else "")
    now = clock.now()
    unsigned = documents.status_list_credential(
        list_id=status_list.pk, issuer=issuer, encoded=encoded, issued_at=now
    )
    signed = dataintegrity.sign(
        unsigned,
        seed=signer.seed,
        verification_method=signer.verification_method,
        created=documents.datetime_text(now),
    )
    cache.set(cache_key, json.dumps(signed, ensure_ascii=False), 300)
    return signed


@dataclass(frozen=True)
class CredentialSummary:
    id: str
    kind: str
    name: str
    code: str
    credits: Decimal | None
    issuer_name: str
    issued_at: Any
    revoked: bool
    page_url: str


def _issuer_name(document: dict[str, Any]) -> str:
    issuer = document.get("issuer")
    return issuer.get("name", "") if isinstance(issuer, dict) else ""


def summary(credential: Credential, revoked: bool, text: str | None = None) -> CredentialSummary:
    document = json.loads(text if text is not None else signing.signed_document(credential))
    return CredentialSummary(
        id=str(credential.pk),
        kind=credential.kind,
        name=credential.name,
        code=credential.code,
        credits=credential.credits,
        issuer_name=_issuer_name(document),
        issued_at=credential.issued_at,
        revoked=revoked,
        page_url=documents.verification_page_url(credential.pk),
    )


def my_credentials(*, actor: identity.Actor, kind: str | None = None) -> list[CredentialSummary]:
    """The signed-in learner's own credentials, newest first."""
    person_id = access.require_learner(actor)
    rows = Credential.objects.filter(learner_id=person_id)
    if kind:
        rows = rows.filter(kind=kind)
    revoked = set(
        Revocation.objects.filter(credential__learner_id=person_id).values_list(
            "credential_id", flat=True
        )
    )
    credentials = list(rows.order_by("-issued_at"))
    texts = signing.signed_documents(credentials)
    return [summary(c, c.pk in revoked, texts[str(c.pk)]) for c in credentials]


def valid_badges_of(person_id) -> list[CredentialSummary]:
    rows = Credential.objects.filter(
        learner_id=person_id, kind=Credential.Kind.OPEN_BADGE, revocation__isnull=True
    ).order_by("issued_at")
    credentials = list(rows)
    texts = signing.signed_documents(credentials)
    return [summary(c, False, texts[str(c.pk)]) for c in credentials]


def list_partners() -> list[Partner]:
    return list(Partner.objects.filter(active=True).order_by("code"))


def partner_by_code(code: str) -> Partner:
    partner = Partner.objects.filter(code=code).first()
    if partner is None:
        raise NotFound("没有该合作学分银行 / No such partner credit bank")
    return partner


@dataclass(frozen=True)
class StandardBrief:
    code: str
    name: str
    credits: Decimal


def standard_brief(code: str) -> StandardBrief | None:
    """Our active certification standard of that code, or None."""
    from lifelong.credit_bank.services.outcomes import active_standard

    standard = active_standard(code)
    if standard is None:
        return None
    return StandardBrief(standard.code, standard.name, standard.credits)


def list_recognitions(partner_code: str | None = None) -> list[RecognitionRule]:
    rows = RecognitionRule.objects.filter(active=True).select_related("partner")
    if partner_code:
        rows = rows.filter(partner__code=partner_code)
    return list(rows.order_by("partner__code", "partner_standard_code"))


def list_imports(
    *, actor: identity.Actor, person_id=None, page: int = 1, page_size: int = 20
) -> tuple[list[ImportedCredential], int]:
    access.require_role(actor, access.IMPORTER_ROLES)
    rows = ImportedCredential.objects.select_related("partner").order_by("-verified_at")
    if person_id:
        rows = rows.filter(learner_id=person_id)
    count = rows.count()
    start = (page - 1) * page_size
    return list(rows[start : start + page_size]), count


def issuer_keys() -> list[SigningKey]:
    return list(SigningKey.objects.order_by("pk"))
