"""Writes of the credential domain: issue (Open Badge, CLR transcript), revoke, and the
learner's transcript PDF. The partner exchange lives in `exchange.py`."""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from lifelong.credit_bank.credentials import (
    access,
    dataintegrity,
    documents,
    keys,
    signing,
)
from lifelong.credit_bank.models import (
    Credential,
    Partner,
    Revocation,
    StatusList,
)
from lifelong.identity import api as identity
from lifelong.shared import clock
from lifelong.shared.api import record_audit
from lifelong.shared.errors import Conflict, Invalid, NotFound

ACHIEVEMENT_KEYS = (
    "code",
    "name",
    "type",
    "level",
    "credits",
    "criteria",
    "awarding_body",
    "description",
)
# A list is left for a new one once this share of its slots is used, so a random free slot
# is always quick to find and the herd stays large.
STATUS_LIST_FILL = 0.5


dumps = signing.dumps


def _status_slot(organisation_id: int) -> tuple[StatusList, int]:
    """A random free index in the organisation's current revocation list (random so that a
    slot says nothing about the order of issue). The list row stays locked until the caller
    commits, so a bulk issue of the same organisation (`bulk_issue`) never takes it too."""
    for _ in range(20):
        status_list = (
            StatusList.objects.select_for_update()
            .filter(organisation_id=organisation_id)
            .order_by("-pk")
            .first()
        )
        if status_list is None or (
            Credential.objects.filter(status_list=status_list).count()
            >= status_list.size * STATUS_LIST_FILL
        ):
            status_list = StatusList.objects.create(organisation_id=organisation_id)
        index = random.SystemRandom().randrange(status_list.size)
        if not Credential.objects.filter(status_list=status_list, status_index=index).exists():
            return status_list, index
    raise Conflict("无法分配状态位，请重试 / No free status slot; please retry")


def _store(
    *,
    kind: str,
    signer: keys.Signer,
    learner_person_id: str | uuid.UUID,
    build,
    name: str,
    outcome_id: str = "",
    code: str = "",
    credits: Decimal | None = None,
    audience: str = "",
) -> Credential:
    """Build, sign and store a credential in a free status slot; a slot taken concurrently
    is retried inside a savepoint so the caller's transaction survives."""
    now = clock.now()
    for _ in range(5):
        status_list, index = _status_slot(signer.organisation_id)
        credential_id = uuid.uuid4()
        unsigned = build(credential_id, documents.status_entry(status_list.pk, index), now)
        signed = dataintegrity.sign(
            unsigned,
            seed=signer.seed,
            verification_method=signer.verification_method,
            created=documents.datetime_text(now),
        )
        try:
            with transaction.atomic():
                return Credential.objects.create(
                    id=credential_id,
                    kind=kind,
                    issuer_organisation_id=signer.organisation_id,
                    learner_id=learner_person_id,
                    outcome_id=outcome_id,
                    name=name[:300],
                    code=code[:100],
                    credits=credits,
                    audience=audience,
                    document=dumps(signed),
                    status_list=status_list,
                    status_index=index,
                    issued_at=now,
                    signed_at=now,
                )
        except IntegrityError:
            if outcome_id and Credential.objects.filter(kind="ob", outcome_id=outcome_id).exists():
                raise Conflict(
                    "该成果已签发证书 / A credential was already issued for this outcome",
                    code="credential_exists",
                ) from None
    raise Conflict("无法分配状态位，请重试 / No free status slot; please retry")


