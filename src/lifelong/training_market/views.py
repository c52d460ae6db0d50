"""Pages of the training market: the public look-up and institution page (no login), the
complaint form and its progress, the regulators' complaint and risk lists, and the parents'
view of their children's contracts with the refund request. Plain HTML forms: everything works
without JavaScript and in elder mode."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lifelong.identity import api as identity
from lifelong.shared.errors import DomainError, Forbidden, NotFound, Unauthenticated
from lifelong.training_market import access
from lifelong.training_market.common import CONTROL_MESSAGE, control_characters_in
from lifelong.training_market.language import english, in_language
from lifelong.training_market.models import (
    Category,
    ComplaintAction,
    ComplaintCategory,
    ComplaintStatus,
)
from lifelong.training_market.money import yuan_str
from lifelong.training_market.pdf import contract_pdf
from lifelong.training_market.selectors import complaints as complaint_reads
from lifelong.training_market.selectors import contracts as contract_reads
from lifelong.training_market.selectors import registry as registry_reads
from lifelong.training_market.selectors import risk as risk_reads
from lifelong.training_market.services import complaints, money
from lifelong.training_market.services.complaints import TRANSITIONS, overdue


def page(view):
    """A page view: NotFound becomes the site's 404 page; no login sends to the login page;
    a role that may not see the page gets a 403 page; a control character in the query or
    the form is a 422 page before the view runs."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if control_characters_in(request):
            return render(
                request,
                "training_market/forbidden.html",
                {"message": CONTROL_MESSAGE, "title": _("无法完成")},
                status=422,
            )
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None
        except Unauthenticated:
            return redirect_to_login(request.get_full_path())
        except Forbidden as exc:
            return render(
                request, "training_market/forbidden.html", {"message": exc.message}, status=403
            )
        except DomainError as exc:
            return render(
                request,
                "training_market/forbidden.html",
                {"message": exc.message, "title": _("无法完成")},
                status=exc.status,
            )

    return wrapper


def _actor(request) -> identity.Actor:
    return identity.actor_for_user(request.user)


def _error_text(exc: DomainError) -> str:
    """What a refused form shows: each field's complaint (else the message), in the reader's
    language."""
    parts = [in_language(m) for m in exc.fields.values()] if exc.fields else []
    return ("; " if english() else "；").join(parts) if parts else in_language(exc.message)


@page
def look_up_page(request):
    q = (request.GET.get("q") or "").strip()[:100]
    district = (request.GET.get("district") or "").strip()[:12]
    category = (request.GET.get("category") or "").strip()[:24]
    try:
        number = max(1, min(int(request.GET.get("page") or 1), 100_000))
    except ValueError:
        number = 1
    result = registry_reads.look_up_institutions(
        q=q, district_code=district or None, category=category or None, page=number, page_size=20
    )
    pages = (result.count + result.page_size - 1) // result.page_size
    return render(
        request,
        "training_market/look_up.html",
        {
            "q": q,
            "district": district,
            "category": category,
            "districts": identity.districts(),
            "categories": Category.choices,
            "result": result,
            "pages": pages,
            "prev_page": result.page - 1 if result.page > 1 else None,
            "next_page": result.page + 1 if result.page < pages else None,
        },
    )


@page
def institution_page(request, institution_id: int):
    detail = registry_reads.public_institution(institution_id)
    return render(
        request, "training_market/institution.html", {"d": detail, "i": detail.institution}
    )


@page
@require_http_methods(["GET", "POST"])
def complaint_form(request, institution_id: int):
    detail = registry_reads.public_institution(institution_id)
    actor = _actor(request)
    access.signed_in(actor)
    values = {"category": "", "description": "", "contact_phone": ""}
    error = None
    if request.method == "POST":
        values = {k: (request.POST.get(k) or "").strip() for k in values}
        try:
            complaint = complaints.file_complaint(
                actor=actor, institution_id=institution_id, **values
            )
        except DomainError as exc:
            error = _error_text(exc)
        else:
            messages.success(request, _("投诉已提交，可在本页查看办理进度。"))
            return HttpResponseRedirect(reverse("training_market:complaint", args=[complaint.pk]))
    return render(
        request,
        "training_market/complaint_form.html",
        {
            "i": detail.institution,
            "values": values,
            "error": error,
            "categories": ComplaintCategory.choices,
        },
        status=422 if error else 200,
    )


@page
def complaints_page(request):
    actor = _actor(request)
    access.signed_in(actor)
    supervisor = bool(actor.grants_for(access.SUPERVISOR_ROLES))
    status = request.GET.get("status") or None
    if status not in ComplaintStatus.values:
        status = None
    result = complaint_reads.list_complaints(
        actor=actor, status=status, mine=not supervisor, page=1, page_size=100
    )
    rows = [(c, overdue(c)) for c in result.items]
    return render(
        request,
        "training_market/complaints.html",
        {
            "rows": rows,
            "count": result.count,
            "supervisor": supervisor,
            "status": status or "",
            "statuses": ComplaintStatus.choices,
        },
    )


@page
@require_http_methods(["GET", "POST"])
def complaint_page(request, complaint_id: int):
    actor = _actor(request)
    complaint, events = complaint_reads.complaint_with_events(
        actor=actor, complaint_id=complaint_id
    )
    error = None
    if request.method == "POST":
        try:
            complaints.handle_complaint(
                actor=actor,
                complaint_id=complaint.pk,
                action=request.POST.get("action") or "",
                note=(request.POST.get("note") or "").strip(),
            )
        except DomainError as exc:
            error = _error_text(exc)
        else:
            messages.success(request, _("已更新投诉状态。"))
            return HttpResponseRedirect(reverse("training_market:complaint", args=[complaint.pk]))
    can_handle = actor.grants_for(access.ENFORCER_ROLES) and any(
        g.city_wide or (g.region_prefix and complaint.district_id.startswith(g.region_prefix))
        for g in actor.grants_for(access.ENFORCER_ROLES)
    )
    labels = dict(ComplaintAction.choices)
    actions = [(a, labels[a]) for a in TRANSITIONS[complaint.status]] if can_handle else []
    return render(
        request,
        "training_market/complaint.html",
        {
            "c": complaint,
            "events": events,
            "overdue": overdue(complaint),
            "actions": actions,
            "error": error,
        },
        status=422 if error else 200,
    )


@page
def risk_page(request):
    actor = _actor(request)
    alerts = risk_reads.risk_alerts(actor=actor, min_score=risk_reads.MEDIUM)
    return render(request, "training_market/risk.html", {"alerts": alerts})


@page
def family_page(request):
    actor = _actor(request)
    items = contract_reads.family_contracts(actor=actor)
    return render(request, "training_market/family.html", {"items": items, "yuan": yuan_str})


@page
@require_POST
def refund_form(request, contract_id):
    actor = _actor(request)
    amount = (request.POST.get("amount") or "").strip()
    try:
        money.request_refund(
            actor=actor,
            contract_id=contract_id,
            amount=amount,
            reason=(request.POST.get("reason") or "").strip(),
        )
    except (Forbidden, NotFound):
        raise
    except DomainError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("退费申请已提交，银行到账后会通知您。"))
    return HttpResponseRedirect(reverse("training_market:family") + f"#contract-{contract_id}")


@page
def contract_pdf_page(request, contract_id):
    contract, _balance = contract_reads.contract_balance(
        actor=_actor(request), contract_id=contract_id
    )
    response = HttpResponse(contract_pdf(contract), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{contract.number}.pdf"'
    return response
