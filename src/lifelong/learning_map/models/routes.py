"""Humanities walks (人文行走): walking circles, routes as ordered points, walk courses."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lifelong.learning_map.models.places import Audience, Place


class RouteTheme(models.TextChoices):
    RED_CULTURE = "red_culture", _("红色文化")
    HAIPAI_ARCHITECTURE = "haipai_architecture", _("海派建筑")
    RIVERSIDE = "riverside", _("滨江风貌")
    INDUSTRIAL_HERITAGE = "industrial_heritage", _("工业遗存")
    WATER_TOWN = "water_town", _("江南水乡")
    CELEBRITY_RESIDENCES = "celebrity_residences", _("名人故居")
    INTANGIBLE_HERITAGE = "intangible_heritage", _("非遗传承")
    SCIENCE_INNOVATION = "science_innovation", _("科创之旅")
    ECOLOGY = "ecology", _("生态田园")


class WalkingCircle(models.Model):
    """A district's walking circle (区域行走圈): the routes that belong together locally."""

    name = models.CharField(_("名称"), max_length=200)
    district = models.ForeignKey(
        "shared.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    description = models.TextField(_("介绍"), blank=True)

    class Meta:
        ordering = ["district", "id"]
        verbose_name = _("区域行走圈")
        verbose_name_plural = _("区域行走圈")
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="circle_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Route(models.Model):
    """A walk: stops in order. `length_m` is computed from the stops whenever they change
    (the great-circle legs between consecutive stops), never typed in."""

    name = models.CharField(_("名称"), max_length=200, unique=True)
    theme = models.CharField(_("主题"), max_length=32, choices=RouteTheme.choices)
    audience = models.CharField(
        _("适合对象"), max_length=16, choices=Audience.choices, default=Audience.ALL
    )
    district = models.ForeignKey(
        "shared.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("区"),
    )
    circle = models.ForeignKey(
        WalkingCircle,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="routes",
        verbose_name=_("区域行走圈"),
    )
    description = models.TextField(_("介绍"), blank=True)
    duration_minutes = models.PositiveIntegerField(_("时长（分钟）"))
    length_m = models.PositiveIntegerField(_("全长（米）"), default=0, editable=False)
    active = models.BooleanField(_("开放"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("行走路线")
        verbose_name_plural = _("行走路线")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(theme__in=RouteTheme.values), name="route_theme_known"
            ),
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gt=0, duration_minutes__lte=24 * 60),
                name="route_duration_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RouteStop(models.Model):
    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="stops")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="route_stops")
    position = models.PositiveSmallIntegerField()
    note = models.CharField(_("讲解要点"), max_length=300, blank=True)

    class Meta:
        ordering = ["route", "position"]
        verbose_name = _("路线站点")
        verbose_name_plural = _("路线站点")
        constraints = [
            models.UniqueConstraint(fields=["route", "position"], name="route_stop_position"),
            models.UniqueConstraint(fields=["route", "place"], name="route_stop_place_once"),
        ]

    def __str__(self) -> str:
        return f"{self.route_id}#{self.position}"


class WalkCourse(models.Model):
    """A walk course for one audience (young people, white-collar workers, the elderly) built
    on a route; its guided sessions are activity sessions of kind guided_walk."""

    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="courses")
    title = models.CharField(_("课程名称"), max_length=200)
    audience = models.CharField(_("对象"), max_length=16, choices=Audience.choices)
    lessons = models.PositiveSmallIntegerField(_("课时"), default=1)
    description = models.TextField(_("介绍"), blank=True)

    class Meta:
        ordering = ["route", "id"]
        verbose_name = _("行走课程")
        verbose_name_plural = _("行走课程")

    def __str__(self) -> str:
        return self.title
