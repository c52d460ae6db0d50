"""Rotating the personal-data key: re-encrypt every sealed value that is not under the newest
key of `PII_KEYS`, so that the older keys can then be removed.

Work goes column by column in batches of rows, each batch its own transaction (rows locked
where the database can), so the command can be stopped at any moment and run again: a value
already under the newest key is never selected again. The blind indexes do not change (their
key is a separate one), so look-ups keep working throughout.

Columns are known from `pii.register_sealed_column`. Any other model field named `*_sealed` is
reported as unregistered: it cannot be resealed (its context is unknown), and the keys it
still uses must stay listed.
"""

from __future__ import annotations

import binascii
from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from django.apps import apps
from django.db import DatabaseError, models, transaction

from lifelong.shared import pii
from lifelong.shared.audit import record_audit
from lifelong.shared.models import AuditEntry

UNKNOWN_KEY = "?"
DEFAULT_BATCH_SIZE = 500


@dataclass
class ColumnReport:
    column: str
    registered: bool
    by_key: dict[str, int]
    to_reseal: int
    resealed: int = 0
    failed: dict[str, int] = field(default_factory=dict)
    refused: str = ""
    by_key_after: dict[str, int] = field(default_factory=dict)

    @property
    def remaining(self) -> int:
        return self.to_reseal - self.resealed


@dataclass
class RotationReport:
    current_key: str
    columns: list[ColumnReport]
    dry_run: bool
    stopped_at_limit: bool = False

    @property
    def resealed(self) -> int:
        return sum(c.resealed for c in self.columns)

    @property
    def problems(self) -> list[ColumnReport]:
        """Registered columns where a value could not be resealed."""
        return [c for c in self.columns if c.registered and (c.failed or c.refused)]

    def keys_still_used(self) -> dict[str, int]:
        """Older key ids still holding values (counted again after the run), with counts: these
        keys must stay listed in `PII_KEYS`."""
        used: dict[str, int] = {}
        for column in self.columns:
            for kid, count in column.by_key_after.items():
                if kid != self.current_key and count:
                    used[kid] = used.get(kid, 0) + count
        return used


@dataclass(frozen=True)
class _Column:
    label: str
    model: type[models.Model]
    field: str
    context: str | None  # None: not registered


def _columns() -> list[_Column]:
    registered = []
    for column in pii.sealed_columns():
        model = apps.get_model(column.model)
        model._meta.get_field(column.field)  # FieldDoesNotExist for a typo in a registration
        registered.append(_Column(column.label, model, column.field, column.context))
    known = {c.label for c in registered}
    discovered = [
        _Column(f"{m._meta.label}.{f.name}", m, f.name, None)
        for m in apps.get_models()
        if m._meta.managed and not m._meta.proxy
        for f in m._meta.concrete_fields
        if f.name.endswith("_sealed") and f"{m._meta.label}.{f.name}" not in known
    ]
    return registered + sorted(discovered, key=lambda c: c.label)


def _holding_values(column: _Column) -> models.QuerySet:
    rows = column.model._base_manager.exclude(**{f"{column.field}__isnull": True})
    return rows.exclude(**{column.field: ""})


def _count_by_key(column: _Column, key_ids: list[str]) -> dict[str, int]:
    rows = _holding_values(column)
    counts = {
        kid: rows.filter(**{f"{column.field}__startswith": f"{kid}."}).count() for kid in key_ids
    }
    other = rows.count() - sum(counts.values())
    if other:
        counts[UNKNOWN_KEY] = other
    return counts


def _reseal_one(value: str, context: str) -> tuple[str | None, str]:
    """The value resealed, or None and why not."""
    try:
        return pii.reseal(value, context=context), ""
    except KeyError:
        return None, f"key not configured:{pii.sealed_key_id(value)}"
    except (InvalidTag, ValueError, binascii.Error):
        return None, f"cannot be decrypted:{pii.sealed_key_id(value)}"


def _reseal_column(
    column: _Column,
    report: ColumnReport,
    *,
    batch_size: int,
    budget: int | None,
    progress: Callable[[str], None],
) -> None:
    assert column.context is not None
    pending = _holding_values(column).exclude(
        **{f"{column.field}__startswith": f"{pii.current_key_id()}."}
    )
    manager = column.model._base_manager
    last_pk = None
    seen = 0
    while budget is None or report.resealed < budget:
        size = batch_size if budget is None else min(batch_size, budget - report.resealed)
        try:
            with transaction.atomic():
                batch = pending if last_pk is None else pending.filter(pk__gt=last_pk)
                rows = list(
                    batch.select_for_update().order_by("pk").only("pk", column.field)[:size]
                )
                if not rows:
                    return
                changed = []
                for row in rows:
                    new, why = _reseal_one(getattr(row, column.field), column.context)
                    if new is None:
                        report.failed[why] = report.failed.get(why, 0) + 1
                        continue
                    setattr(row, column.field, new)
                    changed.append(row)
                manager.bulk_update(changed, [column.field])
        except DatabaseError as exc:
            # An append-only table (its rows carry rights) refuses any UPDATE: those values
            # stay under their key, which must then stay listed.
            report.refused = str(exc).strip().splitlines()[0][:300]
            progress(f"{report.column}: refused by the database: {report.refused}")
            return
        last_pk = rows[-1].pk
        seen += len(rows)
        report.resealed += len(changed)
        progress(f"{report.column}: {seen}/{report.to_reseal} ({report.resealed} resealed)")


def rotate_pii_keys(
    *,
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    limit: int | None = None,
    progress: Callable[[str], None] = lambda line: None,
) -> RotationReport:
    """Reseal every value of every registered column that is not under the newest key, at most
    `limit` values in this run (None: all). `dry_run` only counts values by key id. Each
    column worked on is audited (`pii.reseal`)."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    key_ids = pii.configured_key_ids()
    current = pii.current_key_id()
    report = RotationReport(current_key=current, columns=[], dry_run=dry_run)
    columns = _columns()
    for column in columns:
        by_key = _count_by_key(column, key_ids)
        to_reseal = sum(n for kid, n in by_key.items() if kid != current)
        col = ColumnReport(column.label, column.context is not None, by_key, to_reseal)
        report.columns.append(col)
        if dry_run or column.context is None or not to_reseal:
            continue
        budget = None if limit is None else limit - report.resealed
        if budget is not None and budget <= 0:
            report.stopped_at_limit = True
            continue
        try:
            _reseal_column(column, col, batch_size=batch_size, budget=budget, progress=progress)
        finally:
            _audit(col, current)
        if limit is not None and report.resealed >= limit and col.remaining:
            report.stopped_at_limit = True
    for col, column in zip(report.columns, columns, strict=True):
        col.by_key_after = col.by_key if dry_run else _count_by_key(column, key_ids)
    return report


def _audit(column: ColumnReport, current: str) -> None:
    ok = not (column.failed or column.refused)
    record_audit(
        action="pii.reseal",
        actor_label="lifelong reseal_pii",
        object_type="sealed_column",
        object_id=column.column[:64],
        outcome=AuditEntry.Outcome.OK if ok else AuditEntry.Outcome.FAILED,
        detail={
            "to_key": current,
            "by_key_before": column.by_key,
            "resealed": column.resealed,
            "failed": column.failed,
            "refused": column.refused,
        },
    )
