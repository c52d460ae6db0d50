"""Small helpers for the few hand-written SQL statements of bulk paths."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def pg_array(values: Sequence[Any], *, plain: bool = False) -> str:
    """A PostgreSQL array literal of these values (None for NULL), passed as one text
    parameter and cast (`%s::uuid[]`): the driver then quotes one string instead of adapting
    each of thousands of items. `plain`: the values are never NULL and their text needs no
    quoting (UUIDs, hex digests, numbers)."""
    if plain:
        return "{" + ",".join(map(str, values)) + "}"
    items = []
    for value in values:
        if value is None:
            items.append("NULL")
            continue
        text = str(value)
        if "\\" in text or '"' in text:
            text = text.replace("\\", "\\\\").replace('"', '\\"')
        items.append(f'"{text}"')
    return "{" + ",".join(items) + "}"