def parse_credits(value: Any, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise Invalid(
            "学分必须是数字 / Credits must be a number", fields={field: "not a number"}
        ) from None
    if not number.is_finite() or number < 0 or number >= Decimal("100000"):
        raise Invalid("学分超出范围 / Credits out of range", fields={field: "out of range"})
    return number.quantize(Decimal("0.01"))


@transaction.atomic
def issue_outcome_credential(
    *,
    outcome_id: str,
    issuer_organisation_id: int,
    issuer_name: str,
    learner_person_id: str,
    learner_id_number: str,
    achievement: dict[str, Any],
    issued_on: dt.date,
) -> str:
    """See `lifelong.credit_bank.credentials.issue.issue_outcome_credential`."""
    outcome_id = str(outcome_id or "").strip()
    if not outcome_id or len(outcome_id) > 64:
        raise Invalid("缺少成果编号 / The outcome id is missing", fields={"outcome_id": "required"})
    if not (learner_id_number or "").strip():
        raise Invalid(
            "缺少学习者身份证号 / The learner's ID number is missing",
            fields={"learner_id_number": "required"},
        )
    data = {key: achievement.get(key) for key in ACHIEVEMENT_KEYS}
    if not data["name"] or not data["code"]:
        raise Invalid(
            "成果缺少名称或标准代码 / The achievement needs a name and a code",
            fields={"achievement": "name and code are required"},
        )
    credits = parse_credits(data["credits"], "achievement.credits")
    data["credits"] = str(credits) if credits is not None else None
    existing = Credential.objects.filter(kind="ob", outcome_id=outcome_id).first()
    if existing is not None:
        return str(existing.pk)
    signer = keys.signer_for(issuer_organisation_id)
    issuer = documents.issuer_profile(signer.did, issuer_name)
    identity_object = documents.identity_object(learner_id_number)

    def build(credential_id, status, now):
        return documents.open_badge(
            credential_id=credential_id,
            issuer=issuer,
            identity=identity_object,
            achievement_data=data,
            issued_on=issued_on,
            status=status,
        )

    credential = _store(
        kind=Credential.Kind.OPEN_BADGE,
        signer=signer,
        learner_person_id=learner_person_id,
        build=build,
        name=str(data["name"]),
        outcome_id=outcome_id,
        code=str(data["code"]),
        credits=credits,
    )
    return str(credential.pk)


def credit_bank_organisation() -> identity.OrganisationBrief:
    name = getattr(settings, "CREDIT_BANK_ORGANISATION_NAME", "") or "上海市终身教育学分银行"
    org = identity.find_organisation(name)
    if org is None:
        raise Conflict(
            f"未登记学分银行机构“{name}” / The credit bank organisation is not registered",
            code="credit_bank_missing",
        )
    return org


@transaction.atomic
def issue_transcript(*, actor: identity.Actor, audience: str = "") -> Credential:
    """A signed CLR 2.0 transcript of the learner's valid (unrevoked) Open Badges, issued by
    the credit bank; `audience` names the partner it is exported for."""
    person_id = access.require_learner(actor)
    if audience and not Partner.objects.filter(code=audience, active=True).exists():
        raise Invalid(
            "没有该合作学分银行 / No such partner credit bank", fields={"partner": "unknown"}
        )
    badges = list(
        Credential.objects.filter(
            learner_id=person_id, kind=Credential.Kind.OPEN_BADGE, revocation__isnull=True
        ).order_by("issued_at")
    )
    if not badges:
        raise Invalid(
            "您还没有可导出的已认证学习成果 / You have no certified outcomes to export yet",
            fields={"credentials": "none"},
            code="nothing_to_export",
        )
    texts = signing.signed_documents(badges)
    badge_documents = [json.loads(texts[str(b.pk)]) for b in badges]
    # The transcript names the learner as the newest badge does (same ID number, same salt).
    identity_object = badge_documents[-1]["credentialSubject"]["identifier"][0]
    org = credit_bank_organisation()
    signer = keys.signer_for(org.id)
    issuer = documents.issuer_profile(signer.did, org.name)
    total = sum((b.credits or Decimal("0") for b in badges), Decimal("0"))

    def build(credential_id, status, now):
        return documents.clr(
            credential_id=credential_id,
            issuer=issuer,
            identity=identity_object,
            badges=badge_documents,
            issued_at=now,
            status=status,
            name="学分证明 / Credit transcript",
        )

    credential = _store(
        kind=Credential.Kind.CLR,
        signer=signer,
        learner_person_id=person_id,
        build=build,
        name="学分证明 / Credit transcript",
        credits=total,
        audience=audience,
    )
    record_audit(
        action="credit_bank.transcript.issue",
        actor_id=actor.user_id or "",
        actor_label=actor.label,
        role=actor.primary_role,
        object_type="credential",
        object_id=str(credential.pk),
        detail={"audience": audience, "credentials": len(badges)},
    )
    return credential


def _revoke(credential: Credential, *, reason: str, actor_id: str, actor_label: str) -> Revocation:
    if Revocation.objects.filter(credential=credential).exists():
        raise Conflict("该凭证已撤销 / The credential is already revoked", code="already_revoked")
    try:
        with transaction.atomic():
            return Revocation.objects.create(
                credential=credential,
                reason=reason,
                actor_id=actor_id,
                actor_label=actor_label[:150],
                revoked_at=clock.now(),
            )
    except IntegrityError:
        raise Conflict(
            "该凭证已撤销 / The credential is already revoked", code="already_revoked"
        ) from None


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("请填写撤销原因 / Give a reason", fields={"reason": "required"})
    if len(reason) > 500:
        raise Invalid("撤销原因过长 / The reason is too long", fields={"reason": "max 500"})
    return reason


@transaction.atomic
def revoke_credential(*, actor: identity.Actor, credential_id, reason: str) -> Revocation:
    access.require_role(actor, access.OFFICER_ROLES)
    reason = _reason(reason)
    try:
        credential = Credential.objects.get(pk=credential_id)
    except (Credential.DoesNotExist, ValueError, TypeError):
        raise NotFound("找不到该凭证 / No such credential") from None
    revocation = _revoke(
        credential, reason=reason, actor_id=str(actor.user_id or ""), actor_label=actor.label
    )
    record_audit(
        action="credit_bank.credential.revoke",
        actor_id=actor.user_id or "",
        actor_label=actor.label,
        role="credit_bank_officer",
        object_type="credential",
        object_id=str(credential.pk),
        detail={"reason": reason},
    )
    return revocation


@transaction.atomic
def revoke_outcome_credential(*, outcome_id: str, reason: str, actor_label: str = "") -> bool:
    """Revoke the Open Badge of an outcome whose certification was withdrawn (called by the
    rest of credit_bank inside its transaction). False when the outcome has no credential
    or it is already revoked."""
    credential = Credential.objects.filter(kind="ob", outcome_id=str(outcome_id)).first()
    if credential is None or Revocation.objects.filter(credential=credential).exists():
        return False
    _revoke(credential, reason=_reason(reason), actor_id="", actor_label=actor_label)
    record_audit(
        action="credit_bank.credential.revoke",
        actor_label=actor_label,
        object_type="credential",
        object_id=str(credential.pk),
        detail={"reason": reason[:500], "outcome_id": str(outcome_id)},
    )
    return True


@transaction.atomic
def current_transcript(*, actor: identity.Actor) -> Credential:
    """The learner's newest unrevoked transcript if it still lists exactly their valid Open
    Badges; otherwise a newly issued one. Downloading the PDF twice gives the same document."""
    person_id = access.require_learner(actor)
    valid = {
        f"urn:uuid:{pk}"
        for pk in Credential.objects.filter(
            learner_id=person_id, kind=Credential.Kind.OPEN_BADGE, revocation__isnull=True
        ).values_list("pk", flat=True)
    }
    latest = (
        Credential.objects.filter(
            learner_id=person_id,
            kind=Credential.Kind.CLR,
            audience="",
            revocation__isnull=True,
        )
        .order_by("-issued_at")
        .first()
    )
    if latest is not None:
        embedded = signing.signed_json(latest)["credentialSubject"]["verifiableCredential"]
        if {badge["id"] for badge in embedded} == valid:
            return latest
    return issue_transcript(actor=actor)


def transcript_pdf(*, actor: identity.Actor) -> tuple[Credential, bytes]:
    """学分证明 PDF of the signed-in learner, rendering their current CLR transcript."""
    from lifelong.credit_bank.credentials import transcript_pdf as pdf

    credential = current_transcript(actor=actor)
    document = signing.signed_json(credential)
    lines = []
    for badge in document["credentialSubject"]["verifiableCredential"]:
        achievement = badge["credentialSubject"]["achievement"]
        credits = badge["credentialSubject"].get("creditsEarned")
        lines.append(
            pdf.Line(
                name=achievement.get("name", ""),
                code=achievement.get("humanCode", ""),
                credits=parse_credits(credits, "credits") if credits is not None else None,
                issuer=badge["issuer"].get("name", ""),
                issued_on=str(badge.get("validFrom", ""))[:10],
            )
        )
    person = identity.person_briefs([credential.learner_id]).get(str(credential.learner_id))
    content = pdf.render(
        learner_name=person.name if person else "",
        transcript_id=str(credential.pk),
        issuer_name=document["issuer"].get("name", ""),
        issued_on=credential.issued_at.astimezone(clock.SHANGHAI).date().isoformat(),
        lines=lines,
    )
    return credential, content
