"""Writing the search index: the services that change resources call `reindex` inside their
transaction; `rebuild` files every published resource afresh (bulk loads, a changed jieba
dictionary, repairs after data was changed behind the services' back).

A published resource holds one slot, a small integer; each key it is filed under — a word of
its text, a word of its title, its category, format, district, audiences, senior-MOOC flag,
the day a live class ends, and "published" — has a posting, the set of slots filed under it
(`bitmaps`). The resource row keeps its slot and keys, so taking it out removes exactly what
was put in. Writers serialise on the state row (`SELECT … FOR UPDATE`; SQLite's immediate
transactions already do), and every change gives the index a new generation, which tells
each process's reader to drop what it has decoded.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence

from django.db import connection, transaction
from django.db.models import Q

from lifelong.catalog.models import (
    AUDIENCES,
    Field,
    Kind,
    Resource,
    SearchIndexState,
    SearchPosting,
    Status,
)
from lifelong.catalog.search import bitmaps
from lifelong.catalog.search.text import text_words, title_words
from lifelong.shared import clock

Key = tuple[str, str]

_AUDIENCE_FLAGS = dict(
    zip(AUDIENCES, ("for_seniors", "for_youth", "for_white_collar", "for_workers"), strict=True)
)
_BATCH = 1000


def new_generation() -> str:
    return uuid.uuid4().hex


def live_day(ends_at) -> str:
    """The Shanghai calendar day a live class ends on, as a posting term."""
    return ends_at.astimezone(clock.SHANGHAI).date().isoformat()


class Words:
    """jieba's words per text, remembered for one indexing run: summaries, categories and
    providers repeat across thousands of resources."""

    def __init__(self) -> None:
        self._text: dict[str, list[str]] = {}
        self._title: dict[str, list[str]] = {}

    def text(self, value: str) -> list[str]:
        words = self._text.get(value)
        if words is None:
            words = self._text[value] = text_words(value)
        return words

    def title(self, value: str) -> list[str]:
        words = self._title.get(value)
        if words is None:
            words = self._title[value] = title_words(value)
        return words


def keys_for(resource: Resource, words: Words) -> list[Key]:
    """Every key a published resource is filed under."""
    title = words.title(resource.title)
    keys: dict[Key, None] = dict.fromkeys((Field.WORD.value, w) for w in title)
    for text in (resource.summary, resource.category.name, resource.provider.name):
        keys.update(dict.fromkeys((Field.WORD.value, w) for w in words.text(text)))
    keys.update(dict.fromkeys((Field.TITLE.value, w) for w in title))
    keys[(Field.PUBLISHED.value, "")] = None
    keys[(Field.CATEGORY.value, str(resource.category_id))] = None
    keys[(Field.KIND.value, resource.kind)] = None
    if resource.district_id:
        keys[(Field.DISTRICT.value, str(resource.district_id))] = None
    for audience, flag in _AUDIENCE_FLAGS.items():
        if getattr(resource, flag):
            keys[(Field.AUDIENCE.value, audience)] = None
    if resource.is_senior_mooc:
        keys[(Field.SENIOR_MOOC.value, "1")] = None
    if resource.kind == Kind.LIVE and resource.ends_at is not None:
        keys[(Field.LIVE_ENDS.value, live_day(resource.ends_at))] = None
    return list(keys)


def format_keys(keys: Iterable[Key]) -> str:
    return " ".join(f"{field}:{term}" for field, term in keys)


def parse_keys(text: str) -> list[Key]:
    keys: list[Key] = []
    for item in text.split():
        field, _, term = item.partition(":")
        keys.append((field, term))
    return keys


def _lock_state() -> SearchIndexState:
    state = SearchIndexState.objects.select_for_update().filter(pk=1).first()
    if state is None:
        state = SearchIndexState.objects.create(pk=1, generation=new_generation())
    return state


class _Changes:
    """Slots to take out of and put into each posting chunk, applied in one pass."""

    def __init__(self) -> None:
        self.remove: dict[tuple[str, str, int], list[int]] = defaultdict(list)
        self.add: dict[tuple[str, str, int], list[int]] = defaultdict(list)

    def take_out(self, keys: Iterable[Key], slot: int) -> None:
        chunk, position = bitmaps.chunk_of(slot)
        for field, term in keys:
            self.remove[(field, term, chunk)].append(position)

    def put_in(self, keys: Iterable[Key], slot: int) -> None:
        chunk, position = bitmaps.chunk_of(slot)
        for field, term in keys:
            self.add[(field, term, chunk)].append(position)

    def apply(self) -> None:
        touched = set(self.remove) | set(self.add)
        if not touched:
            return
        existing = _postings_for(touched)
        created: list[SearchPosting] = []
        changed: list[SearchPosting] = []
        emptied: list[int] = []
        for key in touched:
            row = existing.get(key)
            bits = bitmaps.decode_chunk(row.bitmap, 0) if row is not None else 0
            if key in self.remove:
                bits &= ~bitmaps.from_slots(self.remove[key])
            if key in self.add:
                bits |= bitmaps.from_slots(self.add[key])
            if not bits:
                if row is not None:
                    emptied.append(row.pk)
                continue
            data, size = bitmaps.encode_chunk(bits), bits.bit_count()
            if row is None:
                field, term, chunk = key
                created.append(
                    SearchPosting(field=field, term=term, chunk=chunk, size=size, bitmap=data)
                )
            elif size != row.size or bytes(row.bitmap) != data:
                row.bitmap, row.size = data, size
                changed.append(row)
        for start in range(0, len(emptied), _BATCH):
            SearchPosting.objects.filter(pk__in=emptied[start : start + _BATCH]).delete()
        if changed:
            # One plain UPDATE per posting: Django's bulk_update would build one CASE over
            # every 8 KiB value.
            with connection.cursor() as cursor:
                cursor.executemany(
                    "UPDATE catalog_searchposting SET bitmap = %s, size = %s WHERE id = %s",
                    [(row.bitmap, row.size, row.pk) for row in changed],
                )
        SearchPosting.objects.bulk_create(created, batch_size=500)


def _postings_for(
    keys: Iterable[tuple[str, str, int]],
) -> dict[tuple[str, str, int], SearchPosting]:
    by_field: dict[str, set[str]] = defaultdict(set)
    for field, term, _ in keys:
        by_field[field].add(term)
    found: dict[tuple[str, str, int], SearchPosting] = {}
    for field, terms in by_field.items():
        ordered = sorted(terms)
        for start in range(0, len(ordered), _BATCH):
            rows = SearchPosting.objects.select_for_update().filter(
                Q(field=field, term__in=ordered[start : start + _BATCH])
            )
            for row in rows:
                found[(row.field, row.term, row.chunk)] = row
    return found


def _write_slots(rows: Sequence[tuple[int | None, str, int]]) -> None:
    """(slot, keys, resource id) onto the resource rows, one plain UPDATE each."""
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE catalog_resource SET search_slot = %s, search_keys = %s WHERE id = %s", rows
        )


def _file(resources: list[Resource]) -> None:
    _write_slots([(r.search_slot, r.search_keys, r.pk) for r in resources])


def _resources(ids: list[int]) -> Iterator[Resource]:
    for start in range(0, len(ids), _BATCH):
        yield from (
            Resource.objects.filter(pk__in=ids[start : start + _BATCH])
            .select_related("category", "provider")
            .order_by("published_at", "id")
        )


@transaction.atomic
def touch() -> None:
    """Tell every reader to reload: something they read beside the postings (category names
    and parents) changed."""
    state = _lock_state()
    state.generation = new_generation()
    state.save(update_fields=["generation"])


def reindex(resource_ids: Iterable[int]) -> None:
    """File these resources as they now are: a published one under its current keys (in its
    slot, or the next free one if it had none), anything else nowhere."""
    _refile(resource_ids, withdraw=False)


def withdraw(resource_ids: Iterable[int]) -> None:
    """Take these resources out of the index, before they stop being published (only a
    published resource may hold a slot)."""
    _refile(resource_ids, withdraw=True)


@transaction.atomic
def _refile(resource_ids: Iterable[int], *, withdraw: bool) -> None:
    ids = sorted(set(resource_ids))
    if not ids:
        return
    state = _lock_state()
    words = Words()
    changes = _Changes()
    updated: list[Resource] = []
    for resource in _resources(ids):
        old_slot, old_text = resource.search_slot, resource.search_keys
        slot: int | None = None
        keys: list[Key] = []
        if resource.status == Status.PUBLISHED and not withdraw:
            keys = keys_for(resource, words)
            slot = old_slot
            if slot is None:
                slot, state.next_slot = state.next_slot, state.next_slot + 1
        if old_slot is not None:
            changes.take_out(parse_keys(old_text), old_slot)
        if slot is not None:
            changes.put_in(keys, slot)
        text = format_keys(keys)
        if (slot, text) != (old_slot, old_text):
            resource.search_slot, resource.search_keys = slot, text
            updated.append(resource)
    changes.apply()
    _file(updated)
    state.generation = new_generation()
    state.save(update_fields=["generation", "next_slot"])


@transaction.atomic
def rebuild() -> int:
    """File every published resource afresh, slots in order of publication (oldest first).
    Returns how many are in the index."""
    state = _lock_state()
    SearchPosting.objects.all().delete()
    Resource.objects.filter(search_slot__isnull=False).update(search_slot=None, search_keys="")
    words = Words()
    members: dict[Key, list[int]] = defaultdict(list)
    filed: list[tuple[int, str, int]] = []
    published = (
        Resource.objects.filter(status=Status.PUBLISHED)
        .select_related("category", "provider")
        .order_by("published_at", "id")
    )
    slot = 0
    for resource in published.iterator(chunk_size=2000):
        keys = keys_for(resource, words)
        for key in keys:
            members[key].append(slot)
        filed.append((slot, format_keys(keys), resource.pk))
        slot += 1
    postings: list[SearchPosting] = []
    for (field, term), slots in members.items():
        for chunk, bits in bitmaps.split_chunks(bitmaps.from_slots(slots)).items():
            postings.append(
                SearchPosting(
                    field=field,
                    term=term,
                    chunk=chunk,
                    size=bits.bit_count(),
                    bitmap=bitmaps.encode_chunk(bits),
                )
            )
    SearchPosting.objects.bulk_create(postings, batch_size=500)
    for start in range(0, len(filed), 5000):
        _write_slots(filed[start : start + 5000])
    state.next_slot = slot
    state.generation = new_generation()
    state.rebuilt_at = clock.now()
    state.save()
    return slot
