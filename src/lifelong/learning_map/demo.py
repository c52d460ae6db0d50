"""Shanghai demo data of the learning map: 300 humanities-walk points and 45 routes across the
16 districts, walking circles and walk courses, community schools, workshops and the three
kinds of senior learning points, experience bases in Shanghai and in Jiangsu, Zhejiang and
Anhui, city events, upcoming guided walks and other sessions, volunteers. Idempotent: every
item is looked up by its name first. Only `lifelong load_demo` calls this."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from lifelong.identity import api as identity
from lifelong.learning_map.demo_data import (
    AUDIENCES,
    BASES,
    DISTRICTS,
    FEATURES,
    OTHER_PLACES,
    ROUTE_THEMES,
)
from lifelong.learning_map.models import (
    Activity,
    ActivitySession,
    Audience,
    Event,
    ExperienceBase,
    ExperienceProject,
    Place,
    PlaceKind,
    Route,
    RouteTheme,
    ServiceHours,
    Volunteer,
    VolunteerAssignment,
    WalkCourse,
    WalkingCircle,
)
from lifelong.learning_map.services.places import build_place, set_route_stops
from lifelong.shared import clock
from lifelong.shared.api import list_streets
from lifelong.shared.geo import Point, distance_m

WALK_POINTS = 300
ROUTES = 45


def _district_names() -> dict[str, str]:
    return {d.code: d.name for d in identity.districts()}


def _nearest_district(lat: float, lng: float) -> str:
    return min(DISTRICTS, key=lambda d: distance_m(Point(lat, lng), Point(d[1], d[2])))[0]


def _walk_points(names: dict[str, str]) -> int:
    existing = set(Place.objects.filter(kind="walk_point").values_list("name", flat=True))
    new: list[Place] = []
    total = 0
    for index, (code, lat0, lng0, spread, roads) in enumerate(DISTRICTS):
        count = 19 if index < WALK_POINTS - 18 * len(DISTRICTS) else 18
        rng = random.Random(int(code))
        streets = [s.code for s in list_streets(code)]
        combos = [(road, feature) for feature in FEATURES for road in roads][:count]
        for j, (road, (feature, _theme)) in enumerate(combos):
            lat = lat0 + rng.uniform(-spread, spread)
            lng = lng0 + rng.uniform(-spread, spread) * 1.15
            name = f"{road}{feature}"
            total += 1
            if name in existing:
                continue
            new.append(
                build_place(
                    name=name,
                    kind="walk_point",
                    lat=round(lat, 6),
                    lng=round(lng, 6),
                    audience="all",
                    district_id=code,
                    street_id=streets[j % len(streets)] if streets else None,
                    address=f"上海市{names.get(code, '')}{road}附近",
                    opening_hours="全天开放" if j % 3 else "09:00–17:00（周一闭馆）",
                    step_free=rng.random() < 0.7,
                    seating=rng.random() < 0.6,
                    accessible_toilet=rng.random() < 0.4,
                    description=f"{road}一带的{feature.replace('学习点', '')}，人文行走线路上的一站。",
                )
            )
    Place.objects.bulk_create(new)
    return total


def _community_places(names: dict[str, str]) -> int:
    existing = set(Place.objects.exclude(kind="walk_point").values_list("name", flat=True))
    new: list[Place] = []
    for code, lat0, lng0, spread, roads in DISTRICTS:
        rng = random.Random(int(code) + 7)
        district = names.get(code, "")
        items = [
            (f"{district}{roads[0]}社区学校", "community_school", "all"),
            (f"{district}老年学校", "senior_school", "senior"),
            (f"{roads[1]}社区学习工作坊", "learning_workshop", "all"),
            (f"{roads[2]}居村委老年学习点", "senior_point_neighbourhood", "senior"),
            (f"{roads[3]}养教结合学习点", "senior_point_care", "senior"),
            (f"{roads[4]}老年远程教育收视点", "senior_point_remote", "senior"),
        ]
        for name, kind, audience in items:
            if name in existing:
                continue
            new.append(
                build_place(
                    name=name,
                    kind=kind,
                    lat=round(lat0 + rng.uniform(-spread, spread) / 2, 6),
                    lng=round(lng0 + rng.uniform(-spread, spread) / 2, 6),
                    audience=audience,
                    district_id=code,
                    address=f"上海市{district}{roads[0]}",
                    opening_hours="周一至周五 08:30–16:30",
                    step_free=True,
                    seating=True,
                    accessible_toilet=kind != "senior_point_remote",
                    description=f"{district}的{PlaceKind(kind).label}。",
                )
            )
    for name, kind, code, lat, lng, audience in OTHER_PLACES:
        if name in existing:
            continue
        org = identity.find_organisation(name)
        new.append(
            build_place(
                name=name,
                kind=kind,
                lat=lat,
                lng=lng,
                audience=audience,
                district_id=code,
                organisation_id=org.id if org else None,
                address=f"上海市{names.get(code, '')}",
                opening_hours="09:00–17:00",
                step_free=True,
                seating=True,
                accessible_toilet=True,
            )
        )
    Place.objects.bulk_create(new)
    return Place.objects.exclude(kind__in=["walk_point", "experience_base"]).count()


def _route_order(points: list[Place], start: int, stops: int) -> list[Place]:
    """A walkable order: from the start point, always on to the nearest unvisited point."""
    remaining = points[:]
    current = remaining.pop(start % len(remaining))
    order = [current]
    while remaining and len(order) < stops:
        here = Point(current.lat, current.lng)
        current = min(remaining, key=lambda p: distance_m(here, Point(p.lat, p.lng)))
        remaining.remove(current)
        order.append(current)
    return order


def _routes(names: dict[str, str]) -> int:
    theme_labels = dict(RouteTheme.choices)
    made = 0
    for index, (code, *_rest) in enumerate(DISTRICTS):
        district = names.get(code, code)
        circle, _ = WalkingCircle.objects.get_or_create(
            district_id=code,
            name=f"{district}人文行走圈",
            defaults={"description": f"串联{district}人文行走学习点的区域行走圈。"},
        )
        points = list(Place.objects.filter(kind="walk_point", district_id=code).order_by("id"))
        per_district = 3 if index < ROUTES - 2 * len(DISTRICTS) else 2
        for j in range(per_district):
            theme = ROUTE_THEMES[(index * 3 + j) % len(ROUTE_THEMES)]
            audience = AUDIENCES[(index + j) % len(AUDIENCES)]
            name = f"{district}{theme_labels[theme]}行走路线（{j + 1}号线）"
            made += 1
            if Route.objects.filter(name=name).exists():
                continue
            stops = _route_order(points, start=j * 6, stops=5 + j % 2)
            route = Route.objects.create(
                name=name,
                theme=theme,
                audience=audience,
                district_id=code,
                circle=circle,
                description=(
                    f"从{stops[0].name}出发，经{len(stops) - 2}个学习点，"
                    f"到{stops[-1].name}结束，感受{district}的{theme_labels[theme]}。"
                ),
                duration_minutes=60,
            )
            set_route_stops(
                route=route,
                place_ids=[p.pk for p in stops],
                notes=[f"在{p.name}听讲解志愿者介绍这里的故事。" for p in stops],
            )
            route.refresh_from_db()
            # About 3 km an hour on foot, plus ten minutes at each stop.
            route.duration_minutes = max(60, round(route.length_m / 50) + 10 * len(stops))
            route.save(update_fields=["duration_minutes"])
            if audience in ("youth", "white_collar", "senior"):
                label = Audience(audience).label
                WalkCourse.objects.create(
                    route=route,
                    title=f"{route.name} · {label}行走课程",
                    audience=audience,
                    lessons=3,
                    description="三次课：行前导学、实地行走、分享交流。",
                )
    return made


def _bases() -> int:
    for index, (name, province, city, lat, lng, level, (offline, online)) in enumerate(BASES):
        if ExperienceBase.objects.filter(place__name=name).exists():
            continue
        in_shanghai = province == "310000"
        district = _nearest_district(lat, lng) if in_shanghai else None
        org = identity.ensure_demo_organisation(name, "experience_base", district)
        place = build_place(
            name=name,
            kind="experience_base",
            lat=lat,
            lng=lng,
            province=province,
            city=city,
            district_id=district,
            organisation_id=org.id,
            address=f"{city}市",
            opening_hours="周二至周日 09:00–17:00",
            step_free=True,
            seating=True,
            accessible_toilet=True,
            description=f"{name}，面向市民开放的终身学习体验基地。",
        )
        place.save()
        statuses = ["standardised", "assessing", "applied", "not_started"]
        status = statuses[index % 4] if level == "district" else "not_started"
        base = ExperienceBase.objects.create(
            place=place,
            level=level,
            standardisation=status,
            standardised_on=dt.date(2026, 6, 30) if status == "standardised" else None,
        )
        ExperienceProject.objects.create(
            base=base, title=offline, mode="offline", description=f"在{name}现场体验{offline}。"
        )
        ExperienceProject.objects.create(
            base=base,
            title=online,
            mode="online",
            description=f"{name}在“体验云”上的线上体验：{online}。",
            catalog_resource_ref=f"experience-cloud-{index + 1:03d}",
        )
    return ExperienceBase.objects.count()


def _volunteers() -> list[Volunteer]:
    people = [
        ("volunteer", "张志愿", "guide", ["人文讲解", "沪语"], [6, 7]),
        ("teacher", "李老师", "guide", ["历史讲解", "摄影"], [3, 6]),
        ("citizen", "王晓明", "helper", ["秩序维护"], [7]),
    ]
    user_model = get_user_model()
    volunteers = []
    for username, display, kind, skills, days in people:
        user = user_model.objects.filter(username=username).first()
        person_id = identity.actor_for_user(user).person_id if user else None
        if person_id is None:
            continue
        volunteer, _ = Volunteer.objects.get_or_create(
            person_id=person_id,
            defaults={
                "display_name": display,
                "kind": kind,
                "skills": skills,
                "available_weekdays": days,
                "availability_note": "周末上午",
                "district_id": "310104",
                "joined_on": dt.date(2026, 3, 1),
            },
        )
        volunteers.append(volunteer)
    return volunteers


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=clock.SHANGHAI)


def _session(activity: Activity, starts: dt.datetime, minutes: int, capacity: int, **extra):
    return ActivitySession.objects.create(
        activity=activity,
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=minutes),
        capacity=capacity,
        **extra,
    )


def _events_and_sessions(volunteers: list[Volunteer]) -> None:
    today = clock.today()
    guides = [v for v in volunteers if v.kind == "guide"]
    for i, route in enumerate(Route.objects.order_by("id")[:20]):
        title = f"{route.name} · 导览行走"
        if Activity.objects.filter(title=title).exists():
            continue
        first = route.stops.select_related("place").order_by("position").first()
        activity = Activity.objects.create(
            kind="guided_walk",
            title=title,
            description=route.description,
            audience=route.audience,
            route=route,
            walk_course=route.courses.first(),
            district_id=route.district_id,
            place=first.place if first else None,
        )
        guide = guides[i % len(guides)] if guides else None
        session = _session(
            activity,
            _at(today + dt.timedelta(days=2 + i), 9, 30),
            route.duration_minutes,
            20,
            meeting_point=first.place.name if first else "",
            guide=guide,
        )
        if guide is not None:
            VolunteerAssignment.objects.create(volunteer=guide, session=session, role="guide")

    for i, project in enumerate(
        ExperienceProject.objects.filter(mode="offline", base__place__province="310000")
    ):
        title = f"{project.base.place.name} · {project.title}"
        if Activity.objects.filter(title=title).exists():
            continue
        activity = Activity.objects.create(
            kind="experience",
            title=title,
            description=project.description,
            project=project,
            place=project.base.place,
            district_id=project.base.place.district_id,
        )
        _session(activity, _at(today + dt.timedelta(days=5 + i), 14), 90, 15)

    events = [
        ("2026年上海市全民终身学习活动周", "learning_week", 7, 14),
        ("第十届上海市民诗歌节", "poetry_festival", 20, 50),
        ("上海市老年教育艺术节", "senior_arts_festival", 30, 60),
        ("上海市民诵读节", "reading_festival", -10, 20),
        ("科普进社区系列活动", "science_in_community", 3, 90),
        ("长三角终身学习体验基地嘉年华", "experience_carnival", 40, 42),
    ]
    commission = identity.find_organisation("上海市教育委员会")
    for title, kind, start, end in events:
        if Event.objects.filter(title=title).exists():
            continue
        event = Event.objects.create(
            title=title,
            kind=kind,
            starts_on=today + dt.timedelta(days=start),
            ends_on=today + dt.timedelta(days=end),
            description=f"{title}：全市各区同步开展的学习活动。",
            organiser_id=commission.id if commission else None,
        )
        for j, code in enumerate(("310104", "310101", "310115", "310151")):
            place = Place.objects.filter(district_id=code, kind="community_school").first()
            activity = Activity.objects.create(
                kind="event",
                title=f"{title} · {place.name if place else code}分会场",
                event=event,
                place=place,
                district_id=code,
            )
            day = max(event.starts_on, today + dt.timedelta(days=1)) + dt.timedelta(days=j)
            _session(activity, _at(day, 14), 120, 30, meeting_point=place.name if place else "")

    title = "银发智能手机工作坊（小班）"
    if not Activity.objects.filter(title=title).exists():
        workshop = Place.objects.filter(kind="learning_workshop", district_id="310104").first()
        activity = Activity.objects.create(
            kind="workshop",
            title=title,
            description="手把手教长者用手机挂号、扫码、视频通话。",
            audience="senior",
            place=workshop,
            district_id="310104",
        )
        _session(activity, _at(today + dt.timedelta(days=4), 10), 90, 2, meeting_point="二楼教室")


def _service_hours(volunteers: list[Volunteer]) -> None:
    for volunteer in volunteers:
        if ServiceHours.objects.filter(volunteer=volunteer).exists():
            continue
        ServiceHours.objects.create(
            volunteer=volunteer,
            served_on=dt.date(2026, 5, 16),
            hours=Decimal("3.50"),
            note="全民终身学习活动周导览",
            recorded_by="demo",
        )


@transaction.atomic
def load_demo() -> dict[str, int]:
    names = _district_names()
    walk_points = _walk_points(names)
    community = _community_places(names)
    routes = _routes(names)
    bases = _bases()
    volunteers = _volunteers()
    _events_and_sessions(volunteers)
    _service_hours(volunteers)
    return {
        "walk_points": walk_points,
        "other_places": community,
        "routes": routes,
        "experience_bases": bases,
        "volunteers": len(volunteers),
        "events": Event.objects.count(),
        "sessions": ActivitySession.objects.count(),
    }
