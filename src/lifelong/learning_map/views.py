"""Pages of the learning map: the map with filters and "near me", a place, a route, events,
experience bases, volunteering, and the booking and check-in forms (plain HTML POSTs, so they
work without JavaScript and in elder mode)."""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lifelong.identity import api as identity
from lifelong.learning_map.mapsettings import GCJ02, map_settings
from lifelong.learning_map.models import Audience, PlaceKind
from lifelong.learning_map.selectors import activities as activity_reads
from lifelong.learning_map.selectors import places as place_reads
from lifelong.learning_map.selectors import routes as route_reads
from lifelong.learning_map.services import bookings as booking_writes
from lifelong.learning_map.services import volunteers as volunteer_writes
from lifelong.learning_map.templatetags.learning_map_tags import region_name
from lifelong.shared.api import list_all_streets
from lifelong.shared.errors import DomainError, Invalid, NotFound
from lifelong.shared.geo import Point, wgs84_to_gcj02


def page(view):
    """A page view: a NotFound from a selector becomes the site's 404 page."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None

    return wrapper


def _map_context() -> dict:
    settings = map_settings()
    return {
        "tile_url": settings.tile_url,
        "tile_crs": settings.tile_crs,
        "tile_attribution": settings.attribution,
        "has_tiles": settings.has_tiles,
    }


def _with_tile_host(response):
    """Let the page load the configured basemap's tiles: the site-wide policy allows images
    from this site only, so the tile server's origin is added to img-src on map pages."""
    origin = tile_origin(map_settings().tile_url)
    if origin:
        policy = django_settings.CONTENT_SECURITY_POLICY.replace(
            "img-src 'self'", f"img-src 'self' {origin}", 1
        )
        response.headers["Content-Security-Policy"] = policy
    return response


def tile_origin(url: str) -> str:
    if not url.startswith(("https://", "http://")):
        return ""
    parts = urlsplit(url.replace("{s}", "x"))
    host = parts.hostname or ""
    if not host:
        return ""
    if "{s}" in url.split("/")[2]:
        # Load-balanced subdomains ("{s}.tile.example", "webrd0{s}.example"): CSP allows a
        # wildcard only as the whole leftmost label.
        host = "*." + host.split(".", 1)[1]
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


def _display(lat: float, lng: float) -> tuple[float, float]:
    if map_settings().tile_crs == GCJ02:
        shown = wgs84_to_gcj02(Point(lat, lng))
        return shown.lat, shown.lon
    return lat, lng


def _near_me(
    request, kinds, district, audience, *, districts: list, streets: list
) -> tuple[list, str, dict | None]:
    """The near-me list: from browser coordinates (lat/lng) or a typed street/district."""
    lat, lng = request.GET.get("lat", "").strip(), request.GET.get("lng", "").strip()
    street_text = request.GET.get("street", "").strip()
    origin = ""
    point = None
    if lat and lng:
        try:
            point = (float(lat), float(lng))
        except ValueError:
            raise Invalid(
                "位置坐标无效 / Invalid location", fields={"lat": "number", "lng": "number"}
            ) from None
        origin = _("您的位置")
    elif street_text:
        match = next((s for s in streets if _names(s, street_text)), None)
        district_match = next((d for d in districts if _names(d, street_text)), None)
        centre = None
        if match is not None:
            centre = place_reads.centre_of(street=match.code) or place_reads.centre_of(
                district=match.code[:6]
            )
            origin = region_name(match)
        elif district_match is not None:
            centre = place_reads.centre_of(district=district_match.code)
            origin = region_name(district_match)
        if centre is None:
            raise Invalid(
                "没有找到该街道，请从列表中选择 / Street not found; pick one from the list",
                fields={"street": street_text},
            )
        point = (centre.lat, centre.lon)
    if point is None:
        return [], "", None
    hits = place_reads.nearest_places(
        lat=point[0], lng=point[1], k=10, kinds=kinds, district=district, audience=audience
    )
    return (
        [(h, distance_label(h.distance_m)) for h in hits],
        origin,
        {"lat": point[0], "lng": point[1]},
    )


def _names(region, text: str) -> bool:
    """Whether the typed text names this region: its Chinese or English name, or its code."""
    english = (region.name_en or "").casefold()
    return text in (region.name, region.code) or bool(english and english == text.casefold())


def distance_label(metres: float) -> str:
    if metres < 1000:
        return _("%(m)d 米") % {"m": round(metres)}
    return _("%(km).1f 公里") % {"km": metres / 1000}


@page
def map_page(request):
    kinds = tuple(k for k in request.GET.getlist("kind") if k)
    district = request.GET.get("district") or None
    audience = request.GET.get("audience") or None
    districts = identity.districts()
    streets = list_all_streets()
    context = {
        **_map_context(),
        "kinds": PlaceKind.choices,
        "audiences": Audience.choices,
        "districts": districts,
        "streets": streets,
        "selected_kinds": kinds,
        "selected_district": district or "",
        "selected_audience": audience or "",
        "near": [],
        "near_origin": "",
        "origin": None,
        "street_value": request.GET.get("street", ""),
    }
    status = 200
    try:
        parsed = place_reads.parse_kinds(kinds)
        context["near"], context["near_origin"], context["origin"] = _near_me(
            request, parsed, district, audience, districts=districts, streets=streets
        )
        context["places"] = place_reads.list_places(
            kinds=parsed, district=district, audience=audience, limit=30
        )
        context["place_count"] = place_reads.count_places(
            kinds=parsed, district=district, audience=audience
        )
    except Invalid as exc:
        context["error"] = exc.message
        context["places"], context["place_count"] = [], 0
        status = 422
    return _with_tile_host(render(request, "learning_map/map.html", context, status=status))


