"""The xAPI 1.0.3 resources at /xapi/: Statements and About.

Plain Django views, because xAPI has its own error rules (400 for anything invalid, never 422).
Each request is first read into an `XapiRequest` — which also unpacks the alternate request
syntax of Part 3, 1.3 (a form POST with `?method=…` carrying headers, parameters and content) —
then checked for the version header, authenticated by HTTP Basic, and answered. Every
response carries `X-Experience-API-Version`; every Statements response carries
`X-Experience-API-Consistent-Through`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt

from lifelong.learning_records import formats, multipart, selectors, services
from lifelong.learning_records.access import (
    WWW_AUTHENTICATE,
    authenticate_client,
    require_read,
)
from lifelong.learning_records.models import LrsClient
from lifelong.learning_records.validation import (
    StatementInvalid,
    format_timestamp,
    parse_json,
    require_iri,
    require_timestamp,
    require_uuid,
    validate_agent_parameter,
)
from lifelong.learning_records.validation.typed import TypedStatements
from lifelong.learning_records.validation.typed import read_statements as read_typed_statements
from lifelong.shared.errors import DomainError, Invalid, NotFound

XAPI_VERSION = "1.0.3"
_VERSION_HEADER_RE = re.compile(r"^1\.0(\.\d+)?$")
_FORM_HEADERS = {
    "authorization": "authorization",
    "x-experience-api-version": "version",
    "content-type": "content_type",
    "content-length": "content_length",
    "if-match": "if_match",
    "if-none-match": "if_none_match",
}
GET_PARAMETERS = frozenset(
    {
        "statementId",
        "voidedStatementId",
        "agent",
        "verb",
        "activity",
        "registration",
        "related_activities",
        "related_agents",
        "since",
        "until",
        "limit",
        "format",
        "attachments",
        "ascending",
        "more",
    }
)
_SINGLE_STATEMENT_EXTRAS = frozenset({"attachments", "format"})
_BOOLEANS = {"true": True, "false": False}
_FORMATS = ("exact", "ids", "canonical")


class BadRequest(Invalid):
    """A request the specification calls invalid other than a statement's content."""

    def __init__(self, message: str):
        super().__init__(message, code="bad_request")


class MethodNotAllowed(DomainError):
    status = 405
    code = "method_not_allowed"

    def __init__(self, allowed: str):
        super().__init__(f"不支持该请求方法 / Method not allowed (use {allowed})")
        self.allowed = allowed


@dataclass
class XapiRequest:
    method: str
    params: dict[str, str]
    body: bytes
    content_type: str = ""
    authorization: str | None = None
    version: str | None = None
    accept_language: str | None = None

    @property
    def media_type(self) -> str:
        return self.content_type.split(";")[0].strip().lower()


def _single_values(pairs: list[tuple[str, list[str]]]) -> dict[str, str]:
    params: dict[str, str] = {}
    for name, values in pairs:
        if len(values) != 1:
            raise BadRequest(f"参数 {name} 重复 / Parameter {name} is given more than once")
        params[name] = values[0]
    return params


def read_request(request: HttpRequest) -> XapiRequest:
    """The request as xAPI sees it, the alternate syntax unpacked (Part 3, 1.3)."""
    try:
        body = request.body
    except RequestDataTooBig:
        raise services.TooLarge("请求过大 / The request is too large") from None
    query = _single_values(list(request.GET.lists()))
    if request.method == "POST" and "method" in query:
        return _read_alternate(request, query)
    # The headers straight from the WSGI environ: `request.headers` would first copy them all.
    meta = request.META
    return XapiRequest(
        method=request.method or "GET",
        params=query,
        body=body,
        content_type=meta.get("CONTENT_TYPE", ""),
        authorization=meta.get("HTTP_AUTHORIZATION"),
        version=meta.get("HTTP_X_EXPERIENCE_API_VERSION"),
        accept_language=meta.get("HTTP_ACCEPT_LANGUAGE"),
    )


def _read_alternate(request: HttpRequest, query: dict[str, str]) -> XapiRequest:
    if set(query) != {"method"}:
        raise BadRequest(
            "替代语法只允许 method 查询参数 / The alternate syntax allows only the method "
            "query parameter"
        )
    content_type = request.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise BadRequest(
            "替代语法须使用表单编码 / The alternate syntax needs application/x-www-form-urlencoded"
        )
    form = _single_values(list(request.POST.lists()))
    found: dict[str, str] = {}
    params: dict[str, str] = {}
    for name, value in form.items():
        header = _FORM_HEADERS.get(name.lower())
        if header:
            found[header] = value
        elif name != "content":
            params[name] = value
    return XapiRequest(
        method=query["method"].upper(),
        params=params,
        body=form.get("content", "").encode("utf-8"),
        # The content of a form is JSON unless the form says otherwise.
        content_type=found.get("content_type", "application/json"),
        authorization=found.get("authorization") or request.headers.get("Authorization"),
        version=found.get("version") or request.headers.get("X-Experience-API-Version"),
        accept_language=request.headers.get("Accept-Language"),
    )


