"""What the store extracts from a valid statement for its indexes."""

from __future__ import annotations

import datetime as dt

VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided"


class Facts:
    """What the store extracts from one valid statement for its indexes."""

    __slots__ = (
        "activity_id",
        "actor_ifi",
        "attachments",
        "member_ifis",
        "object_agent_ifi",
        "ref_target",
        "registration",
        "related_activities",
        "related_ifis",
        "timestamp",
        "verb_id",
    )

    def __init__(self) -> None:
        self.verb_id = ""
        self.actor_ifi: str | None = None
        self.object_agent_ifi: str | None = None
        self.activity_id: str | None = None
        self.ref_target: str | None = None
        self.registration: str | None = None
        self.timestamp: dt.datetime | None = None
        self.member_ifis: set[str] = set()
        self.related_ifis: set[str] = set()
        self.related_activities: set[str] = set()
        self.attachments: list[dict] = []

    @classmethod
    def of_common(
        cls,
        *,
        verb_id: str,
        actor_ifi: str,
        activity_id: str,
        registration: str | None,
        timestamp: dt.datetime | None,
        related_activities: set[str],
    ) -> Facts:
        """The facts of a statement of the common shape (an agent does something to an
        activity), as the one-pass and typed checks report them."""
        facts = cls()
        facts.verb_id = verb_id
        facts.actor_ifi = actor_ifi
        facts.activity_id = activity_id
        facts.registration = registration
        facts.timestamp = timestamp
        facts.related_activities = related_activities
        return facts

    @property
    def is_voiding(self) -> bool:
        return self.verb_id == VOIDED_VERB
