"""The demo programmes open to credit conversion (two open-university majors with their
rules and caps) and the demo citizen's application."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model

from lifelong.credit_bank.demo.archives import CITIZEN
from lifelong.credit_bank.demo.standards import OPEN_UNIVERSITY
from lifelong.credit_bank.models import Application, Archive, Outcome, Programme, RuleSet
from lifelong.credit_bank.services import conversions
from lifelong.identity import api as identity

PROGRAMMES = [
    (
        "SOU-ZK-XQJY",
        "学前教育（专科）",
        {
            "XQ101": ("学前儿童发展心理学", 4),
            "XQ102": ("婴幼儿卫生与保育", 4),
            "XQ201": ("幼儿园艺术教育", 3),
            "JC001": ("计算机应用基础", 4),
            "JC002": ("大学英语（1）", 3),
        },
        Decimal("76"),
        (Decimal("20"), Decimal("12"), Decimal("15")),
        [
            ("VC-YYY-4", "XQ102", None, 5, True),
            ("SOU-21002", "XQ102", Decimal("60"), None, True),
            ("SOU-21001", "XQ101", Decimal("60"), None, True),
            ("SOU-11001", "JC001", Decimal("60"), None, True),
            ("VC-NCRE-1", "JC001", None, 5, True),
            ("VC-NCRE-2", "JC001", None, 5, True),
            ("SOU-11002", "JC002", Decimal("60"), None, True),
            ("CL-SF", "XQ201", Decimal("85"), 5, False),
            ("CL-GH", "XQ201", Decimal("85"), 5, False),
        ],
    ),
    (
        "SOU-ZK-LNFW",
        "老年服务与管理（专科）",
        {
            "LN101": ("老年护理学基础", 3),
            "LN102": ("养老护理实务", 4),
            "LN201": ("老年人活动策划", 3),
            "JC001": ("计算机应用基础", 4),
        },
        Decimal("76"),
        (Decimal("18"), Decimal("10"), Decimal("12")),
        [
            ("VC-YLHL-4", "LN102", None, 5, True),
            ("SOU-31001", "LN101", Decimal("60"), None, True),
            ("SOU-11001", "JC001", Decimal("60"), None, True),
            ("VC-NCRE-1", "JC001", None, 5, True),
            ("CL-TJQ", "LN201", None, 5, False),
            ("CL-HC", "LN201", None, 5, False),
        ],
    ),
]


def load_programmes(orgs: dict[str, identity.OrganisationBrief]) -> None:
    for code, name, courses, total, caps, rules in PROGRAMMES:
        programme, _ = Programme.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "institution_id": orgs[OPEN_UNIVERSITY].id,
                "total_credits": total,
                "courses": {k: {"name": n, "credits": c} for k, (n, c) in courses.items()},
            },
        )
        rule_set, _ = RuleSet.objects.get_or_create(
            programme=programme,
            version=1,
            defaults={"cap_total": caps[0], "cap_per_source": caps[1], "cap_per_year": caps[2]},
        )
        for standard_code, course_code, min_score, max_age, automatic in rules:
            conversions.ensure_rule(
                rule_set,
                standard_code=standard_code,
                course_code=course_code,
                course_name=courses[course_code][0],
                course_credits=Decimal(courses[course_code][1]),
                min_score=min_score,
                max_age_years=max_age,
                automatic=automatic,
            )


def load_application() -> None:
    person_id = identity.find_person_by_id_number(CITIZEN[1])
    archive = Archive.objects.filter(person_id=person_id).first() if person_id else None
    if archive is None or Application.objects.filter(archive=archive).exists():
        return
    user = get_user_model().objects.filter(username="citizen").first()
    if user is None:
        return
    wanted = list(
        Outcome.objects.filter(
            archive=archive,
            status=Outcome.Status.CERTIFIED,
            standard__code__in=["VC-YYY-4", "SOU-11001", "CL-SF"],
        ).values_list("pk", flat=True)
    )
    conversions.apply_for_conversion(
        actor=identity.actor_for_user(user), programme_code="SOU-ZK-XQJY", outcome_ids=wanted
    )
