"""Pages of the web shell: health, the home page and the display preferences. Sign-in lives in
`views_signin`, "my page" in `views_me`. Each view parses input, calls one function, renders."""

from __future__ import annotations

from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST, require_safe

from lifelong.identity import api as identity
from lifelong.portal.context_processors import (
    ELDER_COOKIE,
    ELDER_DEFAULT_TEXT_SIZE,
    TEXT_SIZE_COOKIE,
    TEXT_SIZES,
)
from lifelong.portal.web import english, safe_next, set_pref_cookie


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


@require_safe
def home(request):
    return render(
        request, "portal/home.html", {"districts": identity.districts(), "english": english()}
    )


@require_POST
def set_display(request):
    """Elder mode on/off and the text size, from the switches in every page's header."""
    response = HttpResponseRedirect(safe_next(request, "/"))
    if request.POST.get("elder") in ("0", "1"):
        elder = request.POST["elder"] == "1"
        set_pref_cookie(response, ELDER_COOKIE, "1" if elder else "0")
        set_pref_cookie(response, TEXT_SIZE_COOKIE, ELDER_DEFAULT_TEXT_SIZE if elder else "normal")
    if request.POST.get("text_size") in TEXT_SIZES:
        set_pref_cookie(response, TEXT_SIZE_COOKIE, request.POST["text_size"])
    return response
