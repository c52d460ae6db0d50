"""Small helpers shared by the catalog tests: demo resources by their demo key, and actors."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from lifelong.catalog.models import Resource
from lifelong.identity import api as identity


def demo(key: str) -> Resource:
    """A demo resource: `demo("0-0-course")` is 太极拳入门."""
    return Resource.objects.get(key=f"demo-{key}")


def actor(username: str):
    return identity.actor_for_user(get_user_model().objects.get(username=username))


def units(resource: Resource):
    return list(resource.units.order_by("position"))
