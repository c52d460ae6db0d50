"""Demo contracts and their money: 陈小雨's piano contract and 阳光艺术培训中心's learners,
ordinary contracts across the city, and the two institutions heading for trouble."""

from __future__ import annotations

import datetime as dt

from lifelong.identity import api as identity
from lifelong.shared import pii
from lifelong.training_market.common import add_months
from lifelong.training_market.demo.world import KINDS, Ctx, day_at, demo_id_number
from lifelong.training_market.models import (
    Contract,
    ContractState,
    Institution,
    RefundRequest,
)
from lifelong.training_market.national_rules import SUBJECT_MAX_AMOUNT_FEN
from lifelong.training_market.services.contracts import (
    GUARDIAN_CONTEXT,
    LEARNER_CONTEXT,
)


def _contract(
    ctx: Ctx,
    institution: Institution,
    category: str,
    course: str,
    *,
    hours: int,
    months: int,
    fen: int,
    signed: dt.date,
    learner_name: str,
    learner_id: str | None = None,
    guardian_id: str | None = None,
    learner_person: str | None = None,
    guardian_person: str | None = None,
    start: dt.date | None = None,
) -> Contract:
    ctx.seq += 1
    if learner_id is None:
        birth = ctx.today - dt.timedelta(
            days=365 * ctx.rng.randint(6, 15) + ctx.rng.randint(0, 360)
        )
        learner_id = demo_id_number(institution.district_id, birth, ctx.seq)
        guardian_id = demo_id_number(
            institution.district_id, birth - dt.timedelta(days=30 * 365 + 8), ctx.seq
        )
    birth = dt.date(int(learner_id[6:10]), int(learner_id[10:12]), int(learner_id[12:14]))
    minor = (
        ctx.today.year - birth.year - ((ctx.today.month, ctx.today.day) < (birth.month, birth.day))
    ) < 18
    start = start or signed + dt.timedelta(days=ctx.rng.randint(0, 14))
    contract = Contract(
        institution=institution,
        rule=ctx.rule(category),
        course=course,
        category=category,
        class_hours=hours,
        months=months,
        total_fen=fen,
        start_date=start,
        end_date=add_months(start, months),
        learner_name=learner_name,
        learner_id_sealed=pii.seal(learner_id, context=LEARNER_CONTEXT),
        learner_id_index=pii.blind_index(learner_id, context=LEARNER_CONTEXT),
        learner_id_masked=pii.mask_id_number(learner_id),
        learner_birth_date=birth,
        learner_is_minor=minor,
        learner_person_id=learner_person,
        guardian_id_sealed=pii.seal(guardian_id, context=GUARDIAN_CONTEXT) if guardian_id else "",
        guardian_id_index=pii.blind_index(guardian_id, context=GUARDIAN_CONTEXT)
        if guardian_id
        else "",
        guardian_id_masked=pii.mask_id_number(guardian_id) if guardian_id else "",
        guardian_person_id=guardian_person,
        signed_channel="staff",
        signed_by_id=ctx.user_ids.get("institution_staff"),
        signed_on=signed,
    )
    ctx.contracts.append(contract)
    ctx.states.append(ContractState(contract=contract, total_fen=fen, class_hours=hours))
    return contract


def _story(ctx: Ctx, contract: Contract, *, taught: int, refund: str, settle_all: bool) -> None:
    """Payment at signing, `taught` hours taught since in lessons of a few hours (each
    released at once and settled by the bank the next day, except the latest release unless
    `settle_all`), and optionally a refund of the unconsumed remainder ("full") or half of it
    ("part") that the bank has or has not paid yet."""
    batch, inst = ctx.batch, contract.institution_id
    paid_on = contract.signed_on
    batch.post(
        "payment",
        contract,
        inst,
        "payment",
        contract.total_fen,
        day_at(paid_on),
        key=f"demo-{contract.pk.hex}",
    )
    released = done = 0
    day = max(contract.start_date, paid_on)
    while done < taught:
        hours = min(taught - done, ctx.rng.choice((6, 8, 10)))
        day = min(day + dt.timedelta(days=ctx.rng.choice((7, 10, 14))), ctx.today)
        done += hours
        batch.consumptions.append((contract.pk, hours, day))
        earned = contract.total_fen * done // contract.class_hours
        txn = batch.post("release", contract, inst, "release", earned - released, day_at(day, 18))
        released = earned
        if settle_all or done < taught:
            batch.post(
                "release_settle",
                contract,
                inst,
                "release_settle",
                txn.amount_fen,
                day_at(day + dt.timedelta(days=1), 9),
                settles=txn,
            )
    if refund:
        remainder = contract.total_fen - released
        amount = remainder if refund == "full" else remainder // 2
        if amount > 0:
            on = min(day + dt.timedelta(days=1), ctx.today)
            txn = batch.post("refund", contract, inst, "refund", amount, day_at(on, 15))
            batch.refunds.append(
                RefundRequest(
                    contract=contract,
                    amount_fen=amount,
                    channel="institution",
                    reason="学员搬家，申请退还未消课费用",
                    transfer_id=txn.id,
                    requested_by_id=ctx.user_ids.get("institution_staff"),
                )
            )
            if ctx.rng.random() < 0.7:
                batch.post(
                    "refund_settle",
                    contract,
                    inst,
                    "refund_settle",
                    amount,
                    day_at(on + dt.timedelta(days=2), 11),
                    settles=txn,
                )


