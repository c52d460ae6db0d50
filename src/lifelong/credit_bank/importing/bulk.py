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

from lifelong.shared.sql import pg_array

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


def _copy_escape(value: str) -> str:
    """A value in PostgreSQL's COPY text format."""
    if "\\" in value:
        value = value.replace("\\", "\\\\")
    if "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def db_datetime(moment: dt.datetime) -> str:
    """A datetime as the text a DateTimeField column takes on this database."""
    return str(connection.ops.adapt_datetimefield_value(moment))


def copy_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[str | None]],
    *,
    text_columns: Sequence[str] = (),
) -> None:
    """Insert rows given as database text (UUIDs as 32 hex digits, datetimes from
    `db_datetime`, dates ISO, numbers as decimal text, None for NULL). PostgreSQL: one
    `COPY`, the text rendered here; only the `text_columns` (free text) can hold characters
    COPY must escape, so only they are checked. SQLite: one prepared statement executed for
    all rows."""
    if not rows:
        return
    meta = model._meta
    fields = [meta.get_field(name) for name in columns]
    table = connection.ops.quote_name(meta.db_table)
    names = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608
            return
        escaped = [columns.index(c) for c in text_columns]
        lines = []
        for row in rows:
            values = ["\\N" if v is None else v for v in row]
            for i in escaped:
                values[i] = _copy_escape(values[i])
            lines.append("\t".join(values))
        lines.append("")
        # The driver's own cursor: its errors become Django's (IntegrityError, …) here.
        with (
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            copy.write("\n".join(lines).encode("utf-8"))


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[tuple],
    *,
    ignore_conflicts: bool = False,
) -> None:
    """Insert plain tuples (values in `columns` order, as Python values) into the model's
    table, bypassing model instances for speed. With `ignore_conflicts`, rows that would break
    a unique constraint are skipped (`ON CONFLICT DO NOTHING`; on PostgreSQL one statement
    over `unnest` of a typed array per column)."""
    if not rows:
        return
    meta = model._meta
    fields = [meta.get_field(name) for name in columns]
    table = connection.ops.quote_name(meta.db_table)
    names = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not ignore_conflicts:
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            return
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)  # type: ignore[union-attr]
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays}) "  # noqa: S608
                "ON CONFLICT DO NOTHING",
                [pg_array([row[i] for row in rows]) for i in range(len(fields))],
            )
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
    plain: bool = False,
) -> list[tuple]:
    """Rows (raw database values of `columns`) whose `key` column is one of `values`; with
    `lock`, locked for the transaction in primary-key order (PostgreSQL `FOR UPDATE`; SQLite
    transactions are already exclusive writers). `plain` as for `pg_array`."""
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
            key_type = key_field.db_type(connection)  # type: ignore[union-attr]
            cursor.execute(
                f"SELECT {names} FROM {table} WHERE {key_column} = ANY(%s::{key_type}[])"  # noqa: S608
                + (f" ORDER BY {pk} FOR UPDATE" if lock else ""),
                [pg_array(values, plain=plain)],
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


def move_heads(table: str, heads: Sequence[tuple[str, int, str, Decimal]]) -> None:
    """Set archives' chain heads and balances: (archive id as text, head seq, head hash,
    balance)."""
    if not heads:
        return
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {quoted} AS a SET head_seq = v.seq, head_hash = v.h, balance = v.b "  # noqa: S608
                f"FROM unnest(%s::uuid[], %s::bigint[], %s::text[], %s::numeric[]) "
                f"AS v(id, seq, h, b) WHERE a.id = v.id",
                [pg_array([h[i] for h in heads], plain=True) for i in range(4)],
            )
            return
        cursor.executemany(
            f"UPDATE {quoted} SET head_seq = %s, head_hash = %s, balance = %s WHERE id = %s",  # noqa: S608
            [
                (seq, digest, str(balance), aid.replace("-", ""))
                for aid, seq, digest, balance in heads
            ],
        )


def _column(meta, name: str) -> str:
    """The database column of a concrete field (relations have none of their own)."""
    field = meta.get_field(name)
    column = getattr(field, "column", None)
    if column is None:
        raise ValueError(f"{name} is not a concrete column of {meta.db_table}")
    return str(column)
