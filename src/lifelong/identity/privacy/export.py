"""\"Download my data\": a background job building a ZIP of everything held about a person."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q

from lifelong.identity.access import (
    Actor,
)
from lifelong.identity.models import (
    ConsentRecord,
    Membership,
    Person,
    ProxyKind,
    ProxyRelation,
    VerificationLevel,
)
from lifelong.identity.privacy.common import (
    EXPORT_KEEP_DAYS,
    EXPORT_KIND,
    Subject,
    _audit,
    _is_minor,
    _signed_in,
    _subject,
    proxy_status,
)
from lifelong.shared import clock, notifications
from lifelong.shared.errors import Forbidden
from lifelong.shared.jobs import finish_job, report_progress, start_job
from lifelong.shared.models import AuditEntry, Job

# ---- "download my data" ----------------------------------------------------------------------


def _require_verified(actor: Actor) -> None:
    level = (
        Person.objects.filter(pk=actor.person_id)
        .values_list("verification_level", flat=True)
        .first()
        if actor.person_id
        else None
    )
    if level in (None, VerificationLevel.UNVERIFIED):
        raise Forbidden(
            "只有完成实名核验（短信、现场或一网通办）的账户才能导出或代办个人数据，请先完成实名核验 / "
            "Only verified accounts (SMS, in person or the city's unified login) may export "
            "personal data; please verify your account first",
            code="verification_required",
        )


def _require_guardian_for_minor(subject: Subject, what: tuple[str, str]) -> None:
    if not _is_minor(subject.person):
        return
    if (
        subject.proxy_id
        and ProxyRelation.objects.filter(
            pk=subject.proxy_id, kind=ProxyKind.GUARDIAN_OF_MINOR
        ).exists()
    ):
        return
    raise Forbidden(
        f"未成年人的个人数据{what[0]}须由其监护人申请 / "
        f"A minor's data {what[1]} must be requested by their guardian"
    )


@transaction.atomic
def request_data_export(*, actor: Actor, person_id=None) -> Job:
    """Start building a ZIP of the person's data (oneself, or a principal through a valid
    proxy). Needs a verified account; a minor's export needs their guardian."""
    from lifelong.identity import tasks  # tasks call back into this module

    user_id = _signed_in(actor)
    _require_verified(actor)
    subject = _subject(actor, person_id)
    _require_guardian_for_minor(subject, ("导出", "export"))
    job = start_job(
        kind=EXPORT_KIND,
        owner_id=str(user_id),
        params={
            "person_id": str(subject.person.pk),
            "requested_by_person_id": actor.person_id,
            "proxy_id": subject.proxy_id,
        },
        task=tasks.build_data_export,
    )
    _audit(actor, "privacy.data_export_requested", subject, job_id=str(job.pk))
    return job


def _export_profile(person: Person) -> dict[str, Any]:
    return {
        "id": str(person.pk),
        "name": person.name,
        "id_number_masked": person.id_number_masked,
        "gender": person.gender,
        "birth_date": person.birth_date,
        "phone_masked": person.phone_masked,
        "district": person.district.name if person.district else None,
        "street": person.street.name if person.street else None,
        "verification_level": person.verification_level,
        "verified_at": person.verified_at,
        "prefers_elder_mode": person.prefers_elder_mode,
        "username": person.user.get_username() if person.user else None,
        "created_at": person.created_at,
    }


def _export_memberships(person: Person) -> list[dict[str, Any]]:
    if person.user_id is None:
        return []
    return [
        {
            "organisation": m.organisation.name,
            "role": m.role,
            "scope": m.scope,
            "active": m.active,
            "since": m.created_at,
        }
        for m in Membership.objects.filter(user_id=person.user_id).select_related("organisation")
    ]


