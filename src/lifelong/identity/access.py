"""Data scopes. Every read of a scoped object goes through an `access_*` function here, and
every list through a `*_visible_to` filter, so pages, the back office and the API share one
rule: a 徐汇区 officer can never list, read or change 黄浦区's data.

A scope grant is (organisation subtree, region prefix) or the whole city. A person is visible
when they live inside a granted region, or belong to an organisation inside a granted subtree,
or are the actor themself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Q

from lifelong.identity.models import Membership, Organisation, Person, Role
from lifelong.shared.errors import Forbidden, NotFound, Unauthenticated

STAFF_ROLES = frozenset(
    {
        Role.SCHOOL_STAFF,
        Role.DISTRICT_OFFICER,
        Role.COMMISSION_OFFICER,
        Role.CREDIT_BANK_OFFICER,
        Role.REGULATOR,
        Role.ENTERPRISE_HR,
        Role.INSTITUTION_STAFF,
    }
)
# Roles that work in the back office (/admin/).
BACK_OFFICE_ROLES = STAFF_ROLES
# Roles that may register people and see their unmasked data within scope.
PEOPLE_MANAGER_ROLES = frozenset(
    {Role.SCHOOL_STAFF, Role.DISTRICT_OFFICER, Role.COMMISSION_OFFICER}
)
# Roles that may register organisations within scope.
ORGANISATION_MANAGER_ROLES = frozenset(
    {Role.DISTRICT_OFFICER, Role.COMMISSION_OFFICER, Role.REGULATOR}
)
# Roles that administer staff accounts within scope (e.g. reset a lost second factor).
ACCOUNT_ADMIN_ROLES = frozenset({Role.DISTRICT_OFFICER, Role.COMMISSION_OFFICER})


@dataclass(frozen=True)
class Grant:
    role: str
    organisation_id: int
    organisation_name: str
    scope: str
    org_path: str
    region_prefix: str

    @property
    def city_wide(self) -> bool:
        return self.scope == Membership.Scope.CITY


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    person_id: str | None
    grants: tuple[Grant, ...] = field(default_factory=tuple)

    @property
    def label(self) -> str:
        return self.username

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(g.role for g in self.grants)

    @property
    def primary_role(self) -> str:
        staff = [g.role for g in self.grants if g.role in STAFF_ROLES]
        return staff[0] if staff else (next(iter(self.roles), "citizen"))

    def grants_for(self, roles: frozenset[str]) -> tuple[Grant, ...]:
        return tuple(g for g in self.grants if g.role in roles)


ANONYMOUS = Actor(user_id=None, username="", person_id=None)


def actor_for_user(user) -> Actor:
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    memberships = (
        Membership.objects.filter(user=user, active=True, organisation__active=True)
        .select_related("organisation__region")
        .order_by("id")
    )
    grants = tuple(
        Grant(
            role=m.role,
            organisation_id=m.organisation_id,
            organisation_name=m.organisation.name,
            scope=m.scope,
            org_path=m.organisation.path,
            region_prefix=m.organisation.region.scope_prefix if m.organisation.region else "",
        )
        for m in memberships
    )
    person = person_of_user(user)
    return Actor(
        user_id=user.pk,
        username=user.get_username(),
        person_id=str(person.pk) if person else None,
        grants=grants,
    )


def person_of_user(user) -> Person | None:
    """The account's person, or None. No query when the user was loaded together with its
    person (bearer-token authentication does that); one otherwise."""
    # "person" is the related name of `Person.user`; the check works through the lazy
    # `request.user` too.
    if "person" in user._state.fields_cache:
        return getattr(user, "person", None)  # a cached absence raises an AttributeError
    return Person.objects.filter(user=user).first()


def _none() -> Q:
    return Q(pk__in=[])


def people_visible_to(actor: Actor, roles: frozenset[str] = PEOPLE_MANAGER_ROLES) -> Q:
    """Filter on Person: who this actor may see in the given roles (and always themself)."""
    q = Q(pk=actor.person_id) if actor.person_id else _none()
    for grant in actor.grants_for(roles):
        if grant.city_wide:
            return Q()
        if grant.scope != Membership.Scope.SUBTREE:
            continue
        if grant.region_prefix:
            q |= Q(residence_code__startswith=grant.region_prefix)
        q |= Q(user__memberships__organisation__path__startswith=grant.org_path)
    return q


def organisations_visible_to(actor: Actor, roles: frozenset[str] = STAFF_ROLES) -> Q:
    """Filter on Organisation: the subtrees the actor's roles cover."""
    q = Q(pk__in=[g.organisation_id for g in actor.grants])
    for grant in actor.grants_for(roles):
        if grant.city_wide:
            return Q()
        if grant.scope == Membership.Scope.SUBTREE:
            q |= Q(path__startswith=grant.org_path)
    return q


