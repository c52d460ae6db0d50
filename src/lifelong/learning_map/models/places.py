"""Learning places: where people learn, on the map."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlaceKind(models.TextChoices):
    COMMUNITY_SCHOOL = "community_school", _("社区学校")
    SENIOR_UNIVERSITY = "senior_university", _("老年大学")
    SENIOR_SCHOOL = "senior_school", _("老年学校")
    COMMUNITY_COLLEGE = "community_college", _("社区学院")
    EXPERIENCE_BASE = "experience_base", _("体验基地")
    WALK_POINT = "walk_point", _("人文行走学习点")
    LEARNING_WORKSHOP = "learning_workshop", _("社区学习工作坊")
    # The three kinds of senior learning points of Shanghai's senior education.
    SENIOR_POINT_NEIGHBOURHOOD = "senior_point_neighbourhood", _("居村委老年学习点")
    SENIOR_POINT_CARE = "senior_point_care", _("养教结合学习点")
    SENIOR_POINT_REMOTE = "senior_point_remote", _("老年远程教育收视点")
    LIBRARY = "library", _("图书馆")
    MUSEUM = "museum", _("博物馆")
    OTHER = "other", _("其他")


class Audience(models.TextChoices):
    ALL = "all", _("所有人")
    YOUTH = "youth", _("青少年")
    WHITE_COLLAR = "white_collar", _("职场人士")
    SENIOR = "senior", _("老年人")
    FAMILY = "family", _("亲子家庭")


class Province(models.TextChoices):
    """Where a place is: Shanghai, or a Yangtze River Delta partner province (experience bases)."""

    SHANGHAI = "310000", _("上海市")
    JIANGSU = "320000", _("江苏省")
    ZHEJIANG = "330000", _("浙江省")
    ANHUI = "340000", _("安徽省")


class Place(models.Model):
    """A learning place. Coordinates are WGS-84; `cell` is the place's key in a 0.01° grid
    (see `grid.py`), the indexed pre-filter of nearest-place and bounding-box searches."""

    name = models.CharField(_("名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    kind = models.CharField(_("类型"), max_length=32, choices=PlaceKind.choices)
    audience = models.CharField(
        _("主要对象"), max_length=16, choices=Audience.choices, default=Audience.ALL
    )
    organisation = models.ForeignKey(
        "identity.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("所属组织"),
    )
    province = models.CharField(
        _("省市"), max_length=6, choices=Province.choices, default=Province.SHANGHAI
    )
    district = models.ForeignKey(
        "shared.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("区"),
    )
    street = models.ForeignKey(
        "shared.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("街道/镇"),
    )
    city = models.CharField(_("城市"), max_length=40, blank=True)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    lat = models.FloatField(_("纬度 (WGS-84)"))
    lng = models.FloatField(_("经度 (WGS-84)"))
    cell = models.BigIntegerField(editable=False)
    opening_hours = models.CharField(_("开放时间"), max_length=200, blank=True)
    step_free = models.BooleanField(_("无障碍通道"), default=False)
    seating = models.BooleanField(_("休息座椅"), default=False)
    accessible_toilet = models.BooleanField(_("无障碍卫生间"), default=False)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    website = models.URLField(_("网址"), blank=True)
    description = models.TextField(_("介绍"), blank=True)
    # What the QR code at the place encodes (inside a check-in URL); random, never a guessable id.
    checkin_code = models.CharField(max_length=32, unique=True, editable=False)
    active = models.BooleanField(_("开放"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("学习场所")
        verbose_name_plural = _("学习场所")
        indexes = [
            models.Index(fields=["cell"], name="place_cell"),
            models.Index(fields=["kind", "cell"], name="place_kind_cell"),
            models.Index(fields=["district", "kind"], name="place_district_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=PlaceKind.values), name="place_kind_known"
            ),
            models.CheckConstraint(
                condition=models.Q(audience__in=Audience.values), name="place_audience_known"
            ),
            models.CheckConstraint(
                condition=models.Q(lat__gte=-90, lat__lte=90, lng__gte=-180, lng__lte=180),
                name="place_coordinates_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PlacePhoto(models.Model):
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="photos")
    url = models.CharField(_("图片地址"), max_length=300)
    alt = models.CharField(_("图片说明"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["place", "position", "id"]
        verbose_name = _("场所照片")
        verbose_name_plural = _("场所照片")

    def __str__(self) -> str:
        return self.alt


class CheckIn(models.Model):
    """A person checked in at a place by scanning its QR code: once per place and day."""

    person = models.ForeignKey("identity.Person", on_delete=models.CASCADE, related_name="+")
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="checkins")
    day = models.DateField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("打卡")
        verbose_name_plural = _("打卡")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "place", "day"], name="checkin_once_per_place_and_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.place_id} {self.day}"
