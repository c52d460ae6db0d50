"""multipart/mixed as xAPI uses it for attachments (Part 3, 1.5.2): reading requests whose
first part holds the statements and whose other parts hold attachment octets, and writing
responses in the same form."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable

from django.utils.http import parse_header_parameters

from lifelong.learning_records.services import AttachmentPart
from lifelong.learning_records.validation import StatementInvalid

_HASHES = {56: hashlib.sha224, 64: hashlib.sha256, 96: hashlib.sha384, 128: hashlib.sha512}


def _bad(zh: str, en: str) -> StatementInvalid:
    return StatementInvalid("multipart", zh, en)


def _headers(block: bytes) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in block.split(b"\r\n"):
        if not line:
            continue
        name, colon, value = line.partition(b":")
        if not colon:
            raise _bad("附件部分的头部格式错误", "a part has a malformed header")
        headers[name.decode("latin-1").strip().lower()] = value.decode("latin-1").strip()
    return headers


def parse(body: bytes, content_type: str) -> tuple[bytes, list[AttachmentPart]]:
    """The statements part and the attachment parts of a multipart/mixed request body."""
    _, params = parse_header_parameters(content_type)
    boundary = params.get("boundary", "")
    if not boundary:
        raise _bad("multipart 请求缺少 boundary", "multipart/mixed needs a boundary")
    pieces = (b"\r\n" + body).split(b"\r\n--" + boundary.encode("latin-1"))
    if len(pieces) < 3 or not pieces[-1].startswith(b"--"):
        raise _bad("multipart 请求体格式错误", "the multipart/mixed body is malformed")
    parts: list[tuple[dict[str, str], bytes]] = []
    for raw in pieces[1:-1]:
        padding, newline, rest = raw.partition(b"\r\n")
        if not newline or padding.strip(b" \t"):
            raise _bad("multipart 分隔行格式错误", "a multipart delimiter line is malformed")
        if rest.startswith(b"\r\n"):
            parts.append(({}, rest[2:]))
            continue
        head, blank, content = rest.partition(b"\r\n\r\n")
        if not blank:
            raise _bad("附件部分缺少空行", "a part lacks the blank line after its headers")
        parts.append((_headers(head), content))
    first_headers, statements = parts[0]
    first_type = first_headers.get("content-type", "").split(";")[0].strip().lower()
    if first_type != "application/json":
        raise _bad("第一部分须为 application/json 语句", "the first part must be application/json")
    attachments = []
    for headers, content in parts[1:]:
        declared = headers.get("x-experience-api-hash", "").lower()
        if not declared:
            raise _bad(
                "附件部分须有 X-Experience-API-Hash", "each part needs X-Experience-API-Hash"
            )
        if headers.get("content-transfer-encoding", "").lower() != "binary":
            raise _bad(
                "附件部分须有 Content-Transfer-Encoding: binary",
                "each part needs Content-Transfer-Encoding: binary",
            )
        digest = _HASHES.get(len(declared))
        if digest is None or digest(content).hexdigest() != declared:
            raise _bad("附件内容与声明的散列不符", "a part's content does not match its hash")
        attachments.append(
            AttachmentPart(
                sha2=declared,
                content_type=headers.get("content-type", "application/octet-stream"),
                data=content,
            )
        )
    return statements, attachments


def render(document: bytes, attachments: Iterable[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A multipart/mixed body: the JSON document, then (sha2, content type, octets) parts.
    Returns the body and its Content-Type."""
    boundary = uuid.uuid4().hex.encode()
    chunks = [b"--", boundary, b"\r\nContent-Type: application/json\r\n\r\n", document]
    for sha2, content_type, data in attachments:
        chunks += [
            b"\r\n--",
            boundary,
            b"\r\nContent-Type: ",
            content_type.encode("latin-1", "replace"),
            b"\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: ",
            sha2.encode(),
            b"\r\n\r\n",
            data,
        ]
    chunks += [b"\r\n--", boundary, b"--\r\n"]
    return b"".join(chunks), f"multipart/mixed; boundary={boundary.decode()}"
