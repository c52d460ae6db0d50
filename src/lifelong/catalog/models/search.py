"""The search index: one posting per (field, term, chunk) holding the set of index slots of
the published resources under that key, and the index's state row."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class Field(models.TextChoices):
    """What a posting's term is. Words come from the text; the rest are facet values."""

    WORD = "w", "word anywhere"
    TITLE = "t", "word of the title"
    PUBLISHED = "p", "every published resource"
    CATEGORY = "c", "category id"
    KIND = "k", "format"
    DISTRICT = "d", "district code"
    AUDIENCE = "a", "audience"
    SENIOR_MOOC = "m", "senior MOOC"
    LIVE_ENDS = "e", "day a live class ends (Shanghai)"


class SearchPosting(models.Model):
    """The published resources under one key, for slots `chunk` × 65,536 onwards: a
    zlib-compressed little-endian bitmap of 65,536 bits (see `search.bitmaps`). Written only
    by `search.index`, inside the transaction of the service that changed the resources."""

    field = models.CharField(max_length=1, choices=Field.choices)
    term = models.CharField(max_length=64, blank=True)
    chunk = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    bitmap = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["field", "term", "chunk"], name="search_posting_key_chunk_unique"
            ),
            models.CheckConstraint(
                condition=Q(field__in=Field.values), name="search_posting_field_known"
            ),
            # An empty posting is deleted, never stored.
            models.CheckConstraint(
                condition=Q(size__gte=1, size__lte=65536), name="search_posting_size_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.field}:{self.term}#{self.chunk} ({self.size})"


class SearchIndexState(models.Model):
    """The single row that serialises index writers and tells readers when to reload.

    `generation` is a fresh random value after every committed index change: readers keep
    decoded postings in memory only while it stays the same (a rolled-back change leaves the
    old value, which still describes the data). `next_slot` is the slot the next newly
    published resource takes, so slots follow the order of publication."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    generation = models.CharField(max_length=32)
    next_slot = models.PositiveIntegerField(default=0)
    rebuilt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="search_state_single_row")]

    def __str__(self) -> str:
        return f"search index {self.generation}"
