"""Events, experience bases and their projects, volunteers, and the one thing they all book:
activity sessions. A guided walk, an experience session and an event's sub-activity are all
activity sessions with a capacity, bookings and a waiting list in arrival order."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lifelong.learning_map.models.places import Audience, Place
from lifelong.learning_map.models.routes import Route, WalkCourse


class EventKind(models.TextChoices):
    LEARNING_WEEK = "learning_week", _("全民终身学习活动周")
    POETRY_FESTIVAL = "poetry_festival", _("市民诗歌节")
    SENIOR_ARTS_FESTIVAL = "senior_arts_festival", _("老年教育艺术节")
    READING_FESTIVAL = "reading_festival", _("市民诵读节")
    SCIENCE_IN_COMMUNITY = "science_in_community", _("科普进社区")
    EXPERIENCE_CARNIVAL = "experience_carnival", _("体验基地嘉年华")
    OTHER = "other", _("其他活动")


class Event(models.Model):
    """A city-wide learning event; its district sub-activities are `Activity` rows."""

    title = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=32, choices=EventKind.choices)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    description = models.TextField(_("介绍"), blank=True)
    organiser = models.ForeignKey(
        "identity.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("主办单位"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "id"]
        verbose_name = _("全市学习活动")
        verbose_name_plural = _("全市学习活动")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="event_dates_ordered"
            ),
            models.UniqueConstraint(fields=["title", "starts_on"], name="event_title_start"),
        ]

    def __str__(self) -> str:
        return self.title


class ExperienceBase(models.Model):
    """An experience base (体验基地): a place of kind experience_base with its level and, for
    district-level bases, the standardisation status of their assessment."""

    class Level(models.TextChoices):
        CITY = "city", _("市级")
        DISTRICT = "district", _("区级")
        DELTA = "delta", _("长三角合作基地")

    class Standardisation(models.TextChoices):
        NOT_STARTED = "not_started", _("未申报")
        APPLIED = "applied", _("已申报")
        ASSESSING = "assessing", _("评估中")
        STANDARDISED = "standardised", _("已达标")

    place = models.OneToOneField(Place, on_delete=models.CASCADE, related_name="experience_base")
    level = models.CharField(_("级别"), max_length=16, choices=Level.choices)
    standardisation = models.CharField(
        _("标准化建设"),
        max_length=16,
        choices=Standardisation.choices,
        default=Standardisation.NOT_STARTED,
    )
    standardised_on = models.DateField(_("达标日期"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("体验基地")
        verbose_name_plural = _("体验基地")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(standardisation="standardised", standardised_on__isnull=False)
                | (
                    ~models.Q(standardisation="standardised")
                    & models.Q(standardised_on__isnull=True)
                ),
                name="base_standardised_has_date",
            ),
        ]

    def __str__(self) -> str:
        return str(self.place)


class ExperienceProject(models.Model):
    """What a base offers: offline (sessions to book) or online on the "体验云" (a linked
    catalog resource or an online address)."""

    class Mode(models.TextChoices):
        OFFLINE = "offline", _("线下体验")
        ONLINE = "online", _("线上体验云")

    base = models.ForeignKey(ExperienceBase, on_delete=models.CASCADE, related_name="projects")
    title = models.CharField(_("项目名称"), max_length=200)
    mode = models.CharField(_("形式"), max_length=16, choices=Mode.choices)
    audience = models.CharField(
        _("对象"), max_length=16, choices=Audience.choices, default=Audience.ALL
    )
    description = models.TextField(_("介绍"), blank=True)
    catalog_resource_ref = models.CharField(_("学习资源编号"), max_length=64, blank=True)
    online_url = models.URLField(_("线上地址"), blank=True)

    class Meta:
        ordering = ["base", "id"]
        verbose_name = _("体验项目")
        verbose_name_plural = _("体验项目")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(mode="offline")
                | ~models.Q(catalog_resource_ref="")
                | ~models.Q(online_url=""),
                name="online_project_has_a_link",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ActivityKind(models.TextChoices):
    GUIDED_WALK = "guided_walk", _("导览行走")
    EXPERIENCE = "experience", _("体验活动")
    EVENT = "event", _("活动周子活动")
    WORKSHOP = "workshop", _("学习工作坊")


class Activity(models.Model):
    kind = models.CharField(_("类型"), max_length=16, choices=ActivityKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    description = models.TextField(_("介绍"), blank=True)
    audience = models.CharField(
        _("对象"), max_length=16, choices=Audience.choices, default=Audience.ALL
    )
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.PROTECT, related_name="activities"
    )
    route = models.ForeignKey(
        Route, null=True, blank=True, on_delete=models.PROTECT, related_name="activities"
    )
    walk_course = models.ForeignKey(
        WalkCourse, null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    project = models.ForeignKey(
        ExperienceProject,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.PROTECT, related_name="activities"
    )
    district = models.ForeignKey(
        "shared.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("区"),
    )
    organiser = models.ForeignKey(
        "identity.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("承办单位"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ActivityKind.values), name="activity_kind_known"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="guided_walk") | models.Q(route__isnull=False),
                name="guided_walk_has_route",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="event") | models.Q(event__isnull=False),
                name="event_activity_has_event",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Volunteer(models.Model):
    """A registered volunteer: a walk guide (讲解志愿者) or a helper."""

    class Kind(models.TextChoices):
        GUIDE = "guide", _("讲解志愿者")
        HELPER = "helper", _("服务志愿者")

    person = models.OneToOneField(
        "identity.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("人员")
    )
    display_name = models.CharField(_("称呼"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    skills = models.JSONField(_("特长"), default=list, blank=True)
    # ISO weekdays (1 = Monday … 7 = Sunday) the volunteer is usually free.
    available_weekdays = models.JSONField(_("可服务日"), default=list, blank=True)
    availability_note = models.CharField(_("时间说明"), max_length=200, blank=True)
    district = models.ForeignKey(
        "shared.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("服务区"),
    )
    active = models.BooleanField(_("在册"), default=True)
    joined_on = models.DateField(_("加入日期"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("志愿者")
        verbose_name_plural = _("志愿者")

    def __str__(self) -> str:
        return self.display_name


class ActivitySession(models.Model):
    """One bookable occurrence. `booked_count` is kept under the session row's lock by the
    booking services, and the database refuses it past the capacity."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("已排期")
        CANCELLED = "cancelled", _("已取消")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    capacity = models.PositiveIntegerField(_("名额"))
    booked_count = models.PositiveIntegerField(default=0, editable=False)
    next_queue_no = models.PositiveIntegerField(default=1, editable=False)
    meeting_point = models.CharField(_("集合地点"), max_length=200, blank=True)
    guide = models.ForeignKey(
        Volunteer,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="guided_sessions",
        verbose_name=_("讲解志愿者"),
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("活动场次")
        verbose_name_plural = _("活动场次")
        indexes = [models.Index(fields=["starts_at"], name="session_starts_at")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__gt=0), name="session_capacity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(booked_count__lte=models.F("capacity")),
                name="session_never_overbooked",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} {self.starts_at:%Y-%m-%d %H:%M}"


