"""Signed statements (Part 2, 2.6): the store refuses malformed signatures with 400."""

from __future__ import annotations

import base64
import copy
import datetime as dt
import hashlib
import json

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from lifelong.learning_records.tests.test_attachments import multipart, post_multipart
from lifelong.learning_records.tests.xapi import Xapi, statement

SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"


@pytest.fixture(scope="module")
def key_and_certificate():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "demo content system")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jws(payload: dict, key, certificate=None, alg: str = "RS256") -> bytes:
    header = {"alg": alg}
    if certificate is not None:
        der = certificate.public_bytes(serialization.Encoding.DER)
        header["x5c"] = [base64.b64encode(der).decode()]
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    algorithm = {"RS256": hashes.SHA256(), "RS384": hashes.SHA384(), "RS512": hashes.SHA512()}
    signature = key.sign(
        signing_input.encode(), padding.PKCS1v15(), algorithm.get(alg, hashes.SHA256())
    )
    return f"{signing_input}.{_b64(signature)}".encode()


def signed(original: dict, token: bytes, content_type="application/octet-stream") -> bytes:
    sha2 = hashlib.sha256(token).hexdigest()
    item = copy.deepcopy(original)
    item["attachments"] = [
        {
            "usageType": SIGNATURE,
            "display": {"en-US": "Signature"},
            "contentType": content_type,
            "length": len(token),
            "sha2": sha2,
        }
    ]
    headers = {
        "Content-Type": content_type,
        "Content-Transfer-Encoding": "binary",
        "X-Experience-API-Hash": sha2,
    }
    return multipart([item], [(headers, token)])


def test_a_well_signed_statement_is_stored(db, key_and_certificate):
    key, certificate = key_and_certificate
    original = statement()
    response = post_multipart(Xapi(), signed(original, jws(original, key, certificate)))
    assert response.status_code == 200, response.content


def test_a_signature_over_other_content_is_refused(db, key_and_certificate):
    key, certificate = key_and_certificate
    original = statement()
    other = copy.deepcopy(original)
    other["verb"]["id"] = "http://adlnet.gov/expapi/verbs/failed"
    assert post_multipart(Xapi(), signed(original, jws(other, key, certificate))).status_code == 400


def test_a_signature_over_another_statement_id_is_refused(db, key_and_certificate):
    key, certificate = key_and_certificate
    original = statement()
    token = jws(statement(), key, certificate)
    assert post_multipart(Xapi(), signed(original, token)).status_code == 400


def test_a_signature_without_a_certificate_is_checked_by_content(db, key_and_certificate):
    key, _ = key_and_certificate
    original = statement()
    assert post_multipart(Xapi(), signed(original, jws(original, key))).status_code == 200


def test_a_signature_that_does_not_verify_with_its_certificate_is_refused(db, key_and_certificate):
    _, certificate = key_and_certificate
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    original = statement()
    token = jws(original, other_key, certificate)
    assert post_multipart(Xapi(), signed(original, token)).status_code == 400


def test_a_signature_with_another_algorithm_is_refused(db, key_and_certificate):
    key, _ = key_and_certificate
    original = statement()
    assert (
        post_multipart(Xapi(), signed(original, jws(original, key, alg="PS256"))).status_code == 400
    )


def test_a_signature_that_is_not_a_jws_is_refused(db):
    assert post_multipart(Xapi(), signed(statement(), b"not a signature")).status_code == 400


def test_a_signature_of_another_content_type_is_refused(db, key_and_certificate):
    key, certificate = key_and_certificate
    original = statement()
    body = signed(original, jws(original, key, certificate), content_type="text/plain")
    assert post_multipart(Xapi(), body).status_code == 400