def _check_version(xapi: XapiRequest) -> None:
    if not xapi.version:
        raise BadRequest(
            "缺少 X-Experience-API-Version 请求头 / The X-Experience-API-Version header is required"
        )
    if not _VERSION_HEADER_RE.match(xapi.version.strip()):
        raise BadRequest(
            f"不支持的 xAPI 版本 {xapi.version} / Unsupported xAPI version {xapi.version} "
            "(1.0.x only)"
        )


# ---- Responses -------------------------------------------------------------------------------


def _json(data: object, status: int = 200) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(body, status=status, content_type="application/json")


def _error(exc: DomainError) -> HttpResponse:
    status = 400 if isinstance(exc, Invalid) else exc.status
    response = _json(
        {"error": {"code": exc.code, "message": exc.message, "fields": exc.fields}}, status
    )
    if status == 401:
        response["WWW-Authenticate"] = WWW_AUTHENTICATE
    if isinstance(exc, MethodNotAllowed):
        response["Allow"] = exc.allowed
    return response


def _finish(response: HttpResponse, *, head: bool, consistent: bool) -> HttpResponse:
    response["X-Experience-API-Version"] = XAPI_VERSION
    if consistent:
        response["X-Experience-API-Consistent-Through"] = format_timestamp(
            selectors.consistent_through()
        )
    if head:
        response.content = b""
    return response


# ---- About ------------------------------------------------------------------------------------


