"""Credit conversion (学分转换): a learner applies to convert certified outcomes of their
archive into courses of a programme; rules decide automatically where they can and staff
review the rest. Decisions and reasons are kept on each item."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum

from lifelong.credit_bank import access, rules
from lifelong.credit_bank.models import (
    Application,
    ApplicationItem,
    Archive,
    Outcome,
    Programme,
    Rule,
    RuleSet,
)
from lifelong.shared import clock
from lifelong.shared.api import record_audit
from lifelong.shared.errors import Conflict, Invalid, NotFound

MAX_OUTCOMES_PER_APPLICATION = 50


def active_rule_set(programme: Programme) -> RuleSet:
    rule_set = (
        RuleSet.objects.filter(programme=programme, status=RuleSet.Status.ACTIVE)
        .prefetch_related("rules")
        .first()
    )
    if rule_set is None:
        raise Conflict(
            "该专业暂未开放学分转换 / This programme has no conversion rules in force",
            code="no_rules",
        )
    return rule_set


def caps_of(rule_set: RuleSet) -> rules.Caps:
    return rules.Caps(rule_set.cap_total, rule_set.cap_per_source, rule_set.cap_per_year)


def rule_specs(rule_set: RuleSet) -> list[rules.RuleSpec]:
    return [
        rules.RuleSpec(
            id=r.pk,
            standard_code=r.standard_code,
            course_code=r.course_code,
            credits=r.course_credits,
            min_score=r.min_score,
            max_age_years=r.max_age_years,
            automatic=r.automatic,
        )
        for r in rule_set.rules.all()
    ]


def granted_so_far(archive: Archive, programme: Programme) -> list[rules.Grant]:
    items = ApplicationItem.objects.filter(
        archive=archive, programme=programme, decision=ApplicationItem.Decision.GRANTED
    ).select_related("outcome")
    return [
        rules.Grant(
            outcome_id=str(i.outcome_id),
            course_code=i.course_code,
            credits=i.credits,
            source=i.outcome.type,
            year=(i.decided_at or clock.now()).astimezone(clock.SHANGHAI).year,
        )
        for i in items
    ]


def candidate_of(outcome: Outcome) -> rules.Candidate:
    return rules.Candidate(
        outcome_id=str(outcome.pk),
        status=outcome.status,
        standard_code=outcome.standard.code if outcome.standard else None,
        source=outcome.type,
        score=outcome.score,
        achieved_on=outcome.achieved_on,
    )


def _refresh_application(application: Application) -> None:
    items = application.items.all()
    application.granted_credits = items.filter(decision=ApplicationItem.Decision.GRANTED).aggregate(
        s=Sum("credits")
    )["s"] or Decimal(0)
    pending = items.filter(decision=ApplicationItem.Decision.REVIEW).exists()
    application.status = Application.Status.UNDER_REVIEW if pending else Application.Status.DECIDED
    if not pending and application.decided_at is None:
        application.decided_at = clock.now()
    application.save(update_fields=["granted_credits", "status", "decided_at"])


@transaction.atomic
def apply_for_conversion(
    *, actor: access.Actor, programme_code: str, outcome_ids: list
) -> Application:
    """The verified learner asks to convert outcomes of their own archive into a programme.
    Each outcome is decided at once where a rule decides, otherwise queued for staff review."""
    person_id = access.require_verified_person(actor)
    programme = Programme.objects.filter(code=programme_code).first()
    if programme is None:
        raise Invalid(
            "找不到该专业 / No such programme", fields={"programme_code": "不存在 / unknown"}
        )
    wanted = list(dict.fromkeys(str(o) for o in outcome_ids))
    if not wanted or len(wanted) > MAX_OUTCOMES_PER_APPLICATION:
        raise Invalid(
            f"请选择1至{MAX_OUTCOMES_PER_APPLICATION}项成果 / Choose 1 to "
            f"{MAX_OUTCOMES_PER_APPLICATION} outcomes",
            fields={"outcome_ids": "数量 / count"},
        )
    archive = Archive.objects.select_for_update().filter(person_id=person_id).first()
    if archive is None:
        raise Invalid(
            "您的学习档案中还没有成果 / Your archive is empty", fields={"outcome_ids": ""}
        )
    outcomes = {
        str(o.pk): o
        for o in Outcome.objects.filter(archive=archive, pk__in=wanted).select_related("standard")
    }
    missing = [o for o in wanted if o not in outcomes]
    if missing:
        raise Invalid(
            "所选成果不在您的学习档案中 / Some outcomes are not in your archive",
            fields={"outcome_ids": ", ".join(missing[:5])},
        )
    rule_set = active_rule_set(programme)
    now = clock.now()
    decisions = rules.decide(
        [candidate_of(outcomes[o]) for o in wanted],
        rule_specs(rule_set),
        caps_of(rule_set),
        granted_so_far(archive, programme),
        now.astimezone(clock.SHANGHAI).date(),
    )
    application = Application.objects.create(
        archive=archive,
        rule_set=rule_set,
        status=Application.Status.UNDER_REVIEW,
        submitted_at=now,
        submitted_by_id=actor.user_id,
    )
    ApplicationItem.objects.bulk_create(
        ApplicationItem(
            application=application,
            outcome_id=d.outcome_id,
            rule_id=d.rule_id,
            programme=programme,
            archive=archive,
            course_code=d.course_code if d.decision == rules.GRANTED else "",
            credits=d.credits if d.decision == rules.GRANTED else Decimal(0),
            decision=d.decision,
            reasons=list(d.reasons),
            decided_at=now if d.decision != rules.REVIEW else None,
        )
        for d in decisions
    )
    _refresh_application(application)
    record_audit(
        action="credit_bank.conversion_apply",
        actor_id=actor.user_id or "",
        actor_label=actor.label,
        role="citizen",
        object_type="credit_bank.application",
        object_id=str(application.pk),
        detail={"programme": programme.code, "outcomes": len(wanted)},
    )
    return application


@transaction.atomic
def review_conversion_item(
    *,
    actor: access.Actor,
    application_id,
    item_id: int,
    grant: bool,
    reason: str,
    course_code: str = "",
) -> Application:
    """A credit-bank officer decides an item waiting for review: grant it (as a course of the
    programme; caps and no-double-counting still apply) or deny it, with the reason."""
    access.require_role(actor, access.OFFICER_ROLES)
    application = access.access_application_by_id(actor, application_id)
    reason = (reason or "").strip()
    if not reason or len(reason) > 500:
        raise Invalid("请填写审核意见 / Give the reason", fields={"reason": "必填 / required"})
    archive = Archive.objects.select_for_update().get(pk=application.archive_id)
    if not 1 <= item_id < 2**62:
        raise NotFound("找不到该转换明细 / No such item")
    item = (
        ApplicationItem.objects.select_for_update(of=("self",))
        .filter(application=application, pk=item_id)
        .select_related("outcome__standard", "rule")
        .first()
    )
    if item is None:
        raise NotFound("找不到该转换明细 / No such item")
    if item.decision != ApplicationItem.Decision.REVIEW:
        raise Conflict("该明细已有结论 / This item has been decided", code="already_decided")
    now = clock.now()
    programme = application.rule_set.programme
    if grant:
        course_code = (course_code or (item.rule.course_code if item.rule else "")).strip()
        course = (programme.courses or {}).get(course_code)
        if course is None:
            raise Invalid(
                "请选择本专业的课程 / Choose a course of the programme",
                fields={"course_code": "不在本专业 / not in the programme"},
            )
        credits = item.rule.course_credits if item.rule else Decimal(str(course["credits"]))
        tally = rules.Tally.of(granted_so_far(archive, programme))
        blocking = tally.blocking(
            outcome_id=str(item.outcome_id),
            course=course_code,
            credits=credits,
            source=item.outcome.type,
            year=now.astimezone(clock.SHANGHAI).year,
            caps=caps_of(application.rule_set),
        )
        if item.outcome.status != Outcome.Status.CERTIFIED:
            blocking.append("成果尚未认证 / The outcome is not certified")
        if blocking:
            raise Conflict("；".join(blocking), code="cannot_grant")
        item.decision = ApplicationItem.Decision.GRANTED
        item.course_code = course_code
        item.credits = credits
    else:
        item.decision = ApplicationItem.Decision.DENIED
    item.reasons = [*item.reasons, f"审核意见 / Review: {reason}"]
    item.decided_at = now
    item.decided_by_id = actor.user_id
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:
        raise Conflict(
            "该成果或课程已获认定 / That outcome or course has already been granted",
            code="cannot_grant",
        ) from None
    _refresh_application(application)
    record_audit(
        action="credit_bank.conversion_review",
        actor_id=actor.user_id or "",
        actor_label=actor.label,
        role=access.CREDIT_BANK_OFFICER,
        object_type="credit_bank.application",
        object_id=str(application.pk),
        detail={"item": item.pk, "decision": item.decision, "reason": reason[:200]},
    )
    return application


def ensure_rule(rule_set: RuleSet, **fields) -> Rule:
    """For the demo loader: a rule of a rule set, created once."""
    rule, _ = Rule.objects.get_or_create(
        rule_set=rule_set,
        standard_code=fields.pop("standard_code"),
        course_code=fields.pop("course_code"),
        defaults=fields,
    )
    return rule


@transaction.atomic
def publish_rule_set(
    *,
    actor: access.Actor,
    programme_code: str,
    cap_total: Decimal,
    cap_per_source: Decimal,
    cap_per_year: Decimal,
    rules_in: list[dict],
) -> RuleSet:
    """A credit-bank officer publishes the next version of a programme's conversion rules:
    it is in force at once and the previous version retires. Applications already made keep
    the version they were decided under."""
    access.require_role(actor, access.OFFICER_ROLES)
    programme = Programme.objects.select_for_update().filter(code=programme_code).first()
    if programme is None:
        raise NotFound("找不到该专业 / No such programme")
    courses = programme.courses or {}
    for index, rule in enumerate(rules_in):
        if rule["course_code"] not in courses:
            raise Invalid(
                "课程不属于该专业 / The course is not part of the programme",
                fields={f"rules.{index}.course_code": "不在本专业 / not in the programme"},
            )
    keys = [(r["standard_code"], r["course_code"]) for r in rules_in]
    if len(keys) != len(set(keys)):
        raise Invalid("规则重复 / A rule is listed twice", fields={"rules": "重复 / duplicate"})
    latest = programme.rule_sets.order_by("-version").first()
    programme.rule_sets.filter(status=RuleSet.Status.ACTIVE).update(status=RuleSet.Status.RETIRED)
    rule_set = RuleSet.objects.create(
        programme=programme,
        version=(latest.version if latest else 0) + 1,
        cap_total=cap_total,
        cap_per_source=cap_per_source,
        cap_per_year=cap_per_year,
        created_by_id=actor.user_id,
    )
    Rule.objects.bulk_create(
        Rule(
            rule_set=rule_set,
            standard_code=r["standard_code"],
            course_code=r["course_code"],
            course_name=str(courses[r["course_code"]]["name"])[:200],
            course_credits=Decimal(str(courses[r["course_code"]]["credits"])),
            min_score=r.get("min_score"),
            max_age_years=r.get("max_age_years"),
            automatic=r.get("automatic", True),
        )
        for r in rules_in
    )
    record_audit(
        action="credit_bank.rule_set_publish",
        actor_id=actor.user_id or "",
        actor_label=actor.label,
        role=access.CREDIT_BANK_OFFICER,
        object_type="credit_bank.programme",
        object_id=programme.code,
        detail={"version": rule_set.version, "rules": len(rules_in)},
    )
    return rule_set
