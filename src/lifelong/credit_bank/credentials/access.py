"""Who may do what with credentials. Reading a credential needs no role (its id is a random
UUID and it names the learner only by a salted hash); everything else is checked here."""

from __future__ import annotations

import uuid

from lifelong.identity import api as identity
from lifelong.shared.errors import Forbidden, Unauthenticated

OFFICER_ROLES = frozenset({"credit_bank_officer"})
IMPORTER_ROLES = frozenset({"credit_bank_officer", "partner_system"})


def require_role(actor: identity.Actor, roles: frozenset[str]) -> None:
    if actor.user_id is None:
        raise Unauthenticated("请先登录 / Please log in")
    if not actor.grants_for(roles):
        raise Forbidden("您的角色不能执行此操作 / Your role may not do this")


def require_learner(actor: identity.Actor) -> uuid.UUID:
    """The actor's own person id; only a person can hold a transcript."""
    if actor.user_id is None:
        raise Unauthenticated("请先登录 / Please log in")
    if not actor.person_id:
        raise Forbidden("只有学习者本人可以导出学分证明 / Only a learner can export a transcript")
    return uuid.UUID(str(actor.person_id))
