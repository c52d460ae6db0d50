"""`lifelong credentials sign|verify|sign-pending …`: sign any credential document with an
eddsa-rdfc-2022 Data Integrity proof, or verify one, from the command line; or add the
proofs of the credentials an import issued unsigned (what the background signer does)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lifelong.credit_bank.credentials import dataintegrity, multibase
from lifelong.credit_bank.credentials.jsonld import JsonLdFailure


def _read(path: str) -> dict:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        document = json.loads(text)
    except (OSError, ValueError) as exc:
        raise CommandError(f"cannot read a JSON document from {path}: {exc}") from None
    if not isinstance(document, dict):
        raise CommandError("the document must be a JSON object")
    return document


class Command(BaseCommand):
    help = "Sign (eddsa-rdfc-2022) or verify verifiable credentials."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sign = sub.add_parser("sign", help="Add a DataIntegrityProof and print the document")
        sign.add_argument(
            "--key-multibase",
            required=True,
            help="Ed25519 secret key as secretKeyMultibase (z… with multicodec 0x8026)",
        )
        sign.add_argument("--verification-method", required=True, help="e.g. did:key:z…#z…")
        sign.add_argument(
            "--created", required=True, help="proof creation time, e.g. 2023-02-24T23:36:38Z"
        )
        sign.add_argument(
            "--proof-purpose", default="assertionMethod", help="default assertionMethod"
        )
        sign.add_argument("file", help="JSON document to sign (- for standard input)")
        verify = sub.add_parser("verify", help="Verify a document's proof and status")
        verify.add_argument("file", help="JSON document to verify (- for standard input)")
        pending = sub.add_parser(
            "sign-pending", help="Sign the stored credentials whose proof is pending"
        )
        pending.add_argument("--limit", type=int, default=None, help="stop after this many")

    def handle(self, *args, **options) -> None:
        if options["action"] == "sign":
            self._sign(options)
        elif options["action"] == "sign-pending":
            self._sign_pending(options)
        else:
            self._verify(options)

    def _sign_pending(self, options) -> None:
        from lifelong.credit_bank.credentials import signing

        limit = options["limit"]
        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1")
        signed = signing.sign_pending_credentials(limit=limit)
        self.stdout.write(f"signed {signed}; still pending {signing.pending_count()}")

    def _sign(self, options) -> None:
        try:
            seed = multibase.decode_secret_key(options["key_multibase"])
        except multibase.MultibaseError as exc:
            raise CommandError(f"--key-multibase: {exc}") from None
        document = _read(options["file"])
        try:
            signed = dataintegrity.sign(
                document,
                seed=seed,
                verification_method=options["verification_method"],
                created=options["created"],
                proof_purpose=options["proof_purpose"],
            )
        except (dataintegrity.ProofError, JsonLdFailure) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(json.dumps(signed, ensure_ascii=False, indent=2))

    def _verify(self, options) -> None:
        from lifelong.credit_bank.credentials.verification import verify_credential

        result = verify_credential(_read(options["file"]))
        self.stdout.write(
            json.dumps(
                {
                    "verified": result.verified,
                    "errors": result.errors,
                    "warnings": result.warnings,
                    "checks": result.checks,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        if not result.verified:
            raise CommandError("not verified")
