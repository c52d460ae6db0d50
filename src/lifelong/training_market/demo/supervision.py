"""Demo supervision records: complaints at every stage, inspections and findings, a
penalty case, the public lists and a pending application."""

from __future__ import annotations

import datetime as dt

from lifelong.identity import api as identity
from lifelong.shared import clock
from lifelong.training_market.demo.world import Ctx
from lifelong.training_market.models import (
    Application,
    ApplicationEvent,
    CaseEvent,
    Complaint,
    ComplaintEvent,
    CreditListEntry,
    Finding,
    Inspection,
    InspectionPlan,
    Institution,
    PenaltyCase,
)


def load_supervision(
    ctx: Ctx, sunshine: Institution, trouble: list[Institution], institutions: list[Institution]
) -> int:
    today, rng, users = ctx.today, ctx.rng, ctx.user_ids
    citizen = users.get("citizen") or users["regulator"]
    now = clock.now()
    complaints: list[Complaint] = []
    events: list[ComplaintEvent] = []

    def complain(inst: Institution, category: str, text: str, days_ago: int, status: str) -> None:
        at = now - dt.timedelta(days=days_ago, hours=rng.randint(0, 8))
        c = Complaint(
            institution=inst,
            district_id=inst.district_id,
            category=category,
            description=text,
            complainant_id=citizen,
            status=status,
            submitted_at=at,
            accept_due=(at + dt.timedelta(days=7)).astimezone(clock.SHANGHAI).date(),
        )
        if status != "submitted":
            c.accepted_at = at + dt.timedelta(days=1)
            c.resolve_due = (at + dt.timedelta(days=31)).astimezone(clock.SHANGHAI).date()
        if status == "resolved":
            c.closed_at = at + dt.timedelta(days=10)
            c.outcome = "经调解，机构已按未消课部分退费。"
        complaints.append(c)

    for inst in trouble:
        for n in range(6):
            complain(
                inst,
                ("refund_refused", "fees_outside_escrow", "closure")[n % 3],
                "机构拒绝退还未上课时的费用，前台说老板联系不上。",
                rng.randint(1, 20),
                "submitted" if n % 2 else "accepted",
            )
    complain(sunshine, "teaching_quality", "老师临时调课次数较多。", 60, "resolved")
    for inst in rng.sample(institutions[1:], 40):
        complain(
            inst,
            rng.choice(["refund_refused", "false_advertising", "teaching_quality"]),
            "课程内容与宣传不符，希望退费。",
            rng.randint(30, 200),
            rng.choice(["resolved", "resolved", "rejected"]),
        )
    Complaint.objects.bulk_create(complaints)
    for c in complaints:
        events.append(
            ComplaintEvent(complaint=c, status="submitted", by_id=citizen, at=c.submitted_at)
        )
        if c.accepted_at:
            events.append(
                ComplaintEvent(
                    complaint=c,
                    status="accepted",
                    note="已受理",
                    by_id=users["regulator"],
                    at=c.accepted_at,
                )
            )
        if c.status in ("resolved", "rejected"):
            events.append(
                ComplaintEvent(
                    complaint=c,
                    status=c.status,
                    note=c.outcome or "不属于受理范围",
                    by_id=users["regulator"],
                    at=c.closed_at or c.submitted_at + dt.timedelta(days=2),
                )
            )
    ComplaintEvent.objects.bulk_create(events)

    officer = users.get("district_officer") or users["regulator"]
    plan = InspectionPlan.objects.create(
        district_id="310104",
        title=f"{today.year}年徐汇区校外培训机构专项检查",
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=60),
        created_by_id=officer,
    )
    xuhui_trouble = next(i for i in trouble if i.district_id == "310104")
    inspection = Inspection.objects.create(
        plan=plan,
        institution=xuhui_trouble,
        district_id="310104",
        inspected_on=today - dt.timedelta(days=6),
        inspectors="张明、李华",
        summary="现场发现机构通过个人收款码收取课时费，未进入监管账户。",
        created_by_id=officer,
    )
    finding = Finding.objects.create(
        inspection=inspection,
        code="fees_outside_escrow",
        severity="serious",
        description="以个人收款码收取培训费约12万元。",
    )
    Inspection.objects.create(
        plan=plan,
        institution=sunshine,
        district_id="310104",
        inspected_on=today - dt.timedelta(days=20),
        inspectors="张明",
        summary="资金监管、合同文本、从业人员查询均符合要求。",
        created_by_id=officer,
    )
    case = PenaltyCase.objects.create(
        institution=xuhui_trouble,
        district_id="310104",
        finding=finding,
        title="场外收取培训费用",
        status="investigated",
        filed_by_id=officer,
        filed_at=now - dt.timedelta(days=5),
    )
    CaseEvent.objects.bulk_create(
        [
            CaseEvent(case=case, kind="status", value="filed", by_id=officer, at=case.filed_at),
            CaseEvent(
                case=case,
                kind="status",
                value="investigated",
                note="已询问负责人并调取收款记录",
                by_id=officer,
                at=now - dt.timedelta(days=2),
            ),
        ]
    )
    closed = institutions[-1]
    old = PenaltyCase.objects.create(
        institution=closed,
        district_id=closed.district_id,
        title="超范围办学、超期收费",
        status="executed",
        decision="责令改正，罚款人民币二万元。",
        fine_amount="20000.00",
        transfer_status="concluded",
        transferred_to="上海市市场监督管理局",
        filed_by_id=users["regulator"],
        filed_at=now - dt.timedelta(days=200),
        decided_at=now - dt.timedelta(days=150),
    )
    CaseEvent.objects.bulk_create(
        [
            CaseEvent(
                case=old,
                kind="status",
                value=v,
                by_id=users["regulator"],
                at=now - dt.timedelta(days=d),
            )
            for v, d in (("filed", 200), ("investigated", 180), ("decided", 150), ("executed", 120))
        ]
    )
    CreditListEntry.objects.bulk_create(
        [
            CreditListEntry(
                institution=closed,
                list="public_credit",
                reason=old.decision,
                case=old,
                listed_on=today - dt.timedelta(days=150),
                created_by_id=users["regulator"],
            ),
            CreditListEntry(
                institution=closed,
                list="joint_punishment",
                reason="拒不执行行政处罚决定，列入联合惩戒对象名单",
                case=old,
                listed_on=today - dt.timedelta(days=100),
                until=today + dt.timedelta(days=3 * 365),
                created_by_id=users["regulator"],
            ),
        ]
    )
    Institution.objects.filter(pk=closed.pk).update(status="suspended")
    Application.objects.create(
        kind="establishment",
        district_id="310104",
        name="徐汇小橡树美术工作室",
        uscc=identity.demo_uscc("52", "310104", "MJ5001A7"),
        details={"categories": ["arts"], "address": "天平路88号", "for_profit": False},
        applicant_id=citizen,
        status="under_review",
        submitted_at=now - dt.timedelta(days=3),
        due_on=today + dt.timedelta(days=17),
    )
    app = Application.objects.latest("id")
    ApplicationEvent.objects.bulk_create(
        [
            ApplicationEvent(
                application=app, status="submitted", by_id=citizen, at=app.submitted_at
            ),
            ApplicationEvent(
                application=app,
                status="under_review",
                by_id=officer,
                at=app.submitted_at + dt.timedelta(days=1),
            ),
        ]
    )
    return len(complaints)
