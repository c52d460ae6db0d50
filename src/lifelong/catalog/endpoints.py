"""HTTP endpoints of catalog under /api/v1: the public catalog and search, enrolment, progress,
my learning, points and badges, the publishing workflow, categories and resource delivery."""

from __future__ import annotations

from django.http import HttpResponse
from ninja import Query, Router, Status
from ninja.renderers import JSONRenderer

from lifelong.catalog import access, certificate, selectors
from lifelong.catalog.models import Resource
from lifelong.catalog.schemas import (
    CategoryIn,
    CategoryList,
    CategoryOut,
    CourseDetail,
    CourseFilter,
    CourseIn,
    CoursePage,
    DeliveryIn,
    DeliveryItemsIn,
    DeliveryNoteIn,
    DeliveryOut,
    DeliveryPage,
    EnrolmentOut,
    LeaderboardIn,
    LeaderboardOut,
    LearningPage,
    ManagedCourse,
    ManagedPage,
    PointsOut,
    ProgressIn,
    QuizIn,
    QuizOut,
    ReviewIn,
    SeniorMoocStats,
    UnitIn,
    UnitOut,
    UnitProgressOut,
)
from lifelong.catalog.services import delivery, incentives, learning, publishing
from lifelong.identity import api as identity
from lifelong.shared.errors import Invalid

router = Router(tags=["catalog"])
bearer = identity.BearerAuth()
_RENDERER = JSONRenderer()


def course_item(r: Resource) -> dict:
    return {
        "id": r.pk,
        "title": r.title,
        "title_highlighted": getattr(r, "title_html", None) or r.title,
        "summary": r.summary,
        "category": r.category.code,
        "category_name": r.category.name,
        "format": r.kind,
        "audience": r.audience,
        "provider": r.provider.name,
        "district": r.district_id,
        "fee": r.fee,
        "is_senior_mooc": r.is_senior_mooc,
        "starts_at": r.starts_at,
        "ends_at": r.ends_at,
    }


def _facet_values(values) -> list[dict]:
    return [{"key": v.key, "label": v.label, "count": v.count} for v in values]


@router.get(
    "/courses",
    response=CoursePage,
    auth=None,
    summary="Search and browse the catalog (every format), with facets",
)
def list_courses(request, filters: Query[CourseFilter]):
    def render(result: selectors.SearchResult) -> bytes:
        # What django-ninja itself would answer (validated against CoursePage, rendered by
        # its JSONRenderer, which the API uses), made once per cached search instead of once
        # per request.
        page = CoursePage.model_validate(
            {
                "items": [course_item(r) for r in result.items],
                "count": result.count,
                "page": result.page,
                "page_size": result.page_size,
                "facets": {
                    "category": _facet_values(result.facets.category),
                    "format": _facet_values(result.facets.format),
                    "district": _facet_values(result.facets.district),
                    "audience": _facet_values(result.facets.audience),
                    "upcoming_live": result.facets.upcoming_live,
                },
            }
        )
        return _RENDERER.render(request, page.model_dump(), response_status=200)

    body = selectors.cached_search(filters.dict(), render)
    return HttpResponse(body, content_type=f"{_RENDERER.media_type}; charset={_RENDERER.charset}")


def unit_out(u) -> dict:
    return {
        "id": u.pk,
        "position": u.position,
        "title": u.title,
        "kind": u.kind,
        "duration_seconds": u.duration_seconds,
        "required": u.required,
    }


@router.get("/courses/{course_id}", response=CourseDetail, auth=None, summary="One course")
def course_detail(request, course_id: int):
    actor = identity.optional_actor(request)
    r = access.access_resource_by_id(actor, course_id)
    return {
        **course_item(r),
        "description": r.description,
        "status": r.status,
        "accessibility_notes": r.accessibility_notes,
        "stream_url": r.stream_url,
        "replay_url": r.replay_url,
        "venue": r.venue,
        "place_ref": r.place_ref,
        "capacity": r.capacity,
        "completion_percent": r.completion_percent,
        "units": [unit_out(u) for u in selectors.resource_units(r)],
    }


def enrolment_out(e, certificate_id: str | None = None) -> dict:
    return {
        "id": e.pk,
        "course_id": e.resource_id,
        "title": e.resource.title,
        "format": e.resource.kind,
        "state": e.state,
        "progress_percent": e.progress_percent,
        "enrolled_at": e.enrolled_at,
        "last_activity_at": e.last_activity_at,
        "completed_at": e.completed_at,
        "last_unit_id": e.last_unit_id,
        "certificate_id": certificate_id,
    }


