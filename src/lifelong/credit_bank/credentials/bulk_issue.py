"""Issuing many Open Badges at once (an enterprise import's batch), without signing them:
each certified outcome gets its credential row at once — id, learner, achievement, a random
free status slot and the full unsigned document — and the proof follows
(`credentials.signing`). The caller inserts the rows in its own transaction."""

from __future__ import annotations

import datetime as dt
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lifelong.credit_bank.credentials import documents, keys
from lifelong.credit_bank.credentials.services import ACHIEVEMENT_KEYS, STATUS_LIST_FILL
from lifelong.credit_bank.models import Credential, StatusList

SALT_BYTES = 16  # as `documents.identity_object`: 32 hex digits


def _random_words(chunk: int) -> Iterator[int]:
    """Uniform 32-bit numbers from the system's random source, read `chunk` at a time."""
    while True:
        yield from struct.unpack(f">{chunk}I", os.urandom(4 * chunk))


def random_sample(population: list[int], count: int) -> list[int]:
    """`count` distinct items of `population`, uniformly at random, as `random.SystemRandom
    ().sample` but with one read of the random source per few thousand items instead of
    one per item (a partial Fisher–Yates shuffle; rejection keeps every choice unbiased)."""
    pool = list(population)
    words = _random_words(max(64, count + count // 8))
    for i in range(count):
        span = len(pool) - i
        limit = (1 << 32) - (1 << 32) % span
        word = next(words)
        while word >= limit:
            word = next(words)
        j = i + word % span
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:count]


@dataclass(frozen=True)
class Slot:
    list_id: int
    index: int


class SlotAllocator:
    """Random free status slots of one organisation's revocation lists, many at a time.
    `take` runs in the caller's transaction and locks the organisation's current list row
    until it commits, so issuers of one organisation take turns (single issues lock it too);
    a list is filled to `STATUS_LIST_FILL` before a new one is started. The slots taken from
    a list are read once and then remembered: if someone else took one in the meantime, the
    insert breaks `credential_status_slot`, and the caller calls `forget` and takes again."""

    def __init__(self, organisation_id: int):
        self.organisation_id = organisation_id
        self._used: dict[int, set[int]] = {}

    def _used_slots(self, status_list: StatusList) -> set[int]:
        known = self._used.get(status_list.pk)
        if known is None:
            known = set(
                Credential.objects.filter(status_list=status_list).values_list(
                    "status_index", flat=True
                )
            )
            self._used[status_list.pk] = known
        return known

    def forget(self) -> None:
        """Read the lists' used slots again on the next `take`."""
        self._used.clear()

    def take(self, count: int) -> list[Slot]:
        slots: list[Slot] = []
        current = (
            StatusList.objects.select_for_update()
            .filter(organisation_id=self.organisation_id)
            .order_by("-pk")
            .first()
        )
        while len(slots) < count:
            if current is None:
                current = StatusList.objects.create(organisation_id=self.organisation_id)
            used = self._used_slots(current)
            room = int(current.size * STATUS_LIST_FILL) - len(used)
            if room > 0:
                take = min(room, count - len(slots))
                free = [i for i in range(current.size) if i not in used]
                chosen = random_sample(free, take)
                used.update(chosen)
                slots.extend(Slot(current.pk, i) for i in chosen)
            if len(slots) < count:
                current = None
        return slots


class BadgeBatch:
    """Unsigned Open Badges of one issuing organisation: the document of each is rendered from
    a template per achievement and day of issue, with a fresh random salt per badge for the
    learner's identity hash. One per import run: it keeps its templates and status slots."""

    def __init__(self, *, organisation_id: int, issuer_name: str):
        self.organisation_id = organisation_id
        self.issuer = documents.issuer_profile(
            keys.signing_key_for(organisation_id).did, issuer_name
        )
        self.slots = SlotAllocator(organisation_id)
        self._templates: dict[Any, documents.BadgeTemplate] = {}

    def template(
        self, key: Any, achievement: dict[str, Any], issued_on: dt.date
    ) -> documents.BadgeTemplate:
        """The template of an achievement (`ACHIEVEMENT_KEYS`; `key` names it, e.g. the
        standard version's id) issued on that day."""
        found = self._templates.get((key, issued_on))
        if found is None:
            data = {k: achievement.get(k) for k in ACHIEVEMENT_KEYS}
            found = self._templates[(key, issued_on)] = documents.BadgeTemplate(
                issuer=self.issuer, achievement_data=data, issued_on=issued_on
            )
        return found

    @staticmethod
    def salts(count: int) -> list[str]:
        """`count` fresh random salts (one read of the system's random source)."""
        raw = os.urandom(SALT_BYTES * count).hex()
        step = SALT_BYTES * 2
        return [raw[i : i + step] for i in range(0, len(raw), step)]
