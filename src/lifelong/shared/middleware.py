"""Middleware of the kernel: security headers and the request context."""

from __future__ import annotations

from django.conf import settings

from lifelong.shared import context
from lifelong.shared.client_address import client_address

# The interactive API docs page loads its own bundled scripts and styles inline.
_RELAXED_CSP_PREFIXES = ("/api/v1/docs",)


def security_headers(get_response):
    def middleware(request):
        response = get_response(request)
        if not request.path.startswith(_RELAXED_CSP_PREFIXES):
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "geolocation=(self), camera=(), microphone=()"
        )
        return response

    return middleware


def request_context(get_response):
    def middleware(request):
        token = context.set_client_ip(client_address(request))
        try:
            return get_response(request)
        finally:
            context.reset_client_ip(token)

    return middleware
