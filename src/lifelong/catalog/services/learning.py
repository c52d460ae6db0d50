"""Learning: enrolment, progress per unit, quizzes, completion, live classes."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from lifelong.catalog import access, xapi
from lifelong.catalog.models import (
    Certificate,
    CourseRun,
    Enrolment,
    Kind,
    PointsEntry,
    Resource,
    Status,
    Unit,
    UnitKind,
    UnitProgress,
)
from lifelong.catalog.services import incentives
from lifelong.identity.api import Actor
from lifelong.shared import clock, events, notifications
from lifelong.shared.errors import Conflict, Invalid, NotFound

LIVE_EARLY_ENTRY = dt.timedelta(minutes=15)
REMINDER_AHEAD = dt.timedelta(hours=24)
MEDIA_DONE_PERCENT = 95
COURSE_KINDS = frozenset({Kind.COURSE, Kind.MOOC})
SHORT_KINDS = frozenset({Kind.ARTICLE, Kind.VIDEO})
COURSE_COMPLETED_EVENT = "catalog.course_completed"


def _open_run(resource: Resource) -> CourseRun | None:
    today = clock.today()
    return resource.runs.filter(open=True, ends_on__gte=today).order_by("starts_on", "id").first()


@transaction.atomic
def enrol_person(*, actor: Actor, resource_id: int) -> tuple[Enrolment, bool]:
    """Enrol the actor in a published resource, once: enrolling again returns the existing
    enrolment and False. A MOOC enrols in its open run; a live class checks it has not ended
    and has places left."""
    person_id = access.require_person(actor)
    resource = access.access_resource_by_id(actor, resource_id)
    if resource.status != Status.PUBLISHED:
        raise NotFound("找不到该课程 / No such course")
    existing = Enrolment.objects.filter(person_id=person_id, resource=resource).first()
    if existing is not None:
        return existing, False
    run = None
    if resource.kind == Kind.MOOC:
        run = _open_run(resource)
        if run is None:
            raise Conflict("该慕课暂无开放的期次 / This MOOC has no open run", code="no_open_run")
    if resource.kind in (Kind.LIVE, Kind.OFFLINE):
        if resource.ends_at and resource.ends_at < clock.now():
            raise Conflict("该课程已结束 / This class has ended", code="ended")
        if resource.capacity is not None:
            # Lock the resource row so two last-place sign-ups cannot both pass the count.
            Resource.objects.select_for_update().filter(pk=resource.pk).first()
            if Enrolment.objects.filter(resource=resource).count() >= resource.capacity:
                raise Conflict("名额已满 / No places left", code="full")
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(person_id=person_id, resource=resource, run=run)
    except IntegrityError:
        return Enrolment.objects.get(person_id=person_id, resource=resource), False
    return enrolment, True


def _unit_of(enrolment: Enrolment, unit_id) -> Unit:
    try:
        return Unit.objects.get(pk=unit_id, resource_id=enrolment.resource_id)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise NotFound("找不到该单元 / No such unit") from None


def _progress_row(enrolment: Enrolment, unit: Unit) -> UnitProgress:
    row, _ = UnitProgress.objects.select_for_update().get_or_create(enrolment=enrolment, unit=unit)
    return row


def _touch(enrolment: Enrolment, unit: Unit) -> None:
    enrolment.last_unit = unit
    enrolment.last_activity_at = clock.now()
    incentives.record_learning_day(person_id=str(enrolment.person_id))


@transaction.atomic
def record_progress(
    *,
    actor: Actor,
    enrolment_id: int,
    unit_id: int,
    position_seconds: int = 0,
    percent: int | None = None,
    completed: bool = False,
) -> UnitProgress:
    """Save where the learner is in a video, audio or document unit (the resume position and
    the share done, which never goes down) and complete the unit when asked or when nearly
    all of a recording has been played. Quizzes are completed only by passing them."""
    enrolment = access.access_enrolment_by_id(actor, enrolment_id)
    unit = _unit_of(enrolment, unit_id)
    if unit.kind == UnitKind.QUIZ and (completed or percent):
        raise Invalid(
            "测验须提交答案才能完成 / A quiz is completed by submitting answers",
            fields={"completed": "测验请提交答案 / submit the quiz"},
        )
    if position_seconds < 0 or (percent is not None and not 0 <= percent <= 100):
        raise Invalid("进度无效 / Invalid progress", fields={"percent": "0–100"})
    row = _progress_row(enrolment, unit)
    if unit.duration_seconds:
        position_seconds = min(position_seconds, unit.duration_seconds)
        if percent is None:
            percent = position_seconds * 100 // unit.duration_seconds
    previous = row.percent
    row.position_seconds = position_seconds
    row.percent = max(row.percent, percent or 0)
    if completed or (
        unit.kind in (UnitKind.VIDEO, UnitKind.AUDIO) and row.percent >= MEDIA_DONE_PERCENT
    ):
        row.percent = 100
    row.save()
    _touch(enrolment, unit)
    if row.percent // 10 > previous // 10 and row.percent < 100:
        xapi.record(
            person_id=str(enrolment.person_id),
            verb=xapi.VERB_PROGRESSED,
            activity=xapi.unit_activity(unit, enrolment.resource),
            parent=xapi.resource_activity(enrolment.resource),
            result={
                "extensions": {
                    xapi.EXT_PROGRESS: row.percent,
                    xapi.EXT_POSITION: row.position_seconds,
                }
            },
        )
    if row.percent == 100 and row.completed_at is None:
        _complete_unit(enrolment, unit, row)
    _refresh_enrolment(enrolment)
    return row


def _complete_unit(
    enrolment: Enrolment, unit: Unit, row: UnitProgress, result: dict | None = None
) -> None:
    row.completed_at = clock.now()
    row.percent = 100
    row.save(update_fields=["completed_at", "percent", "updated_at"])
    resource = enrolment.resource
    person_id = str(enrolment.person_id)
    short = resource.kind in SHORT_KINDS
    xapi.record(
        person_id=person_id,
        verb=xapi.VERB_EXPERIENCED if short else xapi.VERB_COMPLETED,
        activity=xapi.resource_activity(resource) if short else xapi.unit_activity(unit, resource),
        parent=None if short else xapi.resource_activity(resource),
        result={"completion": True, **(result or {})},
        statement_key=("unit", enrolment.pk, unit.pk),
    )
    incentives.award_points(
        person_id=person_id,
        reason=PointsEntry.Reason.UNIT_COMPLETED,
        idempotency_key=f"unit:{enrolment.pk}:{unit.pk}",
        resource_id=resource.pk,
        note=unit.title,
    )


def _refresh_enrolment(enrolment: Enrolment) -> None:
    """Recompute the share of required units done and apply the completion rule."""
    resource = enrolment.resource
    required = list(resource.units.filter(required=True).values_list("pk", "kind"))
    done = set(
        UnitProgress.objects.filter(enrolment=enrolment, completed_at__isnull=False).values_list(
            "unit_id", flat=True
        )
    )
    if required:
        enrolment.progress_percent = (
            sum(1 for pk, _ in required if pk in done) * 100 // len(required)
        )
    quizzes_passed = all(pk in done for pk, kind in required if kind == UnitKind.QUIZ)
    complete = (
        required
        and enrolment.state != Enrolment.State.COMPLETED
        and enrolment.progress_percent >= resource.completion_percent
        and (quizzes_passed or not resource.requires_quiz_pass)
    )
    if complete:
        _complete_enrolment(enrolment)
    enrolment.save()


def _complete_enrolment(enrolment: Enrolment) -> None:
    resource = enrolment.resource
    person_id = str(enrolment.person_id)
    now = clock.now()
    enrolment.state = Enrolment.State.COMPLETED
    enrolment.completed_at = now
    enrolment.progress_percent = max(enrolment.progress_percent, resource.completion_percent)
    enrolment.save()
    if resource.kind in COURSE_KINDS:
        xapi.record(
            person_id=person_id,
            verb=xapi.VERB_COMPLETED,
            activity=xapi.resource_activity(resource),
            result={"completion": True},
            statement_key=("resource", enrolment.pk),
        )
        incentives.award_points(
            person_id=person_id,
            reason=PointsEntry.Reason.COURSE_COMPLETED,
            idempotency_key=f"course:{enrolment.pk}",
            resource_id=resource.pk,
            note=resource.title,
        )
        Certificate.objects.get_or_create(
            enrolment=enrolment,
            defaults={
                "person_id": person_id,
                "resource": resource,
                "title": resource.title,
                "issued_at": now,
            },
        )
        events.publish(
            COURSE_COMPLETED_EVENT,
            {
                "person_id": person_id,
                "resource_id": resource.pk,
                "enrolment_id": enrolment.pk,
                "title": resource.title,
                "category": resource.category.code,
                "completed_at": now.isoformat(),
            },
            durable=True,
        )
    incentives.evaluate_badges(person_id=person_id)


@transaction.atomic
def submit_quiz(
    *, actor: Actor, enrolment_id: int, unit_id: int, answers: list[int]
) -> tuple[UnitProgress, int, bool]:
    """Score a quiz attempt (percent of questions right); passing completes the unit. The best
    score is kept. Returns the progress row, this attempt's score and whether it passed."""
    enrolment = access.access_enrolment_by_id(actor, enrolment_id)
    unit = _unit_of(enrolment, unit_id)
    if unit.kind != UnitKind.QUIZ or not unit.questions:
        raise Invalid("该单元不是测验 / This unit is not a quiz", fields={"unit_id": "非测验"})
    if len(answers) != len(unit.questions):
        raise Invalid(
            "请回答全部题目 / Answer every question",
            fields={
                "answers": f"需要 {len(unit.questions)} 个答案 / {len(unit.questions)} answers"
            },
        )
    right = sum(
        1
        for question, answer in zip(unit.questions, answers, strict=True)
        if answer == question.get("answer")
    )
    score = right * 100 // len(unit.questions)
    passed = score >= unit.pass_score
    row = _progress_row(enrolment, unit)
    row.best_score = max(row.best_score or 0, score)
    row.percent = max(row.percent, 100 if passed else score)
    row.save()
    _touch(enrolment, unit)
    result = {
        "score": {"scaled": round(score / 100, 2), "raw": score, "min": 0, "max": 100},
        "success": passed,
    }
    if passed and row.completed_at is None:
        _complete_unit(enrolment, unit, row, result=result)
    elif not passed:
        xapi.record(
            person_id=str(enrolment.person_id),
            verb=xapi.VERB_PROGRESSED,
            activity=xapi.unit_activity(unit, enrolment.resource),
            parent=xapi.resource_activity(enrolment.resource),
            result=result,
        )
    _refresh_enrolment(enrolment)
    return row, score, passed