@csrf_exempt
def about(request: HttpRequest) -> HttpResponse:
    """Open to all, whatever the version header (Part 3, 2.8)."""
    if request.method not in ("GET", "HEAD"):
        response = _error(MethodNotAllowed("GET, HEAD"))
    else:
        response = _json({"version": [XAPI_VERSION]})
    return _finish(response, head=request.method == "HEAD", consistent=False)


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Resources this store does not offer (the document resources among them)."""
    error = NotFound("找不到该资源 / No such xAPI resource")
    return _finish(_error(error), head=request.method == "HEAD", consistent=False)


# ---- Statements -------------------------------------------------------------------------------


@csrf_exempt
def statements(request: HttpRequest) -> HttpResponse:
    head = False
    try:
        xapi = read_request(request)
        head = xapi.method == "HEAD"
        _check_version(xapi)
        client = authenticate_client(xapi.authorization)
        if xapi.method in ("GET", "HEAD"):
            response = _get(xapi, client)
        elif xapi.method == "PUT":
            response = _put(xapi, client)
        elif xapi.method == "POST":
            response = _post(xapi, client)
        else:
            raise MethodNotAllowed("GET, HEAD, PUT, POST")
    except DomainError as exc:
        response = _error(exc)
    return _finish(response, head=head, consistent=True)


def _read_statements(xapi: XapiRequest) -> tuple[object, list[services.AttachmentPart]]:
    """The body as a statement or a list of them; or, for statements of the common shape,
    already checked (`TypedStatements`)."""
    if xapi.media_type == "multipart/mixed":
        document, parts = multipart.parse(xapi.body, xapi.content_type)
    elif xapi.media_type == "application/json":
        checked = read_typed_statements(xapi.body)
        if checked is not None:
            return checked, []
        document, parts = xapi.body, []
    else:
        raise BadRequest(
            "内容类型须为 application/json 或 multipart/mixed / Content-Type must be "
            "application/json or multipart/mixed"
        )
    try:
        return parse_json(document), parts
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("请求体不是有效的 JSON / The body is not valid JSON") from None


def _put(xapi: XapiRequest, client: LrsClient) -> HttpResponse:
    unknown = set(xapi.params) - {"statementId"}
    if unknown:
        raise BadRequest(f"PUT 不接受参数 {sorted(unknown)} / PUT does not take {sorted(unknown)}")
    if "statementId" not in xapi.params:
        raise BadRequest("PUT 须带 statementId 参数 / PUT needs the statementId parameter")
    statement_id = require_uuid(xapi.params["statementId"], "statementId")
    document, parts = _read_statements(xapi)
    if isinstance(document, TypedStatements) and document.single:
        checked = document.statements[0]  # valid, its id lowercase (UNSET when absent)
        given = checked.id or None
    elif isinstance(document, dict):
        given = require_uuid(document["id"], "statement.id") if "id" in document else None
    else:
        raise BadRequest("PUT 的内容须为一条语句 / PUT takes one statement object")
    if given is not None and given != statement_id:
        raise StatementInvalid(
            "statement.id", "与 statementId 参数不一致", "does not match statementId"
        )
    if isinstance(document, TypedStatements):
        checked.id = statement_id
        services.store_statements(client=client, statements=document, single=True)
    else:
        document["id"] = statement_id
        services.store_statements(
            client=client, statements=[document], single=True, attachments=parts
        )
    return HttpResponse(status=204)


def _post(xapi: XapiRequest, client: LrsClient) -> HttpResponse:
    if xapi.params:
        raise BadRequest(
            f"POST 不接受参数 {sorted(xapi.params)} / POST does not take {sorted(xapi.params)}"
        )
    document, parts = _read_statements(xapi)
    if isinstance(document, TypedStatements):
        ids = services.store_statements(client=client, statements=document, single=document.single)
    elif isinstance(document, dict):
        ids = services.store_statements(
            client=client, statements=[document], single=True, attachments=parts
        )
    elif isinstance(document, list):
        ids = services.store_statements(client=client, statements=document, attachments=parts)
    else:
        raise BadRequest("内容须为语句或语句数组 / Send a statement or an array of statements")
    return _json(ids)


def _boolean(params: dict[str, str], name: str) -> bool:
    if name not in params:
        return False
    value = _BOOLEANS.get(params[name])
    if value is None:
        raise BadRequest(f"参数 {name} 须为 true 或 false / {name} must be true or false")
    return value


def _get(xapi: XapiRequest, client: LrsClient) -> HttpResponse:
    require_read(client)
    params = xapi.params
    unknown = set(params) - GET_PARAMETERS
    if unknown:
        raise BadRequest(f"未知参数 {sorted(unknown)} / Unknown parameters {sorted(unknown)}")
    position = None
    if "more" in params:
        if len(params) != 1:
            raise BadRequest("more 参数不能与其他参数同用 / more takes no other parameters")
        try:
            params, position = selectors.read_cursor(params["more"])
        except ValueError:
            raise BadRequest("more 链接无效 / The more link is not valid") from None
    output_format = params.get("format", "exact")
    if output_format not in _FORMATS:
        raise BadRequest("format 须为 exact、ids 或 canonical / format: exact, ids or canonical")
    with_attachments = _boolean(params, "attachments")
    single = {"statementId", "voidedStatementId"} & set(params)
    if single:
        if len(single) == 2:
            raise BadRequest(
                "statementId 与 voidedStatementId 不能同用 / Use statementId or "
                "voidedStatementId, not both"
            )
        if set(params) - single - _SINGLE_STATEMENT_EXTRAS:
            raise BadRequest(
                "按 id 取语句时只能另带 attachments 与 format / With a statement id only "
                "attachments and format may be given"
            )
        name = single.pop()
        found = selectors.get_statement(
            require_uuid(params[name], name), voided=name == "voidedStatementId"
        )
        document = _render_one(found.payload, output_format, xapi.accept_language)
        response = _respond(document, [found.payload], with_attachments)
        response["Last-Modified"] = http_date(found.stored.timestamp())
        return response
    page = selectors.query_statements(_query(params, position))
    payloads = [s.payload for s in page.statements]
    if output_format == "exact":
        listed = ",".join(payloads)
    else:
        listed = ",".join(_render_one(p, output_format, xapi.accept_language) for p in payloads)
    more = ""
    if page.more:
        more = f"{reverse('learning_records:statements')}?more={page.more}"
    document = f'{{"statements":[{listed}],"more":{json.dumps(more)}}}'
    return _respond(document, payloads, with_attachments)


def _render_one(payload: str, output_format: str, accept_language: str | None) -> str:
    if output_format == "exact":
        return payload
    statement = json.loads(payload)
    if output_format == "ids":
        shaped = formats.to_ids(statement)
    else:
        shaped = formats.to_canonical(statement, accept_language)
    return json.dumps(shaped, ensure_ascii=False, separators=(",", ":"))


def _respond(document: str, payloads: list[str], with_attachments: bool) -> HttpResponse:
    if not with_attachments:
        return HttpResponse(document, content_type="application/json")
    held = selectors.attachments_for(payloads)
    body, content_type = multipart.render(
        document.encode("utf-8"),
        [(a.sha2, a.content_type, bytes(a.data)) for a in held],
    )
    return HttpResponse(body, content_type=content_type)


def _query(params: dict[str, str], position) -> selectors.StatementQuery:
    query = selectors.StatementQuery(params=dict(params), after=position)
    if "agent" in params:
        query.agent = validate_agent_parameter(params["agent"])
    if "verb" in params:
        query.verb = require_iri(params["verb"], "verb")
    if "activity" in params:
        query.activity = require_iri(params["activity"], "activity")
    if "registration" in params:
        query.registration = require_uuid(params["registration"], "registration")
    query.related_agents = _boolean(params, "related_agents")
    query.related_activities = _boolean(params, "related_activities")
    query.ascending = _boolean(params, "ascending")
    if "since" in params:
        query.since = require_timestamp(params["since"], "since")
    if "until" in params:
        query.until = require_timestamp(params["until"], "until")
    if "limit" in params:
        if not re.fullmatch(r"[0-9]{1,9}", params["limit"]):
            raise BadRequest("limit 须为非负整数 / limit must be a non-negative integer")
        query.limit = int(params["limit"])
    return query
