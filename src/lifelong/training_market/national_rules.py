"""The national charging rules of 2021 for off-campus training (教育部办公厅等六部门《关于加强校外
培训机构预收费监管工作的通知》, 教监管厅函〔2021〕6号), as plain data: the first version of every
category's rules, seeded by a migration. Later versions are added through the API."""

from __future__ import annotations

import datetime as dt

EFFECTIVE_FROM = dt.date(2021, 10, 27)
SOURCE = "教监管厅函〔2021〕6号《关于加强校外培训机构预收费监管工作的通知》"
SUBJECT_MAX_AMOUNT_FEN = 5_000 * 100

CATEGORIES = (
    "subject",
    "arts",
    "sports",
    "science_technology",
    "vocational",
    "childcare",
    "other",
)


def rule_rows() -> list[dict]:
    """One payment covers at most 3 months or 60 class hours, is collected at most one month
    before the service starts, never beyond the premises lease; subject training at most
    5,000 yuan."""
    return [
        {
            "category": category,
            "effective_from": EFFECTIVE_FROM,
            "max_months": 3,
            "max_hours": 60,
            "max_amount_fen": SUBJECT_MAX_AMOUNT_FEN if category == "subject" else None,
            "collect_months_before_start": 1,
            "within_lease": True,
            "source": SOURCE,
        }
        for category in CATEGORIES
    ]