@transaction.atomic
def attend_live(*, actor: Actor, resource_id: int) -> Enrolment:
    """Check in to a live class one signed up for, from 15 minutes before it starts until it
    ends: attendance is recorded once, with points and an xAPI `attended` statement."""
    person_id = access.require_person(actor)
    resource = access.access_resource_by_id(actor, resource_id)
    if resource.kind != Kind.LIVE:
        raise Invalid("这不是空中课堂 / Not a live class", fields={"resource_id": "非直播"})
    enrolment = Enrolment.objects.filter(person_id=person_id, resource=resource).first()
    if enrolment is None:
        raise Conflict("请先报名 / Sign up first", code="not_enrolled")
    if enrolment.attended_at is not None:
        return enrolment
    now = clock.now()
    assert resource.starts_at and resource.ends_at  # a live class is always scheduled
    if not resource.starts_at - LIVE_EARLY_ENTRY <= now <= resource.ends_at:
        raise Conflict("现在不在直播时间内 / The class is not live now", code="not_live")
    enrolment.attended_at = now
    enrolment.last_activity_at = now
    enrolment.state = Enrolment.State.COMPLETED
    enrolment.completed_at = now
    enrolment.progress_percent = 100
    enrolment.save()
    xapi.record(
        person_id=person_id,
        verb=xapi.VERB_ATTENDED,
        activity=xapi.resource_activity(resource),
        statement_key=("attended", enrolment.pk),
    )
    incentives.award_points(
        person_id=person_id,
        reason=PointsEntry.Reason.LIVE_ATTENDED,
        idempotency_key=f"live:{enrolment.pk}",
        resource_id=resource.pk,
        note=resource.title,
    )
    incentives.record_learning_day(person_id=person_id)
    return enrolment


