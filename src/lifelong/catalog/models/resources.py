"""Learning resources of every kind, their categories, units, course runs and review history."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a resource is; the API calls it `format`."""

    COURSE = "course", _("课程")
    MOOC = "mooc", _("慕课")
    LIVE = "live", _("空中课堂")
    ARTICLE = "article", _("文章")
    VIDEO = "video", _("微视频")
    OFFLINE = "offline", _("线下课程")


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    IN_REVIEW = "in_review", _("审核中")
    PUBLISHED = "published", _("已发布")
    ARCHIVED = "archived", _("已下架")


class Audience(models.TextChoices):
    SENIORS = "seniors", _("老年人")
    YOUTH = "youth", _("青少年")
    WHITE_COLLAR = "white_collar", _("白领")
    WORKERS = "workers", _("在职职工")


AUDIENCES: tuple[str, ...] = tuple(Audience.values)


class UnitKind(models.TextChoices):
    VIDEO = "video", _("视频")
    AUDIO = "audio", _("音频")
    DOCUMENT = "document", _("文档")
    QUIZ = "quiz", _("测验")


class Category(models.Model):
    """A subject area. Data, not code: commission staff add, rename and order them."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    name_en = models.CharField(_("英文名称"), max_length=80, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级分类"),
    )
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("课程分类")
        verbose_name_plural = _("课程分类")

    def __str__(self) -> str:
        return self.name


class Resource(models.Model):
    """One learning resource: a course, a MOOC, a live class, an article, a micro-video or an
    offline course held at a place."""

    key = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    kind = models.CharField(_("形式"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    summary = models.CharField(_("简介"), max_length=500, blank=True)
    description = models.TextField(_("详细介绍"), blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="resources", verbose_name=_("分类")
    )
    provider = models.ForeignKey(
        "identity.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("提供机构"),
    )
    # Copied from the provider so that a reviewer's scope is one indexed prefix match.
    provider_path = models.CharField(max_length=255, db_index=True, editable=False)
    district = models.ForeignKey(
        "shared.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("所在区"),
    )
    for_seniors = models.BooleanField(_("适合老年人"), default=False)
    for_youth = models.BooleanField(_("适合青少年"), default=False)
    for_white_collar = models.BooleanField(_("适合白领"), default=False)
    for_workers = models.BooleanField(_("适合在职职工"), default=False)
    fee = models.DecimalField(_("费用（元）"), max_digits=14, decimal_places=2, default=Decimal(0))
    accessibility_notes = models.CharField(_("无障碍说明"), max_length=500, blank=True)
    is_senior_mooc = models.BooleanField(_("老年慕课"), default=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    review_note = models.CharField(_("审核意见"), max_length=500, blank=True)
    created_by = models.CharField(max_length=150, blank=True, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Live classes and offline courses happen at a time.
    starts_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    ends_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    stream_url = models.URLField(_("直播地址"), blank=True)
    replay_url = models.URLField(_("回放地址"), blank=True)
    capacity = models.PositiveIntegerField(_("名额"), null=True, blank=True)
    venue = models.CharField(_("上课地点"), max_length=200, blank=True)
    # The learning-map place of an offline course, by id: the place table belongs to a higher
    # domain that this one may not import.
    place_ref = models.CharField(_("学习地图地点"), max_length=64, blank=True)
    # Completion rule: this share of the required units done, and the quizzes passed if asked.
    completion_percent = models.PositiveSmallIntegerField(_("完成比例（%）"), default=100)
    requires_quiz_pass = models.BooleanField(_("须通过测验"), default=True)
    # Kept by `search.index` alone: the resource's position in the search index while it is
    # published (slots follow the order of publication), and the keys it is filed under there,
    # so that unpublishing or re-filing removes exactly what was added.
    search_slot = models.PositiveIntegerField(null=True, blank=True, unique=True, editable=False)
    search_keys = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("学习资源")
        verbose_name_plural = _("学习资源")
        indexes = [
            models.Index(fields=["status", "kind"], name="catalog_res_status_kind"),
            models.Index(fields=["status", "category"], name="catalog_res_status_cat"),
            models.Index(fields=["status", "-published_at"], name="catalog_res_status_pub"),
            models.Index(fields=["kind", "starts_at"], name="catalog_res_kind_starts"),
            # With the slot, so that search finds which of today's live classes have not
            # ended from the index alone (see `search.reader`); it serves (kind, ends_at).
            models.Index(fields=["kind", "ends_at", "search_slot"], name="catalog_res_live_slot"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="resource_kind_known"),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="resource_status_known"
            ),
            models.CheckConstraint(condition=Q(fee__gte=0), name="resource_fee_not_negative"),
            models.CheckConstraint(
                condition=Q(completion_percent__gte=1, completion_percent__lte=100),
                name="resource_completion_percent_range",
            ),
            models.CheckConstraint(
                condition=~Q(kind="live") | Q(starts_at__isnull=False, ends_at__isnull=False),
                name="resource_live_is_scheduled",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True)
                | Q(starts_at__isnull=True)
                | Q(ends_at__gt=models.F("starts_at")),
                name="resource_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(is_senior_mooc=False) | Q(kind="mooc"),
                name="resource_senior_mooc_is_mooc",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="resource_published_has_date",
            ),
            # Only a published resource is in the search index: unpublishing goes through the
            # services, which take it out.
            models.CheckConstraint(
                condition=Q(search_slot__isnull=True) | Q(status="published"),
                name="resource_indexed_is_published",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def audience(self) -> list[str]:
        flags = (self.for_seniors, self.for_youth, self.for_white_collar, self.for_workers)
        return [code for code, on in zip(AUDIENCES, flags, strict=True) if on]


class CourseRun(models.Model):
    """One offering of a MOOC: learners enrol in the run that is open."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="runs")
    title = models.CharField(_("期次"), max_length=100)
    starts_on = models.DateField(_("开课日期"))
    ends_on = models.DateField(_("结课日期"))
    open = models.BooleanField(_("开放报名"), default=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("开课期次")
        verbose_name_plural = _("开课期次")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="courserun_dates_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource_id} {self.title}"


class Unit(models.Model):
    """A piece of a resource the player shows: video, audio, document or quiz."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="units")
    position = models.PositiveSmallIntegerField(_("顺序"))
    title = models.CharField(_("标题"), max_length=200)
    kind = models.CharField(_("类型"), max_length=16, choices=UnitKind.choices)
    media_url = models.CharField(_("媒体地址"), max_length=500, blank=True)
    captions_url = models.CharField(_("字幕地址"), max_length=500, blank=True)
    duration_seconds = models.PositiveIntegerField(_("时长（秒）"), default=0)
    body = models.TextField(_("正文"), blank=True)
    # A quiz: [{"question": str, "options": [str, ...], "answer": index}, ...]
    questions = models.JSONField(_("题目"), default=list, blank=True)
    pass_score = models.PositiveSmallIntegerField(_("及格分"), default=60)
    required = models.BooleanField(_("必修"), default=True)

    class Meta:
        ordering = ["resource", "position"]
        verbose_name = _("单元")
        verbose_name_plural = _("单元")
        constraints = [
            models.UniqueConstraint(fields=["resource", "position"], name="unit_position_unique"),
            models.CheckConstraint(condition=Q(kind__in=UnitKind.values), name="unit_kind_known"),
            models.CheckConstraint(
                condition=Q(pass_score__lte=100), name="unit_pass_score_percent"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ReviewEvent(models.Model):
    """One step of the publishing workflow (submitted, approved, rejected, archived)."""

    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="reviews")
    action = models.CharField(max_length=16)
    actor_id = models.CharField(max_length=64)
    actor_label = models.CharField(max_length=150)
    note = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")

    def __str__(self) -> str:
        return f"{self.resource_id} {self.action}"
