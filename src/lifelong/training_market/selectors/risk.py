"""Risk warnings: a score per institution with the signals that drove it, computed for any
number of institutions at once from a handful of aggregate queries (no query per institution),
and the alert list of each district's regulators.

Signals and their points (the score is their sum, at most 100):
- liability_months — unconsumed prepaid money ÷ the value of lessons released per month (last
  90 days): ≥ 12 months 30, ≥ 6 months 20, ≥ 3 months 10 (money held but no lessons: 30);
- sales_spike — new prepaid payments in the last 30 days against the monthly average of the
  90 days before: ≥ 3× 20, ≥ 2× 10 (only above 10,000 yuan a month);
- refund_spike, complaint_spike — refunds asked / complaints filed in the last 30 days against
  the monthly average before: ≥ 3× and at least 3 of them, 15 each;
- fees_outside_escrow — reported by a complaint or an inspection finding in the last year: 25;
- no_escrow — no supervised account open: 15;
- lease_expiring — the last premises lease ends within 90 days: 10, has ended: 20;
- licence_expiring — the licence ends within 90 days: 10, has ended (or none): 20.
Level: high from 60, medium from 30.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, Sum

from lifelong.identity import api as identity
from lifelong.shared import clock
from lifelong.training_market import access
from lifelong.training_market.models import (
    Account,
    Complaint,
    EscrowAgreement,
    Finding,
    Institution,
    LedgerTransaction,
    Premises,
    RefundRequest,
)
from lifelong.training_market.money import yuan_str

HIGH = 60
MEDIUM = 30
SPIKE_MIN_MONTHLY_SALES_FEN = 10_000 * 100
NO_LESSONS_RATIO = 99.0

LABELS = {
    "liability_months": "未消课预收款可覆盖月数 / Months of unconsumed prepaid money",
    "sales_spike": "新增预收款激增 / Spike in new prepaid sales",
    "refund_spike": "退费申请激增 / Spike in refund requests",
    "complaint_spike": "投诉激增 / Spike in complaints",
    "fees_outside_escrow": "预收费未进监管账户 / Fees collected outside escrow",
    "no_escrow": "未开设监管账户 / No escrow account",
    "lease_expiring": "场所租期即将到期 / Premises lease ending",
    "licence_expiring": "办学许可即将到期 / Licence ending",
}


@dataclass(frozen=True)
class Signal:
    code: str
    value: float | None
    points: int
    detail: str

    @property
    def label(self) -> str:
        return LABELS[self.code]


@dataclass(frozen=True)
class RiskScore:
    institution_id: int
    institution_name: str
    district_code: str
    score: int
    level: str
    signals: list[Signal] = field(default_factory=list)

    @property
    def drivers(self) -> list[Signal]:
        return [s for s in self.signals if s.points > 0]


def _level(score: int) -> str:
    return "high" if score >= HIGH else "medium" if score >= MEDIUM else "low"


def _by_institution(rows, key: str = "total") -> dict[int, int]:
    return {r["institution_id"]: r[key] or 0 for r in rows}


def _spike(recent: int, before: int, *, minimum: int) -> float | None:
    """Recent month against the monthly average of the three months before."""
    if recent < minimum:
        return None
    average = before / 3
    return recent / average if average else float(recent)


def score_institutions(
    institutions: list[Institution], *, today: dt.date | None = None
) -> list[RiskScore]:
    """Risk scores of these institutions (a few aggregate queries in all)."""
    today = today or clock.today()
    ids = [i.pk for i in institutions]
    now = dt.datetime.combine(today, dt.time.max, tzinfo=clock.SHANGHAI)
    d30, d120 = now - dt.timedelta(days=30), now - dt.timedelta(days=120)
    d90, year = now - dt.timedelta(days=90), now - dt.timedelta(days=365)

    liability = _by_institution(
        Account.objects.filter(
            institution_id__in=ids, kind__in=("learner_prepaid", "refund_payable")
        )
        .values("institution_id")
        .annotate(total=Sum("balance_fen"))
    )
    moves = (
        LedgerTransaction.objects.filter(
            institution_id__in=ids,
            kind__in=("payment", "release", "release_void"),
            occurred_at__gt=d120,
            occurred_at__lte=now,
        )
        .values("institution_id")
        .annotate(
            released=Sum("amount_fen", filter=Q(kind="release", occurred_at__gt=d90)),
            unreleased=Sum("amount_fen", filter=Q(kind="release_void", occurred_at__gt=d90)),
            sales_recent=Sum("amount_fen", filter=Q(kind="payment", occurred_at__gt=d30)),
            sales_before=Sum("amount_fen", filter=Q(kind="payment", occurred_at__lte=d30)),
        )
    )
    money = {r["institution_id"]: r for r in moves}
    refunds = {
        r["contract__institution_id"]: r
        for r in RefundRequest.objects.filter(
            contract__institution_id__in=ids, created_at__gt=d120, created_at__lte=now
        )
        .values("contract__institution_id")
        .annotate(
            recent=Count("pk", filter=Q(created_at__gt=d30)),
            before=Count("pk", filter=Q(created_at__lte=d30)),
        )
    }
    complaints = {
        r["institution_id"]: r
        for r in Complaint.objects.filter(institution_id__in=ids, submitted_at__gt=d120)
        .values("institution_id")
        .annotate(
            recent=Count("pk", filter=Q(submitted_at__gt=d30)),
            before=Count("pk", filter=Q(submitted_at__lte=d30)),
        )
    }
    outside = set(
        Complaint.objects.filter(
            institution_id__in=ids, category="fees_outside_escrow", submitted_at__gt=year
        )
        .exclude(status="rejected")
        .values_list("institution_id", flat=True)
    ) | set(
        Finding.objects.filter(
            inspection__institution_id__in=ids,
            code="fees_outside_escrow",
            inspection__inspected_on__gt=today - dt.timedelta(days=365),
        ).values_list("inspection__institution_id", flat=True)
    )
    escrowed = set(
        EscrowAgreement.objects.filter(institution_id__in=ids, closed_on__isnull=True).values_list(
            "institution_id", flat=True
        )
    )
    leases = {
        r["institution_id"]: r["end"]
        for r in Premises.objects.filter(institution_id__in=ids)
        .values("institution_id")
        .annotate(end=Max("lease_end"))
    }

    scores = []
    for inst in institutions:
        signals = [
            _liability_signal(inst.pk, liability, money),
            _sales_signal(money.get(inst.pk)),
            _count_signal("refund_spike", refunds.get(inst.pk)),
            _count_signal("complaint_spike", complaints.get(inst.pk)),
            Signal(
                "fees_outside_escrow",
                None,
                25 if inst.pk in outside else 0,
                "投诉或检查发现场外收费 / reported by a complaint or an inspection"
                if inst.pk in outside
                else "",
            ),
            Signal("no_escrow", None, 0 if inst.pk in escrowed else 15, ""),
            _date_signal("lease_expiring", leases.get(inst.pk), today),
            _date_signal(
                "licence_expiring",
                inst.licence_valid_until if inst.licence_number else today,
                today,
            ),
        ]
        signals.sort(key=lambda s: -s.points)
        score = min(100, sum(s.points for s in signals))
        scores.append(
            RiskScore(inst.pk, inst.name, inst.district_id, score, _level(score), signals)
        )
    return scores


def _liability_signal(pk: int, liability: dict[int, int], money: dict) -> Signal:
    held = liability.get(pk, 0)
    row = money.get(pk) or {}
    monthly = ((row.get("released") or 0) - (row.get("unreleased") or 0)) / 3
    if held <= 0:
        return Signal("liability_months", 0.0, 0, "")
    ratio = held / monthly if monthly > 0 else NO_LESSONS_RATIO
    points = 30 if ratio >= 12 else 20 if ratio >= 6 else 10 if ratio >= 3 else 0
    held_yuan, monthly_yuan = yuan_str(held), yuan_str(int(monthly))
    detail = (
        f"未消课 {held_yuan} 元，月均课消 {monthly_yuan} 元 / "
        f"{held_yuan} yuan unconsumed, {monthly_yuan} yuan of lessons a month"
    )
    return Signal("liability_months", round(ratio, 1), points, detail)


def _sales_signal(row: dict | None) -> Signal:
    recent = (row or {}).get("sales_recent") or 0
    before = (row or {}).get("sales_before") or 0
    ratio = _spike(recent, before, minimum=SPIKE_MIN_MONTHLY_SALES_FEN)
    if ratio is None:
        return Signal("sales_spike", None, 0, "")
    points = 20 if ratio >= 3 else 10 if ratio >= 2 else 0
    detail = f"近30天新增 {yuan_str(recent)} 元 / {yuan_str(recent)} yuan in the last 30 days"
    return Signal("sales_spike", round(ratio, 1), points, detail)


def _count_signal(code: str, row: dict | None) -> Signal:
    recent = (row or {}).get("recent") or 0
    before = (row or {}).get("before") or 0
    ratio = _spike(recent, before, minimum=3)
    if ratio is None:
        return Signal(code, None, 0, "")
    detail = f"近30天 {recent} 件 / {recent} in the last 30 days"
    return Signal(code, round(ratio, 1), 15 if ratio >= 3 else 0, detail)


def _date_signal(code: str, ends: dt.date | None, today: dt.date) -> Signal:
    if ends is None or ends < today:
        return Signal(code, None, 20, "已到期或无记录 / ended or none on record")
    days = (ends - today).days
    if days <= 90:
        return Signal(code, float(days), 10, f"{days} 天后到期 / ends in {days} days")
    return Signal(code, float(days), 0, "")


def institution_risk(*, actor: identity.Actor, institution_id) -> RiskScore:
    """One institution's score, for its supervisors and its own staff."""
    institution = access.access_institution_by_id(actor, institution_id)
    return score_institutions([institution])[0]


def risk_alerts(
    *, actor: identity.Actor, min_score: int = MEDIUM, limit: int = 100
) -> list[RiskScore]:
    """The alert list: institutions in the supervisor's scope scoring at least `min_score`,
    highest first."""
    access.require_role(actor, access.SUPERVISOR_ROLES)
    institutions = list(
        Institution.objects.filter(
            access.institutions_visible_to(actor, access.SUPERVISOR_ROLES)
        ).exclude(status="closed")
    )
    scores = [s for s in score_institutions(institutions) if s.score >= min_score]
    scores.sort(key=lambda s: (-s.score, s.institution_name))
    return scores[: max(1, min(limit, 1000))]
