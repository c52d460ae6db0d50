"""Pages of the learning cloud: /learn/ (search and browse), the course page, the player,
my learning, live classes. Plain forms and links throughout, so every step works without
JavaScript; the player's script only adds resume positions for recordings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from lifelong.catalog import access, certificate, selectors
from lifelong.catalog.models import AUDIENCES, Audience, Kind, UnitKind
from lifelong.catalog.services import incentives, learning
from lifelong.identity import api as identity
from lifelong.shared.errors import DomainError

PAGE_SIZE = 20
# The facets in the order they are offered, each named as its filter's label is.
FACET_LABELS = {
    "category": gettext_lazy("分类"),
    "format": gettext_lazy("形式"),
    "audience": gettext_lazy("适合人群"),
    "district": gettext_lazy("区"),
}


def _actor(request):
    return identity.actor_for_user(request.user)


def _int(value, default: int | None = None) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _choice(value: str | None, allowed) -> str | None:
    return value if value in allowed else None


@require_GET
def learn(request):
    """Search and browse: a query, four filters, facets as links, pages."""
    q = (request.GET.get("q") or "").strip()[:100]
    categories = selectors.list_categories()
    districts = identity.districts()
    filters = {
        "category": _choice(request.GET.get("category"), {c.code for c in categories}),
        "audience": _choice(request.GET.get("audience"), AUDIENCES),
        "district": _choice(request.GET.get("district"), {d.code for d in districts}),
        "format": _choice(request.GET.get("format"), Kind.values),
    }
    senior = request.GET.get("senior_mooc") == "1"
    upcoming = request.GET.get("upcoming") == "1"
    page = max(1, min(_int(request.GET.get("page"), 1) or 1, 10_000))
    result = selectors.search_resources(
        q=q, senior_mooc=senior, upcoming=upcoming, page=page, page_size=PAGE_SIZE, **filters
    )
    for item in result.items:
        item.title_safe = mark_safe(item.title_html)  # noqa: S308 - escaped by search.highlight
        item.summary_safe = mark_safe(item.summary_html)  # noqa: S308
    base = {k: v for k, v in {"q": q, **filters}.items() if v}
    if senior:
        base["senior_mooc"] = "1"
    if upcoming:
        base["upcoming"] = "1"
    from urllib.parse import urlencode

    def link(**change) -> str:
        params = {**base, **change}
        params.pop("page", None) if "page" not in change else None
        return "?" + urlencode({k: v for k, v in params.items() if v})

    facet_links = [
        (
            label,
            [
                (v, link(**{dim: v.key}), base.get(dim) == v.key)
                for v in getattr(result.facets, dim)
            ],
        )
        for dim, label in FACET_LABELS.items()
    ]
    return render(
        request,
        "catalog/learn.html",
        {
            "q": q,
            "result": result,
            "filters": filters,
            "categories": categories,
            "districts": districts,
            "formats": Kind.choices,
            "audiences": Audience.choices,
            "facet_links": facet_links,
            "senior": senior,
            "upcoming": upcoming,
            "upcoming_link": link(upcoming="1"),
            "prev_link": link(page=str(result.page - 1)) if result.page > 1 else None,
            "next_link": link(page=str(result.page + 1)) if result.page < result.pages else None,
            "clear_link": "?" + urlencode({"q": q}) if q else "?",
        },
    )


def _course_context(request, course_id: int) -> dict:
    actor = _actor(request)
    resource = access.access_resource_by_id(actor, course_id)
    enrolment = selectors.enrolment_of(actor, resource)
    units = selectors.resource_units(resource)
    progress = selectors.unit_progress_map(enrolment)
    rows = [(u, progress.get(u.pk)) for u in units]
    next_unit = next(
        (u for u, p in rows if not (p and p.completed_at)), units[0] if units else None
    )
    certificate_id = (
        selectors.certificates_by_enrolment([enrolment.pk]).get(enrolment.pk) if enrolment else None
    )
    return {
        "resource": resource,
        "enrolment": enrolment,
        "rows": rows,
        "next_unit": next_unit,
        "certificate_id": certificate_id,
        "is_person": bool(actor.person_id),
        "live_open": selectors.live_attendance_open(resource),
    }


def _error_page(request, exc: DomainError):
    return render(request, "catalog/error.html", {"error": exc}, status=exc.status)


@require_GET
def course(request, course_id: int):
    try:
        context = _course_context(request, course_id)
    except DomainError as exc:
        return _error_page(request, exc)
    return render(request, "catalog/course.html", context)


@login_required
@require_POST
def enrol(request, course_id: int):
    try:
        enrolment, created = learning.enrol_person(actor=_actor(request), resource_id=course_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, gettext("报名成功") if created else gettext("您已报名"))
    return HttpResponseRedirect(reverse("catalog:course", args=[course_id]))


@login_required
@require_POST
def attend(request, course_id: int):
    try:
        learning.attend_live(actor=_actor(request), resource_id=course_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, gettext("签到成功，获得积分"))
    return HttpResponseRedirect(reverse("catalog:course", args=[course_id]))


@login_required
@require_GET
def player(request, course_id: int, unit_id: int):
    try:
        context = _course_context(request, course_id)
    except DomainError as exc:
        return _error_page(request, exc)
    if context["enrolment"] is None:
        messages.info(request, gettext("请先报名"))
        return HttpResponseRedirect(reverse("catalog:course", args=[course_id]))
    units = [u for u, _ in context["rows"]]
    unit = next((u for u in units if u.pk == unit_id), None)
    if unit is None:
        return _error_page(request, access.NotFound("找不到该单元 / No such unit"))
    index = units.index(unit)
    progress = dict((u.pk, p) for u, p in context["rows"]).get(unit.pk)
    context.update(
        {
            "unit": unit,
            "progress": progress,
            "previous_unit": units[index - 1] if index > 0 else None,
            "following_unit": units[index + 1] if index + 1 < len(units) else None,
            "is_media": unit.kind in (UnitKind.VIDEO, UnitKind.AUDIO) and unit.media_url,
            "paragraphs": [p for p in unit.body.split("\n") if p.strip()],
            "questions": list(enumerate(unit.questions)),
        }
    )
    return render(request, "catalog/player.html", context)


@login_required
@require_POST
def unit_progress(request, course_id: int, unit_id: int):
    """The player's "done" button, and the script's periodic resume-position saves."""
    fetch = request.headers.get("X-Requested-With") == "fetch"
    try:
        enrolment = selectors.enrolment_of(
            _actor(request), access.access_resource_by_id(_actor(request), course_id)
        )
        if enrolment is None:
            raise access.NotFound("请先报名 / Enrol first")
        row = learning.record_progress(
            actor=_actor(request),
            enrolment_id=enrolment.pk,
            unit_id=unit_id,
            position_seconds=max(
                0, min(_int(request.POST.get("position_seconds"), 0) or 0, 86_400)
            ),
            completed=request.POST.get("completed") == "1",
        )
    except DomainError as exc:
        if fetch:
            return JsonResponse(
                {"error": {"code": exc.code, "message": exc.message}}, status=exc.status
            )
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("catalog:course", args=[course_id]))
    if fetch:
        return JsonResponse({"percent": row.percent, "completed": row.completed_at is not None})
    if row.completed_at:
        messages.success(request, gettext("本单元已完成，获得积分"))
    return HttpResponseRedirect(_after_unit(course_id, unit_id))


def _after_unit(course_id: int, unit_id: int) -> str:
    return reverse("catalog:course", args=[course_id]) + f"#unit-{unit_id}"


@login_required
@require_POST
def quiz(request, course_id: int, unit_id: int):
    actor = _actor(request)
    try:
        enrolment = selectors.enrolment_of(actor, access.access_resource_by_id(actor, course_id))
        if enrolment is None:
            raise access.NotFound("请先报名 / Enrol first")
        count = len(request.POST.getlist("qids"))
        answers = [_int(request.POST.get(f"q{i}"), -1) for i in range(min(count, 100))]
        _, score, passed = learning.submit_quiz(
            actor=actor,
            enrolment_id=enrolment.pk,
            unit_id=unit_id,
            answers=[a for a in answers if a is not None],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("catalog:player", args=[course_id, unit_id]))
    if passed:
        messages.success(request, gettext("得分 %(score)s，测验通过") % {"score": score})
        return HttpResponseRedirect(_after_unit(course_id, unit_id))
    messages.error(request, gettext("得分 %(score)s，未通过，请再试一次") % {"score": score})
    return HttpResponseRedirect(reverse("catalog:player", args=[course_id, unit_id]))


@login_required
@require_GET
def my_learning(request):
    actor = _actor(request)
    if not actor.person_id:
        return render(request, "catalog/my.html", {"no_person": True})
    enrolments = selectors.my_learning(actor)
    certificates = selectors.certificates_by_enrolment([e.pk for e in enrolments])
    for e in enrolments:
        e.certificate_id = certificates.get(e.pk)
    points = selectors.points_summary(actor, limit=10)
    return render(
        request,
        "catalog/my.html",
        {
            "active": [e for e in enrolments if e.state == "active"],
            "completed": [e for e in enrolments if e.state == "completed"],
            "points": points,
        },
    )


@login_required
@require_POST
def leaderboard_opt_in(request):
    try:
        incentives.set_leaderboard_opt_in(
            actor=_actor(request), opted_in=request.POST.get("opted_in") == "1"
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, gettext("设置已保存"))
    return HttpResponseRedirect(reverse("catalog:my"))


@login_required
@require_GET
def certificate_pdf(request, enrolment_id: int):
    try:
        pdf, name = certificate.certificate_pdf_for(_actor(request), enrolment_id)
    except DomainError as exc:
        return _error_page(request, exc)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@require_GET
def live(request):
    return render(request, "catalog/live.html", {"classes": selectors.upcoming_live()})