class Booking(models.Model):
    """A person's place on a session, or on its waiting list. `queue_no` is the arrival order
    (taken under the session lock); the waiting list is promoted in that order."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("已报名")
        WAITLISTED = "waitlisted", _("候补中")
        CANCELLED = "cancelled", _("已取消")

    session = models.ForeignKey(ActivitySession, on_delete=models.CASCADE, related_name="bookings")
    person = models.ForeignKey("identity.Person", on_delete=models.PROTECT, related_name="+")
    # Who pressed the button: the person, or a family member / community staff by proxy.
    booked_by = models.ForeignKey(
        "identity.Person", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proxy_relation_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices)
    queue_no = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    attended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session", "queue_no"]
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=models.Q(status__in=["booked", "waitlisted"]),
                name="booking_one_active_per_person",
            ),
            models.UniqueConstraint(fields=["session", "queue_no"], name="booking_queue_no"),
            models.CheckConstraint(
                condition=models.Q(status__in=["booked", "waitlisted", "cancelled"]),
                name="booking_status_known",
            ),
            models.CheckConstraint(
                condition=models.Q(attended_at__isnull=True) | models.Q(status="booked"),
                name="booking_attendance_only_when_booked",
            ),
        ]
        indexes = [models.Index(fields=["person", "status"], name="booking_person_status")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.status} #{self.queue_no}"


class VolunteerAssignment(models.Model):
    class Role(models.TextChoices):
        GUIDE = "guide", _("讲解")
        HELPER = "helper", _("协助")

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="assignments")
    session = models.ForeignKey(
        ActivitySession, on_delete=models.CASCADE, related_name="assignments"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "id"]
        verbose_name = _("志愿服务安排")
        verbose_name_plural = _("志愿服务安排")
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "session"], name="assignment_once_per_session"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.role} {self.session_id}"


class ServiceHours(models.Model):
    """A volunteer's service hours: append-only (the database refuses UPDATE and DELETE); a
    mistake is corrected by a new negative entry that names the one it reverses."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="hours")
    assignment = models.ForeignKey(
        VolunteerAssignment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    served_on = models.DateField(_("服务日期"))
    hours = models.DecimalField(_("时长（小时）"), max_digits=5, decimal_places=2)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    recorded_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["volunteer", "served_on", "id"]
        verbose_name = _("志愿服务时长")
        verbose_name_plural = _("志愿服务时长")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0, hours__lte=24, reverses__isnull=True)
                | models.Q(hours__lt=0, hours__gte=-24, reverses__isnull=False),
                name="service_hours_sign_matches_reversal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.served_on} {self.hours}h"
