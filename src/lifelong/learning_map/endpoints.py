"""HTTP endpoints of learning_map under /api/v1. Places, routes, sessions, events and bases
are public reads; booking, check-in and volunteering need a bearer token."""

from __future__ import annotations

import dataclasses
import json
from typing import Literal
from uuid import UUID

from django.http import HttpResponse
from ninja import Query, Router, Status

from lifelong.identity import api as identity
from lifelong.learning_map import exports, sheet
from lifelong.learning_map.models import ActivitySession, Booking, Place, Route
from lifelong.learning_map.schemas import (
    AssignmentIn,
    AssignmentOut,
    AttendanceIn,
    BaseList,
    BookingIn,
    BookingList,
    BookingOut,
    BoxQuery,
    CancelOut,
    ChangedOut,
    CheckInIn,
    CheckInOut,
    EventList,
    EventOut,
    HoursIn,
    HoursOut,
    NearbyQuery,
    PlaceList,
    PlaceOut,
    ProgressOut,
    ReversalIn,
    RouteList,
    RouteOut,
    SessionList,
    SessionOut,
    SessionQuery,
    VolunteerIn,
    VolunteerOut,
)
from lifelong.learning_map.selectors import activities as activity_reads
from lifelong.learning_map.selectors import places as place_reads
from lifelong.learning_map.selectors import routes as route_reads
from lifelong.learning_map.selectors.places import PlaceHit
from lifelong.learning_map.services import bookings as booking_writes
from lifelong.learning_map.services import volunteers as volunteer_writes
from lifelong.shared.geo import Point, wgs84_to_gcj02

router = Router(tags=["learning_map"])
bearer = identity.BearerAuth()


# ---- shapes ----------------------------------------------------------------------------------


def hit_out(hit: PlaceHit, crs: str = "wgs84") -> dict:
    item = {
        "id": hit.id,
        "name": hit.name,
        "kind": hit.kind,
        "lat": hit.lat,
        "lng": hit.lng,
        "distance_m": round(hit.distance_m, 1),
        "district_code": hit.district_code,
        "audience": hit.audience,
        "address": hit.address,
    }
    item.update(_display(hit.lat, hit.lng, crs))
    return item


def place_out(p: Place, courses: list | None = None) -> dict:
    return {
        "id": p.pk,
        "name": p.name,
        "name_en": p.name_en,
        "kind": p.kind,
        "kind_label": p.get_kind_display(),
        "audience": p.audience,
        "province": p.province,
        "district_code": p.district_id,
        "street_code": p.street_id,
        "address": p.address,
        "lat": p.lat,
        "lng": p.lng,
        "opening_hours": p.opening_hours,
        "step_free": p.step_free,
        "seating": p.seating,
        "accessible_toilet": p.accessible_toilet,
        "phone": p.phone,
        "website": p.website,
        "description": p.description,
        "organisation_id": p.organisation_id,
        "photos": [{"url": ph.url, "alt": ph.alt} for ph in p.photos.all()],
        "courses": [dataclasses.asdict(c) for c in courses or []],
    }


def _display(lat: float, lng: float, crs: str) -> dict:
    if crs != "gcj02":
        return {}
    shown = wgs84_to_gcj02(Point(lat, lng))
    return {"display_lat": shown.lat, "display_lng": shown.lon}


def route_out(r: Route, crs: str = "wgs84") -> dict:
    return {
        "id": r.pk,
        "name": r.name,
        "theme": r.theme,
        "theme_label": r.get_theme_display(),
        "audience": r.audience,
        "district_code": r.district_id,
        "circle": r.circle.name if r.circle else None,
        "description": r.description,
        "length_m": r.length_m,
        "duration_minutes": r.duration_minutes,
        "stops": [
            {
                "position": s.position,
                "place_id": s.place_id,
                "name": s.place.name,
                "kind": s.place.kind,
                "lat": s.place.lat,
                "lng": s.place.lng,
                "note": s.note,
                **_display(s.place.lat, s.place.lng, crs),
            }
            for s in r.stops.all()
        ],
    }