def _export_consents(person: Person) -> list[dict[str, Any]]:
    return [
        {
            "purpose": row.purpose,
            "granted_at": row.granted_at,
            "withdrawn_at": row.withdrawn_at,
            "through_proxy": row.proxy_id is not None,
        }
        for row in ConsentRecord.objects.filter(person=person)
    ]


def _export_proxies(person: Person) -> list[dict[str, Any]]:
    rows = ProxyRelation.objects.filter(Q(principal=person) | Q(agent=person)).select_related(
        "principal", "agent"
    )
    return [
        {
            "role": "principal" if p.principal_id == person.pk else "agent",
            "kind": p.kind,
            "principal": p.principal.name,
            "agent": p.agent.name,
            "consent_evidence": p.consent_evidence,
            "valid_from": p.valid_from,
            "valid_until": p.valid_until,
            "revoked_at": p.revoked_at,
            "status": proxy_status(p),
        }
        for p in rows
    ]


def _export_audit(person: Person) -> list[dict[str, Any]]:
    about = Q(object_id=str(person.pk)) | Q(on_behalf_of=str(person.pk))
    if person.user_id:
        about |= Q(actor_id=str(person.user_id))
    # The client address is left out: it is the personal data of whoever acted.
    return [
        {
            "at": e.at,
            "action": e.action,
            "actor": e.actor_label,
            "role": e.role,
            "on_behalf_of": e.on_behalf_of,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "outcome": e.outcome,
            "detail": e.detail,
        }
        for e in AuditEntry.objects.filter(about).order_by("at", "id").iterator()
    ]


def _export_notifications(person: Person) -> list[dict[str, Any]]:
    return [
        {"title": n.title, "body": n.body, "created_at": n.created_at, "read": n.read}
        for n in notifications.list_inbox(recipient_id=str(person.pk), limit=100_000)
    ]


_EXPORT_SECTIONS: tuple[tuple[str, Callable[[Person], Any]], ...] = (
    ("profile.json", _export_profile),
    ("memberships.json", _export_memberships),
    ("consents.json", _export_consents),
    ("proxies.json", _export_proxies),
    ("audit_log.json", _export_audit),
    ("notifications.json", _export_notifications),
)

_EXPORT_README = """Lifelong 终身学习平台 · 个人数据副本 / Copy of your personal data

本压缩包包含平台保存的您的个人信息（《个人信息保护法》第四十五条）。身份证号、手机号仅以脱敏形式提供。
This archive holds the personal information the platform keeps about you (PIPL art. 45).
ID and phone numbers are shown masked.

profile.json        个人资料 / profile
memberships.json    任职与角色 / memberships and roles
consents.json       同意与撤回记录 / consents and withdrawals
proxies.json        代理关系 / proxy relations
audit_log.json      与您有关的操作记录 / audit entries about you
notifications.json  站内通知 / in-app notifications
"""


def build_data_export(job: Job) -> None:
    """The body of the export task: collect each section, report progress, store the ZIP,
    tell the requester it is ready."""
    person = Person.objects.select_related("district", "street", "user").get(
        pk=job.params["person_id"]
    )
    total = len(_EXPORT_SECTIONS) + 1
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", _EXPORT_README)
        for done, (name, collect) in enumerate(_EXPORT_SECTIONS):
            report_progress(job.pk, done, total, f"正在整理 {name} / Collecting {name}")
            data = json.dumps(collect(person), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
            archive.writestr(name, data)
    report_progress(job.pk, total - 1, total, "正在打包 / Packing the archive")
    finish_job(
        job.pk,
        content=buffer.getvalue(),
        name=f"lifelong-data-{clock.today():%Y%m%d}.zip",
        content_type="application/zip",
        keep_days=EXPORT_KEEP_DAYS,
    )
    recipient = job.params.get("requested_by_person_id") or str(person.pk)
    notifications.notify(
        recipient_id=recipient,
        template="data_export_ready",
        context={"days": EXPORT_KEEP_DAYS},
        channels=(notifications.IN_APP,),
    )
