"""The JSON API at /api/v1: one NinjaAPI, every domain's router, and the error shape
`{"error": {"code", "message", "fields"}}` for every 4xx."""

from __future__ import annotations

import functools
import importlib
import json

from django.apps import apps as django_apps
from django.db import DataError
from django.http import Http404
from django.urls import URLPattern, URLResolver, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from lifelong import __doc__ as _product
from lifelong.identity.endpoints import router as identity_router
from lifelong.identity.endpoints_privacy import router as privacy_router
from lifelong.identity.endpoints_verification import router as verification_router
from lifelong.shared.errors import DomainError, Invalid


class MalformedBody(Exception):
    pass


class StrictJSONParser(Parser):
    def parse_body(self, request):
        try:
            data = json.loads(request.body or b"{}")
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise MalformedBody(str(exc)) from None
        if _has_nul(data):
            raise Invalid(NUL_MESSAGE, fields={"body": NUL_MESSAGE})
        return data


# No text column of ours may hold a NUL character (PostgreSQL refuses it outright), so input
# carrying one is invalid wherever it appears.
NUL_MESSAGE = "输入含有不允许的控制字符 / The input contains a forbidden control character"


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class LifelongAPI(NinjaAPI):
    """Gives the error shape to two answers that never reach an exception handler: django-ninja
    answers a method a path does not offer with a plain-text 405, so every view it routes is
    wrapped; and a path under /api/v1/ that no router has would fall through to Django, whose
    CSRF check refuses a POST there with an HTML 403, so a last, CSRF-exempt pattern answers
    every such path with a 404."""

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = _shape_method_not_allowed(pattern.callback)
        patterns.append(re_path(r"^.*$", _unknown_path))
        return patterns, app_name, namespace


api = LifelongAPI(
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


def _shape_method_not_allowed(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if "\x00" in request.path or any(
            _has_nul(k) or _has_nul(vs) for k, vs in request.GET.lists()
        ):
            return error_response(request, 422, "invalid", NUL_MESSAGE, {"query": NUL_MESSAGE})
        response = view(request, *args, **kwargs)
        if response.status_code != 405 or response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return response
        shaped = error_response(
            request, 405, "method_not_allowed", "不支持该请求方法 / Method not allowed"
        )
        shaped["Allow"] = response.get("Allow", "")
        return shaped

    return wrapper


@csrf_exempt
def _unknown_path(request):
    return error_response(request, 404, "not_found", "找不到 / Not found")


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return error_response(request, exc.status, exc.code, exc.message, exc.fields)


@api.exception_handler(OverflowError)
def _overflow(request, exc):
    # A number too large for the database's integer columns (SQLite raises this while binding).
    return error_response(
        request, 422, "invalid", OUT_OF_RANGE_MESSAGE, {"query": OUT_OF_RANGE_MESSAGE}
    )


@api.exception_handler(DataError)
def _data_error(request, exc):
    # PostgreSQL refuses a value its column cannot hold (out of range, too long): input, not a bug.
    return error_response(request, 422, "invalid", OUT_OF_RANGE_MESSAGE, {})


OUT_OF_RANGE_MESSAGE = "数值超出允许范围 / A value is out of the allowed range"


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
        # django-ninja wraps whatever the body parser raised; a rule it broke keeps its answer.
        if isinstance(exc.__cause__, DomainError):
            return _domain_error(request, exc.__cause__)
        return _malformed(request, exc)
    return error_response(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error_response(request, 404, "not_found", "找不到 / Not found")


api.add_router("/", identity_router)
api.add_router("/", privacy_router)
api.add_router("/", verification_router)

# Each domain's HTTP endpoints live in its `endpoints.py` as a `router`.
for _app in django_apps.get_app_configs():
    if _app.name.startswith("lifelong.") and _app.name != "lifelong.identity":
        try:
            _module = importlib.import_module(f"{_app.name}.endpoints")
        except ModuleNotFoundError as exc:
            if exc.name != f"{_app.name}.endpoints":
                raise
            continue
        api.add_router("/", _module.router)
