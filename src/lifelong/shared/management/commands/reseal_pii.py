"""`lifelong reseal_pii`: after a new key has been put first in `LIFELONG_PII_KEYS`, re-encrypt
every sealed personal value still under an older key, in batches; safe to stop and run again.
`--dry-run` only counts the values under each key id. See README, "Rotating the personal-data
key"."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lifelong.shared.pii_rotation import DEFAULT_BATCH_SIZE, RotationReport, rotate_pii_keys


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = "Re-encrypt personal data sealed under older PII keys with the newest key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="only count the sealed values by key id"
        )
        parser.add_argument(
            "--batch-size",
            type=_positive,
            default=DEFAULT_BATCH_SIZE,
            help=f"rows per transaction (default {DEFAULT_BATCH_SIZE})",
        )
        parser.add_argument(
            "--limit",
            type=_positive,
            default=None,
            help="stop after resealing this many values (run again to continue)",
        )

    def handle(self, *args, **options) -> None:
        report = rotate_pii_keys(
            dry_run=options["dry_run"],
            batch_size=options["batch_size"],
            limit=options["limit"],
            progress=self.stdout.write,
        )
        self._summary(report)
        if report.problems:
            names = ", ".join(c.column for c in report.problems)
            raise CommandError(f"some values could not be resealed: {names}")

    def _summary(self, report: RotationReport) -> None:
        write = self.stdout.write
        write(f"newest key: {report.current_key}")
        for column in report.columns:
            counts = " ".join(f"{kid}={n}" for kid, n in column.by_key.items()) or "empty"
            line = f"{column.column}: {counts}; under older keys: {column.to_reseal}"
            if not column.registered:
                line += " (not registered: cannot be resealed)"
            elif not report.dry_run:
                line += f"; resealed {column.resealed}"
            for reason, n in column.failed.items():
                line += f"; {n} {reason}"
            if column.refused:
                line += f"; refused by the database: {column.refused}"
            write(line)
        if report.dry_run:
            write(f"dry run: {sum(c.to_reseal for c in report.columns)} values under older keys")
        else:
            write(f"resealed {report.resealed} values")
        if report.stopped_at_limit:
            write("stopped at --limit: run again to continue")
        still = report.keys_still_used()
        if still:
            used = ", ".join(f"{kid} ({n} values)" for kid, n in still.items())
            write(f"older keys still in use, keep them listed: {used}")
        else:
            write("no value uses an older key: they can be removed from LIFELONG_PII_KEYS")
