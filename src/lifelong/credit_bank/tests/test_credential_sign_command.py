"""`lifelong credentials sign` signs any document; on the W3C vector it reproduces the
published proofValue byte for byte."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from lifelong.credit_bank.tests.vc_helpers import VECTOR, load_json

pytestmark = pytest.mark.skipif(not VECTOR.is_dir(), reason="conformance material is missing")


def _sign(tmp_path, document, **options) -> dict:
    source = tmp_path / "credential.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    out = io.StringIO()
    call_command("credentials", "sign", *_flags(options), str(source), stdout=out)
    return json.loads(out.getvalue())


def _flags(options) -> list[str]:
    flags = []
    for name, value in options.items():
        flags += [f"--{name.replace('_', '-')}", value]
    return flags


def test_signing_the_w3c_vector_reproduces_its_proof_value(tmp_path):
    signed = load_json(VECTOR / "signedDataInt.json")
    keys = load_json(VECTOR / "keyPair.json")
    unsigned = {k: v for k, v in signed.items() if k != "proof"}

    result = _sign(
        tmp_path,
        unsigned,
        key_multibase=keys["privateKeyMultibase"],
        verification_method=signed["proof"]["verificationMethod"],
        created=signed["proof"]["created"],
    )

    assert result["proof"]["proofValue"] == signed["proof"]["proofValue"]
    assert result == signed


def test_bad_key_or_time_or_context_is_a_command_error(tmp_path):
    signed = load_json(VECTOR / "signedDataInt.json")
    keys = load_json(VECTOR / "keyPair.json")
    good = {
        "key_multibase": keys["privateKeyMultibase"],
        "verification_method": signed["proof"]["verificationMethod"],
        "created": signed["proof"]["created"],
    }
    unknown_context = {**signed, "@context": [*signed["@context"], "https://example.org/x"]}

    with pytest.raises(CommandError, match="key-multibase"):
        _sign(tmp_path, signed, **{**good, "key_multibase": keys["publicKeyMultibase"]})
    with pytest.raises(CommandError, match="dateTime"):
        _sign(tmp_path, signed, **{**good, "created": "yesterday"})
    with pytest.raises(CommandError, match="example.org/x"):
        _sign(tmp_path, unknown_context, **good)
