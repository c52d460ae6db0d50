""" "My page" and what one does there about oneself: verify the account by SMS, grant and
withdraw consent, download one's data, end proxy relations. Each view parses the request,
calls one function of identity's api (or of the shared job kernel), and renders or
redirects; every change answers with a message on the page it returns to."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lifelong.identity import api as identity
from lifelong.portal.web import (
    ENTER_SMS_CODE,
    SIX_DIGITS,
    MessagePart,
    bilingual,
    english,
    error_status,
    form_error_from,
    typed_code,
)
from lifelong.shared.errors import Conflict, DomainError, Invalid, NotFound
from lifelong.shared.jobs import has_result, job_for_owner, job_percent, open_job_result
from lifelong.shared.models import Job

VERIFIED = "实名核验成功 / Your account is now verified"
CONSENT_GRANTED = "已记录您的同意 / Your consent has been recorded"
CONSENT_WITHDRAWN = "已撤回您的同意 / Your consent has been withdrawn"
CONSENT_CHOICE = "请选择同意或撤回 / Choose to consent or to withdraw"
PROXY_REVOKED = "代理关系已撤销 / The proxy relation has been revoked"
PROXY_NOT_IN_FORCE = "该代理关系已失效，无需撤销 / This proxy relation is no longer in force"
NO_SUCH_PROXY = "找不到该代理关系 / No such proxy relation"
NO_SUCH_EXPORT = "找不到该导出任务 / No such export"


@dataclass(frozen=True)
class ConsentRow:
    purpose: str
    label: list[MessagePart]
    granted: bool
    granted_at: dt.datetime | None
    withdrawn_at: dt.datetime | None


def _actor(request: HttpRequest) -> identity.Actor:
    return identity.actor_for_user(request.user)


@login_required
@require_safe
def me(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    profile = identity.profile_for_user(request.user)
    district = profile.district_name
    if district and english():
        names = {d.name: d.name_en for d in identity.districts()}
        district = names.get(district, district)
    page: dict[str, Any] = {
        "profile": profile,
        "district": district,
        "roles": [(identity.role_label(role), org) for role, org in profile.roles],
        "verification": identity.verification_status(actor),
        "has_person": actor.person_id is not None,
        # The authenticator app is a staff account's second factor; citizens need no link.
        "may_enrol_totp": bool(actor.grants_for(identity.TOTP_ROLES)),
    }
    if actor.person_id is not None:
        page["consents"] = [
            ConsentRow(c.purpose, bilingual(c.label), c.granted, c.granted_at, c.withdrawn_at)
            for c in identity.consents_of(actor)
        ]
        page["proxies"] = identity.proxy_relations_of(actor)
    return render(request, "portal/me.html", page)


# ---- verification by SMS --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def verify_by_sms(request: HttpRequest) -> HttpResponse:
    """Step "phone" sends a code to a number the gateway finds registered to the person's ID
    number; step "code" echoes it. Offered only to accounts not yet verified that have an ID
    number on record; anyone else sees their status and no form."""
    actor = _actor(request)
    status = identity.verification_status(actor)
    page: dict[str, Any] = {"status": status, "step": "phone", "phone": ""}
    http_status = 200
    if request.method == "POST" and status.can_verify_by_sms:
        if request.POST.get("step") == "code":
            page["step"] = "code"
            code = typed_code(request.POST.get("code"))
            try:
                if not SIX_DIGITS.fullmatch(code):
                    raise Invalid(ENTER_SMS_CODE, fields={"code": ENTER_SMS_CODE})
                identity.confirm_sms_verification(actor, code)
            except DomainError as exc:
                page["error"], http_status = form_error_from(exc, "code"), error_status(exc)
            else:
                messages.success(request, VERIFIED)
                return HttpResponseRedirect(reverse("portal:me"))
        else:
            page["phone"] = phone = request.POST.get("phone", "").strip()
            try:
                sent = identity.start_sms_verification(actor, phone)
            except DomainError as exc:
                page["error"], http_status = form_error_from(exc, "phone"), error_status(exc)
            else:
                page["step"], page["notice"] = "code", bilingual(sent.message)
    return render(request, "portal/verify.html", page, status=http_status)


# ---- consent --------------------------------------------------------------------------------


@login_required
@require_POST
def set_consent(request: HttpRequest) -> HttpResponse:
    choice = request.POST.get("granted")
    if choice not in ("0", "1"):
        messages.error(request, CONSENT_CHOICE)
    else:
        granted = choice == "1"
        try:
            identity.set_consent(_actor(request), request.POST.get("purpose", ""), granted)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, CONSENT_GRANTED if granted else CONSENT_WITHDRAWN)
    return HttpResponseRedirect(reverse("portal:me") + "#consents-title")


# ---- "download my data" ---------------------------------------------------------------------


@login_required
@require_POST
def start_export(request: HttpRequest) -> HttpResponse:
    try:
        job_id = identity.start_data_export(_actor(request))
    except DomainError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("portal:me") + "#export-title")
    return HttpResponseRedirect(reverse("portal:export_progress", args=[job_id]))


def _own_export(request: HttpRequest, job_id: UUID) -> Job:
    """The export job if the signed-in user started it; 404 otherwise, as if it did not
    exist (another person's job, or a job of another kind)."""
    try:
        job = job_for_owner(job_id, str(request.user.pk))
    except NotFound:
        raise Http404(NO_SUCH_EXPORT) from None
    if job.kind != identity.DATA_EXPORT_JOB_KIND:
        raise Http404(NO_SUCH_EXPORT)
    return job


@dataclass(frozen=True)
class ExportProgress:
    id: str
    status: str
    status_label: str
    percent: int
    message: list[MessagePart]
    finished: bool
    downloadable: bool
    download_url: str
    progress_url: str


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@never_cache
@require_safe
def export_progress(request: HttpRequest, job_id: UUID) -> HttpResponse:
    """The export's progress as a page; htmx asks again every 2 s for the fragment alone,
    until a fragment without the polling trigger (finished or failed) replaces it."""
    if not request.user.is_authenticated:
        if _htmx(request):
            # The request follows a redirect by itself and would put the whole login page
            # inside the fragment; HX-Redirect makes htmx load it as the page instead.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = redirect_to_login(request.get_full_path())["Location"]
            return response
        return redirect_to_login(request.get_full_path())
    job = _own_export(request, job_id)
    progress = ExportProgress(
        id=str(job.pk),
        status=job.status,
        status_label=str(Job.Status(job.status).label),
        percent=job_percent(job),
        message=bilingual(job.message) if job.message else [],
        finished=job.status in (Job.Status.SUCCEEDED, Job.Status.FAILED),
        downloadable=has_result(job),
        download_url=reverse("portal:export_download", args=[job.pk]),
        progress_url=reverse("portal:export_progress", args=[job.pk]),
    )
    template = "portal/_export_progress.html" if _htmx(request) else "portal/export_progress.html"
    response = render(request, template, {"job": progress})
    patch_vary_headers(response, ["HX-Request"])
    return response


@never_cache
@login_required
@require_safe
def export_download(request: HttpRequest, job_id: UUID) -> HttpResponseBase:
    """The ZIP, for the person who asked for it only; served from private storage."""
    job = _own_export(request, job_id)
    try:
        result = open_job_result(job.pk, str(request.user.pk))
    except NotFound:
        raise Http404(NO_SUCH_EXPORT) from None
    except Conflict:
        return HttpResponseRedirect(reverse("portal:export_progress", args=[job.pk]))
    return FileResponse(
        result.file, as_attachment=True, filename=result.name, content_type=result.content_type
    )


# ---- proxy relations ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def revoke_proxy(request: HttpRequest, proxy_id: int) -> HttpResponse:
    """GET asks to confirm (ending a relation cannot be undone here); POST ends it."""
    actor = _actor(request)
    if request.method == "POST":
        try:
            identity.revoke_proxy_relation(actor, proxy_id)
        except NotFound:
            raise Http404(NO_SUCH_PROXY) from None
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, PROXY_REVOKED)
        return HttpResponseRedirect(reverse("portal:me") + "#proxies-title")
    relations = identity.proxy_relations_of(actor)
    proxy = next(
        (p for p in [*relations.as_principal, *relations.as_agent] if p.id == proxy_id), None
    )
    if proxy is None:
        raise Http404(NO_SUCH_PROXY)
    if not proxy.revocable:
        messages.error(request, PROXY_NOT_IN_FORCE)
        return HttpResponseRedirect(reverse("portal:me") + "#proxies-title")
    return render(request, "portal/revoke_proxy.html", {"proxy": proxy})