def session_out(s: ActivitySession) -> dict:
    a = s.activity
    return {
        "id": s.pk,
        "activity_id": a.pk,
        "kind": a.kind,
        "title": a.title,
        "audience": a.audience,
        "starts_at": s.starts_at,
        "ends_at": s.ends_at,
        "capacity": s.capacity,
        "booked": s.booked_count,
        "waitlisted": getattr(s, "waitlisted_count", 0),
        "seats_left": s.capacity - s.booked_count,
        "meeting_point": s.meeting_point,
        "place_id": a.place_id,
        "route_id": a.route_id,
        "event_id": a.event_id,
        "district_code": a.district_id,
        "guide": s.guide.display_name if s.guide else None,
        "status": s.status,
    }


def booking_out(b: Booking) -> dict:
    return {
        "id": b.pk,
        "session_id": b.session_id,
        "person_id": b.person_id,
        "status": b.status,
        "queue_no": b.queue_no,
        "waitlist_position": activity_reads.waitlist_position(b),
        "booked_by": b.booked_by_id,
        "created_at": b.created_at,
        "attended": b.attended_at is not None,
    }


# ---- places ----------------------------------------------------------------------------------


@router.get("/places/nearby", response=PlaceList, auth=None, summary="The k nearest places")
def places_nearby(request, q: Query[NearbyQuery]):
    hits = place_reads.nearest_places(
        lat=q.lat,
        lng=q.lng,
        k=q.k,
        kinds=place_reads.parse_kinds(q.kind),
        district=q.district,
        audience=q.audience,
    )
    return _place_list(hits, q.crs)


def _place_list(hits: list[PlaceHit], crs: str) -> HttpResponse:
    # Serialised directly: validating hundreds of items through the response schema would
    # cost more than the search itself. `hit_out` produces exactly `PlaceList`'s shape.
    body = {"items": [hit_out(h, crs) for h in hits], "count": len(hits)}
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/json")


@router.get("/places", response=PlaceList, auth=None, summary="Places inside a bounding box")
def places_in_box(request, q: Query[BoxQuery]):
    min_lng, min_lat, max_lng, max_lat = place_reads.parse_bbox(q.bbox)
    hits = place_reads.places_in_box(
        min_lng=min_lng,
        min_lat=min_lat,
        max_lng=max_lng,
        max_lat=max_lat,
        limit=q.limit,
        kinds=place_reads.parse_kinds(q.kind),
        district=q.district,
        audience=q.audience,
    )
    return _place_list(hits, q.crs)


@router.get("/places/{int:place_id}", response=PlaceOut, auth=None, summary="One place")
def place_detail(request, place_id: int):
    place = place_reads.get_place(place_id)
    return place_out(place, place_reads.courses_at(place))


@router.post(
    "/places/checkins",
    response={200: CheckInOut, 201: CheckInOut},
    auth=bearer,
    summary="Check in by QR code",
)
def place_checkin(request, payload: CheckInIn):
    outcome = volunteer_writes.check_in(actor=request.auth, code=payload.code)
    body = {
        "place_id": outcome.place.pk,
        "place_name": outcome.place.name,
        "created": outcome.created,
    }
    return Status(201 if outcome.created else 200, body)


# ---- routes ----------------------------------------------------------------------------------


@router.get("/routes", response=RouteList, auth=None, summary="All humanities-walk routes")
def routes(request, district: str | None = None, theme: str | None = None):
    rows = route_reads.list_routes(district=district, theme=theme)
    return {"items": [route_out(r) for r in rows], "count": len(rows)}


@router.get("/routes/{int:route_id}", response=RouteOut, auth=None, summary="One route")
def route_detail(request, route_id: int, crs: Literal["wgs84", "gcj02"] = "wgs84"):
    return route_out(route_reads.get_route(route_id), crs)


