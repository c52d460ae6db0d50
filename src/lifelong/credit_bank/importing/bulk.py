"""Set-based writes for imports. On PostgreSQL rows go in with `COPY` and updates join an
`unnest` of arrays; on SQLite, one prepared statement executed for many rows. Same rows, same
constraints, same transaction as the caller's either way."""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, models

Converter = Callable[[Any], Any] | None
# Every statement below is built only from model metadata (table and column names, quoted);
# values always travel as parameters, hence the S608 exemptions.


def _sqlite_converter(field: models.Field) -> Converter:
    target = getattr(field, "target_field", field) if field.is_relation else field
    if isinstance(target, models.UUIDField):
        return lambda v: v.hex if isinstance(v, uuid.UUID) else v
    if isinstance(target, models.DateTimeField):
        # A batch stamps all its rows with the same time: adapt each distinct value once.
        return functools.lru_cache(maxsize=64)(connection.ops.adapt_datetimefield_value)
    if isinstance(target, models.DateField):
        return lambda v: v.isoformat() if isinstance(v, dt.date) else v
    if isinstance(target, models.DecimalField):
        return lambda v: str(v) if isinstance(v, Decimal) else v
    return None


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[tuple],
    *,
    ignore_conflicts: bool = False,
) -> None:
    """Insert plain tuples (values in `columns` order, as Python values) into the model's
    table, bypassing model instances for speed. With `ignore_conflicts`, rows that would break
    a unique constraint are skipped (`ON CONFLICT DO NOTHING`; no COPY then)."""
    if not rows:
        return
    meta = model._meta
    fields = [meta.get_field(name) for name in columns]
    table = connection.ops.quote_name(meta.db_table)
    names = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not ignore_conflicts:
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        converters = (
            [_sqlite_converter(f) for f in fields]  # type: ignore[arg-type]
            if connection.vendor == "sqlite"
            else []
        )
        if any(converters):
            rows = [
                tuple(
                    c(v) if c is not None and v is not None else v
                    for c, v in zip(converters, row, strict=True)
                )
                for row in rows
            ]
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
        if ignore_conflicts:
            sql += " ON CONFLICT DO NOTHING"
        cursor.executemany(sql, rows)


def select_in(
    model: type[models.Model],
    columns: Sequence[str],
    key: str,
    values: Sequence[Any],
    *,
    lock: bool = False,
) -> list[tuple]:
    """Rows (raw database values of `columns`) whose `key` column is one of `values`, in
    primary-key order; with `lock`, locked for the transaction (PostgreSQL `FOR UPDATE`;
    SQLite transactions are already exclusive writers)."""
    if not values:
        return []
    meta = model._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    names = ", ".join(quote(_column(meta, c)) for c in columns)
    key_field = meta.get_field(key)
    key_column = quote(_column(meta, key))
    pk = quote(str(meta.pk.column))  # type: ignore[union-attr]
    found: list[tuple] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT {names} FROM {table} WHERE {key_column} = ANY(%s) ORDER BY {pk}"  # noqa: S608
                + (" FOR UPDATE" if lock else ""),
                [list(values)],
            )
            return list(cursor.fetchall())
        convert = _sqlite_converter(key_field)  # type: ignore[arg-type]
        params = [convert(v) for v in values] if convert else list(values)
        for start in range(0, len(params), 5000):
            part = params[start : start + 5000]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(
                f"SELECT {names} FROM {table} WHERE {key_column} IN ({marks}) ORDER BY {pk}",  # noqa: S608
                part,
            )
            found.extend(cursor.fetchall())
    return found


def as_uuid(value: Any) -> uuid.UUID:
    """A UUID column's raw value (a UUID on PostgreSQL, 32 hex digits on SQLite)."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def as_decimal(value: Any) -> Decimal:
    """A decimal column's raw value (SQLite may hand back an int or a float)."""
    return value if isinstance(value, Decimal) else Decimal(str(value)).quantize(Decimal("0.01"))


def certify_outcomes(
    table: str, certified_at: dt.datetime, pairs: Sequence[tuple[uuid.UUID, uuid.UUID]]
) -> None:
    """Mark outcomes certified with their credential ids: pairs of (outcome id, credential
    id)."""
    if not pairs:
        return
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {quoted} AS o SET status = 'certified', certified_at = %s, "  # noqa: S608
                f"credential_id = v.cid FROM unnest(%s::uuid[], %s::uuid[]) AS v(id, cid) "
                f"WHERE o.id = v.id",
                [certified_at, [p[0] for p in pairs], [p[1] for p in pairs]],
            )
            return
        at = connection.ops.adapt_datetimefield_value(certified_at)
        cursor.executemany(
            f"UPDATE {quoted} SET status = 'certified', certified_at = %s, credential_id = %s "  # noqa: S608
            f"WHERE id = %s",
            [(at, cid.hex, oid.hex) for oid, cid in pairs],
        )


def move_heads(table: str, heads: Sequence[tuple[uuid.UUID, int, str, Decimal]]) -> None:
    """Set archives' chain heads and balances: (archive id, head seq, head hash, balance)."""
    if not heads:
        return
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {quoted} AS a SET head_seq = v.seq, head_hash = v.h, balance = v.b "  # noqa: S608
                f"FROM unnest(%s::uuid[], %s::bigint[], %s::text[], %s::numeric[]) "
                f"AS v(id, seq, h, b) WHERE a.id = v.id",
                [
                    [h[0] for h in heads],
                    [h[1] for h in heads],
                    [h[2] for h in heads],
                    [h[3] for h in heads],
                ],
            )
            return
        cursor.executemany(
            f"UPDATE {quoted} SET head_seq = %s, head_hash = %s, balance = %s WHERE id = %s",  # noqa: S608
            [(seq, digest, str(balance), aid.hex) for aid, seq, digest, balance in heads],
        )


def _column(meta, name: str) -> str:
    """The database column of a concrete field (relations have none of their own)."""
    field = meta.get_field(name)
    column = getattr(field, "column", None)
    if column is None:
        raise ValueError(f"{name} is not a concrete column of {meta.db_table}")
    return str(column)