def sunshine_contracts(ctx: Ctx, sunshine: Institution) -> None:
    today = ctx.today
    parent = identity.find_person_by_id_number(demo_id_number("310104", dt.date(1984, 1, 2), 13))
    child_id = demo_id_number("310104", dt.date(2015, 6, 1), 24)
    child = identity.find_person_by_id_number(child_id)
    piano = _contract(
        ctx,
        sunshine,
        "arts",
        "少儿钢琴启蒙（一对一）",
        hours=48,
        months=3,
        fen=480_000,
        signed=today - dt.timedelta(days=35),
        start=today - dt.timedelta(days=30),
        learner_name="陈小雨",
        learner_id=child_id,
        guardian_id=demo_id_number("310104", dt.date(1984, 1, 2), 13),
        learner_person=child,
        guardian_person=parent,
    )
    stories = ctx.stories
    stories.append(lambda: _story(ctx, piano, taught=16, refund="", settle_all=False))
    courses = KINDS["arts"][1]
    for n in range(11):
        contract = _contract(
            ctx,
            sunshine,
            "arts",
            courses[n % len(courses)],
            hours=ctx.rng.choice((24, 36, 48)),
            months=3,
            fen=ctx.rng.choice((2400, 3600, 4800, 5400)) * 100,
            signed=today - dt.timedelta(days=ctx.rng.randint(5, 80)),
            learner_name=f"学员{n + 1:02d}",
        )
        taught = min(contract.class_hours, ctx.rng.randint(0, 20))
        stories.append(
            lambda c=contract, t=taught, n=n: _story(
                ctx, c, taught=t, refund="part" if n == 3 else "", settle_all=True
            )
        )


def ordinary_contract(ctx: Ctx, institution: Institution, category: str) -> None:
    rng = ctx.rng
    courses = KINDS[category][1]
    hours = rng.choice((20, 24, 30, 40, 48, 60))
    per_hour = rng.choice((80, 100, 120, 150, 200))
    fen = hours * per_hour * 100
    if category == "subject":
        fen = min(fen, SUBJECT_MAX_AMOUNT_FEN)
    contract = _contract(
        ctx,
        institution,
        category,
        rng.choice(courses),
        hours=hours,
        months=rng.choice((2, 3)),
        fen=fen,
        signed=ctx.today - dt.timedelta(days=rng.randint(3, 170)),
        learner_name=f"学员{ctx.seq:04d}",
    )
    elapsed = (ctx.today - contract.start_date).days
    taught = max(0, min(hours, elapsed // 3))
    refund = "full" if rng.random() < 0.05 else "part" if rng.random() < 0.05 else ""
    if institution.release_schedule == "monthly":
        taught = min(taught, hours)
    ctx.stories.append(lambda: _story(ctx, contract, taught=taught, refund=refund, settle_all=True))


def trouble_contracts(ctx: Ctx, institution: Institution) -> None:
    """Many new prepaid contracts in the last weeks, few lessons, refunds piling up."""
    rng = ctx.rng
    for n in range(24):
        recent = n >= 4
        contract = _contract(
            ctx,
            institution,
            "subject",
            rng.choice(KINDS["subject"][1]),
            hours=60,
            months=2,
            fen=SUBJECT_MAX_AMOUNT_FEN,
            signed=ctx.today
            - dt.timedelta(days=rng.randint(1, 25) if recent else rng.randint(95, 110)),
            learner_name=f"学员{ctx.seq:04d}",
        )
        ctx.stories.append(
            lambda c=contract, n=n: _story(
                ctx,
                c,
                taught=1 if n % 5 == 0 else 0,
                refund="part" if n % 4 == 0 else "",
                settle_all=True,
            )
        )
