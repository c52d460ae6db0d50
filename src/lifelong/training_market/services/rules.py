"""Versions of the charging rules: a city regulator adds one; nothing is ever edited."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from lifelong.identity import api as identity
from lifelong.shared.errors import Conflict, Forbidden, Invalid
from lifelong.training_market import access
from lifelong.training_market.common import audit, choice, text
from lifelong.training_market.models import Category, ChargingRule
from lifelong.training_market.money import parse_amount
from lifelong.training_market.national_rules import rule_rows


def all_rules() -> list[ChargingRule]:
    return list(ChargingRule.objects.order_by("category", "-effective_from"))


def ensure_national_rules() -> int:
    """The national 2021 rules, if missing (the migration seeds them; a test that empties
    the database calls this). Returns how many were added."""
    added = 0
    for row in rule_rows():
        _, made = ChargingRule.objects.get_or_create(
            category=row["category"], effective_from=row["effective_from"], defaults=row
        )
        added += made
    return added


@transaction.atomic
def add_rule_version(
    *,
    actor: identity.Actor,
    category: str,
    effective_from: dt.date,
    source: str,
    max_months: int | None = None,
    max_hours: int | None = None,
    max_amount: str | None = None,
    collect_months_before_start: int | None = None,
    within_lease: bool = True,
) -> ChargingRule:
    """A new version of a category's rules, in force from `effective_from` (contracts signed
    before keep the version they were checked against)."""
    access.require_role(actor, access.ENFORCER_ROLES)
    if not any(g.city_wide for g in actor.grants_for(access.ENFORCER_ROLES)):
        raise Forbidden("收费规则由市级监管部门制定 / Charging rules are set city-wide")
    if max_months is None and max_hours is None and max_amount is None and not within_lease:
        raise Invalid("规则至少包含一项限制 / A rule needs at least one limit")
    try:
        with transaction.atomic():
            rule = ChargingRule.objects.create(
                category=choice(category, "category", Category.values),
                effective_from=effective_from,
                max_months=max_months,
                max_hours=max_hours,
                max_amount_fen=parse_amount(max_amount, field="max_amount")
                if max_amount is not None
                else None,
                collect_months_before_start=collect_months_before_start,
                within_lease=within_lease,
                source=text(source, "source", max_length=300),
            )
    except IntegrityError:
        raise Conflict(
            "该类别在该日期已有规则版本 / A version for that category and date exists",
            fields={"effective_from": "已存在 / exists"},
        ) from None
    audit(actor, "rule.add", "charging_rule", rule.pk, category=rule.category)
    return rule
