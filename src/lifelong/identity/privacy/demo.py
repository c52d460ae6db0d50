"""Demo data for the privacy features."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from lifelong.identity.models import (
    Person,
    ProxyKind,
    ProxyRelation,
)
from lifelong.identity.privacy.common import adulthood_starts
from lifelong.shared import clock

# ---- demo ------------------------------------------------------------------------------------


def load_demo_privacy() -> None:
    """Demo: the account `parent` (陈立华) is guardian of 陈小雨, recorded by the 徐汇区
    officer. Idempotent."""
    parent = Person.objects.filter(user__username="parent").first()
    child = Person.objects.filter(
        name="陈小雨", user__isnull=True, birth_date=dt.date(2015, 6, 1)
    ).first()
    if parent is None or child is None or child.birth_date is None:
        return
    now = clock.now()
    ends = adulthood_starts(child.birth_date)
    if ends <= now:
        return
    existing = ProxyRelation.objects.filter(
        principal=child, agent=parent, kind=ProxyKind.GUARDIAN_OF_MINOR, revoked_at__isnull=True
    )
    if existing.exists():
        return
    ProxyRelation.objects.create(
        principal=child,
        agent=parent,
        kind=ProxyKind.GUARDIAN_OF_MINOR,
        consent_evidence="演示数据：户口簿核验亲子关系 / Demo: parent and child checked against "
        "the household register",
        recorded_by=get_user_model().objects.filter(username="district_officer").first(),
        valid_from=now,
        valid_until=ends,
    )
