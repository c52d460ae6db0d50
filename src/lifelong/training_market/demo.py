"""Shanghai demo data of the training market: 阳光艺术培训中心 (徐汇区, staffed by the demo
account `institution_staff`, premises leased for two more years) and 300 other institutions
across the 16 districts, each an `identity` organisation, with contracts, payments, lessons,
releases and refunds in the ledger; two institutions heading for trouble (one in 徐汇区, one in
黄浦区) so that both district regulators' risk lists have something on them; complaints,
inspections, a penalty case, the public lists, staff with vetting checks, and a pending
application. The demo `parent`'s child 陈小雨 has a piano contract at 阳光艺术培训中心.

Idempotent (nothing is added once 阳光艺术培训中心 is registered) and quick: the rows are
bulk-inserted, ledger postings before their transaction rows as the invariants require."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from lifelong.identity import api as identity
from lifelong.shared import clock, pii
from lifelong.shared.ids import ric_check_character
from lifelong.training_market.common import add_months
from lifelong.training_market.models import (
    ACCOUNT_SIGN,
    INSTITUTION_ACCOUNT_KINDS,
    Account,
    Application,
    ApplicationEvent,
    CaseEvent,
    Complaint,
    ComplaintEvent,
    Contract,
    ContractState,
    CreditListEntry,
    EscrowAgreement,
    Finding,
    Inspection,
    InspectionPlan,
    Institution,
    InstitutionCategory,
    PenaltyCase,
    Premises,
    RefundRequest,
    RestrictedPerson,
    StaffMember,
    VettingCheck,
)
from lifelong.training_market.national_rules import SUBJECT_MAX_AMOUNT_FEN
from lifelong.training_market.services.contracts import (
    GUARDIAN_CONTEXT,
    LEARNER_CONTEXT,
    rule_in_force,
)
from lifelong.training_market.services.ledger import transfer_legs
from lifelong.training_market.services.staff import STAFF_ID_CONTEXT

SUNSHINE = "阳光艺术培训中心"
OTHERS = 300
CONTRACTS_PER_INSTITUTION = (2, 4)
ESCROW_BANK = "上海示范银行"
TROUBLE = {"310104": "徐汇启航学科辅导中心", "310101": "黄浦未来星英语培训学校"}

BRANDS = [
    "星辰",
    "晨曦",
    "启明",
    "彩虹",
    "海韵",
    "青松",
    "博雅",
    "明德",
    "翰墨",
    "天籁",
    "飞鹰",
    "蓝天",
    "智慧",
    "乐学",
    "童心",
    "春晖",
    "思源",
    "卓越",
    "远航",
    "新苗",
]
KINDS = {
    "arts": ("艺术培训中心", ["少儿美术", "钢琴", "舞蹈基础", "书法", "声乐"]),
    "sports": ("体育培训中心", ["游泳", "篮球", "跆拳道", "乒乓球", "围棋"]),
    "science_technology": ("科技教育中心", ["机器人编程", "少儿编程", "航模", "科学实验"]),
    "vocational": ("职业技能培训学校", ["育婴员", "西式面点", "电工", "茶艺"]),
    "childcare": ("早期发展中心", ["亲子早教", "感统训练", "托育半日班"]),
    "subject": ("学科辅导中心", ["初中数学", "高中物理", "英语阅读", "语文写作"]),
    "other": ("文化培训中心", ["国学经典", "演讲与口才", "摄影"]),
}
ROADS = [
    "淮海中路",
    "漕溪北路",
    "南京东路",
    "四川北路",
    "长宁路",
    "延安西路",
    "曹杨路",
    "控江路",
    "沪闵路",
    "牡丹江路",
    "曹安公路",
    "世纪大道",
    "卫零路",
    "中山西路",
    "华新镇",
    "人民路",
    "八一路",
]


@dataclass(frozen=True)
class Txn:
    id: uuid.UUID
    amount_fen: int


@dataclass
class Batch:
    """Ledger rows collected in the order the invariants need them inserted, written with
    plain multi-row inserts (the triggers still check and apply every row)."""

    accounts: dict[int, dict[str, int]] = field(default_factory=dict)
    prepaid: dict = field(default_factory=dict)
    phases: dict[str, list[tuple]] = field(default_factory=dict)
    pending: list[tuple] = field(default_factory=list)
    settlements: list[tuple] = field(default_factory=list)
    consumptions: list[tuple] = field(default_factory=list)
    refunds: list[RefundRequest] = field(default_factory=list)

    def post(
        self,
        phase: str,
        contract: Contract | None,
        institution_id: int,
        kind: str,
        fen: int,
        at: dt.datetime,
        *,
        settles: Txn | None = None,
        key: str | None = None,
    ) -> Txn:
        accounts = dict(self.accounts[institution_id])
        if contract is not None:
            accounts["learner_prepaid"] = self.prepaid[contract.pk]
        txn = Txn(uuid.uuid4(), fen)
        contract_id = contract.pk if contract else None
        for account_id, amount in sorted(transfer_legs(kind, accounts, fen)):
            self.phases.setdefault(phase, []).append(
                (txn.id, account_id, institution_id, contract_id, kind, amount)
            )
        row = (
            txn.id,
            institution_id,
            contract_id,
            kind,
            fen,
            key,
            settles.id if settles else None,
            at,
        )
        (self.settlements if settles else self.pending).append(row)
        return txn

    def flush(self) -> int:
        ops = connection.ops
        native = connection.features.has_native_uuid_field

        def u(value):
            return value if native or value is None else value.hex

        now = ops.adapt_datetimefield_value(clock.now())
        with connection.cursor() as cursor:
            for phase in (
                "payment",
                "reserve",
                "release",
                "release_settle",
                "refund",
                "refund_settle",
            ):
                if phase == "release":
                    cursor.executemany(
                        "INSERT INTO training_market_consumption "
                        "(contract_id, hours, taught_on, recorded_by_id, created_at) "
                        "VALUES (%s, %s, %s, NULL, %s)",
                        [
                            (u(c), h, ops.adapt_datefield_value(d), now)
                            for c, h, d in self.consumptions
                        ],
                    )
                cursor.executemany(
                    "INSERT INTO training_market_posting (transaction_id, account_id, "
                    "institution_id, contract_id, kind, amount_fen, created_at) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                    [
                        (u(t), a, i, u(c), k, f, now)
                        for t, a, i, c, k, f in self.phases.get(phase, [])
                    ],
                )
            for rows in (self.pending, self.settlements):
                cursor.executemany(
                    "INSERT INTO training_market_ledgertransaction (id, institution_id, "
                    "contract_id, kind, amount_fen, idempotency_key, settles_id, bank_reference, "
                    "note, occurred_at, created_by_id, on_behalf_of, created_at) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, '', '', %s, NULL, '', %s)",
                    [
                        (u(t), i, u(c), k, f, key, u(s), ops.adapt_datetimefield_value(at), now)
                        for t, i, c, k, f, key, s, at in rows
                    ],
                )
        RefundRequest.objects.bulk_create(self.refunds, batch_size=2000)
        return len(self.pending) + len(self.settlements)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=clock.SHANGHAI)


def _id_number(area: str, birth: dt.date, seq: int) -> str:
    first17 = f"{area}{birth:%Y%m%d}{seq % 1000:03d}"
    return first17 + ric_check_character(first17)


@dataclass(frozen=True)
class Extra:
    """What the loader knows of a demo institution beyond its registry row."""

    categories: list[str]
    lease_end: dt.date
    escrow: bool


@dataclass
class Ctx:
    today: dt.date
    rng: random.Random
    batch: Batch
    bank_id: int
    user_ids: dict[str, int]
    contracts: list[Contract] = field(default_factory=list)
    states: list[ContractState] = field(default_factory=list)
    stories: list = field(default_factory=list)
    extras: dict[str, Extra] = field(default_factory=dict)
    rules: dict = field(default_factory=dict)
    seq: int = 0

    def rule(self, category: str):
        if category not in self.rules:
            self.rules[category] = rule_in_force(category, self.today)
        return self.rules[category]


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
        learner_id = _id_number(institution.district_id, birth, ctx.seq)
        guardian_id = _id_number(
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
        _at(paid_on),
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
        txn = batch.post("release", contract, inst, "release", earned - released, _at(day, 18))
        released = earned
        if settle_all or done < taught:
            batch.post(
                "release_settle",
                contract,
                inst,
                "release_settle",
                txn.amount_fen,
                _at(day + dt.timedelta(days=1), 9),
                settles=txn,
            )
    if refund:
        remainder = contract.total_fen - released
        amount = remainder if refund == "full" else remainder // 2
        if amount > 0:
            on = min(day + dt.timedelta(days=1), ctx.today)
            txn = batch.post("refund", contract, inst, "refund", amount, _at(on, 15))
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
                    _at(on + dt.timedelta(days=2), 11),
                    settles=txn,
                )


def _institution(
    ctx: Ctx,
    org_id: int,
    name: str,
    uscc: str,
    district: str,
    *,
    for_profit: bool,
    categories: list[str],
    lease_end: dt.date,
    licence_until: dt.date,
    escrow: bool = True,
    monthly: bool = False,
) -> Institution:
    rng = ctx.rng
    institution = Institution(
        organisation_id=org_id,
        name=name,
        uscc=uscc,
        district_id=district,
        address=f"{rng.choice(ROADS)}{rng.randint(1, 999)}号",
        for_profit=for_profit,
        licence_number=f"教民{district}{rng.randint(10000000, 99999999)}号",
        licence_issued_by="上海市教育委员会" if district == "310000" else "区教育局",
        licence_valid_from=licence_until - dt.timedelta(days=5 * 365),
        licence_valid_until=licence_until,
        release_schedule="monthly" if monthly else "per_lesson",
    )
    ctx.extras[uscc] = Extra(categories, lease_end, escrow)
    return institution


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Create the demo registry, contracts and ledger, supervision records and staff."""
    sunshine_org = identity.find_organisation(SUNSHINE)
    if sunshine_org is None:
        return {"institutions": 0}
    if Institution.objects.filter(pk=sunshine_org.id).exists():
        return {"institutions": Institution.objects.count()}
    today = clock.today()
    rng = random.Random(2020)
    users = {
        u.username: u.pk
        for u in get_user_model().objects.filter(
            username__in=[
                "institution_staff",
                "regulator",
                "district_officer",
                "district_officer_huangpu",
                "citizen",
                "parent",
                "senior_citizen",
            ]
        )
    }
    bank = identity.find_organisation(ESCROW_BANK)
    bank_id = bank.id if bank else identity.ensure_organisation(ESCROW_BANK, "bank", None, "310115")
    ctx = Ctx(today, rng, Batch(), bank_id, users)
    districts = {d.code: d.name for d in identity.districts()}
    bureaus = {
        code: (identity.find_organisation(f"{name}教育局") or sunshine_org).id
        for code, name in districts.items()
    }

    # ---- the registry ----
    institutions = [
        _institution(
            ctx,
            sunshine_org.id,
            SUNSHINE,
            identity.organisation_uscc(sunshine_org.id) or "",
            "310104",
            for_profit=False,
            categories=["arts"],
            lease_end=add_months(today, 24),
            licence_until=add_months(today, 30),
        )
    ]
    codes = sorted(districts)
    specs = []
    for n in range(OTHERS):
        district = codes[n % len(codes)]
        short = districts[district].removesuffix("新区").removesuffix("区")
        category = rng.choice(list(KINDS))
        troubled = n < len(codes) and district in TROUBLE
        brand = BRANDS[(n // len(codes)) % len(BRANDS)]
        name = TROUBLE[district] if troubled else f"上海{short}{brand}{KINDS[category][0]}"
        if troubled:
            category = "subject"
        elif n >= len(BRANDS) * len(codes):
            name = f"{name}（{n // (len(BRANDS) * len(codes)) + 1}分部）"
        for_profit = category in ("subject", "vocational") or rng.random() < 0.5
        uscc = identity.demo_uscc("91" if for_profit else "52", district, f"MD{n:06d}")
        specs.append((name, "training_institution", uscc, district, bureaus[district]))
        extra = [c for c in rng.sample(list(KINDS), 2) if c != category and c != "subject"][:1]
        institutions.append(
            _institution(
                ctx,
                0,
                name,
                uscc,
                district,
                for_profit=for_profit,
                categories=[category, *extra],
                lease_end=today + dt.timedelta(days=80 if troubled else rng.randint(200, 1100)),
                licence_until=today + dt.timedelta(days=rng.randint(60, 1500)),
                escrow=troubled or rng.random() < 0.92,
                monthly=rng.random() < 0.15,
            )
        )
    org_ids = identity.ensure_organisations(specs)
    for institution in institutions[1:]:
        institution.organisation_id = org_ids[institution.uscc]
    Institution.objects.bulk_create(institutions, batch_size=1000)
    InstitutionCategory.objects.bulk_create(
        [
            InstitutionCategory(institution=i, category=c)
            for i in institutions
            for c in ctx.extras[i.uscc].categories
        ]
    )
    Premises.objects.bulk_create(
        [
            Premises(
                institution=i,
                address=i.address,
                lease_start=ctx.extras[i.uscc].lease_end - dt.timedelta(days=3 * 365),
                lease_end=ctx.extras[i.uscc].lease_end,
            )
            for i in institutions
        ]
    )
    EscrowAgreement.objects.bulk_create(
        [
            EscrowAgreement(
                institution=i,
                bank_id=bank_id,
                account_number_masked=f"************{rng.randint(1000, 9999)}",
                opened_on=today - dt.timedelta(days=rng.randint(200, 900)),
            )
            for i in institutions
            if ctx.extras[i.uscc].escrow
        ]
    )
    Account.objects.bulk_create(
        [
            Account(institution=i, kind=k, sign=ACCOUNT_SIGN[k])
            for i in institutions
            for k in INSTITUTION_ACCOUNT_KINDS
        ],
        batch_size=2000,
    )
    for kind, institution_id, account_id in Account.objects.filter(
        institution__in=institutions
    ).values_list("kind", "institution_id", "id"):
        ctx.batch.accounts.setdefault(institution_id, {})[kind] = account_id

    # ---- contracts and their money ----
    sunshine = institutions[0]
    _sunshine_contracts(ctx, sunshine)
    trouble = [i for i in institutions if i.name in TROUBLE.values()]
    for institution in institutions[1:]:
        if institution in trouble:
            _trouble_contracts(ctx, institution)
            continue
        category = ctx.extras[institution.uscc].categories[0]
        for _ in range(rng.randint(*CONTRACTS_PER_INSTITUTION)):
            _ordinary_contract(ctx, institution, category)
    Contract.objects.bulk_create(ctx.contracts, batch_size=1000)
    ContractState.objects.bulk_create(ctx.states, batch_size=1000)
    Account.objects.bulk_create(
        [
            Account(
                institution_id=c.institution_id,
                kind="learner_prepaid",
                contract=c,
                sign=ACCOUNT_SIGN["learner_prepaid"],
            )
            for c in ctx.contracts
        ],
        batch_size=2000,
    )
    ctx.batch.prepaid = dict(
        Account.objects.filter(contract__in=ctx.contracts).values_list("contract_id", "id")
    )
    # The stories are told after the accounts exist (their ids go into the postings).
    for story in ctx.stories:
        story()
    for institution in institutions[::7]:
        if ctx.extras[institution.uscc].escrow:
            ctx.batch.post(
                "reserve",
                None,
                institution.pk,
                "reserve_top_up",
                rng.choice((50_000, 100_000, 200_000)) * 100,
                _at(today - dt.timedelta(days=rng.randint(100, 400))),
            )
    transactions = ctx.batch.flush()

    complaints = _supervision(ctx, sunshine, trouble, institutions)
    staff = _staff(ctx, sunshine)
    return {
        "institutions": len(institutions),
        "contracts": len(ctx.contracts),
        "transactions": transactions,
        "complaints": complaints,
        "staff": staff,
    }


def _sunshine_contracts(ctx: Ctx, sunshine: Institution) -> None:
    today = ctx.today
    parent = identity.find_person_by_id_number(_id_number("310104", dt.date(1984, 1, 2), 13))
    child_id = _id_number("310104", dt.date(2015, 6, 1), 24)
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
        guardian_id=_id_number("310104", dt.date(1984, 1, 2), 13),
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


def _ordinary_contract(ctx: Ctx, institution: Institution, category: str) -> None:
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


def _trouble_contracts(ctx: Ctx, institution: Institution) -> None:
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


def _supervision(
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


def _staff(ctx: Ctx, sunshine: Institution) -> int:
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
        number = _id_number("310104", dt.date(year, 3 + n, 11), 100 + n)
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
    applicant = _id_number("310104", dt.date(1996, 9, 9), 201)
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
    barred = _id_number("310101", dt.date(1975, 4, 4), 301)
    RestrictedPerson.objects.create(
        id_number_index=pii.blind_index(barred, context=STAFF_ID_CONTEXT),
        name_masked="刘**",
        basis="（2019）沪0101刑初123号判决：禁止从事密切接触未成年人的工作",
        listed_on=ctx.today - dt.timedelta(days=900),
        created_by_id=users.get("regulator"),
    )
    return len(staff)
