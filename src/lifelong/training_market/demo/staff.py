"""Demo staff of 阳光艺术培训中心 with their vetting checks, an applicant, and one person
barred from working with minors."""

from __future__ import annotations

import datetime as dt

from lifelong.shared import clock, pii
from lifelong.training_market.demo.world import Ctx, demo_id_number
from lifelong.training_market.models import (
    Institution,
    RestrictedPerson,
    StaffMember,
    VettingCheck,
)
from lifelong.training_market.services.staff import STAFF_ID_CONTEXT


def load_staff(ctx: Ctx, sunshine: Institution) -> int:
    now, users = clock.now(), ctx.user_ids
    people = [
        ("周雅琴", "钢琴教师", 1988),
        ("吴晓峰", "美术教师", 1991),
        ("郑欣然", "舞蹈教师", 1995),
        ("孙伟", "前台", 1990),
        ("何静", "校长", 1979),
    ]
    staff = []
    for n, (name, position, year) in enumerate(people):
        number = demo_id_number("310104", dt.date(year, 3 + n, 11), 100 + n)
        staff.append(
            StaffMember(
                institution=sunshine,
                name=name,
                id_number_sealed=pii.seal(number, context=STAFF_ID_CONTEXT),
                id_number_index=pii.blind_index(number, context=STAFF_ID_CONTEXT),
                id_number_masked=pii.mask_id_number(number),
                position=position,
                status="employed",
                consent_evidence="入职登记表签字同意查询",
                consent_at=now - dt.timedelta(days=400),
                hired_on=ctx.today - dt.timedelta(days=390),
            )
        )
    applicant = demo_id_number("310104", dt.date(1996, 9, 9), 201)
    staff.append(
        StaffMember(
            institution=sunshine,
            name="林佳怡",
            position="声乐教师",
            status="applicant",
            id_number_sealed=pii.seal(applicant, context=STAFF_ID_CONTEXT),
            id_number_index=pii.blind_index(applicant, context=STAFF_ID_CONTEXT),
            id_number_masked=pii.mask_id_number(applicant),
        )
    )
    StaffMember.objects.bulk_create(staff)
    VettingCheck.objects.bulk_create(
        [
            VettingCheck(
                staff=s,
                kind="pre_employment",
                result="clear",
                consent_at=s.consent_at,
                checked_by_id=users.get("institution_staff"),
                checked_at=now - dt.timedelta(days=400),
            )
            for s in staff
            if s.status == "employed"
        ]
    )
    barred = demo_id_number("310101", dt.date(1975, 4, 4), 301)
    RestrictedPerson.objects.create(
        id_number_index=pii.blind_index(barred, context=STAFF_ID_CONTEXT),
        name_masked="刘**",
        basis="（2019）沪0101刑初123号判决：禁止从事密切接触未成年人的工作",
        listed_on=ctx.today - dt.timedelta(days=900),
        created_by_id=users.get("regulator"),
    )
    return len(staff)
