"""The W3C eddsa-rdfc-2022 test vector (alumni credential) is reproduced step by step and
byte for byte."""

from __future__ import annotations

import hashlib

import pytest

from lifelong.credit_bank.credentials import dataintegrity, jsonld, multibase
from lifelong.credit_bank.tests.vc_helpers import VECTOR, load_json

pytestmark = pytest.mark.skipif(
    not VECTOR.is_dir(), reason="conformance material ../shared/conformance is missing"
)


def _text(name: str) -> str:
    return (VECTOR / name).read_text(encoding="utf-8")


def _steps():
    signed = load_json(VECTOR / "signedDataInt.json")
    keys = load_json(VECTOR / "keyPair.json")
    proof = signed["proof"]
    steps = dataintegrity.sign_steps(
        signed,
        seed=multibase.decode_secret_key(keys["privateKeyMultibase"]),
        verification_method=proof["verificationMethod"],
        created=proof["created"],
    )
    return signed, keys, steps


def test_vector_key_pair_decodes_to_matching_ed25519_keys():
    keys = load_json(VECTOR / "keyPair.json")
    seed = multibase.decode_secret_key(keys["privateKeyMultibase"])
    public = multibase.decode_public_key(keys["publicKeyMultibase"])
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    derived = (
        Ed25519PrivateKey.from_private_bytes(seed)
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    assert derived == public
    assert multibase.public_key_multibase(public) == keys["publicKeyMultibase"]
    assert multibase.secret_key_multibase(seed) == keys["privateKeyMultibase"]


def test_canonical_document_matches_the_vector():
    _, _, steps = _steps()
    assert steps.canonical_document == _text("canonDocDataInt.txt")


def test_canonical_proof_configuration_matches_the_vector():
    signed = load_json(VECTOR / "signedDataInt.json")
    config = load_json(VECTOR / "proofConfigDataInt.json")
    built = dataintegrity.proof_configuration(
        {k: v for k, v in signed["proof"].items()}, signed["@context"]
    )
    assert built == config
    assert jsonld.canonicalize(config) == _text("proofCanonDataInt.txt")


def test_hashes_match_the_vector():
    _, _, steps = _steps()
    assert steps.document_hash.hex() == _text("docHashDataInt.txt").strip()
    assert steps.proof_config_hash.hex() == _text("proofHashDataInt.txt").strip()
    assert steps.hash_data.hex() == _text("combinedHashDataInt.txt").strip()
    assert hashlib.sha256(steps.canonical_document.encode()).digest() == steps.document_hash


def test_signature_and_proof_value_match_the_vector_byte_for_byte():
    signed, _, steps = _steps()
    assert steps.signature.hex() == _text("sigHexDataInt.txt").strip()
    assert steps.proof["proofValue"] == _text("sigBTC58DataInt.txt").strip()
    assert steps.proof == signed["proof"]


def test_vector_verifies_and_a_changed_copy_does_not():
    signed = load_json(VECTOR / "signedDataInt.json")
    public = multibase.decode_public_key(load_json(VECTOR / "keyPair.json")["publicKeyMultibase"])
    dataintegrity.verify(signed, public)
    signed["credentialSubject"]["alumniOf"] = "The School of Counterfeits"
    with pytest.raises(dataintegrity.ProofError):
        dataintegrity.verify(signed, public)


def test_base58_round_trips_leading_zero_bytes():
    for raw in (b"", b"\0", b"\0\0\x01", bytes(range(40))):
        assert multibase.b58decode(multibase.b58encode(raw)) == raw
    assert multibase.b58encode(b"\0\0\x01") == "112"
