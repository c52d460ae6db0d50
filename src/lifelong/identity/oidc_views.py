"""The two pages of the city's unified login: the redirect to the provider and its callback.
Each parses the request, calls one function of `identity.oidc`, and redirects or answers."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.html import format_html
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lifelong.identity import oidc
from lifelong.shared.errors import DomainError, NotFound


@never_cache
@require_GET
def oidc_login(request):
    try:
        url = oidc.authorization_url(
            request.session, next_url=oidc.safe_next_url(request, request.GET.get("next", ""))
        )
    except NotFound:
        raise Http404("city login not configured") from None
    return HttpResponseRedirect(url)


@never_cache
@require_GET
def oidc_callback(request):
    try:
        outcome = oidc.complete(request.session, request.GET)
    except NotFound:
        raise Http404("city login not configured") from None
    except DomainError as exc:
        page = format_html(
            '<!doctype html><html lang="zh-hans"><meta charset="utf-8">'
            "<title>统一身份认证 · Lifelong</title>"
            '<main><h1>统一身份认证登录失败 / City login failed</h1><p role="alert">{}</p>'
            '<p><a href="{}">返回登录 / Back to sign-in</a></p></main></html>',
            exc.message,
            resolve_url(settings.LOGIN_URL),
        )
        return HttpResponse(page, status=exc.status)
    login(request, outcome.user, backend=settings.AUTHENTICATION_BACKENDS[0])
    return HttpResponseRedirect(
        oidc.safe_next_url(request, outcome.next_url) or resolve_url(settings.LOGIN_REDIRECT_URL)
    )