@router.get("/routes/{int:route_id}.gpx", auth=None, summary="A route as GPX 1.1")
def route_gpx(request, route_id: int):
    route = route_reads.get_route(route_id)
    response = HttpResponse(
        exports.route_gpx(route, site=f"{request.scheme}://{request.get_host()}"),
        content_type="application/gpx+xml; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="route-{route.pk}.gpx"'
    return response


@router.get("/routes/{int:route_id}.geojson", auth=None, summary="A route as GeoJSON")
def route_geojson(request, route_id: int):
    route = route_reads.get_route(route_id)
    response = HttpResponse(
        json.dumps(exports.route_geojson(route), ensure_ascii=False),
        content_type="application/geo+json",
    )
    return response


@router.get("/routes/{int:route_id}/sheet.pdf", auth=None, summary="Printable route sheet")
def route_sheet(request, route_id: int):
    route = route_reads.get_route(route_id)
    base = f"{request.scheme}://{request.get_host()}"
    response = HttpResponse(sheet.route_sheet_pdf(route, site=base), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="route-{route.pk}.pdf"'
    return response


# ---- activity sessions and bookings ----------------------------------------------------------


@router.get("/activities/sessions", response=SessionList, auth=None, summary="Upcoming sessions")
def sessions(request, q: Query[SessionQuery]):
    rows = activity_reads.list_sessions(
        kind=q.kind,
        district=q.district,
        route_id=q.route_id,
        place_id=q.place_id,
        event_id=q.event_id,
    )
    return {"items": [session_out(s) for s in rows], "count": len(rows)}


@router.get(
    "/activities/sessions/{int:session_id}", response=SessionOut, auth=None, summary="One session"
)
def session_detail(request, session_id: int):
    return session_out(activity_reads.get_session(session_id))


@router.post(
    "/activities/sessions/{int:session_id}/bookings",
    response={200: BookingOut, 201: BookingOut},
    auth=bearer,
    summary="Book a seat (or join the waiting list); again returns the same booking",
)
def book(request, session_id: int, payload: BookingIn):
    outcome = booking_writes.book_session(
        actor=request.auth, session_id=session_id, person_id=payload.person_id
    )
    return Status(201 if outcome.created else 200, booking_out(outcome.booking))


@router.delete(
    "/activities/sessions/{int:session_id}/bookings",
    response=CancelOut,
    auth=bearer,
    summary="Cancel a booking; the first person waiting takes the seat",
)
def cancel(request, session_id: int, person_id: UUID | None = None):
    outcome = booking_writes.cancel_booking(
        actor=request.auth, session_id=session_id, person_id=person_id
    )
    return {
        "cancelled": booking_out(outcome.cancelled),
        "promoted": booking_out(outcome.promoted) if outcome.promoted else None,
    }


@router.get(
    "/activities/sessions/{int:session_id}/bookings",
    response=BookingList,
    auth=bearer,
    summary="Seats and waiting list (organisers, guides)",
)
def session_booking_list(request, session_id: int):
    _, rows = activity_reads.session_bookings(request.auth, session_id)
    return {"items": [booking_out(b) for b in rows], "count": len(rows)}


@router.get("/activities/bookings/mine", response=BookingList, auth=bearer, summary="My bookings")
def my_bookings(request):
    rows = activity_reads.my_bookings(request.auth)
    return {"items": [booking_out(b) for b in rows], "count": len(rows)}


@router.post(
    "/activities/sessions/{int:session_id}/attendance",
    response=ChangedOut,
    auth=bearer,
    summary="Record attendance",
)
def attendance(request, session_id: int, payload: AttendanceIn):
    changed = booking_writes.mark_attendance(
        actor=request.auth,
        session_id=session_id,
        person_ids=[str(p) for p in payload.person_ids],
        attended=payload.attended,
    )
    return {"changed": changed}


@router.post(
    "/activities/sessions/{int:session_id}/volunteers",
    response={201: AssignmentOut},
    auth=bearer,
    summary="Assign a volunteer to a session",
)
def assign(request, session_id: int, payload: AssignmentIn):
    a = volunteer_writes.assign_volunteer(
        actor=request.auth,
        session_id=session_id,
        volunteer_id=payload.volunteer_id,
        role=payload.role,
    )
    return Status(
        201,
        {"id": a.pk, "volunteer_id": a.volunteer_id, "session_id": a.session_id, "role": a.role},
    )


# ---- events and experience bases -------------------------------------------------------------


@router.get("/events", response=EventList, auth=None, summary="City-wide learning events")
def events(request):
    rows = activity_reads.list_events()
    return {
        "items": [
            {
                "id": e.pk,
                "title": e.title,
                "kind": e.kind,
                "kind_label": e.get_kind_display(),
                "starts_on": e.starts_on,
                "ends_on": e.ends_on,
                "description": e.description,
                "activity_count": e.activity_count,
            }
            for e in rows
        ],
        "count": len(rows),
    }


@router.get("/events/{int:event_id}", response=EventOut, auth=None, summary="One event")
def event_detail(request, event_id: int):
    e = activity_reads.get_event(event_id)
    return {
        "id": e.pk,
        "title": e.title,
        "kind": e.kind,
        "kind_label": e.get_kind_display(),
        "starts_on": e.starts_on,
        "ends_on": e.ends_on,
        "description": e.description,
        "activity_count": e.activities.count(),
    }


@router.get("/experience-bases", response=BaseList, auth=None, summary="Experience bases")
def bases(request, province: str | None = None, level: str | None = None):
    rows = activity_reads.list_bases(province=province, level=level)
    items = [
        {
            "id": b.pk,
            "place_id": b.place_id,
            "name": b.place.name,
            "province": b.place.province,
            "city": b.place.city,
            "district_code": b.place.district_id,
            "level": b.level,
            "standardisation": b.standardisation,
            "standardised_on": b.standardised_on,
            "lat": b.place.lat,
            "lng": b.place.lng,
            "projects": [
                {
                    "id": p.pk,
                    "title": p.title,
                    "mode": p.mode,
                    "audience": p.audience,
                    "description": p.description,
                    "catalog_resource_ref": p.catalog_resource_ref,
                    "online_url": p.online_url,
                }
                for p in b.projects.all()
            ],
        }
        for b in rows
    ]
    return {"items": items, "count": len(items)}


# ---- volunteers ------------------------------------------------------------------------------


@router.get("/volunteers/progress", response=ProgressOut, auth=None, summary="Guide team progress")
def volunteer_progress(request):
    p = activity_reads.volunteer_progress()
    return {
        "guides": p.guides,
        "helpers": p.helpers,
        "target_guides": p.target_guides,
        "percent": p.percent,
        "total_hours": p.total_hours,
    }


@router.post("/volunteers", response={201: VolunteerOut}, auth=bearer, summary="Join as volunteer")
def register_volunteer(request, payload: VolunteerIn):
    v = volunteer_writes.register_volunteer(actor=request.auth, **payload.dict())
    return Status(
        201,
        {
            "id": v.pk,
            "display_name": v.display_name,
            "kind": v.kind,
            "skills": v.skills,
            "available_weekdays": v.available_weekdays,
            "availability_note": v.availability_note,
            "district_code": v.district_id,
            "active": v.active,
            "joined_on": v.joined_on,
        },
    )


def _hours_out(h) -> dict:
    return {
        "id": h.pk,
        "volunteer_id": h.volunteer_id,
        "served_on": h.served_on,
        "hours": h.hours,
        "note": h.note,
        "reverses_id": h.reverses_id,
    }


@router.post(
    "/volunteers/{int:volunteer_id}/hours",
    response={201: HoursOut},
    auth=bearer,
    summary="Log service hours",
)
def log_hours(request, volunteer_id: int, payload: HoursIn):
    h = volunteer_writes.record_service_hours(
        actor=request.auth,
        volunteer_id=volunteer_id,
        served_on=payload.served_on,
        hours=payload.hours,
        note=payload.note,
        assignment_id=payload.assignment_id,
    )
    return Status(201, _hours_out(h))


@router.post(
    "/volunteers/hours/{int:entry_id}/reversal",
    response={201: HoursOut},
    auth=bearer,
    summary="Reverse a wrong hours entry",
)
def reverse_hours(request, entry_id: int, payload: ReversalIn):
    h = volunteer_writes.reverse_service_hours(
        actor=request.auth, entry_id=entry_id, note=payload.note
    )
    return Status(201, _hours_out(h))
