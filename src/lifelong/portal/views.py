"""Pages of the web shell. Each view parses input, calls one function, renders."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lifelong.identity import api as identity
from lifelong.portal.context_processors import (
    ELDER_COOKIE,
    ELDER_DEFAULT_TEXT_SIZE,
    TEXT_SIZE_COOKIE,
    TEXT_SIZES,
    html_lang,
    text_size_from,
)
from lifelong.shared import context
from lifelong.shared.errors import DomainError

ONE_YEAR = 365 * 24 * 3600


@require_safe
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception:  # noqa: BLE001 - any database failure means "not ok"
        database = "error"
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {"status": "ok" if database == "ok" else "degraded", "database": database}, status=status
    )


def _english() -> bool:
    return html_lang(get_language()) == "en"


@require_safe
def home(request):
    return render(
        request, "portal/home.html", {"districts": identity.districts(), "english": _english()}
    )


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@dataclass(frozen=True)
class MessagePart:
    lang: str
    text: str


def _bilingual(message: str) -> list[MessagePart]:
    """Domain errors read "中文 / English"; show the reader's language first and mark each
    part's language so a screen reader speaks it with the right voice."""
    chinese, separator, english = message.partition(" / ")
    if not separator:
        return [MessagePart(lang="", text=message)]
    parts = [MessagePart(lang="zh-CN", text=chinese), MessagePart(lang="en", text=english)]
    return parts[::-1] if _english() else parts


def _set_cookie(response: HttpResponse, name: str, value: str) -> None:
    response.set_cookie(
        name,
        value,
        max_age=ONE_YEAR,
        samesite="Lax",
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    error: DomainError | None = None
    username = ""
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        try:
            user = identity.check_credentials(
                username=username, password=request.POST.get("password", ""), ip=context.client_ip()
            )
        except DomainError as exc:
            error = exc
        else:
            login(request, user)
            response = HttpResponseRedirect(_safe_next(request, "/me/"))
            if identity.prefers_elder_mode(user):
                _set_cookie(response, ELDER_COOKIE, "1")
                if text_size_from(request.COOKIES) == "normal":
                    _set_cookie(response, TEXT_SIZE_COOKIE, ELDER_DEFAULT_TEXT_SIZE)
            return response
    return render(
        request,
        "portal/login.html",
        {
            "error": _bilingual(error.message) if error else None,
            "username": username,
            "next": _safe_next(request, ""),
        },
        status=_login_failure_status(error) if error else 200,
    )


def _login_failure_status(error: DomainError) -> int:
    # A 401 must carry a WWW-Authenticate challenge, which a sign-in form cannot answer; a
    # lockout keeps its 429 so that monitoring sees it.
    return 200 if error.status == 401 else error.status


@require_POST
def logout_view(request):
    logout(request)
    return HttpResponseRedirect("/")


@login_required
@require_safe
def me(request):
    profile = identity.profile_for_user(request.user)
    district = profile.district_name
    if district and _english():
        names = {d.name: d.name_en for d in identity.districts()}
        district = names.get(district, district)
    return render(
        request,
        "portal/me.html",
        {
            "profile": profile,
            "district": district,
            "roles": [(identity.role_label(role), org) for role, org in profile.roles],
        },
    )


@require_POST
def set_display(request):
    """Elder mode on/off and the text size, from the switches in every page's header."""
    response = HttpResponseRedirect(_safe_next(request, "/"))
    if request.POST.get("elder") in ("0", "1"):
        elder = request.POST["elder"] == "1"
        _set_cookie(response, ELDER_COOKIE, "1" if elder else "0")
        _set_cookie(response, TEXT_SIZE_COOKIE, ELDER_DEFAULT_TEXT_SIZE if elder else "normal")
    if request.POST.get("text_size") in TEXT_SIZES:
        _set_cookie(response, TEXT_SIZE_COOKIE, request.POST["text_size"])
    return response
