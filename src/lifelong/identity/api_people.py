"""identity's public interface, part: people for other domains — names and home districts,
look-ups by resident ID number (through the blind index), people registered without an account
(dormant), and the clear ID number for a verifiable credential. Import these from
`lifelong.identity.api`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from lifelong.identity.models import Person, VerificationLevel
from lifelong.identity.services import ID_CONTEXT, id_number_index
from lifelong.shared import pii
from lifelong.shared.errors import Invalid
from lifelong.shared.ids import InvalidIdentifier, parse_resident_id, validate_resident_id
from lifelong.shared.sql import pg_array


@dataclass(frozen=True)
class PersonBrief:
    id: str
    name: str
    name_masked: str
    district_code: str | None


def person_briefs(person_ids) -> dict[str, PersonBrief]:
    """Name (also masked, 王** ) and home district of each person, keyed by the person id as a
    string; unknown ids are left out. For certificates and opt-in leaderboards."""
    ids = [str(p) for p in person_ids]
    return {
        str(p.pk): PersonBrief(str(p.pk), p.name, pii.mask_name(p.name), p.district_id)
        for p in Person.objects.filter(pk__in=ids)
    }


def person_for_user(user_id) -> str | None:
    """The id (as a string) of the person an account belongs to, or None. Domains that keep
    data per person look it up person-first, so data deposited before the person had an
    account (a dormant record) becomes theirs as soon as identity links the account."""
    person_id = Person.objects.filter(user_id=user_id).values_list("id", flat=True).first()
    return str(person_id) if person_id else None


def person_is_verified(person_id) -> bool:
    """Whether the person's identity is real-name verified (SMS, in person or city login)."""
    return (
        Person.objects.filter(pk=person_id)
        .exclude(verification_level=VerificationLevel.UNVERIFIED)
        .exists()
    )


def _id_index(number: str) -> str:

    return id_number_index(number)


def find_person_by_id_number(id_number: str) -> str | None:
    """The id of the person registered with this resident ID number (exact look-up through
    the blind index; the number is never stored in clear), or None. Raises `Invalid` if the
    number is not a valid GB 11643 number."""
    return find_people_by_id_numbers([id_number]).get(_normalised_id(id_number))


def _normalised_id(raw: str) -> str:

    try:
        return validate_resident_id(raw)
    except InvalidIdentifier as exc:
        raise Invalid(str(exc), fields={"id_number": str(exc)}) from None


def find_people_by_id_numbers(id_numbers) -> dict[str, str]:
    """For many already-validated, normalised ID numbers at once (bulk imports): a dict from
    each number that belongs to a registered person to that person's id. One query."""
    by_index = {_id_index(n): n for n in id_numbers}
    found: dict[str, str] = {}
    rows = Person.objects.filter(id_number_index__in=list(by_index)).values_list(
        "id_number_index", "id"
    )
    for index, pk in rows:
        if index is not None:
            found[by_index[index]] = str(pk)
    return found


def ensure_dormant_person(name: str, id_number: str) -> str:
    """The id of the person with this ID number, registering them without an account (a
    dormant person) if nobody has it yet. The name is used only when registering. When the
    person later verifies and logs in (e.g. through the city login, which links by ID
    number), the account is linked to this same person."""
    number = _normalised_id(id_number)
    name = (name or "").strip()[:100]
    if not name:
        raise Invalid("姓名不能为空 / Name is required", fields={"name": "必填 / required"})
    return ensure_dormant_people([(name, number)])[number]


def ensure_dormant_people(people) -> dict[str, str]:
    """Bulk `ensure_dormant_person` for already-validated, normalised (name, ID number)
    pairs: a dict from each ID number to its person's id. Existing people are found by the
    blind index in one query; the others are inserted in one statement and looked up in one
    more. Safe against a concurrent import registering the same number (the unique index
    decides, the winner is returned)."""
    names: dict[str, str] = {}
    for name, number in people:
        names.setdefault(number, name)
    index_of = {number: _id_index(number) for number in names}
    found = _people_by_index(index_of)
    missing = [n for n in names if n not in found]
    if missing:
        _insert_dormant([(names[n], n, index_of[n]) for n in missing])
        found.update(_people_by_index({n: index_of[n] for n in missing}))
    return found


