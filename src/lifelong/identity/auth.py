"""Bearer-token authentication for the JSON API."""

from __future__ import annotations

from ninja.security import HttpBearer

from lifelong.identity.access import actor_for_user
from lifelong.identity.services import user_for_token


class BearerAuth(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        request.actor = actor_for_user(user)
        return request.actor


def optional_actor(request):
    """For public endpoints that show more to a signed-in caller."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        user = user_for_token(header[7:].strip())
        if user is not None:
            return actor_for_user(user)
    return actor_for_user(getattr(request, "user", None))
