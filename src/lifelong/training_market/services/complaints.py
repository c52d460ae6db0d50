"""Complaints: a citizen files one about an institution; the regulators of the institution's
district handle it through a status machine with time limits; the citizen follows its
progress. Each step is an append-only event.

    submitted ──accept──▶ accepted ──investigate──▶ investigating ──resolve──▶ resolved
        │                    └────────────resolve────────────────────────────▶ resolved
        └──reject──▶ rejected

Time limits (calendar days, Asia/Shanghai): a decision to accept within 7 days of filing,
and a resolution within 30 days of acceptance."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from lifelong.identity import api as identity
from lifelong.shared import clock, notifications, pii
from lifelong.shared.errors import Conflict, Invalid, NotFound
from lifelong.shared.ids import InvalidIdentifier, validate_mobile
from lifelong.training_market import access
from lifelong.training_market.common import audit, choice, text
from lifelong.training_market.models import (
    Complaint,
    ComplaintCategory,
    ComplaintEvent,
    Institution,
)
from lifelong.training_market.services.registry import institution_or_404

ACCEPT_DAYS = 7
RESOLVE_DAYS = 30
PHONE_CONTEXT = "training_market.complaint.phone"

# status → {action: next status}
TRANSITIONS: dict[str, dict[str, str]] = {
    "submitted": {"accept": "accepted", "reject": "rejected"},
    "accepted": {"investigate": "investigating", "resolve": "resolved"},
    "investigating": {"resolve": "resolved"},
    "resolved": {},
    "rejected": {},
}
NOTE_REQUIRED = frozenset({"reject", "resolve"})


def _day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(clock.SHANGHAI).date()


@transaction.atomic
def file_complaint(
    *,
    actor: identity.Actor,
    institution_id: int,
    category: str,
    description: str,
    contact_phone: str = "",
) -> Complaint:
    """A signed-in citizen files a complaint about an institution."""
    user_id = access.signed_in(actor)
    institution: Institution = institution_or_404(institution_id)
    category = choice(category, "category", ComplaintCategory.values)
    body = text(description, "description", max_length=2000)
    if len(body) < 5:
        raise Invalid(
            "请具体描述问题（至少5个字） / Describe the problem (at least 5 characters)",
            fields={"description": "太短 / too short"},
        )
    sealed = masked = ""
    if contact_phone:
        try:
            number = validate_mobile(contact_phone)
        except InvalidIdentifier as exc:
            raise Invalid(str(exc), fields={"contact_phone": str(exc)}) from None
        sealed, masked = pii.seal(number, context=PHONE_CONTEXT), pii.mask_phone(number)
    now = clock.now()
    complaint = Complaint.objects.create(
        institution=institution,
        district_id=institution.district_id,
        category=category,
        description=body,
        complainant_id=user_id,
        complainant_person_id=actor.person_id,
        contact_phone_sealed=sealed,
        contact_phone_masked=masked,
        submitted_at=now,
        accept_due=_day(now) + dt.timedelta(days=ACCEPT_DAYS),
    )
    ComplaintEvent.objects.create(complaint=complaint, status="submitted", by_id=user_id, at=now)
    audit(actor, "complaint.file", "complaint", complaint.pk, institution_id=institution.pk)
    return complaint


@transaction.atomic
def handle_complaint(
    *, actor: identity.Actor, complaint_id: int, action: str, note: str = ""
) -> Complaint:
    """A regulator of the institution's district moves the complaint on."""
    access.require_role(actor, access.ENFORCER_ROLES)
    complaint = access.access_complaint_by_id(actor, complaint_id)
    if not _in_district(actor, complaint.district_id):
        # A complainant who is also staff somewhere sees their own complaint, not to handle it.
        raise NotFound("找不到该投诉 / No such complaint")
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    action = choice(action, "action", ["accept", "reject", "investigate", "resolve"])
    target = TRANSITIONS[complaint.status].get(action)
    if target is None:
        raise Conflict(
            f"投诉当前状态为{complaint.get_status_display()}，不能执行该操作 / "
            f"A {complaint.status} complaint cannot be moved by '{action}'",
            fields={"action": action},
        )
    note = text(note, "note", max_length=2000, required=action in NOTE_REQUIRED)
    now = clock.now()
    complaint.status = target
    fields = ["status"]
    if target == "accepted":
        complaint.accepted_at = now
        complaint.resolve_due = _day(now) + dt.timedelta(days=RESOLVE_DAYS)
        fields += ["accepted_at", "resolve_due"]
    if target in ("resolved", "rejected"):
        complaint.closed_at = now
        complaint.outcome = note
        fields += ["closed_at", "outcome"]
    complaint.save(update_fields=fields)
    ComplaintEvent.objects.create(
        complaint=complaint, status=target, note=note, by_id=access.signed_in(actor), at=now
    )
    audit(actor, f"complaint.{action}", "complaint", complaint.pk)
    if complaint.complainant_person_id is not None:
        notifications.notify(
            recipient_id=str(complaint.complainant_person_id),
            template="market_complaint_progress",
            context={
                "institution": complaint.institution.name,
                "number": complaint.pk,
                "step": action,
            },
            channels=(notifications.IN_APP,),
        )
    return complaint


def _in_district(actor: identity.Actor, district: str) -> bool:
    for grant in actor.grants_for(access.ENFORCER_ROLES):
        if grant.city_wide or (grant.region_prefix and district.startswith(grant.region_prefix)):
            return True
    return False


def overdue(complaint: Complaint, today: dt.date | None = None) -> bool:
    """Past its time limit: not yet accepted after the acceptance deadline, or not resolved
    after the resolution deadline."""
    today = today or clock.today()
    if complaint.status == "submitted":
        return today > complaint.accept_due
    if complaint.status in ("accepted", "investigating") and complaint.resolve_due:
        return today > complaint.resolve_due
    return False