LIVE_REMINDER_TEMPLATE = "catalog_live_reminder"


def register_notification_templates() -> None:
    """Add the catalog's message templates to the notification registry (from `ready()`)."""
    notifications.TEMPLATES.setdefault(
        LIVE_REMINDER_TEMPLATE,
        notifications.Template(
            title_zh="空中课堂即将开始",
            body_zh="您报名的空中课堂「{title}」将于 {starts} 开始，请准时收看。",
            title_en="Your live class starts soon",
            body_en="The live class “{title}” you signed up for starts at {starts}.",
        ),
    )


@transaction.atomic
def send_live_reminders(*, now: dt.datetime | None = None) -> int:
    """Remind everyone signed up for a live class starting within the next 24 hours, once.
    Returns how many reminders were sent. Run it from a scheduler (`lifelong
    send_live_reminders`)."""
    now = now or clock.now()
    due = (
        Enrolment.objects.select_for_update()
        .filter(
            resource__kind=Kind.LIVE,
            resource__status=Status.PUBLISHED,
            resource__starts_at__gt=now,
            resource__starts_at__lte=now + REMINDER_AHEAD,
            reminded_at__isnull=True,
        )
        .select_related("resource")
    )
    sent = 0
    for enrolment in due:
        starts = enrolment.resource.starts_at
        assert starts is not None
        notifications.notify(
            recipient_id=str(enrolment.person_id),
            template=LIVE_REMINDER_TEMPLATE,
            context={
                "title": enrolment.resource.title,
                "starts": starts.astimezone(clock.SHANGHAI).strftime("%Y-%m-%d %H:%M"),
            },
            channels=(notifications.IN_APP, notifications.SMS),
        )
        Enrolment.objects.filter(pk=enrolment.pk).update(reminded_at=now)
        sent += 1
    return sent