_LOOKUP_CHUNK = 5000  # below SQLite's limit on bound parameters


def _people_by_index(index_of: dict[str, str]) -> dict[str, str]:
    """ID number → person id (hyphenated text) for the numbers whose blind index (given) is
    registered."""
    by_index = {index: number for number, index in index_of.items()}
    meta = Person._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    key = quote(meta.get_field("id_number_index").column)  # type: ignore[union-attr]
    pk = quote(meta.pk.column)  # type: ignore[union-attr]
    rows: list[tuple] = []
    indexes = list(by_index)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT {key}, {pk} FROM {table} WHERE {key} = ANY(%s::text[])",  # noqa: S608
                [pg_array(indexes)],
            )
            rows = cursor.fetchall()
        else:
            for start in range(0, len(indexes), _LOOKUP_CHUNK):
                part = indexes[start : start + _LOOKUP_CHUNK]
                marks = ", ".join(["%s"] * len(part))
                cursor.execute(
                    f"SELECT {key}, {pk} FROM {table} WHERE {key} IN ({marks})",  # noqa: S608
                    part,
                )
                rows.extend(cursor.fetchall())
    return {
        by_index[index]: str(pk if isinstance(pk, uuid.UUID) else uuid.UUID(str(pk)))
        for index, pk in rows
    }


def _insert_dormant(people: list[tuple[str, str, str]]) -> None:
    """Register (name, ID number, blind index) triples as dormant people in one statement
    (`ON CONFLICT DO NOTHING`: a number registered meanwhile keeps its first person). Every
    other column takes its model default."""
    now = timezone.now()
    varying: dict[str, list] = {
        "id": [],
        "name": [],
        "id_number_sealed": [],
        "id_number_index": [],
        "id_number_masked": [],
        "gender": [],
        "birth_date": [],
    }
    for name, number, index in people:
        rid = parse_resident_id(number)
        varying["id"].append(uuid.uuid4())
        varying["name"].append(name[:100])
        varying["id_number_sealed"].append(pii.seal(rid.number, context=ID_CONTEXT))
        varying["id_number_index"].append(index)
        varying["id_number_masked"].append(pii.mask_id_number(rid.number))
        varying["gender"].append(rid.gender)
        varying["birth_date"].append(rid.birth_date)
    meta = Person._meta
    prep = {f.attname: f for f in meta.concrete_fields}
    fixed = {
        name: (now if name == "created_at" else f.get_default())
        for name, f in prep.items()
        if name not in varying
    }
    fields = [prep[name] for name in (*varying, *fixed)]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    names = ", ".join(quote(f.column) for f in fields)
    columns = {
        name: [prep[name].get_db_prep_save(v, connection) for v in values]
        for name, values in varying.items()
    }
    constants = [prep[name].get_db_prep_save(v, connection) for name, v in fixed.items()]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{prep[name].db_type(connection)}[]" for name in varying)
            scalars = ", ".join(f"%s::{prep[name].db_type(connection)}" for name in fixed)
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT v.*, {scalars} "  # noqa: S608
                f"FROM unnest({arrays}) AS v ON CONFLICT DO NOTHING",
                # In the order of the placeholders: constants, then one array per column.
                [*constants, *(pg_array(values) for values in columns.values())],
            )
            return
        marks = ", ".join(["%s"] * len(fields))
        cursor.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT DO NOTHING",  # noqa: S608
            [(*row, *constants) for row in zip(*columns.values(), strict=True)],
        )


def id_number_for_credential(person_id) -> str | None:
    """The person's resident ID number in clear, for issuing a verifiable credential that
    carries only a salted hash of it (never for display or export), or None if the person has
    none on record."""
    sealed = Person.objects.filter(pk=person_id).values_list("id_number_sealed", flat=True).first()
    if not sealed:
        return None
    return pii.unseal(sealed, context=ID_CONTEXT)
