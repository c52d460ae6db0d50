"""The conversion decision, as a pure function so that its guarantees can be property-tested:
whatever the outcomes, rules and earlier grants,

- the credits granted into a programme never exceed the rule set's overall cap, its cap per
  source (the kind of learning: vocational certificate, enterprise training, …) or its cap per
  year (credits granted in one calendar year);
- no outcome converts twice into the same programme and no course is granted twice;
- every automatic grant meets its rule's minimum score and recency;
- the same input always gives the same decisions.

Reasons are recorded in Chinese and English.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

GRANTED = "granted"
DENIED = "denied"
REVIEW = "review"
CERTIFIED = "certified"


@dataclass(frozen=True)
class Caps:
    total: Decimal
    per_source: Decimal
    per_year: Decimal


@dataclass(frozen=True)
class RuleSpec:
    id: int
    standard_code: str
    course_code: str
    credits: Decimal
    min_score: Decimal | None = None
    max_age_years: int | None = None
    automatic: bool = True


@dataclass(frozen=True)
class Candidate:
    outcome_id: str
    status: str
    standard_code: str | None
    source: str
    score: Decimal | None
    achieved_on: dt.date


@dataclass(frozen=True)
class Grant:
    """A conversion already granted into the programme for this learner."""

    outcome_id: str
    course_code: str
    credits: Decimal
    source: str
    year: int


@dataclass(frozen=True)
class Decision:
    outcome_id: str
    decision: str
    rule_id: int | None = None
    course_code: str = ""
    credits: Decimal = Decimal(0)
    reasons: tuple[str, ...] = ()


@dataclass
class Tally:
    """What has been granted so far: the running sums the caps apply to."""

    total: Decimal = Decimal(0)
    by_source: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    by_year: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    outcomes: set[str] = field(default_factory=set)
    courses: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, grants: Iterable[Grant]) -> Tally:
        tally = cls()
        for g in grants:
            tally.add(g.outcome_id, g.course_code, g.credits, g.source, g.year)
        return tally

    def add(self, outcome_id: str, course: str, credits: Decimal, source: str, year: int) -> None:
        self.total += credits
        self.by_source[source] += credits
        self.by_year[year] += credits
        self.outcomes.add(outcome_id)
        self.courses.add(course)

    def blocking(
        self, *, outcome_id: str, course: str, credits: Decimal, source: str, year: int, caps: Caps
    ) -> list[str]:
        """Why granting this would break a rule: double counting or a cap."""
        reasons = []
        if outcome_id in self.outcomes:
            reasons.append("该成果已用于本专业的学分转换 / Already converted into this programme")
        if course in self.courses:
            reasons.append(f"课程 {course} 已获认定 / Course {course} has already been granted")
        if self.total + credits > caps.total:
            reasons.append(
                f"超过转换学分总上限 {caps.total} / Over the overall cap of {caps.total} credits"
            )
        if self.by_source[source] + credits > caps.per_source:
            reasons.append(
                f"超过同一来源上限 {caps.per_source} / Over the cap of {caps.per_source} "
                f"credits per source"
            )
        if self.by_year[year] + credits > caps.per_year:
            reasons.append(
                f"超过年度上限 {caps.per_year} / Over the yearly cap of {caps.per_year} credits"
            )
        return reasons


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def condition_failures(rule: RuleSpec, candidate: Candidate, today: dt.date) -> list[str]:
    reasons = []
    if rule.min_score is not None and (candidate.score is None or candidate.score < rule.min_score):
        reasons.append(
            f"成绩低于 {rule.min_score} 分 / Score below the minimum of {rule.min_score}"
        )
    if rule.max_age_years is not None and candidate.achieved_on < _years_before(
        today, rule.max_age_years
    ):
        reasons.append(
            f"成果取得已超过 {rule.max_age_years} 年 / Achieved more than "
            f"{rule.max_age_years} years ago"
        )
    return reasons


def decide(
    candidates: Sequence[Candidate],
    rules: Sequence[RuleSpec],
    caps: Caps,
    granted: Iterable[Grant],
    today: dt.date,
) -> list[Decision]:
    """Decide every candidate, in order of the date achieved (then id), against the rules and
    what was granted before. Automatic rules grant or deny; an outcome no rule covers, or whose
    only fitting rule is not automatic, goes to staff review."""
    tally = Tally.of(granted)
    by_standard: dict[str, list[RuleSpec]] = defaultdict(list)
    for rule in sorted(rules, key=lambda r: (r.course_code, r.id)):
        by_standard[rule.standard_code].append(rule)
    seen: set[str] = set()
    decisions = []
    for cand in sorted(candidates, key=lambda c: (c.achieved_on, c.outcome_id)):
        decisions.append(_decide_one(cand, by_standard, caps, tally, seen, today))
    return decisions


def _decide_one(
    cand: Candidate,
    by_standard: dict[str, list[RuleSpec]],
    caps: Caps,
    tally: Tally,
    seen: set[str],
    today: dt.date,
) -> Decision:
    if cand.outcome_id in seen:
        return Decision(
            cand.outcome_id, DENIED, reasons=("同一成果重复提交 / The same outcome twice",)
        )
    seen.add(cand.outcome_id)
    if cand.status != CERTIFIED:
        return Decision(
            cand.outcome_id, DENIED, reasons=("成果尚未认证 / The outcome is not certified",)
        )
    if cand.outcome_id in tally.outcomes:
        return Decision(
            cand.outcome_id,
            DENIED,
            reasons=("该成果已用于本专业的学分转换 / Already converted into this programme",),
        )
    rules = by_standard.get(cand.standard_code or "", [])
    if not rules:
        return Decision(
            cand.outcome_id,
            REVIEW,
            reasons=("没有适用的转换规则，转人工审核 / No rule applies: sent to staff review",),
        )
    reasons: list[str] = []
    for rule in rules:
        failures = condition_failures(rule, cand, today) + tally.blocking(
            outcome_id=cand.outcome_id,
            course=rule.course_code,
            credits=rule.credits,
            source=cand.source,
            year=today.year,
            caps=caps,
        )
        if failures:
            reasons.extend(failures)
            continue
        if not rule.automatic:
            return Decision(
                cand.outcome_id,
                REVIEW,
                rule_id=rule.id,
                course_code=rule.course_code,
                reasons=(
                    f"规则 {rule.course_code} 需人工审核 / Rule for {rule.course_code} needs "
                    f"staff review",
                ),
            )
        tally.add(cand.outcome_id, rule.course_code, rule.credits, cand.source, today.year)
        return Decision(
            cand.outcome_id,
            GRANTED,
            rule_id=rule.id,
            course_code=rule.course_code,
            credits=rule.credits,
            reasons=(
                f"符合规则：免修 {rule.course_code}，认定 {rule.credits} 学分 / Meets the rule: "
                f"exempt from {rule.course_code}, {rule.credits} credits",
            ),
        )
    return Decision(cand.outcome_id, DENIED, reasons=tuple(dict.fromkeys(reasons)))
