"""The JSON API at /api/v1: one NinjaAPI, every domain's router, and the error shape
`{"error": {"code", "message", "fields"}}` for every 4xx."""

from __future__ import annotations

import json

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from lifelong import __doc__ as _product
from lifelong.identity.endpoints import router as identity_router
from lifelong.shared.errors import DomainError


class MalformedBody(Exception):
    pass


class StrictJSONParser(Parser):
    def parse_body(self, request):
        try:
            return json.loads(request.body or b"{}")
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise MalformedBody(str(exc)) from None


api = NinjaAPI(
    title="Lifelong API",
    version="1",
    description=_product or "",
    urls_namespace="api",
    parser=StrictJSONParser(),
)


def error_response(request, status: int, code: str, message: str, fields: dict | None = None):
    return api.create_response(
        request,
        {"error": {"code": code, "message": message, "fields": fields or {}}},
        status=status,
    )


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return error_response(request, exc.status, exc.code, exc.message, exc.fields)


@api.exception_handler(MalformedBody)
def _malformed(request, exc):
    return error_response(
        request, 400, "malformed_body", "请求体不是有效的 JSON / The body is not valid JSON"
    )


def _field_name(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path", "filters")]
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def _validation(request, exc: ValidationError):
    fields: dict[str, str] = {}
    for err in exc.errors:
        if err.get("type") == "json_invalid":
            return _malformed(request, exc)
        fields.setdefault(_field_name(err.get("loc", ())), err.get("msg", "invalid"))
    return error_response(request, 422, "invalid", "输入有误 / Some fields are invalid", fields)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    response = error_response(
        request, 401, "unauthenticated", "需要有效的令牌 / A valid bearer token is required"
    )
    response["WWW-Authenticate"] = 'Bearer realm="lifelong"'
    return response


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if exc.status_code == 400:
        return _malformed(request, exc)
    return error_response(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error_response(request, 404, "not_found", "找不到 / Not found")


api.add_router("/", identity_router)
