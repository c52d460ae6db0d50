"""Shanghai demo data for identity: districts, some streets, organisations of every kind and
one account per role, all with the password `lifelong-demo`. Idempotent: running it again
changes nothing. Only `lifelong load_demo` calls this."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from lifelong.identity.access import BACK_OFFICE_ROLES
from lifelong.identity.models import (
    Membership,
    Organisation,
    OrgKind,
    Person,
    Role,
    VerificationLevel,
)
from lifelong.identity.privacy import load_demo_privacy
from lifelong.identity.services import ID_CONTEXT, PHONE_CONTEXT
from lifelong.shared import clock, pii
from lifelong.shared.api import ensure_city_regions, load_streets_csv
from lifelong.shared.ids import (
    organisation_code_check_character,
    parse_resident_id,
    ric_check_character,
    uscc_check_character,
)
from lifelong.shared.regions import SHANGHAI_DISTRICTS

DEMO_PASSWORD = "lifelong-demo"
_DATA = Path(__file__).with_name("data")


def demo_uscc(authority_and_kind: str, area: str, org_code8: str) -> str:
    """A USCC with correct check characters, for demo organisations only."""
    body = authority_and_kind + area + org_code8
    body += organisation_code_check_character(org_code8)
    return body + uscc_check_character(body)


def demo_id_number(area: str, birth: str, sequence: str) -> str:
    first17 = area + birth + sequence
    return first17 + ric_check_character(first17)


def _org(
    name: str,
    kind: str,
    parent: Organisation | None,
    region: str | None,
    uscc: str | None = None,
    name_en: str = "",
) -> Organisation:
    org = Organisation.objects.filter(name=name, kind=kind).first()
    if org is None:
        org = Organisation.objects.create(
            name=name, name_en=name_en, kind=kind, parent=parent, region_id=region, uscc=uscc
        )
        org.path = f"{parent.path if parent else '/'}{org.pk}/"
        org.save(update_fields=["path"])
    return org


def _person(
    name: str, id_number: str, phone: str, district: str, street: str | None, **extra
) -> Person:
    rid = parse_resident_id(id_number)
    index = pii.blind_index(rid.number, context=ID_CONTEXT)
    person = Person.objects.filter(id_number_index=index).first()
    if person is None:
        person = Person.objects.create(
            name=name,
            id_number_sealed=pii.seal(rid.number, context=ID_CONTEXT),
            id_number_index=index,
            id_number_masked=pii.mask_id_number(rid.number),
            gender=rid.gender,
            birth_date=rid.birth_date,
            phone_sealed=pii.seal(phone, context=PHONE_CONTEXT),
            phone_index=pii.blind_index(phone, context=PHONE_CONTEXT),
            phone_masked=pii.mask_phone(phone),
            district_id=district,
            street_id=street,
            residence_code=street or district,
            **extra,
        )
    return person


def _account(username: str, person: Person | None, grants: list[tuple[Organisation, str, str]]):
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None:
        user = user_model.objects.create_user(username=username, password=DEMO_PASSWORD)
    if person is not None and person.user_id is None:
        person.user = user
        person.save(update_fields=["user"])
    for org, role, scope in grants:
        Membership.objects.get_or_create(
            user=user, organisation=org, role=role, defaults={"scope": scope}
        )
    # Staff roles work in the back office; what they see there is still cut to their scope.
    if any(role in BACK_OFFICE_ROLES for _, role, _ in grants) and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return user


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Create the demo regions, organisations, people and accounts."""
    ensure_city_regions()
    load_streets_csv(_DATA / "demo_streets.csv")

    commission = _org(
        "上海市教育委员会",
        OrgKind.COMMISSION,
        None,
        "310000",
        demo_uscc("11", "310000", "00248839"),
        "Shanghai Municipal Education Commission",
    )
    bureaus = {
        code: _org(
            f"{name}教育局",
            OrgKind.DISTRICT_BUREAU,
            None,
            code,
            name_en=f"{name_en} District Education Bureau",
        )
        for code, name, name_en in SHANGHAI_DISTRICTS
    }
    xuhui, huangpu = bureaus["310104"], bureaus["310101"]
    tianping = _org("天平路街道办事处", OrgKind.STREET_OFFICE, xuhui, "310104003")
    _org(
        "徐汇区社区学院",
        OrgKind.COMMUNITY_COLLEGE,
        xuhui,
        "310104",
        demo_uscc("12", "310104", "42500013"),
    )
    school = _org("天平路街道社区学校", OrgKind.COMMUNITY_SCHOOL, tianping, "310104003")
    _org("外滩街道社区学校", OrgKind.COMMUNITY_SCHOOL, huangpu, "310101013")
    _org(
        "上海老年大学",
        OrgKind.SENIOR_UNIVERSITY,
        None,
        "310106",
        demo_uscc("12", "310000", "42500021"),
    )
    _org(
        "上海开放大学",
        OrgKind.OPEN_UNIVERSITY,
        None,
        "310104",
        demo_uscc("12", "310000", "42500048"),
    )
    _org("上海交通大学", OrgKind.UNIVERSITY, None, "310104", demo_uscc("12", "310000", "42500056"))
    _org(
        "上海科技馆", OrgKind.EXPERIENCE_BASE, None, "310115", demo_uscc("12", "310000", "42500064")
    )
    _org(
        "上海市终身教育研究会",
        OrgKind.ASSOCIATION,
        None,
        "310104",
        demo_uscc("51", "310000", "50000028"),
    )
    credit_bank = _org(
        "上海市终身教育学分银行",
        OrgKind.CREDIT_BANK,
        None,
        "310104",
        demo_uscc("12", "310000", "42500072"),
    )
    escrow = _org(
        "上海示范银行", OrgKind.BANK, None, "310115", demo_uscc("91", "310000", "13221108")
    )
    enterprise = _org(
        "上海示范科技有限公司",
        OrgKind.ENTERPRISE,
        None,
        "310104",
        demo_uscc("91", "310104", "MA1FL3X4"),
    )
    institution = _org(
        "阳光艺术培训中心",
        OrgKind.TRAINING_INSTITUTION,
        xuhui,
        "310104",
        demo_uscc("52", "310104", "MJ4926D1"),
    )

    verified = {"verification_level": VerificationLevel.IN_PERSON, "verified_at": clock.now()}
    citizen = _person(
        "王晓明",
        demo_id_number("310104", "19850315", "003"),
        "13800000001",
        "310104",
        "310104003",
        **verified,
    )
    senior = _person(
        "李秀英",
        demo_id_number("310104", "19520806", "002"),
        "13800000002",
        "310104",
        "310104014",
        prefers_elder_mode=True,
        **verified,
    )
    parent = _person(
        "陈立华",
        demo_id_number("310104", "19840102", "013"),
        "13800000003",
        "310104",
        "310104011",
        **verified,
    )
    _person(
        "陈小雨", demo_id_number("310104", "20150601", "024"), "13800000004", "310104", "310104011"
    )

    _account("citizen", citizen, [(school, Role.CITIZEN, Membership.Scope.SELF)])
    _account("senior_citizen", senior, [(school, Role.CITIZEN, Membership.Scope.SELF)])
    _account("parent", parent, [])
    _account(
        "teacher",
        _person(
            "张老师", demo_id_number("310104", "19760921", "017"), "13800000005", "310104", None
        ),
        [(school, Role.TEACHER, Membership.Scope.SELF)],
    )
    _account(
        "volunteer",
        _person(
            "赵志愿", demo_id_number("310101", "19900512", "031"), "13800000006", "310101", None
        ),
        [(school, Role.VOLUNTEER, Membership.Scope.SELF)],
    )
    _account("school_staff", None, [(school, Role.SCHOOL_STAFF, Membership.Scope.SUBTREE)])
    _account("district_officer", None, [(xuhui, Role.DISTRICT_OFFICER, Membership.Scope.SUBTREE)])
    _account(
        "district_officer_huangpu",
        None,
        [(huangpu, Role.DISTRICT_OFFICER, Membership.Scope.SUBTREE)],
    )
    _account(
        "commission_officer", None, [(commission, Role.COMMISSION_OFFICER, Membership.Scope.CITY)]
    )
    _account(
        "credit_bank_officer",
        None,
        [(credit_bank, Role.CREDIT_BANK_OFFICER, Membership.Scope.CITY)],
    )
    _account("regulator", None, [(commission, Role.REGULATOR, Membership.Scope.CITY)])
    _account("enterprise_hr", None, [(enterprise, Role.ENTERPRISE_HR, Membership.Scope.SUBTREE)])
    _account(
        "institution_staff", None, [(institution, Role.INSTITUTION_STAFF, Membership.Scope.SUBTREE)]
    )
    _account("bank_gateway", None, [(escrow, Role.BANK_GATEWAY, Membership.Scope.SELF)])
    load_demo_privacy()
    return {"organisations": Organisation.objects.count(), "people": Person.objects.count()}
