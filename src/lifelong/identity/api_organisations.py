"""identity's public interface, part: organisations for other domains — look-ups, the
registration use case with identity's own rules, and idempotent helpers for demo loaders.
Import these from `lifelong.identity.api`."""

from __future__ import annotations

from dataclasses import dataclass

from lifelong.identity import demo
from lifelong.identity.access import Actor
from lifelong.identity.models import Organisation
from lifelong.identity.services import create_organisation


@dataclass(frozen=True)
class OrganisationBrief:
    id: int
    name: str
    kind: str
    path: str
    region_code: str | None


def find_organisation(name: str) -> OrganisationBrief | None:
    """The active organisation of that exact name (the first registered), or None. For demo
    loaders and imports that name organisations."""
    org = Organisation.objects.filter(name=name, active=True).order_by("pk").first()
    if org is None:
        return None
    return OrganisationBrief(org.pk, org.name, org.kind, org.path, org.region_id)


def ensure_demo_organisation(
    name: str, kind: str, region_code: str | None = None
) -> OrganisationBrief:
    """The organisation of that name and kind, created top-level if missing (idempotent). For
    the demo loaders of higher domains only (e.g. the learning map's experience bases); it
    checks no actor, so never call it from a request."""
    org = demo._org(name, kind, None, region_code)
    return OrganisationBrief(org.pk, org.name, org.kind, org.path, org.region_id)


def organisation_by_id(organisation_id) -> OrganisationBrief | None:
    """The organisation with that id (active or not), or None."""
    org = Organisation.objects.filter(pk=organisation_id).first()
    if org is None:
        return None
    return OrganisationBrief(org.pk, org.name, org.kind, org.path, org.region_id)


def organisation_names(organisation_ids) -> dict[int, str]:
    """The names of these organisations, keyed by id (unknown ids are left out). One query."""
    ids = [int(i) for i in organisation_ids]
    return dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))


def organisation_uscc(organisation_id) -> str | None:
    """The unified social credit code registered for the organisation, or None."""
    return Organisation.objects.filter(pk=organisation_id).values_list("uscc", flat=True).first()


def demo_uscc(authority_and_kind: str, area: str, org_code8: str) -> str:
    """A unified social credit code with correct check characters, for demo data only:
    `demo_uscc("52", "310104", "MJ4926D1")`."""
    return demo.demo_uscc(authority_and_kind, area, org_code8)


def ensure_organisation(
    name: str,
    kind: str,
    uscc: str | None = None,
    region_code: str | None = None,
    parent_id: int | None = None,
) -> int:
    """The id of the organisation with this USCC (or, without one, this name and kind),
    created under `parent_id` if missing (idempotent). For demo loaders only: it checks no
    actor, so never call it from a request."""
    if uscc:
        existing = Organisation.objects.filter(uscc=uscc).values_list("pk", flat=True).first()
        if existing is not None:
            return existing
    parent = Organisation.objects.get(pk=parent_id) if parent_id is not None else None
    return demo._org(name, kind, parent, region_code, uscc).pk


def ensure_organisations(specs) -> dict[str, int]:
    """Bulk `ensure_organisation` for demo loaders: `specs` are (name, kind, uscc, region_code,
    parent_id) with a USCC each; returns each USCC's organisation id. Existing organisations
    (by USCC) are kept; the others are inserted in one statement and their paths set in one
    more. Checks no actor: never call it from a request."""
    specs = list(specs)
    found = dict(
        Organisation.objects.filter(uscc__in=[s[2] for s in specs]).values_list("uscc", "pk")
    )
    missing = [s for s in specs if s[2] not in found]
    if missing:
        parents = dict(
            Organisation.objects.filter(pk__in={s[4] for s in missing if s[4]}).values_list(
                "pk", "path"
            )
        )
        made = Organisation.objects.bulk_create(
            [
                Organisation(name=name, kind=kind, uscc=uscc, region_id=region, parent_id=parent)
                for name, kind, uscc, region, parent in missing
            ]
        )
        for org in made:
            if org.pk is None:  # a backend that cannot return ids: look them up
                org.pk = Organisation.objects.values_list("pk", flat=True).get(uscc=org.uscc)
            parent_path = parents.get(org.parent_id, "/") if org.parent_id else "/"
            org.path = f"{parent_path}{org.pk}/"
        Organisation.objects.bulk_update(made, ["path"], batch_size=1000)
        found.update({str(org.uscc): org.pk for org in made})
    return {str(uscc): pk for uscc, pk in found.items()}


def register_organisation(
    actor: Actor,
    *,
    name: str,
    kind: str,
    uscc: str | None = None,
    region_code: str | None = None,
    parent_id: int | None = None,
    address: str = "",
) -> OrganisationBrief:
    """Register an organisation as `actor` (identity's own rules: organisation managers only,
    within their scope; regulators register training institutions only; a valid, unused USCC).
    Raises `Forbidden`, `Invalid` (naming `uscc`, `name`, `parent_id`, …) or `Conflict`. The
    caller's transaction covers it, so a higher domain can add its own data atomically."""
    org = create_organisation(
        actor=actor,
        name=name,
        kind=kind,
        uscc=uscc,
        parent_id=parent_id,
        region_code=region_code,
        address=address,
    )
    return OrganisationBrief(org.pk, org.name, org.kind, org.path, org.region_id)