@router.post(
    "/courses/{course_id}/enrolments",
    response={200: EnrolmentOut, 201: EnrolmentOut},
    auth=bearer,
    summary="Enrol in a course (again: 200 with the same enrolment)",
)
def enrol(request, course_id: int):
    enrolment, created = learning.enrol_person(actor=request.auth, resource_id=course_id)
    return Status(201 if created else 200, enrolment_out(enrolment))


@router.get("/me/learning", response=LearningPage, auth=bearer, summary="My enrolments")
def my_learning(request, state: str | None = None):
    if state not in (None, "active", "completed"):
        raise Invalid("state 只能是 active 或 completed", fields={"state": "active|completed"})
    rows = selectors.my_learning(request.auth, state=state)
    certificates = selectors.certificates_by_enrolment([e.pk for e in rows])
    return {"items": [enrolment_out(e, certificates.get(e.pk)) for e in rows], "count": len(rows)}


def progress_out(row, enrolment) -> dict:
    return {
        "unit_id": row.unit_id,
        "position_seconds": row.position_seconds,
        "percent": row.percent,
        "completed": row.completed_at is not None,
        "best_score": row.best_score,
        "enrolment_progress_percent": enrolment.progress_percent,
        "enrolment_state": enrolment.state,
    }


@router.post(
    "/me/learning/{enrolment_id}/units/{unit_id}/progress",
    response=UnitProgressOut,
    auth=bearer,
    summary="Save the position in a unit; complete it",
)
def save_progress(request, enrolment_id: int, unit_id: int, payload: ProgressIn):
    row = learning.record_progress(
        actor=request.auth, enrolment_id=enrolment_id, unit_id=unit_id, **payload.dict()
    )
    return progress_out(row, row.enrolment)


@router.post(
    "/me/learning/{enrolment_id}/units/{unit_id}/quiz",
    response=QuizOut,
    auth=bearer,
    summary="Submit a quiz attempt",
)
def submit_quiz(request, enrolment_id: int, unit_id: int, payload: QuizIn):
    row, score, passed = learning.submit_quiz(
        actor=request.auth, enrolment_id=enrolment_id, unit_id=unit_id, answers=payload.answers
    )
    return {**progress_out(row, row.enrolment), "score": score, "passed": passed}


@router.get(
    "/me/learning/{enrolment_id}/certificate.pdf",
    auth=bearer,
    summary="My completion certificate as PDF",
    response={200: None},
)
def certificate_pdf(request, enrolment_id: int):
    pdf, name = certificate.certificate_pdf_for(request.auth, enrolment_id)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get("/me/points", response=PointsOut, auth=bearer, summary="My points and badges")
def my_points(request, page: int = 1):
    page = max(1, min(page, 10_000))
    summary = selectors.points_summary(request.auth, limit=50, offset=(page - 1) * 50)
    return {
        "balance": summary.balance,
        "streak_days": summary.streak_days,
        "count": summary.count,
        "items": [
            {
                "points": p.points,
                "reason": p.reason,
                "note": p.note,
                "course_id": p.resource_id,
                "created_at": p.created_at,
            }
            for p in summary.history
        ],
        "badges": [
            {"code": b.badge.code, "name": b.badge.name, "awarded_at": b.awarded_at}
            for b in summary.badges
        ],
    }


@router.post("/me/leaderboard", response=LeaderboardIn, auth=bearer, summary="Opt in or out")
def leaderboard_opt_in(request, payload: LeaderboardIn):
    row = incentives.set_leaderboard_opt_in(actor=request.auth, opted_in=payload.opted_in)
    return {"opted_in": row.opted_in}


@router.get(
    "/leaderboard/{district}", response=LeaderboardOut, auth=None, summary="District leaderboard"
)
def district_leaderboard(request, district: str):
    if not district.isdigit() or len(district) != 6:
        raise Invalid("区代码无效 / Invalid district code", fields={"district": "6 digits"})
    rows = selectors.leaderboard(district)
    return {"district": district, "items": [r.__dict__ for r in rows]}


@router.post("/courses/{course_id}/attendance", response=EnrolmentOut, auth=bearer)
def attend(request, course_id: int):
    """Check in to a live class one signed up for, while it is live."""
    return enrolment_out(learning.attend_live(actor=request.auth, resource_id=course_id))


@router.get("/senior-moocs/stats", response=SeniorMoocStats, auth=None)
def senior_mooc_stats(request):
    """Published senior MOOCs per year."""
    return {"years": selectors.senior_mooc_counts()}


@router.get("/categories", response=CategoryList, auth=None, summary="Categories")
def categories(request):
    rows = selectors.list_categories()
    codes = {c.pk: c.code for c in rows}
    return {
        "items": [
            {"code": c.code, "name": c.name, "name_en": c.name_en, "parent": codes.get(c.parent_id)}
            for c in rows
        ]
    }


