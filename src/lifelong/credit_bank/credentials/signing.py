"""Proofs added after issuance. An enterprise import issues its credentials in bulk, unsigned
(`signed_at` empty, `document` the unsigned JSON): signing each one (RDF canonicalisation and
Ed25519, milliseconds apiece) would make a million-row import take hours. Each is signed
once, afterwards:

- by the background signer the import enqueues when it ends (`sign_pending_credentials`,
  a chunk per transaction, safe to run several at once), and
- on demand, whenever a pending credential is read: every read of `Credential.document`
  goes through `signed_document` / `signed_documents`, which sign a pending one first.

A row is locked while it is signed, so two signers never sign it twice; once signed it
never changes (the database refuses any other update). The proof's `created` is the signing
time; `validFrom` stays the day of issue. A credential revoked while pending is signed like
any other and verifies as revoked: its status slot was fixed when it was issued.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction

from lifelong.credit_bank.credentials import dataintegrity, documents, keys
from lifelong.credit_bank.models import Credential
from lifelong.shared import clock

# Credentials signed per transaction by the background signer (about 7 ms each): short
# enough that a reader waiting for one of its rows waits about a second at most.
CHUNK = 100


def dumps(document: dict[str, Any]) -> str:
    """A signed credential's stored (and served) JSON text."""
    return json.dumps(document, ensure_ascii=False, indent=2)


def _sign_locked(rows: Sequence[Credential]) -> int:
    """Sign the pending ones among these rows (locked by the caller's transaction); returns
    how many it signed."""
    signed = 0
    signers: dict[int, keys.Signer] = {}
    now = clock.now()
    created = documents.datetime_text(now)
    for credential in rows:
        if credential.signed_at is not None:
            continue
        signer = signers.get(credential.issuer_organisation_id)
        if signer is None:
            signer = signers[credential.issuer_organisation_id] = keys.signer_for(
                credential.issuer_organisation_id
            )
        proved = dataintegrity.sign(
            json.loads(credential.document),
            seed=signer.seed,
            verification_method=signer.verification_method,
            created=created,
        )
        text = dumps(proved)
        signed += Credential.objects.filter(pk=credential.pk, signed_at__isnull=True).update(
            document=text, signed_at=now
        )
        credential.document, credential.signed_at = text, now
    return signed


def _sign_now(ids: list) -> dict[Any, tuple[str, Any]]:
    """Lock these credentials (waiting for a signer holding one), sign the ones still
    pending, and return every one's current (document, signed_at)."""
    with transaction.atomic():
        rows = list(Credential.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        _sign_locked(rows)
    return {row.pk: (row.document, row.signed_at) for row in rows}


def signed_documents(credentials: Iterable[Credential]) -> dict[str, str]:
    """The signed JSON text of each credential, keyed by its id as a string. Pending ones are
    signed (and stored) first; the instances passed in are brought up to date."""
    items = list(credentials)
    pending = [c.pk for c in items if c.signed_at is None]
    if pending:
        current = _sign_now(pending)
        for credential in items:
            if credential.pk in current:
                credential.document, credential.signed_at = current[credential.pk]
    return {str(c.pk): c.document for c in items}


def signed_document(credential: Credential) -> str:
    """The credential's signed JSON text, signing it first if its proof is pending."""
    return signed_documents([credential])[str(credential.pk)]


def signed_json(credential: Credential) -> dict[str, Any]:
    return json.loads(signed_document(credential))


def pending_count() -> int:
    return Credential.objects.filter(signed_at__isnull=True).count()


def sign_pending_credentials(*, chunk: int = CHUNK, limit: int | None = None) -> int:
    """Sign pending credentials, oldest first, `chunk` per transaction, until none is left
    (or `limit` have been taken); returns how many this call signed. Several signers may run
    at once: on PostgreSQL each skips the rows another holds (`SKIP LOCKED`); on SQLite the
    write transactions take turns."""
    signed = taken = 0
    while limit is None or taken < limit:
        size = chunk if limit is None else min(chunk, limit - taken)
        with transaction.atomic():
            pending = Credential.objects.filter(signed_at__isnull=True).order_by("issued_at", "pk")
            if connection.vendor == "postgresql":
                pending = pending.select_for_update(skip_locked=True)
            else:
                pending = pending.select_for_update()
            rows = list(pending[:size])
            if not rows:
                break
            signed += _sign_locked(rows)
        taken += len(rows)
    return signed
