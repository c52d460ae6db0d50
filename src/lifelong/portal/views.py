"""Pages of the web shell. Each view parses input, calls one function, renders."""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from lifelong.identity import api as identity
from lifelong.portal.context_processors import ELDER_COOKIE, TEXT_SIZE_COOKIE, TEXT_SIZES
from lifelong.shared import context
from lifelong.shared.errors import DomainError

ONE_YEAR = 365 * 24 * 3600


@require_GET
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


def home(request):
    return render(request, "portal/home.html", {"districts": identity.districts()})


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def login_view(request):
    error = None
    if request.method == "POST":
        try:
            user = identity.check_credentials(
                username=request.POST.get("username", ""),
                password=request.POST.get("password", ""),
                ip=context.client_ip(),
            )
        except DomainError as exc:
            error = exc.message
        else:
            login(request, user)
            response = HttpResponseRedirect(_safe_next(request, "/me/"))
            if identity.prefers_elder_mode(user):
                response.set_cookie(ELDER_COOKIE, "1", max_age=ONE_YEAR, samesite="Lax")
            return response
    status = 401 if error else 200
    return render(
        request,
        "portal/login.html",
        {"error": error, "next": _safe_next(request, "")},
        status=status,
    )


@require_POST
def logout_view(request):
    logout(request)
    return HttpResponseRedirect("/")


@login_required
def me(request):
    return render(request, "portal/me.html", {"profile": identity.profile_for_user(request.user)})


@require_POST
def set_display(request):
    response = HttpResponseRedirect(_safe_next(request, "/"))
    if "elder" in request.POST:
        elder = request.POST["elder"] == "1"
        response.set_cookie(ELDER_COOKIE, "1" if elder else "0", max_age=ONE_YEAR, samesite="Lax")
        response.set_cookie(
            TEXT_SIZE_COOKIE, "large" if elder else "normal", max_age=ONE_YEAR, samesite="Lax"
        )
    if request.POST.get("text_size") in TEXT_SIZES:
        response.set_cookie(
            TEXT_SIZE_COOKIE, request.POST["text_size"], max_age=ONE_YEAR, samesite="Lax"
        )
    return response