@router.post("/categories", response=CategoryOut, auth=bearer, summary="Save a category")
def save_category(request, payload: CategoryIn):
    c = publishing.save_category(actor=request.auth, **payload.dict())
    return {"code": c.code, "name": c.name, "name_en": c.name_en, "parent": payload.parent}


def managed_out(r) -> dict:
    return {
        "id": r.pk,
        "title": r.title,
        "format": r.kind,
        "status": r.status,
        "review_note": r.review_note,
        "provider": r.provider.name,
    }


@router.post("/courses", response={201: ManagedCourse}, auth=bearer, summary="New draft")
def create_course(request, payload: CourseIn):
    r = publishing.create_resource(actor=request.auth, **payload.dict())
    return Status(201, managed_out(r))


@router.post("/courses/{course_id}/units", response={201: UnitOut}, auth=bearer)
def add_unit(request, course_id: int, payload: UnitIn):
    """Append a unit to a draft."""
    data = payload.dict()
    unit = publishing.add_unit(actor=request.auth, resource_id=course_id, **data)
    return Status(201, unit_out(unit))


@router.post("/courses/{course_id}/submit", response=ManagedCourse, auth=bearer)
def submit(request, course_id: int):
    """Send a draft for review."""
    return managed_out(publishing.submit_for_review(actor=request.auth, resource_id=course_id))


@router.post("/courses/{course_id}/approve", response=ManagedCourse, auth=bearer)
def approve(request, course_id: int, payload: ReviewIn):
    """Publish a course under review (reviewers within scope)."""
    r = publishing.approve_resource(actor=request.auth, resource_id=course_id, note=payload.note)
    return managed_out(r)


@router.post("/courses/{course_id}/reject", response=ManagedCourse, auth=bearer)
def reject(request, course_id: int, payload: ReviewIn):
    """Send a course back to its provider as a draft."""
    r = publishing.reject_resource(actor=request.auth, resource_id=course_id, note=payload.note)
    return managed_out(r)


@router.get("/review-queue", response=ManagedPage, auth=bearer, summary="Courses to review")
def review_queue(request):
    rows = selectors.review_queue(request.auth)
    return {"items": [managed_out(r) for r in rows], "count": len(rows)}


@router.get("/my-courses", response=ManagedPage, auth=bearer, summary="Courses I provide")
def my_courses(request, status: str | None = None):
    rows = selectors.managed_resources(request.auth, status=status)
    return {"items": [managed_out(r) for r in rows], "count": len(rows)}


def delivery_out(d) -> dict:
    return {
        "id": d.pk,
        "organisation": d.organisation_name,
        "topic": d.topic,
        "audience": d.audience,
        "learners": d.learners,
        "schedule": d.schedule,
        "notes": d.notes,
        "state": d.state,
        "created_at": d.created_at,
        "items": [
            {"course_id": i.resource_id, "title": i.resource.title, "added_by": i.added_by}
            for i in d.items.all()
        ],
        "history": [
            {"action": e.action, "actor": e.actor, "note": e.note, "at": e.at}
            for e in d.events.all()
        ],
    }


@router.post("/deliveries", response={201: DeliveryOut}, auth=bearer, summary="Ask for resources")
def request_delivery(request, payload: DeliveryIn):
    d = delivery.request_delivery(actor=request.auth, **payload.dict())
    return Status(201, delivery_out(d))


@router.get("/deliveries", response=DeliveryPage, auth=bearer, summary="Delivery requests")
def deliveries(request):
    rows = selectors.list_deliveries(request.auth)
    return {"items": [delivery_out(d) for d in rows], "count": len(rows)}


@router.post("/deliveries/{request_id}/items", response=DeliveryOut, auth=bearer)
def add_delivery_items(request, request_id: int, payload: DeliveryItemsIn):
    """Fulfil a request with catalog items (district or commission staff)."""
    d = delivery.add_delivery_items(
        actor=request.auth,
        request_id=request_id,
        resource_ids=payload.course_ids,
        note=payload.note,
    )
    return delivery_out(d)


@router.post("/deliveries/{request_id}/fulfil", response=DeliveryOut, auth=bearer)
def fulfil_delivery(request, request_id: int, payload: DeliveryNoteIn):
    """Mark a request fulfilled."""
    return delivery_out(
        delivery.fulfil_delivery(actor=request.auth, request_id=request_id, note=payload.note)
    )


@router.post("/deliveries/{request_id}/cancel", response=DeliveryOut, auth=bearer)
def cancel_delivery(request, request_id: int, payload: DeliveryNoteIn):
    """Withdraw one's own request."""
    return delivery_out(
        delivery.cancel_delivery(actor=request.auth, request_id=request_id, note=payload.note)
    )