@page
def place_page(request, place_id: int):
    place = place_reads.get_place(place_id)
    sessions = activity_reads.list_sessions(place_id=place.pk, limit=20)
    routes = [s.route for s in place.route_stops.select_related("route").filter(route__active=True)]
    base = getattr(place, "experience_base", None) if place.kind == "experience_base" else None
    display_lat, display_lng = _display(place.lat, place.lng)
    response = render(
        request,
        "learning_map/place.html",
        {
            **_map_context(),
            "place": place,
            "display_lat": display_lat,
            "display_lng": display_lng,
            "photos": list(place.photos.all()),
            "courses": place_reads.courses_at(place),
            "sessions": _with_my_booking(request, sessions),
            "routes": routes,
            "base": base,
            "projects": list(base.projects.all()) if base else [],
        },
    )
    return _with_tile_host(response)


def _with_my_booking(request, sessions) -> list[tuple]:
    mine = activity_reads.my_bookings_by_session(
        identity.actor_for_user(request.user), [s.pk for s in sessions]
    )
    return [(s, mine.get(s.pk)) for s in sessions]


@page
def routes_page(request):
    district = request.GET.get("district") or None
    theme = request.GET.get("theme") or None
    return render(
        request,
        "learning_map/routes.html",
        {
            "routes": route_reads.list_routes(district=district, theme=theme),
            "districts": identity.districts(),
            "selected_district": district or "",
            "circles": route_reads.list_circles(),
        },
    )


@page
def route_page(request, route_id: int):
    route = route_reads.get_route(route_id)
    sessions = activity_reads.list_sessions(route_id=route.pk, limit=20)
    response = render(
        request,
        "learning_map/route.html",
        {
            **_map_context(),
            "route": route,
            "stops": list(route.stops.all()),
            "courses": list(route.courses.all()),
            "sessions": _with_my_booking(request, sessions),
        },
    )
    return _with_tile_host(response)


@page
def events_page(request):
    events = activity_reads.list_events()
    return render(request, "learning_map/events.html", {"events": events})


@page
def event_page(request, event_id: int):
    event = activity_reads.get_event(event_id)
    sessions = activity_reads.list_sessions(event_id=event.pk, limit=50)
    return render(
        request,
        "learning_map/event.html",
        {"event": event, "sessions": _with_my_booking(request, sessions)},
    )


@page
def bases_page(request):
    province = request.GET.get("province") or None
    return render(
        request,
        "learning_map/bases.html",
        {"bases": activity_reads.list_bases(province=province), "province": province or ""},
    )


@page
def volunteers_page(request):
    return render(
        request, "learning_map/volunteers.html", {"progress": activity_reads.volunteer_progress()}
    )


def _back(request, fallback: str) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = fallback
    return HttpResponseRedirect(target)


@require_POST
@page
def book_session_form(request, session_id: int):
    fallback = reverse("learning_map:session", args=[session_id])
    if not request.user.is_authenticated:
        return redirect_to_login(request.POST.get("next") or fallback)
    actor = identity.actor_for_user(request.user)
    try:
        outcome = booking_writes.book_session(actor=actor, session_id=session_id)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(request, fallback)
    if outcome.booking.status == "booked":
        messages.success(request, _("报名成功，已为您保留名额。"))
    else:
        position = activity_reads.waitlist_position(outcome.booking)
        messages.info(request, _("名额已满，您已进入候补名单，第 %(n)s 位。") % {"n": position})
    return _back(request, fallback)


@require_POST
@page
def cancel_booking_form(request, session_id: int):
    fallback = reverse("learning_map:session", args=[session_id])
    if not request.user.is_authenticated:
        return redirect_to_login(fallback)
    actor = identity.actor_for_user(request.user)
    try:
        booking_writes.cancel_booking(actor=actor, session_id=session_id)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(request, fallback)
    messages.success(request, _("已取消报名。"))
    return _back(request, fallback)


@page
def session_page(request, session_id: int):
    session = activity_reads.get_session(session_id)
    actor = identity.actor_for_user(request.user)
    mine = booking_writes.my_booking(actor=actor, session_id=session.pk)
    return render(
        request,
        "learning_map/session.html",
        {
            "session": session,
            "mine": mine,
            "position": activity_reads.waitlist_position(mine) if mine else None,
        },
    )


@page
def checkin_page(request, code: str):
    place = place_reads.place_by_checkin_code(code)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            outcome = volunteer_writes.check_in(
                actor=identity.actor_for_user(request.user), code=code
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if outcome.created:
                messages.success(request, _("打卡成功！"))
            else:
                messages.info(request, _("您今天已在这里打过卡。"))
        return HttpResponseRedirect(reverse("learning_map:place", args=[place.pk]))
    return render(request, "learning_map/checkin.html", {"place": place})
