"""Verifiable credentials signed and verified per second (eddsa-rdfc-2022 over RDFC-1.0).

Standalone: `python bench/credentials_throughput.py [--seconds N]`. Measures the credential
library itself (JSON-LD canonicalisation with the vendored contexts, SHA-256, Ed25519), in one
process on one core: an Open Badges 3.0 credential like the ones we issue, and a CLR 2.0
transcript embedding ten of them. No database or network is touched. Prints its figures."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lifelong.config.settings")

import django  # noqa: E402

django.setup()

from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from lifelong.credit_bank.credentials import dataintegrity, documents, multibase  # noqa: E402

ACHIEVEMENT = {
    "code": "SH-CB-PY-001",
    "name": "Python 程序设计",
    "type": "degree_course",
    "level": "本科",
    "credits": "2.50",
    "criteria": "课程考试合格（60分及以上）",
    "awarding_body": "上海交通大学",
    "description": "学历教育课程学分",
}


def _rate(label: str, seconds: float, work) -> float:
    work()  # warm the context cache
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        work()
        count += 1
    rate = count / (time.perf_counter() - start)
    print(f"{label:<46} {rate:9.1f} /s  ({count} in {seconds:.0f} s)")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per measurement")
    args = parser.parse_args()

    private = Ed25519PrivateKey.generate()
    seed = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    public = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    method = multibase.did_key_verification_method(public)
    issuer = documents.issuer_profile(multibase.did_key(public), "上海交通大学")
    created = "2025-03-01T00:00:00Z"

    def badge() -> dict:
        return documents.open_badge(
            credential_id=uuid.uuid4(),
            issuer=issuer,
            identity=documents.identity_object("310104195001011234"),
            achievement_data=ACHIEVEMENT,
            issued_on=dt.date(2025, 3, 1),
            status=documents.status_entry(1, 4242),
        )

    def sign_badge() -> dict:
        return dataintegrity.sign(badge(), seed=seed, verification_method=method, created=created)

    signed = sign_badge()
    badges = [sign_badge() for _ in range(10)]
    transcript = documents.clr(
        credential_id=uuid.uuid4(),
        issuer=issuer,
        identity=documents.identity_object("310104195001011234"),
        badges=badges,
        issued_at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC),
        status=documents.status_entry(1, 4243),
        name="学分证明",
    )
    signed_transcript = dataintegrity.sign(
        transcript, seed=seed, verification_method=method, created=created
    )

    print(f"credentials throughput, {args.seconds:.0f} s per figure, one process")
    _rate("OpenBadgeCredential signed", args.seconds, sign_badge)
    _rate(
        "OpenBadgeCredential verified (proof only)",
        args.seconds,
        lambda: dataintegrity.verify(signed, public),
    )
    _rate(
        "ClrCredential (10 badges) signed",
        args.seconds,
        lambda: dataintegrity.sign(
            transcript, seed=seed, verification_method=method, created=created
        ),
    )
    _rate(
        "ClrCredential (10 badges) verified (outer proof)",
        args.seconds,
        lambda: dataintegrity.verify(signed_transcript, public),
    )


if __name__ == "__main__":
    main()
