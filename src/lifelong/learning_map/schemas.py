"""Request and response shapes of the learning-map API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal
from uuid import UUID

from ninja import Schema
from pydantic import Field

Crs = Literal["wgs84", "gcj02"]


class NearbyQuery(Schema):
    lat: float = Field(description="WGS-84 latitude")
    lng: float = Field(description="WGS-84 longitude")
    k: int = Field(10, description="how many places (1–100)")
    kind: str | None = Field(None, max_length=400, description="kinds, comma-separated")
    district: str | None = Field(None, max_length=12)
    audience: str | None = Field(None, max_length=16)
    crs: Crs = Field("wgs84", description="also give display_lat/lng in this datum")


class BoxQuery(Schema):
    bbox: str = Field(max_length=200, description="minLng,minLat,maxLng,maxLat (WGS-84)")
    kind: str | None = Field(None, max_length=400)
    district: str | None = Field(None, max_length=12)
    audience: str | None = Field(None, max_length=16)
    limit: int = Field(500, description="at most 5000")
    crs: Crs = "wgs84"


class PlaceItem(Schema):
    id: int
    name: str
    kind: str
    lat: float
    lng: float
    distance_m: float
    district_code: str | None
    audience: str
    address: str
    display_lat: float | None = None
    display_lng: float | None = None


class PlaceList(Schema):
    items: list[PlaceItem]
    count: int


class PhotoOut(Schema):
    url: str
    alt: str


class CourseOut(Schema):
    id: int
    title: str
    kind: str
    kind_label: str
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    capacity: int | None
    url: str


class PlaceOut(Schema):
    id: int
    name: str
    name_en: str
    kind: str
    kind_label: str
    audience: str
    province: str
    district_code: str | None
    street_code: str | None
    address: str
    lat: float
    lng: float
    opening_hours: str
    step_free: bool
    seating: bool
    accessible_toilet: bool
    phone: str
    website: str
    description: str
    organisation_id: int | None
    photos: list[PhotoOut]
    courses: list[CourseOut] = Field(
        description="catalog courses held here that have not ended, soonest first"
    )


class StopOut(Schema):
    position: int
    place_id: int
    name: str
    kind: str
    lat: float
    lng: float
    note: str
    display_lat: float | None = None
    display_lng: float | None = None


class RouteOut(Schema):
    id: int
    name: str
    theme: str
    theme_label: str
    audience: str
    district_code: str | None
    circle: str | None
    description: str
    length_m: int
    duration_minutes: int
    stops: list[StopOut]


class RouteList(Schema):
    items: list[RouteOut]
    count: int


class SessionQuery(Schema):
    kind: str | None = Field(None, max_length=16)
    district: str | None = Field(None, max_length=12)
    route_id: int | None = None
    place_id: int | None = None
    event_id: int | None = None


class SessionOut(Schema):
    id: int
    activity_id: int
    kind: str
    title: str
    audience: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    booked: int
    waitlisted: int
    seats_left: int
    meeting_point: str
    place_id: int | None
    route_id: int | None
    event_id: int | None
    district_code: str | None
    guide: str | None
    status: str


class SessionList(Schema):
    items: list[SessionOut]
    count: int


class BookingIn(Schema):
    person_id: UUID | None = Field(
        None, description="book for this person through a proxy relation (default: yourself)"
    )


class BookingOut(Schema):
    id: int
    session_id: int
    person_id: UUID
    status: str
    queue_no: int
    waitlist_position: int | None
    booked_by: UUID | None
    created_at: dt.datetime
    attended: bool


class BookingList(Schema):
    items: list[BookingOut]
    count: int


class CancelOut(Schema):
    cancelled: BookingOut
    promoted: BookingOut | None


class AttendanceIn(Schema):
    person_ids: list[UUID] = Field(min_length=1, max_length=500)
    attended: bool = True


class ChangedOut(Schema):
    changed: int


class CheckInIn(Schema):
    code: str = Field(min_length=8, max_length=64)


class CheckInOut(Schema):
    place_id: int
    place_name: str
    created: bool


class EventOut(Schema):
    id: int
    title: str
    kind: str
    kind_label: str
    starts_on: dt.date
    ends_on: dt.date
    description: str
    activity_count: int


class EventList(Schema):
    items: list[EventOut]
    count: int


class ProjectOut(Schema):
    id: int
    title: str
    mode: str
    audience: str
    description: str
    catalog_resource_ref: str
    online_url: str


class BaseOut(Schema):
    id: int
    place_id: int
    name: str
    province: str
    city: str
    district_code: str | None
    level: str
    standardisation: str
    standardised_on: dt.date | None
    lat: float
    lng: float
    projects: list[ProjectOut]


class BaseList(Schema):
    items: list[BaseOut]
    count: int


class VolunteerIn(Schema):
    display_name: str = Field(min_length=1, max_length=100)
    kind: Literal["guide", "helper"]
    skills: list[str] = Field(default_factory=list, max_length=20)
    available_weekdays: list[int] = Field(default_factory=list, max_length=7)
    availability_note: str = Field("", max_length=200)
    district_code: str | None = Field(None, max_length=12)


class VolunteerOut(Schema):
    id: int
    display_name: str
    kind: str
    skills: list[str]
    available_weekdays: list[int]
    availability_note: str
    district_code: str | None
    active: bool
    joined_on: dt.date


class AssignmentIn(Schema):
    volunteer_id: int
    role: Literal["guide", "helper"]


class AssignmentOut(Schema):
    id: int
    volunteer_id: int
    session_id: int
    role: str


class HoursIn(Schema):
    served_on: dt.date
    hours: Decimal = Field(gt=0, le=24, max_digits=5, decimal_places=2)
    note: str = Field("", max_length=200)
    assignment_id: int | None = None


class ReversalIn(Schema):
    note: str = Field("", max_length=200)


class HoursOut(Schema):
    id: int
    volunteer_id: int
    served_on: dt.date
    hours: Decimal
    note: str
    reverses_id: int | None


class ProgressOut(Schema):
    guides: int
    helpers: int
    target_guides: int
    percent: int
    total_hours: Decimal
