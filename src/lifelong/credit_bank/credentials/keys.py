"""Signing keys per issuing organisation: an Ed25519 key generated on first use, published as
a did:key, its private half sealed with the PII keys (context "credit_bank.signing_key")."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import IntegrityError, transaction

from lifelong.credit_bank.credentials import multibase
from lifelong.credit_bank.models import SigningKey
from lifelong.shared import pii

SEAL_CONTEXT = "credit_bank.signing_key"


@dataclass(frozen=True)
class Signer:
    organisation_id: int
    did: str
    verification_method: str
    seed: bytes


def _raw_public(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def signing_key_for(organisation_id: int) -> SigningKey:
    """The organisation's key, generated and stored the first time it is needed. Two
    transactions racing to create it end with the same key (the unique organisation wins)."""
    key = SigningKey.objects.filter(organisation_id=organisation_id).first()
    if key is not None:
        return key
    private = Ed25519PrivateKey.generate()
    seed = private.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    public = _raw_public(private)
    try:
        with transaction.atomic():
            return SigningKey.objects.create(
                organisation_id=organisation_id,
                did=multibase.did_key(public),
                verification_method=multibase.did_key_verification_method(public),
                public_key_multibase=multibase.public_key_multibase(public),
                private_key_sealed=pii.seal(
                    multibase.secret_key_multibase(seed), context=SEAL_CONTEXT
                ),
            )
    except IntegrityError:
        return SigningKey.objects.get(organisation_id=organisation_id)


def signer_for(organisation_id: int) -> Signer:
    key = signing_key_for(organisation_id)
    seed = multibase.decode_secret_key(pii.unseal(key.private_key_sealed, context=SEAL_CONTEXT))
    return Signer(organisation_id, key.did, key.verification_method, seed)
