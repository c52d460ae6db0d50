"""Signing a standard contract: the learner's and guardian's ID numbers, who may sign, and the
charging rules in force for the category, each broken rule named in the refusal."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, Q

from lifelong.identity import api as identity
from lifelong.shared import clock, pii
from lifelong.shared.errors import Forbidden, Invalid, NotFound
from lifelong.shared.ids import InvalidIdentifier, parse_resident_id
from lifelong.training_market import access
from lifelong.training_market.common import add_months, audit, choice, text
from lifelong.training_market.models import (
    Category,
    ChargingRule,
    Contract,
    Institution,
    Premises,
)
from lifelong.training_market.money import parse_amount, yuan_str
from lifelong.training_market.services.ledger import open_contract_ledger

LEARNER_CONTEXT = "training_market.contract.learner_id_number"
GUARDIAN_CONTEXT = "training_market.contract.guardian_id_number"
ADULT_AGE = 18
MAX_CLASS_HOURS = 10_000
MAX_MONTHS = 120
MIN_YEAR, MAX_YEAR = 2000, 2200


@dataclass(frozen=True)
class Broken:
    code: str
    field: str
    message: str


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def rule_in_force(category: str, on: dt.date) -> ChargingRule:
    rule = (
        ChargingRule.objects.filter(category=category, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )
    if rule is None:
        raise Invalid(
            "该类别尚无收费规则 / No charging rules are in force for this category",
            fields={"category": "[no_rule] 无收费规则 / no rules in force"},
            code="charging_rule",
        )
    return rule


def lease_end(institution: Institution, start: dt.date) -> dt.date | None:
    """The latest lease end among the premises whose lease has begun by `start`."""
    return Premises.objects.filter(
        Q(lease_start__isnull=True) | Q(lease_start__lte=start), institution=institution
    ).aggregate(end=Max("lease_end"))["end"]


def broken_rules(
    *,
    rule: ChargingRule,
    institution: Institution,
    class_hours: int,
    months: int,
    total_fen: int,
    start_date: dt.date,
    end_date: dt.date,
    today: dt.date,
) -> list[Broken]:
    """Every charging rule (and registry condition) this contract would break."""
    broken: list[Broken] = []
    if institution.status != "active":
        broken.append(
            Broken(
                "institution_not_active",
                "institution_id",
                "机构处于暂停或关停状态，不得收费 / The institution is suspended or closed",
            )
        )
    if not access.licence_valid(institution):
        broken.append(
            Broken(
                "licence_invalid",
                "institution_id",
                "机构没有有效的办学许可 / The institution holds no valid licence",
            )
        )
    if rule.max_months is not None and months > rule.max_months:
        broken.append(
            Broken(
                "max_months",
                "months",
                f"一次收费时间跨度不得超过{rule.max_months}个月 / "
                f"One payment may cover at most {rule.max_months} months",
            )
        )
    if rule.max_hours is not None and class_hours > rule.max_hours:
        broken.append(
            Broken(
                "max_hours",
                "class_hours",
                f"一次收费不得超过{rule.max_hours}课时 / "
                f"One payment may cover at most {rule.max_hours} class hours",
            )
        )
    if rule.max_amount_fen is not None and total_fen > rule.max_amount_fen:
        cap = yuan_str(rule.max_amount_fen)
        broken.append(
            Broken(
                "max_amount",
                "total_amount",
                f"一次收费不得超过{cap}元 / One payment may not exceed {cap} yuan",
            )
        )
    if rule.collect_months_before_start is not None and start_date > add_months(
        today, rule.collect_months_before_start
    ):
        n = rule.collect_months_before_start
        broken.append(
            Broken(
                "collected_too_early",
                "start_date",
                f"不得早于开课前{n}个月收费 / Fees may be collected at most {n} month(s) "
                "before the course starts",
            )
        )
    if rule.within_lease:
        end = lease_end(institution, start_date)
        if end is None or end_date > end:
            broken.append(
                Broken(
                    "beyond_lease",
                    "months",
                    "收费所覆盖的服务期不得超出场所租赁期 / The paid period may not run past "
                    "the premises lease",
                )
            )
    return broken


def _resident(raw: object, field: str):
    try:
        return parse_resident_id(raw if isinstance(raw, str) else "")
    except InvalidIdentifier as exc:
        raise Invalid(str(exc), fields={field: str(exc)}) from None


def _bounded_int(value: object, field: str, upper: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= upper:
        message = f"应为 1 到 {upper} 之间的整数 / A whole number from 1 to {upper}"
        raise Invalid(message, fields={field: message})
    return value


@transaction.atomic
def sign_contract(
    *,
    actor: identity.Actor,
    institution_id: int,
    learner_name: str,
    learner_id_number: str,
    guardian_id_number: str | None,
    course: str,
    category: str,
    class_hours: int,
    months: int,
    total_amount: str,
    start_date: dt.date,
) -> Contract:
    """Institution staff sign a contract for their institution, or a learner (or a minor's
    guardian) signs one online. Refused (422) naming every broken charging rule."""
    user_id = access.signed_in(actor)
    institution = Institution.objects.filter(pk=institution_id).first()
    if institution is None:
        raise NotFound(access.NO_INSTITUTION)
    by_staff = access.works_at(actor, institution.pk)
    name = text(learner_name, "learner_name", max_length=100)
    course = text(course, "course", max_length=200)
    category = choice(category, "category", Category.values)
    class_hours = _bounded_int(class_hours, "class_hours", MAX_CLASS_HOURS)
    months = _bounded_int(months, "months", MAX_MONTHS)
    total_fen = parse_amount(total_amount, field="total_amount")
    today = clock.today()
    if not MIN_YEAR <= start_date.year <= MAX_YEAR:
        message = f"开课日期应在{MIN_YEAR}年至{MAX_YEAR}年之间 / The start date is implausible"
        raise Invalid(message, fields={"start_date": message})

    learner = _resident(learner_id_number, "learner_id_number")
    minor = age_on(learner.birth_date, today) < ADULT_AGE
    guardian = None
    if guardian_id_number:
        guardian = _resident(guardian_id_number, "guardian_id_number")
        if guardian.number == learner.number:
            raise Invalid(
                "监护人不能是学员本人 / The guardian cannot be the learner",
                fields={"guardian_id_number": "不能与学员相同 / same as the learner"},
            )
        if age_on(guardian.birth_date, today) < ADULT_AGE:
            raise Invalid(
                "监护人须年满18周岁 / The guardian must be an adult",
                fields={"guardian_id_number": "监护人未成年 / the guardian is a minor"},
            )
    elif minor:
        message = "学员未满18周岁，须填写监护人身份证号 / A minor learner needs a guardian"
        raise Invalid(message, fields={"guardian_id_number": message})
    learner_person = identity.find_person_by_id_number(learner.number)
    guardian_person = identity.find_person_by_id_number(guardian.number) if guardian else None

    on_behalf_of = ""
    if not by_staff:
        # Online: the adult learner themself, or the guardian of record of a minor.
        if actor.person_id is None:
            raise Forbidden("您的账户未关联个人信息 / Your account is not linked to a person")
        if learner_person == actor.person_id and not minor:
            pass
        elif (
            guardian_person == actor.person_id
            and learner_person is not None
            and _acts_for(actor, learner_person)
        ):
            on_behalf_of = learner_person
        else:
            raise Forbidden(
                "只有本机构工作人员、学员本人或其监护人可以签订合同 / Only the institution's "
                "staff, the learner or the learner's guardian may sign"
            )

    rule = rule_in_force(category, today)
    end_date = add_months(start_date, months)
    broken = broken_rules(
        rule=rule,
        institution=institution,
        class_hours=class_hours,
        months=months,
        total_fen=total_fen,
        start_date=start_date,
        end_date=end_date,
        today=today,
    )
    if broken:
        fields = {b.field: f"[{b.code}] {b.message}" for b in reversed(broken)}
        fields["rule"] = ",".join(b.code for b in broken)
        raise Invalid(
            "合同违反收费规则："
            + "；".join(f"{b.code}" for b in broken)
            + " / The contract breaks the charging rules: "
            + ", ".join(b.code for b in broken),
            fields=fields,
            code="charging_rule",
        )

    contract = Contract.objects.create(
        institution=institution,
        rule=rule,
        course=course,
        category=category,
        class_hours=class_hours,
        months=months,
        total_fen=total_fen,
        start_date=start_date,
        end_date=end_date,
        learner_name=name,
        learner_id_sealed=pii.seal(learner.number, context=LEARNER_CONTEXT),
        learner_id_index=pii.blind_index(learner.number, context=LEARNER_CONTEXT),
        learner_id_masked=pii.mask_id_number(learner.number),
        learner_birth_date=learner.birth_date,
        learner_is_minor=minor,
        learner_person_id=learner_person,
        guardian_id_sealed=pii.seal(guardian.number, context=GUARDIAN_CONTEXT) if guardian else "",
        guardian_id_index=pii.blind_index(guardian.number, context=GUARDIAN_CONTEXT)
        if guardian
        else "",
        guardian_id_masked=pii.mask_id_number(guardian.number) if guardian else "",
        guardian_person_id=guardian_person,
        signed_channel="staff" if by_staff else "online",
        signed_by_id=user_id,
        signed_on=today,
    )
    open_contract_ledger(contract)
    audit(
        actor,
        "contract.sign",
        "contract",
        contract.pk,
        on_behalf_of=on_behalf_of,
        institution_id=institution.pk,
        total_fen=total_fen,
    )
    return contract


def _acts_for(actor: identity.Actor, person_id: str) -> bool:
    try:
        identity.acting_for(actor, person_id)
    except NotFound:
        return False
    return True
