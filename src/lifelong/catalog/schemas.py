from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import Field

Format = Literal["course", "mooc", "live", "article", "video", "offline"]
AudienceCode = Literal["seniors", "youth", "white_collar", "workers"]


class CourseFilter(Schema):
    q: str = Field("", max_length=100)
    category: str | None = Field(None, max_length=40)
    audience: AudienceCode | None = None
    district: str | None = Field(None, max_length=12)
    format: Format | None = None
    senior_mooc: bool = False
    upcoming: bool = False
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(20, ge=1, le=50)


class CourseItem(Schema):
    id: int
    title: str
    title_highlighted: str
    summary: str
    category: str
    category_name: str
    format: str
    audience: list[str]
    provider: str
    district: str | None
    fee: Decimal
    is_senior_mooc: bool
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None


class FacetValueOut(Schema):
    key: str
    label: str
    count: int


class FacetsOut(Schema):
    category: list[FacetValueOut]
    format: list[FacetValueOut]
    district: list[FacetValueOut]
    audience: list[FacetValueOut]
    upcoming_live: int


class CoursePage(Schema):
    items: list[CourseItem]
    count: int
    page: int
    page_size: int
    facets: FacetsOut


class UnitOut(Schema):
    id: int
    position: int
    title: str
    kind: str
    duration_seconds: int
    required: bool


class CourseDetail(CourseItem):
    description: str
    status: str
    accessibility_notes: str
    stream_url: str
    replay_url: str
    venue: str
    place_ref: str
    capacity: int | None
    completion_percent: int
    units: list[UnitOut]


class EnrolmentOut(Schema):
    id: int
    course_id: int
    title: str
    format: str
    state: str
    progress_percent: int
    enrolled_at: dt.datetime
    last_activity_at: dt.datetime | None
    completed_at: dt.datetime | None
    last_unit_id: int | None
    certificate_id: str | None = None


class LearningPage(Schema):
    items: list[EnrolmentOut]
    count: int


class ProgressIn(Schema):
    position_seconds: int = Field(0, ge=0, le=86_400)
    percent: int | None = Field(None, ge=0, le=100)
    completed: bool = False


class UnitProgressOut(Schema):
    unit_id: int
    position_seconds: int
    percent: int
    completed: bool
    best_score: int | None
    enrolment_progress_percent: int
    enrolment_state: str


class QuizIn(Schema):
    answers: list[int] = Field(max_length=100)


class QuizOut(UnitProgressOut):
    score: int
    passed: bool


class PointsItem(Schema):
    points: int
    reason: str
    note: str
    course_id: int | None
    created_at: dt.datetime


class BadgeOut(Schema):
    code: str
    name: str
    awarded_at: dt.datetime


class PointsOut(Schema):
    balance: int
    streak_days: int
    count: int
    items: list[PointsItem]
    badges: list[BadgeOut]


class LeaderboardIn(Schema):
    opted_in: bool


class LeaderboardRow(Schema):
    rank: int
    name: str
    points: int


class LeaderboardOut(Schema):
    district: str
    items: list[LeaderboardRow]


class CategoryOut(Schema):
    code: str
    name: str
    name_en: str
    parent: str | None


class CategoryList(Schema):
    items: list[CategoryOut]


class CategoryIn(Schema):
    code: str = Field(pattern=r"^[a-z0-9-]{2,40}$")
    name: str = Field(max_length=60)
    name_en: str = Field("", max_length=80)
    parent: str | None = Field(None, max_length=40)
    position: int = Field(0, ge=0, le=1000)
    active: bool = True


class QuestionIn(Schema):
    question: str = Field(max_length=300)
    options: list[str] = Field(min_length=2, max_length=8)
    answer: int = Field(ge=0, le=7)


class UnitIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    kind: Literal["video", "audio", "document", "quiz"]
    media_url: str = Field("", max_length=500)
    captions_url: str = Field("", max_length=500)
    duration_seconds: int = Field(0, ge=0, le=86_400)
    body: str = Field("", max_length=50_000)
    questions: list[QuestionIn] = Field(default_factory=list, max_length=50)
    pass_score: int = Field(60, ge=0, le=100)
    required: bool = True


class CourseIn(Schema):
    kind: Format
    title: str = Field(min_length=1, max_length=200)
    category: str = Field(max_length=40)
    summary: str = Field("", max_length=500)
    description: str = Field("", max_length=20_000)
    audience: list[AudienceCode] = Field(default_factory=list, max_length=4)
    district_code: str | None = Field(None, max_length=12)
    fee: Decimal = Field(Decimal(0), ge=0, max_digits=14, decimal_places=2)
    accessibility_notes: str = Field("", max_length=500)
    is_senior_mooc: bool = False
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    stream_url: str = Field("", max_length=200)
    capacity: int | None = Field(None, ge=1, le=1_000_000)
    venue: str = Field("", max_length=200)
    place_ref: str = Field("", max_length=64)
    completion_percent: int = Field(100, ge=1, le=100)
    requires_quiz_pass: bool = True


class ReviewIn(Schema):
    note: str = Field("", max_length=500)


class ManagedCourse(Schema):
    id: int
    title: str
    format: str
    status: str
    review_note: str
    provider: str


class ManagedPage(Schema):
    items: list[ManagedCourse]
    count: int


class SeniorMoocStats(Schema):
    years: dict[int, int]


class DeliveryIn(Schema):
    topic: str = Field(min_length=1, max_length=200)
    audience: AudienceCode
    learners: int = Field(ge=1, le=100_000)
    schedule: str = Field(min_length=1, max_length=200)
    notes: str = Field("", max_length=500)


class DeliveryItemsIn(Schema):
    course_ids: list[int] = Field(min_length=1, max_length=50)
    note: str = Field("", max_length=200)


class DeliveryNoteIn(Schema):
    note: str = Field("", max_length=500)


class DeliveryItemOut(Schema):
    course_id: int
    title: str
    added_by: str


class DeliveryEventOut(Schema):
    action: str
    actor: str
    note: str
    at: dt.datetime


class DeliveryOut(Schema):
    id: int
    organisation: str
    topic: str
    audience: str
    learners: int
    schedule: str
    notes: str
    state: str
    created_at: dt.datetime
    items: list[DeliveryItemOut]
    history: list[DeliveryEventOut]


class DeliveryPage(Schema):
    items: list[DeliveryOut]
    count: int