def region_in_scope(actor: Actor, region_code: str, roles: frozenset[str]) -> bool:
    for grant in actor.grants_for(roles):
        if grant.city_wide:
            return True
        if (
            grant.scope == Membership.Scope.SUBTREE
            and grant.region_prefix
            and region_code.startswith(grant.region_prefix)
        ):
            return True
    return False


def require_role(actor: Actor, roles: frozenset[str]) -> None:
    if actor.user_id is None:
        raise Unauthenticated("请先登录 / Please log in")
    if not actor.grants_for(roles):
        raise Forbidden("您的角色不能执行此操作 / Your role may not do this")


def access_person_by_id(
    actor: Actor, person_id, roles: frozenset[str] = PEOPLE_MANAGER_ROLES
) -> Person:
    """The person, if the actor may see them; otherwise NotFound, as if they did not exist."""
    try:
        return (
            Person.objects.filter(people_visible_to(actor, roles))
            .select_related("district", "street")
            .distinct()
            .get(pk=person_id)
        )
    except (Person.DoesNotExist, ValueError, TypeError):
        raise NotFound("找不到该人员 / No such person") from None


def access_organisation_by_id(
    actor: Actor, organisation_id, roles: frozenset[str] = STAFF_ROLES
) -> Organisation:
    try:
        return Organisation.objects.filter(organisations_visible_to(actor, roles)).get(
            pk=organisation_id
        )
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise NotFound("找不到该组织 / No such organisation") from None


def _subtrees_administered(actor: Actor, roles: frozenset[str]) -> Q:
    """Filter on Organisation: the subtrees the actor's grants in `roles` cover (and nothing
    for their other roles)."""
    q = _none()
    for grant in actor.grants_for(roles):
        if grant.city_wide:
            return Q()
        if grant.scope == Membership.Scope.SUBTREE:
            q |= Q(path__startswith=grant.org_path)
    return q


def accounts_administered_by(actor: Actor, roles: frozenset[str] = ACCOUNT_ADMIN_ROLES):
    """The ids of the accounts the actor administers: every active role the account holds is
    at an organisation inside the actor's scope, so an administrator of one district never
    weakens an account that also acts elsewhere."""
    in_scope = Organisation.objects.filter(_subtrees_administered(actor, roles)).values("pk")
    roles_held = Membership.objects.filter(active=True)
    outside = roles_held.exclude(organisation__in=in_scope).values("user_id")
    inside = roles_held.filter(organisation__in=in_scope).exclude(user_id__in=outside)
    return inside.values("user_id")


def access_staff_account(actor: Actor, username: str, roles: frozenset[str] = ACCOUNT_ADMIN_ROLES):
    """The account `username`, if the actor administers it (`accounts_administered_by`);
    otherwise NotFound, as if it did not exist. The actor's own account is Forbidden: its
    owner has their own ways to change it."""
    user = get_user_model()._default_manager.filter(username=username).first()
    if user is None:
        raise NotFound("找不到该账号 / No such account")
    if not accounts_administered_by(actor, roles).filter(user_id=user.pk).exists():
        raise NotFound("找不到该账号 / No such account")
    if user.pk == actor.user_id:
        raise Forbidden(
            "不能重置自己的账号，请在“我的”中操作 / Use your own settings for your account"
        )
    return user
