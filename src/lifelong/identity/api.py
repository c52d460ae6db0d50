"""Public interface of identity for the domains above it."""

from __future__ import annotations

from dataclasses import dataclass

from lifelong.identity.access import Actor, actor_for_user
from lifelong.identity.auth import BearerAuth, optional_actor
from lifelong.identity.demo import load_demo
from lifelong.identity.models import Person
from lifelong.identity.services import check_credentials
from lifelong.shared.api import RegionInfo, list_districts

__all__ = [
    "Actor",
    "BearerAuth",
    "Profile",
    "actor_for_user",
    "check_credentials",
    "districts",
    "load_demo",
    "optional_actor",
    "prefers_elder_mode",
    "profile_for_user",
]


@dataclass(frozen=True)
class Profile:
    username: str
    name: str | None
    id_number_masked: str | None
    phone_masked: str | None
    verification_level: str
    district_name: str | None
    roles: list[tuple[str, str]]


def districts() -> list[RegionInfo]:
    """Shanghai's districts, for pickers and the home page."""
    return list_districts()


def prefers_elder_mode(user) -> bool:
    """Whether this account asked for the elder-friendly display."""
    return Person.objects.filter(user=user, prefers_elder_mode=True).exists()


def profile_for_user(user) -> Profile:
    """What "my page" shows of the signed-in user, masked."""
    actor = actor_for_user(user)
    person = Person.objects.filter(user=user).select_related("district").first()
    return Profile(
        username=user.get_username(),
        name=person.name if person else None,
        id_number_masked=person.id_number_masked if person else None,
        phone_masked=person.phone_masked if person else None,
        verification_level=person.get_verification_level_display() if person else "未实名",
        district_name=person.district.name if person and person.district else None,
        roles=[(g.role, g.organisation_name) for g in actor.grants],
    )
