"""Attachments (Part 2, 2.4.11; Part 3, 1.5): with a fileUrl they may come as plain JSON;
without one their octets must come as a part of a multipart/mixed request, matched by SHA-2;
`attachments=true` returns them in a multipart/mixed response."""

from __future__ import annotations

import hashlib
import json

from lifelong.learning_records.models import AttachmentData, Statement
from lifelong.learning_records.tests.xapi import Xapi, statement

CERTIFICATE = "结业证书 / certificate of completion".encode()
SHA2 = hashlib.sha256(CERTIFICATE).hexdigest()
BOUNDARY = "abcABC0123'()+_,-./:=?"


def attachment(**changes) -> dict:
    made = {
        "usageType": "http://id.tincanapi.com/attachment/certificate-of-completion",
        "display": {"zh-CN": "结业证书"},
        "contentType": "text/plain; charset=utf-8",
        "length": len(CERTIFICATE),
        "sha2": SHA2,
    }
    made.update(changes)
    return made


def multipart(document: object, parts: list[tuple[dict, bytes]]) -> bytes:
    chunks = [f"--{BOUNDARY}\r\nContent-Type: application/json\r\n\r\n".encode()]
    chunks.append(json.dumps(document).encode())
    for headers, data in parts:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        chunks.append(f"\r\n--{BOUNDARY}\r\n{head}\r\n".encode() + data)
    chunks.append(f"\r\n--{BOUNDARY}--".encode())
    return b"".join(chunks)


def part_headers(sha2: str = SHA2) -> dict:
    return {
        "Content-Type": "text/plain",
        "Content-Transfer-Encoding": "binary",
        "X-Experience-API-Hash": sha2,
    }


def post_multipart(xapi: Xapi, body: bytes):
    return xapi.post(body, content_type=f'multipart/mixed; boundary="{BOUNDARY}"')


def test_an_attachment_with_a_file_url_may_come_as_json(db):
    item = statement(attachments=[attachment(fileUrl="https://files.example.com/cert.txt")])
    assert Xapi().post(item).status_code == 200


def test_an_attachment_without_file_url_in_plain_json_is_refused(db):
    item = statement(attachments=[attachment()])
    assert Xapi().post(item).status_code == 400
    assert not Statement.objects.filter(pk=item["id"]).exists()


def test_attachment_octets_arrive_in_a_multipart_request(db):
    xapi = Xapi()
    item = statement(attachments=[attachment()])
    response = post_multipart(xapi, multipart([item], [(part_headers(), CERTIFICATE)]))
    assert response.status_code == 200, response.content
    assert bytes(AttachmentData.objects.get(sha2=SHA2).data) == CERTIFICATE


def test_a_multipart_request_without_attachments_is_accepted(db):
    assert post_multipart(Xapi(), multipart(statement(), [])).status_code == 200


def test_a_part_whose_octets_do_not_match_its_hash_is_refused(db):
    item = statement(attachments=[attachment()])
    body = multipart([item], [(part_headers(), b"tampered")])
    assert post_multipart(Xapi(), body).status_code == 400


def test_a_part_without_the_hash_header_is_refused(db):
    item = statement(attachments=[attachment()])
    headers = part_headers()
    del headers["X-Experience-API-Hash"]
    assert post_multipart(Xapi(), multipart([item], [(headers, CERTIFICATE)])).status_code == 400


def test_a_part_without_binary_transfer_encoding_is_refused(db):
    item = statement(attachments=[attachment()])
    headers = part_headers()
    del headers["Content-Transfer-Encoding"]
    assert post_multipart(Xapi(), multipart([item], [(headers, CERTIFICATE)])).status_code == 400


def test_a_part_no_statement_declares_is_refused(db):
    body = multipart([statement()], [(part_headers(), CERTIFICATE)])
    assert post_multipart(Xapi(), body).status_code == 400


def test_a_malformed_multipart_body_is_refused(db):
    assert post_multipart(Xapi(), b"no parts here").status_code == 400


def test_attachments_true_returns_the_octets_in_a_multipart_response(db):
    xapi = Xapi()
    item = statement(attachments=[attachment()])
    post_multipart(xapi, multipart([item], [(part_headers(), CERTIFICATE)]))
    response = xapi.statement(item["id"], attachments="true")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("multipart/mixed; boundary=")
    assert CERTIFICATE in response.content
    assert f"X-Experience-API-Hash: {SHA2}".encode() in response.content
    assert item["id"].encode() in response.content


def test_attachments_false_returns_plain_json(db):
    xapi = Xapi()
    item = statement(attachments=[attachment()])
    post_multipart(xapi, multipart([item], [(part_headers(), CERTIFICATE)]))
    response = xapi.statement(item["id"], attachments="false")
    assert response["Content-Type"] == "application/json"
    assert CERTIFICATE not in response.content


def test_a_put_can_carry_attachments(db):
    item = statement(attachments=[attachment()])
    response = Xapi().put(
        multipart(item, [(part_headers(), CERTIFICATE)]),
        item["id"],
        content_type=f'multipart/mixed; boundary="{BOUNDARY}"',
    )
    assert response.status_code == 204
