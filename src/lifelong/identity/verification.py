"""Real-name verification: an SMS one-time code to a phone the verification gateway binds to
the person's ID number, and staff's in-person document checks.

A typed ID number never proves identity: a person becomes `sms`-verified only when the
verification gateway says the phone is registered to their ID number and they echo the code
sent to it; `in_person` when staff in scope saw the document. A level never goes down.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from lifelong.identity.access import (
    PEOPLE_MANAGER_ROLES,
    Actor,
    access_person_by_id,
    require_role,
)
from lifelong.identity.gateways import verification_gateway
from lifelong.identity.models import LoginFailure, Person, VerificationLevel
from lifelong.identity.services import ID_CONTEXT, PHONE_CONTEXT, phone_index
from lifelong.identity.sms_codes import (
    CHALLENGE_PHONE_CONTEXT,
    CodeSent,
    Purpose,
    code_matches,
    code_sent,
    consume,
    issue_challenge,
    normalise_phone,
    open_challenge,
    recent_failures,
    refuse_if_too_soon,
    wrong_code_message,
)
from lifelong.shared import clock, pii
from lifelong.shared.api import record_audit
from lifelong.shared.errors import Conflict, Forbidden, Invalid, Throttled, Unauthenticated

# The order the levels are declared in is their strength: the city's unified identity (backed
# by the public-security real-name database) ranks above a staff document check, which ranks
# above an SMS code to a carrier-bound phone.
LEVEL_RANK = {level: rank for rank, level in enumerate(VerificationLevel.values)}


# ---- levels ----------------------------------------------------------------------------------


def raise_level(person: Person, level: str) -> bool:
    """Set `level` unless the person already holds it or a stronger one; True if raised."""
    if LEVEL_RANK[level] <= LEVEL_RANK[person.verification_level]:
        return False
    person.verification_level = level
    person.verified_at = clock.now()
    return True


# ---- SMS verification of a signed-in person --------------------------------------------------


def _own_person(actor: Actor) -> Person:
    if actor.user_id is None:
        raise Unauthenticated("请先登录 / Please log in")
    person = Person.objects.filter(user_id=actor.user_id).first()
    if person is None or not person.id_number_sealed:
        raise Conflict(
            "您的账号没有登记身份证号，请到社区学校现场核验 / "
            "Your account has no ID number on record; verify in person at a community school",
            code="no_id_number",
        )
    return person


def _mismatch_key(actor: Actor) -> str:
    return f"verify-mismatch:{actor.user_id}"


def start_sms_verification(*, actor: Actor, phone: str) -> CodeSent:
    """Send a code to `phone` if the gateway says it is registered to the actor's ID number."""
    person = _own_person(actor)
    number = normalise_phone(phone)
    if recent_failures(_mismatch_key(actor)) >= settings.LOGIN_MAX_FAILURES:
        raise Throttled(
            "号码核对失败次数过多，请稍后再试 / Too many numbers did not match; try again later"
        )
    refuse_if_too_soon(phone_index(number))
    id_number = pii.unseal(person.id_number_sealed, context=ID_CONTEXT)
    if not verification_gateway().phone_matches_id(number, id_number):
        LoginFailure.objects.create(key=_mismatch_key(actor))
        record_audit(
            action="person.verify_sms_mismatch",
            actor_id=actor.user_id or "",
            actor_label=actor.label,
            object_type="person",
            object_id=str(person.pk),
            outcome="denied",
            detail={"phone_masked": pii.mask_phone(number)},
        )
        message = "该手机号未登记在您的身份证名下 / This number is not registered to your ID number"
        raise Invalid(message, fields={"phone": message}, code="phone_mismatch")
    with transaction.atomic():
        issue_challenge(purpose=Purpose.VERIFY, phone=number, user=person.user, seal_phone=True)
        record_audit(
            action="person.verify_sms_code_sent",
            actor_id=actor.user_id or "",
            actor_label=actor.label,
            object_type="person",
            object_id=str(person.pk),
            detail={"phone_masked": pii.mask_phone(number)},
        )
    return code_sent(neutral=False)


def confirm_sms_verification(*, actor: Actor, code: str) -> Person:
    """Echo the code: the phone is bound to the person and they are `sms`-verified (or keep a
    stronger level)."""
    person = _own_person(actor)
    challenge = open_challenge(purpose=Purpose.VERIFY, user_id=actor.user_id)
    if challenge is None or not code_matches(challenge, code):
        record_audit(
            action="person.verify_sms",
            actor_id=actor.user_id or "",
            actor_label=actor.label,
            object_type="person",
            object_id=str(person.pk),
            outcome="denied",
        )
        raise Invalid(
            wrong_code_message(), fields={"code": wrong_code_message()}, code="code_invalid"
        )
    with transaction.atomic():
        if not consume(challenge):
            raise Invalid(
                wrong_code_message(), fields={"code": wrong_code_message()}, code="code_invalid"
            )
        phone = pii.unseal(challenge.phone_sealed, context=CHALLENGE_PHONE_CONTEXT)
        person = Person.objects.select_for_update().get(pk=person.pk)
        person.phone_sealed = pii.seal(phone, context=PHONE_CONTEXT)
        person.phone_index = phone_index(phone)
        person.phone_masked = pii.mask_phone(phone)
        raised = raise_level(person, VerificationLevel.SMS)
        person.save(
            update_fields=[
                "phone_sealed",
                "phone_index",
                "phone_masked",
                "verification_level",
                "verified_at",
            ]
        )
        record_audit(
            action="person.verify_sms",
            actor_id=actor.user_id or "",
            actor_label=actor.label,
            object_type="person",
            object_id=str(person.pk),
            detail={"level": person.verification_level, "raised": raised},
        )
    return person


# ---- in person -------------------------------------------------------------------------------


@transaction.atomic
def verify_in_person(*, actor: Actor, person_id, document_checked: str) -> Person:
    """Staff in scope saw the person's identity document: the person is `in_person`-verified
    (or keeps a stronger level)."""
    require_role(actor, PEOPLE_MANAGER_ROLES)
    person = access_person_by_id(actor, person_id)
    if actor.person_id is not None and str(person.pk) == actor.person_id:
        raise Forbidden("不能为自己核验身份 / You cannot verify yourself")
    document = (document_checked or "").strip()
    if not document:
        raise Invalid(
            "请写明核验的证件 / Name the document you checked",
            fields={"document_checked": "必填 / required"},
        )
    if not person.id_number_sealed:
        raise Conflict(
            "该人员没有登记身份证号 / This person has no ID number on record",
            code="no_id_number",
        )
    person = Person.objects.select_for_update().get(pk=person.pk)
    raised = raise_level(person, VerificationLevel.IN_PERSON)
    person.save(update_fields=["verification_level", "verified_at"])
    record_audit(
        action="person.verify_in_person",
        actor_id=actor.user_id or "",
        actor_label=actor.label,
        role=actor.grants_for(PEOPLE_MANAGER_ROLES)[0].role,
        object_type="person",
        object_id=str(person.pk),
        detail={"document_checked": document[:200], "raised": raised},
    )
    return person
